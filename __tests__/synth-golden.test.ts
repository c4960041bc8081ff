import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { readApp } from "../settings";
import { SesEventLakeStack, SesEventsStack } from "../stack";
import { TOOLCHAIN_FIELDS, testApp, toolchainUnderTest } from "./helpers";

/**
 * The synthesized Terraform JSON of four profiles, kept byte for byte under
 * __tests__/fixtures/synth/<profile>/<stack>.json: a change of any address, attribute or policy
 * fails here until the files are regenerated on purpose with
 * `npm run golden:update` (`UPDATE_SYNTH_GOLDEN=1 npx jest __tests__/synth-golden.test.ts`).
 */
const ROOT = path.join(__dirname, "..");
const GOLDEN = path.join(__dirname, "fixtures", "synth");
const UPDATE_VARIABLE = "UPDATE_SYNTH_GOLDEN";
const update = process.env[UPDATE_VARIABLE] === "1";

const readJson = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), "utf8"));
const PROFILES: Record<string, Record<string, unknown>> = {
  default: readJson("cdktf.json").context,
  "all-options": readJson("scripts/scan-all-options.json"),
  "multi-environment": readJson("packages/terraform-check/profiles/multi-environment.json"),
  organization: readJson("packages/terraform-check/profiles/organization.json"),
};

/** Every stack of the profile's settings (no environment variables), as Testing.synth writes it. */
function synthesize(context: Record<string, unknown>): Record<string, string> {
  const app = testApp();
  const { lake, stacks } = readApp(context, {});
  return Object.fromEntries([
    ...(lake === undefined ? [] : [[lake.stackName, Testing.synth(new SesEventLakeStack(app, lake))]]),
    ...stacks.map((settings) => [settings.stackName, Testing.synth(new SesEventsStack(app, settings))]),
  ]);
}

/**
 * CDK Terrain's bindings require another AWS provider source and version, its only difference
 * (__tests__/toolchain.test.ts proves the rest is the same): under it (npm run test:cdktn) the
 * stack is compared as parsed JSON with cdktf's provider requirement put back, since its text may
 * be laid out otherwise.
 */
function expectGolden(text: string, golden: string): void {
  if (toolchainUnderTest().name === "cdktf") {
    expect(text).toBe(golden);
    return;
  }
  const json = JSON.parse(text);
  json.terraform.required_providers.aws = { ...TOOLCHAIN_FIELDS.cdktf.awsProvider };
  expect(json).toEqual(JSON.parse(golden));
}

describe("the synthesized JSON", () => {
  it.each(Object.keys(PROFILES))("of the %s profile is the golden copy, byte for byte", (profile) => {
    const stacks = synthesize(PROFILES[profile]!);
    const dir = path.join(GOLDEN, profile);
    if (update) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(stacks)) writeFileSync(path.join(dir, `${name}.json`), text);
    }
    expect(existsSync(dir) ? readdirSync(dir).sort() : []).toEqual(Object.keys(stacks).map((name) => `${name}.json`).sort());
    for (const [name, text] of Object.entries(stacks)) {
      expectGolden(text, readFileSync(path.join(dir, `${name}.json`), "utf8"));
    }
  });
});
