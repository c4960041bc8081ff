import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const CLI = /\bcdktn\b/.test(pkg.scripts.synth ?? "") ? "cdktn" : "cdktf";

let project: string;
beforeAll(() => {
  // A project with this package.json's scripts, the real cross-env, and a CLI that reports what it got.
  project = mkdtempSync(path.join(tmpdir(), "ses-events-cli-scripts-"));
  const bin = path.join(project, "node_modules", ".bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "scripts-under-test", private: true, scripts: pkg.scripts }));
  symlinkSync(path.join(ROOT, "node_modules", ".bin", "cross-env"), path.join(bin, "cross-env"));
  const cli = path.join(bin, CLI);
  writeFileSync(
    cli,
    `#!${process.execPath}\nprocess.stdout.write(JSON.stringify({ args: process.argv.slice(2), checkpointDisable: process.env.CHECKPOINT_DISABLE ?? null }));\n`,
  );
  chmodSync(cli, 0o755);
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

type Received = { args: string[]; checkpointDisable: string | null };

/** Runs `file` with `args` in the project, without CHECKPOINT_DISABLE in the environment; what the CLI received. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Received> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "CHECKPOINT_DISABLE" && !name.startsWith("npm_")));
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: project, env: { ...base, ...env }, encoding: "utf8", timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${file} ${args.join(" ")} failed: ${error.message} ${stderr}`));
      resolve(JSON.parse(stdout));
    });
  });
}

describe("the CLI scripts", () => {
  test("npm run synth, the Quick start's command, runs the CLI with HashiCorp's checkpoint (telemetry) off, passing its arguments", async () => {
    await expect(run("npm", ["run", "--silent", "synth", "--", "--output", "out"])).resolves.toEqual({ args: ["synth", "--output", "out"], checkpointDisable: "1" });
  });

  // The same command line as npm runs it (sh -c, node_modules/.bin first on PATH), without npm's own start-up.
  test.concurrent.each([
    ["diff", ["staging"]],
    ["deploy", ["production", "--auto-approve"]],
    ["destroy", ["staging"]],
  ])("npm run %s runs the CLI command with the checkpoint off, passing its arguments", async (script, args) => {
    const PATH = `${path.join(project, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}`;
    await expect(run("sh", ["-c", `${pkg.scripts[script]} "$@"`, "sh", ...args], { PATH })).resolves.toEqual({ args: [script, ...args], checkpointDisable: "1" });
  });

  test("the Quick start is two commands, and synthesizes through npm run synth", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const quickStart = readme.slice(readme.indexOf("## Quick start"));
    expect(/```sh\n([^`]*)```/.exec(quickStart)?.[1]).toBe("npm ci && npm run synth\nnpm test\n");
    expect(readFileSync(path.join(ROOT, "help"), "utf8")).toMatch(/^Quick start +npm ci && npm run synth +/m);
  });
});
