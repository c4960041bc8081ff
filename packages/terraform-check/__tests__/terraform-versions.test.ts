// terraform:check on two Terraform releases: summary.json keeps each version's last result, and
// the newest release is built from its Go module without the state backends the proxy leaves out.
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { withTerraformVersions } = require("../summary");

const ROOT = path.join(__dirname, "../../..");
const BUILD = path.join(ROOT, "packages/terraform-check/terraform-build.sh");

function profile(planned: number, applied: number) {
  return { planned, applied, notApplied: [], postApplyChanges: 0, excluded: [] };
}

function summary(profiles: object) {
  return { provider: "hashicorp/aws 6.47.1", emulator: "ministack", profiles, eventFlow: { recordsPut: 56 }, iam: {} };
}

describe("summary.json per Terraform version", () => {
  test("lists every version with a kept result, oldest first, each with its profiles", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-versions-"));
    withTerraformVersions(summary({ default: profile(25, 25) }), "1.11.4", dir, new Date("2026-12-07T01:00:00Z"));
    withTerraformVersions(summary({ default: profile(25, 25) }), "1.9.8", dir, new Date("2026-12-07T02:00:00Z"));
    const result = withTerraformVersions(summary({ default: profile(25, 24) }), "1.16.4", dir, new Date("2026-12-07T03:00:00Z"));
    expect(result.terraform).toEqual(["1.9.8", "1.11.4", "1.16.4"]);
    expect(result.byTerraform["1.11.4"]).toEqual({ checkedAt: "2026-12-07T01:00:00.000Z", eventFlow: { recordsPut: 56 }, profiles: { default: { ...profile(25, 25), complete: true } } });
    expect(result.byTerraform["1.16.4"].profiles.default.complete).toBe(false);
    expect(result.profiles).toEqual({ default: profile(25, 24) });
    expect(JSON.parse(readFileSync(path.join(dir, "1.16.4.json"), "utf8")).checkedAt).toBe("2026-12-07T03:00:00.000Z");
  });

  test("leaves the summary as it was without a version", () => {
    const plain = summary({ default: profile(1, 1) });
    expect(withTerraformVersions(plain, undefined, undefined)).toBe(plain);
  });

  test("refuses a version that is not one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-versions-"));
    expect(() => withTerraformVersions(summary({}), "../../etc/passwd", dir)).toThrow('TERRAFORM_CHECK_VERSION "../../etc/passwd" is not a version such as 1.16.4');
  });
});

describe("terraform-build.sh", () => {
  test("refuses a version the check does not run", () => {
    const run = spawnSync("bash", [BUILD, "1.12.0"], { encoding: "utf8", env: { ...process.env, XDG_CACHE_HOME: mkdtempSync(path.join(tmpdir(), "tf-cache-")) } });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("terraform-build: error: --terraform '1.12.0': use one of 1.11.4 1.16.4");
  });

  function trim(init: string, goMod: string): { status: number | null; stderr: string; init: string; goMod: string } {
    const src = mkdtempSync(path.join(tmpdir(), "tf-src-"));
    mkdirSync(path.join(src, "internal/backend/init"), { recursive: true });
    writeFileSync(path.join(src, "internal/backend/init/init.go"), init);
    writeFileSync(path.join(src, "go.mod"), goMod);
    const script = `log() { echo "$*" >&2; }; die() { log "error: $*"; exit 2; }; source "${BUILD}"; trim_terraform_source "$1"`;
    const run = spawnSync("bash", ["-c", script, "trim", src], { encoding: "utf8" });
    return { status: run.status, stderr: run.stderr, init: readFileSync(path.join(src, "internal/backend/init/init.go"), "utf8"), goMod: readFileSync(path.join(src, "go.mod"), "utf8") };
  }

  const BACKENDS = ["Azure azure azurerm", "Consul consul consul", "Cos cos cos", "GCS gcs gcs", "Kubernetes kubernetes kubernetes", "OCI oci oci", "OSS oss oss", "Pg pg pg", "S3 s3 s3"].map((line) => line.split(" "));
  const INIT = [
    "import (",
    '\tbackendLocal "github.com/hashicorp/terraform/internal/backend/local"',
    '\tbackendHTTP "github.com/hashicorp/terraform/internal/backend/remote-state/http"',
    ...BACKENDS.map(([id, dir]) => `\tbackend${id} "github.com/hashicorp/terraform/internal/backend/remote-state/${dir}"`),
    ")",
    "\tbackends = map[string]backend.InitFn{",
    '\t\t"local":  func() backend.Backend { return backendLocal.New() },',
    '\t\t"http":       func() backend.Backend { return backendHTTP.New() },',
    ...BACKENDS.map(([id, , name]) => `\t\t"${name}": func() backend.Backend { return backend${id}.New() },`),
    "\t}",
    "",
  ].join("\n");
  const GO_MOD = [
    "module github.com/hashicorp/terraform",
    "require (",
    "\tgithub.com/hashicorp/go-tfe v1.110.0",
    ...BACKENDS.map(([, dir]) => `\tgithub.com/hashicorp/terraform/internal/backend/remote-state/${dir} v0.0.0-00010101000000-000000000000`),
    "\tgithub.com/hashicorp/terraform/internal/legacy v0.0.0-00010101000000-000000000000",
    ")",
    ...BACKENDS.map(([, dir]) => `replace github.com/hashicorp/terraform/internal/backend/remote-state/${dir} => ./internal/backend/remote-state/${dir}`),
    "replace github.com/hashicorp/terraform/internal/legacy => ./internal/legacy",
    "",
  ].join("\n");

  test("drops the backends the proxy leaves out, and keeps local and http state", () => {
    const result = trim(INIT, GO_MOD);
    expect(result.status).toBe(0);
    expect(result.goMod).toBe("module github.com/hashicorp/terraform\nrequire (\n\tgithub.com/hashicorp/go-tfe v1.110.0\n)\n");
    expect(result.init).toBe(
      "import (\n" +
        '\tbackendLocal "github.com/hashicorp/terraform/internal/backend/local"\n' +
        '\tbackendHTTP "github.com/hashicorp/terraform/internal/backend/remote-state/http"\n' +
        ")\n" +
        "\tbackends = map[string]backend.InitFn{\n" +
        '\t\t"local":  func() backend.Backend { return backendLocal.New() },\n' +
        '\t\t"http":       func() backend.Backend { return backendHTTP.New() },\n' +
        "\t}\n",
    );
  });

  test("fails on a source that does not have them where expected, rather than building something else", () => {
    const result = trim("package init\n", GO_MOD);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("does not import the backends azure consul cos gcs kubernetes oci oss pg s3");
    const used = trim(`${INIT}\nvar extra = backendS3.Name\n`, GO_MOD);
    expect(used.status).toBe(2);
    expect(used.stderr).toContain("left a dropped backend behind");
  });

  test("the README and help name the two versions", () => {
    expect(readFileSync(path.join(ROOT, "README.md"), "utf8")).toMatch(/Terraform 1\.11\.4, the oldest supported with S3 locking, and on 1\.16\.4, the newest release/);
    expect(readFileSync(path.join(ROOT, "help"), "utf8")).toContain("--terraform 1.16.4");
  });
});
