import Ajv from "ajv";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { SettingsError, readSettings } from "../settings";
import { CDKTF_JSON_SCHEMA_FILE, CONTEXT_SCHEMA_FILE, contextSettings, schemaFiles } from "../settings-schema";

const ROOT = path.join(__dirname, "..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

describe("committed JSON Schema", () => {
  test.each([CONTEXT_SCHEMA_FILE, CDKTF_JSON_SCHEMA_FILE])("%s is what npm run schema writes from the settings schema", (file) => {
    expect(read(file)).toBe(schemaFiles()[file]);
  });

  test("cdktf.json names the schema, whose context is the settings' schema", () => {
    expect(JSON.parse(read("cdktf.json")).$schema).toBe(`./${CDKTF_JSON_SCHEMA_FILE}`);
    expect(JSON.parse(read(CDKTF_JSON_SCHEMA_FILE)).properties.context).toEqual({ $ref: `./${CONTEXT_SCHEMA_FILE}` });
  });

  test("the context schema has every setting and refuses other keys, at the top level and in environments", () => {
    const schema = JSON.parse(read(CONTEXT_SCHEMA_FILE));
    const context = schema.definitions.context;
    expect(Object.keys(context.properties)).toEqual([...Object.keys(contextSettings.def.shape), "excludeStackIdFromLogicalIds", "allowSepCharsInLogicalIds"]);
    expect(Object.keys(context.patternProperties)).toEqual(["^cdktf"]);
    expect(context.additionalProperties).toBe(false);
    const environment = schema.definitions.environment;
    expect(Object.keys(environment.properties)).toEqual(Object.keys(contextSettings.def.shape).filter((key) => !["stackName", "environments", "lake"].includes(key)));
    expect(environment.additionalProperties).toBe(false);
    for (const group of ["deliveryStream", "bucket", "lifecycle", "alarms", "importExisting", "state", "cloud", "lake", "lakeDelivery", "lakeAnalytics"]) {
      expect(schema.definitions[group].additionalProperties).toBe(false);
    }
  });

  test("each setting has a description for editors", () => {
    const schema = JSON.parse(read(CONTEXT_SCHEMA_FILE));
    for (const [key, property] of Object.entries<Record<string, unknown>>(schema.definitions.context.properties)) {
      const ref = String(property.$ref ?? (property.allOf as Array<{ $ref?: string }> | undefined)?.[0]?.$ref ?? "");
      const described = property.description ?? schema.definitions[ref.replace("#/definitions/", "")]?.description;
      expect([key, typeof described]).toEqual([key, "string"]);
    }
  });
});

describe("the committed JSON Schema agrees with the app", () => {
  const ajv = new Ajv({ allErrors: true });
  ajv.addSchema(JSON.parse(read(CONTEXT_SCHEMA_FILE)), CONTEXT_SCHEMA_FILE);
  const validCdktfJson = ajv.compile(JSON.parse(read(CDKTF_JSON_SCHEMA_FILE)));
  const validContext = (context: unknown) => ajv.validate(CONTEXT_SCHEMA_FILE, context);

  /** The `"context": { ... }` examples of the README and the pages of docs/. */
  function readmeContexts(): unknown[] {
    const pages = ["README.md", ...readdirSync(path.join(__dirname, "..", "docs")).filter((file) => file.endsWith(".md")).map((file) => `docs/${file}`)];
    const blocks = [...pages.map(read).join("\n").matchAll(/```json\n("context": \{[\s\S]*?)\n```/g)].map((match) => match[1]);
    return blocks.map((block) => (JSON.parse(`{${block}}`) as { context: unknown }).context);
  }

  test("it accepts the project's own cdktf.json", () => {
    expect([validCdktfJson(JSON.parse(read("cdktf.json"))), validCdktfJson.errors ?? []]).toEqual([true, []]);
  });

  test("it accepts every context example of the README and docs/, as the app does", () => {
    const examples = readmeContexts();
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const context of examples) {
      expect([context, validContext(context), ajv.errors ?? []]).toEqual([context, true, []]);
      expect(() => readSettings(context as Record<string, unknown>, {})).not.toThrow();
    }
  });

  test("it accepts the scan's all-options context, as the app does", () => {
    const context = JSON.parse(read("scripts/scan-all-options.json"));
    expect([validContext(context), ajv.errors ?? []]).toEqual([true, []]);
    expect(() => readSettings(context, {})).not.toThrow();
  });

  const tagsOf = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, "v"]));
  test.each<[string, Record<string, unknown>]>([
    ["a flag as a string", { deliveryStream: { partitionByEventType: "false" } }],
    ["null deep down", { deliveryStream: { bucket: { lifecycle: { expirationDays: null } } } }],
    ["a number for a string", { deliveryStream: { errorOutputPrefix: 5 } }],
    ["an empty organization", { cloud: { organization: "" } }],
    ["a blank state bucket", { state: { bucket: "  " } }],
    ["a state bucket that is not a bucket name", { state: { bucket: "Terraform State" } }],
    ["a state key starting with /", { state: { bucket: "tf-state", key: "/ses.tfstate" } }],
    ["a state Region that is not one", { state: { bucket: "tf-state", region: "US East" } }],
    ["a Region that is not one", { region: "Europe" }],
    ["an unknown key", { deliveryStream: { bufferSizeMiB: 64 } }],
    ["an unknown event type", { eventTypes: ["BOUNCES"] }],
    ["a short account ID", { accountId: "12345" }],
    ["a stack name with a space", { stackName: "my stack" }],
    ["no environments", { environments: {} }],
    ["an environment name with a space", { environments: { "my env": {} } }],
    ["an environment that is not an object", { environments: { staging: [] } }],
    ["a __proto__ tag", JSON.parse('{"tags": {"__proto__": "x"}}') as Record<string, unknown>],
    ["51 tags", { tags: tagsOf(51) }],
    ["a tag value that is not a string", { tags: { team: 1 } }],
  ])("it refuses %s, as the app does", (_, context) => {
    expect(() => readSettings(context, {})).toThrow(SettingsError);
    expect(validContext(context)).toBe(false);
  });
});
