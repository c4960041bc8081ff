// Types of migrate-cdktn.js, for the tests.
export class MigrationError extends Error {}
export function rewriteImports(source: string): string;
export function rewriteCli(text: string): string;
export function migratePackageJson(pkg: Record<string, any>, set: Record<string, any>): Record<string, any>;
export function migrate(root: string, log?: (text: string) => void): string[];
