/**
 * The settings reference of docs/settings.md, generated from the JSON Schema that `npm run schema`
 * writes from settings-schema.ts, and from the environment variables settings.ts reads. Only the part
 * between the two markers is generated; the page's own text around it is written by hand.
 */
import { CONTEXT_SCHEMA_FILE, schemaFiles, type JsonSchema } from "../../../settings-schema";
import { AMBIENT_REGION_VARIABLES, ENV_OVERRIDES } from "../../../settings";

export const SETTINGS_PAGE = "docs/settings.md";
export const BEGIN = "<!-- BEGIN GENERATED: npm run docs writes this table from settings-schema.ts -->";
export const END = "<!-- END GENERATED -->";

/** Variables that set a key but are not in ENV_OVERRIDES, with how they rank. */
const OTHER_SETTING_VARIABLES: Record<string, string> = {
  region: `fallback ${AMBIENT_REGION_VARIABLES.map((name) => `\`${name}\``).join(", ")}`,
  tags: "`SES_EVENTS_TAGS` (a JSON object, merged over `tags` per key)",
  "cloud.workspace": "fallback `TF_WORKSPACE`",
};

/** A table cell: pipes escaped (GFM splits cells on them even inside code spans), one line. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

/** Plain text a renderer must not read as HTML (`<stack>` would vanish as a tag). */
function plain(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${/^`|`$/.test(text) ? ` ${text} ` : text}${fence}`;
}

function resolve(schema: JsonSchema, definitions: Record<string, JsonSchema>): { schema: JsonSchema; group?: string } {
  const ref = (schema.$ref as string | undefined) ?? ((schema.allOf as JsonSchema[] | undefined)?.[0]?.$ref as string | undefined);
  if (ref === undefined) return { schema };
  const group = ref.replace("#/definitions/", "");
  const target = definitions[group];
  if (target === undefined) throw new Error(`${ref} is not a definition of ${CONTEXT_SCHEMA_FILE}`);
  return { schema: { ...target, description: schema.description ?? target.description }, group };
}

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(typeOf).join(" or ");
  if (schema.type === "array") return `array of ${typeOf((schema.items as JsonSchema | undefined) ?? {})}`;
  const values = schema.additionalProperties;
  if (schema.type === "object" && values !== null && typeof values === "object") {
    const ref = (values as JsonSchema).$ref;
    return `object of ${typeof ref === "string" ? `${ref.replace("#/definitions/", "")} settings` : typeOf(values as JsonSchema)}`;
  }
  if (schema.type === undefined) return "any";
  return schema.type === "number" ? "number" : String(schema.type);
}

/** The rules the JSON Schema states; the AWS rules of names and ARNs are checked at synth. */
function rulesOf(schema: JsonSchema): string[] {
  const rules: string[] = [];
  const all = [schema, ...((schema.allOf as JsonSchema[] | undefined) ?? [])];
  for (const part of all) {
    if (part.pattern === "\\S") rules.push("not blank");
    else if (typeof part.pattern === "string") rules.push(`matches ${code(part.pattern)}`);
  }
  if (Array.isArray(schema.enum)) rules.push(`one of ${schema.enum.map((value) => code(String(value))).join(", ")}`);
  const items = schema.items as JsonSchema | undefined;
  if (Array.isArray(items?.enum)) rules.push(`each one of ${items.enum.map((value) => code(String(value))).join(", ")}`);
  if (typeof schema.minItems === "number") rules.push(`at least ${schema.minItems} item${schema.minItems === 1 ? "" : "s"}`);
  if (typeof schema.minProperties === "number") rules.push(`at least ${schema.minProperties} entry`);
  if (typeof schema.maxProperties === "number") rules.push(`at most ${schema.maxProperties} entries`);
  const names = schema.propertyNames as JsonSchema | undefined;
  if (typeof names?.pattern === "string") rules.push(`names match ${code(names.pattern)}`);
  if (Array.isArray(schema.anyOf)) rules.push(...(schema.anyOf as JsonSchema[]).flatMap(rulesOf));
  return rules;
}

/** The default stated in a description, such as "(default 300)" or "(default: generated)". */
function defaultOf(description: string): string {
  const match = /\(default:? ([^;)]+)/.exec(description);
  return match?.[1]?.trim() ?? "";
}

interface Row {
  key: string;
  type: string;
  default: string;
  rule: string;
  variable: string;
  description: string;
}

function rows(properties: Record<string, JsonSchema>, definitions: Record<string, JsonSchema>, prefix: string): Row[] {
  const variables = new Map(ENV_OVERRIDES.map(([name, path]) => [path.join("."), name]));
  const out: Row[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const key = `${prefix}${name}`;
    const { schema, group } = resolve(property, definitions);
    const description = typeof schema.description === "string" ? schema.description : "";
    const variable = [variables.get(key), OTHER_SETTING_VARIABLES[key]].filter((text) => text !== undefined);
    out.push({
      key,
      type: group !== undefined ? "object" : typeOf(schema),
      default: defaultOf(description),
      rule: rulesOf(schema).join("; "),
      variable: variable.map((text) => (text.startsWith("`") || text.startsWith("fallback") ? text : code(text))).join("; "),
      description,
    });
    if (group !== undefined && group !== "environment" && schema.properties !== undefined) {
      out.push(...rows(schema.properties, definitions, `${key}.`));
    }
  }
  return out;
}

/** The generated table: every key of the context, nested keys dotted. */
export function settingsTable(): string {
  const schema = JSON.parse(schemaFiles()[CONTEXT_SCHEMA_FILE]!) as JsonSchema;
  const definitions = schema.definitions!;
  const context = definitions.context!;
  const lines = [
    "| Key | Type | Default | Rule | Environment variable | Meaning |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows(context.properties!, definitions, "").map((row) =>
      `| ${[code(row.key), row.type, plain(row.default), row.rule, row.variable, plain(row.description)].map(cell).join(" | ")} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

/** The page with its generated part rewritten; throws when a marker is missing. */
export function settingsPage(current: string): string {
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (begin === -1 || end < begin) throw new Error(`${SETTINGS_PAGE} must hold the lines ${BEGIN} and ${END}`);
  return `${current.slice(0, begin + BEGIN.length)}\n\n${settingsTable()}\n${current.slice(end)}`;
}
