import { readFileSync } from "fs";
import * as path from "path";
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
    expect(Object.keys(environment.properties)).toEqual(Object.keys(contextSettings.def.shape).filter((key) => key !== "stackName" && key !== "environments"));
    expect(environment.additionalProperties).toBe(false);
    for (const group of ["deliveryStream", "bucket", "lifecycle", "alarms", "importExisting", "state", "cloud"]) {
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
