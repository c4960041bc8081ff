import { spawnSync } from "child_process";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";

// The Python parts of npm run terraform:check, each against the launcher on a free loopback port
// (no Terraform): the launcher's corrections (packages/terraform-check/tests/test_ministack_server.py)
// and event-flow.py (test_event_flow.py). Run once through packages/terraform-check/unit-tests.sh
// (which installs ministack into .venv-mock/ when it is missing); each Python test is a jest test.

const ROOT = path.join(__dirname, "..", "..", "..");
const TESTS = path.join(ROOT, "packages/terraform-check/tests");
const MODULES = readdirSync(TESTS)
  .filter((f) => /^test_.*\.py$/.test(f))
  .map((f) => f.replace(/\.py$/, ""));

/** Every test the Python files define: "test_name (module.Class.test_name)" as unittest -v names them. */
function definedTests(): string[] {
  const names: string[] = [];
  for (const module of MODULES) {
    let cls = "";
    for (const line of readFileSync(path.join(TESTS, `${module}.py`), "utf8").split("\n")) {
      const c = /^class (\w+)\(/.exec(line);
      if (c) cls = c[1];
      const t = /^ {4}def (test_\w+)\(/.exec(line);
      if (t) names.push(`${t[1]} (${module}.${cls}.${t[1]})`);
    }
  }
  return names;
}

let report = "";
let status: number | null = null;
const outcomes = new Map<string, string>();

beforeAll(() => {
  const run = spawnSync("bash", ["packages/terraform-check/unit-tests.sh", ...MODULES], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
  report = `${run.stdout}\n${run.stderr}`;
  status = run.status;
  // "test_x (module.Class.test_x) ... ok" (a docstring may put its first line after the name)
  for (const match of report.matchAll(/^(test_\w+ \([\w.]+\))(?:\n.*?)? \.\.\. (ok|FAIL|ERROR|skipped.*)$/gm)) {
    outcomes.set(match[1], match[2]);
  }
}, 300_000);

describe("the check's Python parts (unittest)", () => {
  it("runs every test the Python files define, and all pass", () => {
    const failed = definedTests().filter((name) => outcomes.get(name) !== "ok");
    expect({ failed, status }).toEqual({ failed: [], status: 0 });
    if (failed.length > 0) process.stderr.write(report);
  });

  it.each(definedTests())("%s", (name) => {
    expect(outcomes.get(name)).toBe("ok");
  });
});
