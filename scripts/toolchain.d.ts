// Types of toolchain.js, for the tests.
export type ToolchainName = "cdktf" | "cdktn";
export interface Toolchain {
  readonly name: ToolchainName;
  readonly core: string;
  readonly provider: string;
  readonly cli: string;
  /** Whether the source's cdktf imports are mapped to toolchains/cdktn. */
  readonly mapped: boolean;
}
export class ToolchainError extends Error {}
export const VARIABLE: "CDK_TOOLCHAIN";
export const REQUIRE_VARIABLE: "REQUIRE_CDKTN";
export function comparisonRequired(env?: Record<string, string | undefined>): boolean;
export const TOOLCHAINS: Record<ToolchainName, Omit<Toolchain, "mapped">>;
export const CDKTN_DIR: string;
export const CDKTN_MODULES: ReadonlyArray<{ from: string; to: string }>;
export function installedToolchain(root?: string): ToolchainName;
export function selectedToolchain(env?: Record<string, string | undefined>, root?: string): Toolchain;
export function cdktnInstalled(): boolean;
export function mapSpecifier(specifier: string, toolchain: Toolchain): string | undefined;
export function hookRequire(toolchain?: Toolchain): void;
export function exitOnToolchainError<T>(main: () => T): T;
export function assertNodeForCdktnCli(version?: string): void;
export function jestModuleNameMapper(toolchain: Toolchain): Record<string, string>;
