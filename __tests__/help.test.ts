import { readdirSync, readFileSync, statSync } from "fs";
import * as path from "path";
import { OTHER_VARIABLES, READ_VARIABLES } from "../settings";

const ROOT = path.join(__dirname, "..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const HELP = read("help");

/** The project's own files under `dir` whose names pass `keep`. */
function files(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const file = path.posix.join(dir, name);
    if (name === "node_modules" || name.startsWith(".venv")) return [];
    return statSync(path.join(ROOT, file)).isDirectory() ? files(file, keep) : keep(file) ? [file] : [];
  });
}

/** Every program reads these; help need not name them. */
const UNIVERSAL = ["HOME", "PATH"];

/**
 * The environment variables the project's code and scripts read or set: the settings' variables,
 * `process.env` reads and named variable constants in TypeScript and JavaScript, environments built
 * for child processes, and in the shell scripts optional reads (`${NAME:-...}`), exports and
 * assignments prefixed to a command.
 */
function variablesInCode(): Set<string> {
  const found = new Set<string>([...READ_VARIABLES, ...OTHER_VARIABLES]);
  const add = (text: string, pattern: RegExp) => {
    for (const match of text.matchAll(pattern)) found.add(match[1]!);
  };
  const code = ["main.ts", "settings.ts", "stack.ts", ...files("modules", (file) => file.endsWith(".ts")), ...["scripts", "bench", "packages"].flatMap((dir) => files(dir, (file) => /\.(ts|js)$/.test(file) && !file.includes("/__tests__/")))];
  const tests = ["__tests__", ...readdirSync(path.join(ROOT, "packages")).map((name) => `packages/${name}/__tests__`)];
  for (const file of [...code, ...tests.flatMap((dir) => files(dir, (file) => file.endsWith(".ts")))]) {
    const text = read(file);
    add(text, /process\.env\.([A-Z][A-Z0-9_]*)/g);
    add(text, /process\.env\[["']([A-Z][A-Z0-9_]*)["']\]/g);
    add(text, /\bvariable\("([A-Z][A-Z0-9_]*)"\)/g);
    add(text, /\b[A-Z_]*VARIABLE = "([A-Z][A-Z0-9_]*)"/g);
    if (code.includes(file)) {
      add(text, /\benv\.([A-Z][A-Z0-9_]*) =/g);
      for (const [, keys] of text.matchAll(/\{ \.\.\.process\.env, ([^}]*)\}/g)) add(keys!, /\b([A-Z][A-Z0-9_]*):/g);
    }
  }
  const shell = [".ci/run", ...["scripts", "packages"].flatMap((dir) => files(dir, (file) => file.endsWith(".sh")))];
  for (const file of shell) {
    const text = read(file);
    add(text, /\$\{([A-Z][A-Z0-9_]*):?[-+]/g);
    add(text, /\bexport ([A-Z][A-Z0-9_]*)=/g);
    add(text, /(?:^|[\s(])([A-Z][A-Z0-9_]*)=(?:"\$\([^)]*\)"|"[^"]*"|\S+)(?= +(?:[A-Z][A-Z0-9_]*=\S+ +)*(?:node|npx|npm|terraform|clean_env)\b)/gm);
  }
  for (const name of UNIVERSAL) found.delete(name);
  return found;
}

/** The variables help names: every all-capitals word with an underscore, or a known name. */
function variablesInHelp(): Set<string> {
  return new Set([...HELP.matchAll(/(?<![\w./-])([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]|CI|PYTHON)(?![\w-])/g)].map((match) => match[1]!));
}

describe("help", () => {
  it("names every environment variable the code and scripts read or set", () => {
    const missing = [...variablesInCode()].filter((name) => !variablesInHelp().has(name)).sort();
    expect(missing).toEqual([]);
  });

  it("names no variable that nothing reads or sets", () => {
    const code = variablesInCode();
    const stale = [...variablesInHelp()].filter((name) => !code.has(name)).sort();
    expect(stale).toEqual([]);
  });

  it("names every npm script", () => {
    const scripts = Object.keys(JSON.parse(read("package.json")).scripts as Record<string, string>);
    const named = (script: string) => new RegExp(`npm (run )?${script}(?![\\w-]|:\\w)`).test(HELP) || (script === "synth" && HELP.includes("npx cdktf synth"));
    expect(scripts.filter((script) => !named(script))).toEqual([]);
  });

  it("fits one screen", () => {
    expect(HELP.trimEnd().split("\n").length).toBeLessThanOrEqual(65);
    expect(Math.max(...HELP.split("\n").map((line) => line.length))).toBeLessThanOrEqual(100);
  });
});
