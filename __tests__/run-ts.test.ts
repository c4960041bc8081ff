import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

// Plain JavaScript loaded as it is, so the test checks the file the app runs.
const RUN_TS = path.join(__dirname, "..", "scripts", "run-ts.js");
const { cacheFileOf } = require(RUN_TS) as { cacheFileOf(entry: string): string };

describe("the app loader's bundle cache", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ses-events-run-ts-"));
  const entry = path.join(dir, "entry.ts");
  const cacheFile = cacheFileOf(entry);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(() => rmSync(cacheFile, { force: true }));

  /** Writes a file as saved a minute ago, or just now. */
  function write(file: string, text: string, savedNow = false): void {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    const when = savedNow ? new Date() : new Date(Date.now() - 60_000);
    utimesSync(file, when, when);
    utimesSync(path.dirname(file), when, when);
  }

  /** What the entry exports as `result`, loaded in a process of its own as scripts/app.js loads main.ts. */
  function load(): string {
    const script = `process.stdout.write(require(${JSON.stringify(RUN_TS)}).loadTypeScript(${JSON.stringify(entry)}).result)`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(result.stderr).toBe("");
    return result.stdout;
  }

  const cachedText = () => (JSON.parse(readFileSync(cacheFile, "utf8")) as { text: string }).text;

  test("reuses the bundle until a file it was built from, or what an import resolves to, changes", () => {
    write(entry, 'import { value } from "./dep";\nexport const result: string = value;\n');
    write(path.join(dir, "dep", "index.ts"), 'export const value = "from the folder";\n');
    expect(load()).toBe("from the folder");
    expect(existsSync(cacheFile)).toBe(true);

    // A cache hit runs the cached bundle: edited here, the edit shows.
    writeFileSync(cacheFile, JSON.stringify({ ...JSON.parse(readFileSync(cacheFile, "utf8")), text: cachedText().replace("from the folder", "from the cache") }));
    expect(load()).toBe("from the cache");

    write(path.join(dir, "dep", "index.ts"), 'export const value = "changed";\n');
    expect(load()).toBe("changed");

    // No input changes, but ./dep now resolves to dep.ts: the folder's entries are part of the check.
    write(path.join(dir, "dep.ts"), 'export const value = "from the file";\n');
    expect(load()).toBe("from the file");
    expect(cachedText()).toContain("from the file");
  });

  test("does not cache a bundle built from a file saved moments ago, which esbuild may have read half-saved", () => {
    write(entry, 'import { value } from "./dep";\nexport const result: string = value;\n');
    write(path.join(dir, "dep.ts"), 'export const value = "settled";\n');
    expect(load()).toBe("settled");
    write(path.join(dir, "dep.ts"), 'export const value = "just saved";\n', true);
    expect(load()).toBe("just saved");
    expect(cachedText()).toContain("settled");
    expect(cachedText()).not.toContain("just saved");
  });
});
