import { Token } from "cdktf";
import { internal } from "../modules";
const { show } = internal;
import { CONTEXT_VARIABLE, ENV_OVERRIDES, READ_VARIABLES, SettingsError, TOKEN_RULE, checkContextVariable, readSettings } from "../settings";
import { CONTEXT_SCHEMA_FILE, JsonSchema, schemaFiles } from "../settings-schema";

type Env = Record<string, string | undefined>;

function problemsOf(context: Record<string, unknown>, env: Env = {}): readonly string[] {
  let thrown: unknown;
  try {
    readSettings(context, env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SettingsError);
  return (thrown as SettingsError).problems;
}

type Step = string | number;

/** A setting of the schema: its path in the context, and whether it takes a number. */
interface Leaf {
  readonly path: readonly Step[];
  readonly number: boolean;
}

/** Every setting, at every depth, walked from the committed JSON Schema of the context: a new setting is here without a new test. */
function leavesOf(): Leaf[] {
  const schema = JSON.parse(schemaFiles()[CONTEXT_SCHEMA_FILE]) as JsonSchema;
  const definitions = schema.definitions!;
  const resolve = (node: JsonSchema): JsonSchema => {
    const ref = (node.$ref ?? (node.allOf as JsonSchema[] | undefined)?.[0]?.$ref) as string | undefined;
    return ref === undefined ? node : definitions[ref.replace("#/definitions/", "")];
  };
  const leaves: Leaf[] = [];
  const visit = (node: JsonSchema, path: Step[]): void => {
    const target = resolve(node);
    if (target.properties !== undefined) {
      for (const [key, child] of Object.entries(target.properties)) {
        if (path.length === 0 && (key === "excludeStackIdFromLogicalIds" || key === "allowSepCharsInLogicalIds")) continue;
        visit(child, [...path, key]);
      }
      return;
    }
    if (target.type === "object" && typeof target.additionalProperties === "object") {
      // environments and tags: one entry, named as a user would.
      visit(target.additionalProperties as JsonSchema, [...path, path[path.length - 1] === "environments" ? "staging" : "team"]);
      return;
    }
    if (target.type === "array") {
      visit(target.items as JsonSchema, [...path, 0]);
      return;
    }
    leaves.push({ path, number: target.type === "number" });
  };
  visit(schema, []);
  return leaves;
}

/** Settings a group cannot do without (a lake delivery names its bucket), given beside a leaf of it so that only the leaf is judged. */
const NEEDED: ReadonlyArray<readonly [group: readonly string[], key: string, value: string]> = [[["deliveryStream", "lake"], "bucketArn", "arn:aws:s3:::ses-event-lake"]];

/** `{ a: { b: [value] } }` for the path a.b[0], with what the leaf's group needs beside it. */
function contextWith(path: readonly Step[], value: unknown): Record<string, unknown> {
  const build = (at: number): unknown => {
    if (at === path.length) return value;
    const step = path[at];
    if (typeof step === "number") return [build(at + 1)];
    const group: Record<string, unknown> = { [step]: build(at + 1) };
    for (const [needed, key, given] of NEEDED) {
      // path[at] ends the group: the leaf is inside it.
      const inside = at + 1 >= needed.length && needed.every((name, i) => path[at + 1 - needed.length + i] === name);
      if (inside && path[at + 1] !== key) (group[step] as Record<string, unknown>)[key] = given;
    }
    return group;
  };
  return build(0) as Record<string, unknown>;
}

/** A setting's name in messages: `deliveryStream.bucket.lifecycle.expirationDays`, `cloud.workspaceTags[0]`, `tags["team"]`. */
function nameOf(path: readonly Step[]): string {
  return path
    .map((step, i) => (typeof step === "number" ? `[${step}]` : path[i - 1] === "tags" ? `[${JSON.stringify(step)}]` : i === 0 ? step : `.${step}`))
    .join("");
}

const resolvable = { resolve: () => "resolved" };
/** Tokens as cdktf encodes them, so the test follows cdktf's encoding, and AWS CDK's marker. */
const TOKEN_STRINGS: Record<string, string> = {
  "a string token": Token.asString(resolvable),
  "a list token": Token.asList(resolvable)[0],
  "a map token": Object.keys(Token.asStringMap(resolvable))[0],
  "a string token inside text": `events-${Token.asString(resolvable)}`,
  "AWS CDK's token": "${Token[TOKEN.12]}",
};
const TOKEN_NUMBERS: Record<string, number> = {
  "a number token": Token.asNumber(resolvable),
  "a number list token": Token.asNumberList(resolvable)[0],
};

describe("token-shaped values from cdktf.json", () => {
  const leaves = leavesOf();

  test("the walk finds the settings of every group, at every depth", () => {
    const names = leaves.map((leaf) => nameOf(leaf.path));
    expect(names).toEqual(
      expect.arrayContaining([
        "configurationSetName",
        "deliveryStream.bucket.lifecycle.expirationDays",
        "cloud.workspaceTags[0]",
        "cloud.workspacePrefix",
        'tags["team"]',
        "eventTypes[0]",
        "importExisting.sesRole",
        "configurationSet.vdmOptions.engagementMetrics",
        "environments.staging.deliveryStreamArn",
        "environments.staging.alarms.snsTopicArn",
      ]),
    );
    expect(leaves.length).toBeGreaterThan(120);
  });

  const stringCases = leaves.flatMap((leaf) => Object.entries(TOKEN_STRINGS).map(([form, token]) => [nameOf(leaf.path), form, leaf, token] as const));
  test.each(stringCases)("%s refuses %s, naming the setting", (name, _form, leaf, token) => {
    expect(problemsOf(contextWith(leaf.path, token))).toEqual([`${name} ${show(token)} is invalid: ${TOKEN_RULE}.`]);
  });

  const numberCases = leaves
    .filter((leaf) => leaf.number)
    .flatMap((leaf) => Object.entries(TOKEN_NUMBERS).map(([form, token]) => [nameOf(leaf.path), form, leaf, token] as const));
  test.each(numberCases)("%s refuses %s, naming the setting", (name, _form, leaf, token) => {
    expect(problemsOf(contextWith(leaf.path, token))).toEqual([`${name} ${show(token)} is invalid: ${TOKEN_RULE}.`]);
  });

  test("a number token survives JSON, so cdktf.json can hold one", () => {
    const token = TOKEN_NUMBERS["a number token"];
    expect(Token.isUnresolved(JSON.parse(JSON.stringify(token)))).toBe(true);
  });

  test.each([
    ["tags", (key: string) => ({ tags: { [key]: "x" } })],
    ["environments", (key: string) => ({ environments: { [key]: {} } })],
    ["environments.staging.tags", (key: string) => ({ environments: { staging: { tags: { [key]: "x" } } } })],
    ["context", (key: string) => ({ [key]: 1 })],
  ])("a token-shaped key in %s is refused", (where, contextOf) => {
    for (const token of [TOKEN_STRINGS["a string token"], TOKEN_STRINGS["a map token"]]) {
      expect(problemsOf(contextOf(token))).toEqual([`${where} key ${show(token)} is invalid: ${TOKEN_RULE}.`]);
    }
  });

  test("the configuration set name of the report, a string token, is refused", () => {
    expect(problemsOf({ configurationSetName: "${TfToken[TOKEN.1]}" })).toEqual([
      `configurationSetName "\${TfToken[TOKEN.1]}" is invalid: ${TOKEN_RULE}.`,
    ]);
  });

  test("a value that only mentions the word is a value", () => {
    const [stack] = readSettings({ deliveryStream: { errorOutputPrefix: "TfToken/Token[1]/{x}/" } }, {});
    expect(stack.destination.deliveryStream?.errorOutputPrefix).toBe("TfToken/Token[1]/{x}/");
  });
});

describe("the HCP Terraform backend's host and organization", () => {
  const HOSTNAME_RULE =
    "use a host name such as app.terraform.io, with a port if it needs one (tfe.example.com:8443), not a URL; write an internationalized name in its xn-- form";
  test.each(["https://app.terraform.io", "app.terraform.io/", "app.terraform.io/../evil", "tfe.example.com:", "a..b", "ápp.terraform.io", "tfe\u202e.example.com"])(
    "TF_CLOUD_HOSTNAME %j is refused",
    (hostname) => {
      expect(problemsOf({}, { TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_HOSTNAME: hostname })).toEqual([
        `TF_CLOUD_HOSTNAME ${show(hostname)} is invalid: ${HOSTNAME_RULE}.`,
      ]);
    },
  );

  test.each(["app.terraform.io", "tfe.example.com:8443", "localhost", "xn--pp-6ka.example.com"])("cloud.hostname %j is a host name", (hostname) => {
    expect(readSettings({ cloud: { organization: "acme", hostname } }, {})[0].backend).toMatchObject({ hostname });
  });

  test.each(["acme/../other", "acme corp", "acme\n", "аcme"])("cloud.organization %j is refused", (organization) => {
    expect(problemsOf({ cloud: { organization } })).toEqual([
      `cloud.organization ${show(organization)} is invalid: an HCP Terraform organization name uses letters, digits, '_' or '-'.`,
    ]);
  });
});

describe("names JavaScript reserves", () => {
  test.each(["constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"])("a stack or environment named %s is refused", (name) => {
    const rule = `is invalid: JavaScript reserves the name ${name} on every object, and cdktf takes a stack of that name for one it already has; choose another name.`;
    expect(problemsOf({ stackName: name })).toEqual([`stackName ${show(name)} ${rule}`]);
    expect(problemsOf({ environments: { [name]: {}, staging: {} } })).toEqual([`environments ${show(name)} ${rule}`]);
  });

  test("tags and settings named like them are only strings", () => {
    const [stack] = readSettings({ tags: { constructor: "a", toString: "b" } }, { SES_EVENTS_TAGS: '{"valueOf":"c"}' });
    expect(stack.tags).toEqual({ constructor: "a", toString: "b", valueOf: "c" });
    expect(problemsOf({ deliveryStream: { toString: "x" } })).toEqual([expect.stringMatching(/^deliveryStream\.toString is not a setting: use one of name, /)]);
  });
});

describe("token-shaped and blank environment variables", () => {
  test("the variables read are every override, the tags, TF_WORKSPACE and the ambient Regions", () => {
    expect(READ_VARIABLES).toEqual(expect.arrayContaining([...ENV_OVERRIDES.map(([name]) => name), "SES_EVENTS_TAGS", "TF_WORKSPACE", "AWS_REGION", "AWS_DEFAULT_REGION"]));
  });

  const tokenCases = READ_VARIABLES.flatMap((name) => Object.entries(TOKEN_STRINGS).map(([form, token]) => [name, form, token] as const));
  test.each(tokenCases)("%s refuses %s, naming the variable", (name, _form, token) => {
    expect(problemsOf({}, { [name]: token })).toEqual([`${name} ${show(token)} is invalid: ${TOKEN_RULE}.`]);
  });

  test("the delivery stream ARN of the report, a string token, is refused", () => {
    expect(problemsOf({}, { SES_EVENTS_DELIVERY_STREAM_ARN: "${TfToken[TOKEN.2]}" })).toEqual([
      `SES_EVENTS_DELIVERY_STREAM_ARN "\${TfToken[TOKEN.2]}" is invalid: ${TOKEN_RULE}.`,
    ]);
  });

  test("a token in SES_EVENTS_TAGS, as a tag's value or its key, is refused naming the variable", () => {
    const token = TOKEN_STRINGS["a string token"];
    expect(problemsOf({}, { SES_EVENTS_TAGS: JSON.stringify({ team: token }) })).toEqual([`SES_EVENTS_TAGS["team"] ${show(token)} is invalid: ${TOKEN_RULE}.`]);
    expect(problemsOf({}, { SES_EVENTS_TAGS: JSON.stringify({ [token]: "x" }) })).toEqual([`SES_EVENTS_TAGS key ${show(token)} is invalid: ${TOKEN_RULE}.`]);
  });

  test.each(READ_VARIABLES.flatMap((name) => ["  ", "\t", "\n"].map((blank) => [name, blank] as const)))("%s %j is refused as blank", (name, blank) => {
    expect(problemsOf({}, { [name]: blank })).toEqual([`${name} ${show(blank)} is invalid: it is blank; give it a value or unset it.`]);
  });

  const own = READ_VARIABLES.filter((name) => name.startsWith("SES_EVENTS_"));
  test.each(own)("%s empty is refused", (name) => {
    expect(problemsOf({}, { [name]: "" })).toEqual([`${name} "" is invalid: it is empty; give it a value or unset it.`]);
  });

  const shared = READ_VARIABLES.filter((name) => !name.startsWith("SES_EVENTS_"));
  test.each(shared)("%s empty is unset, as Terraform and the AWS SDKs take it", (name) => {
    expect(readSettings({}, { [name]: "" })).toEqual(readSettings({}, {}));
  });

  test("an ambient Region no stack takes is not read, blank or not", () => {
    const [stack] = readSettings({ region: "eu-west-1" }, { AWS_REGION: "  ", AWS_DEFAULT_REGION: "${TfToken[TOKEN.1]}" });
    expect(stack.region).toBe("eu-west-1");
  });
});

describe("one round of errors", () => {
  test("problems of the schema and of the checks between settings come together", () => {
    expect(
      problemsOf(
        { deliveryStream: { bufferingSizeMiB: "64" }, cloud: { workspacePrefix: "team" } },
        { SES_EVENTS_REGION: "${TfToken[TOKEN.1]}" },
      ),
    ).toEqual([
      `SES_EVENTS_REGION "\${TfToken[TOKEN.1]}" is invalid: ${TOKEN_RULE}.`,
      'deliveryStream.bufferingSizeMiB "64" is invalid: use a number.',
      'cloud.workspacePrefix "team" is set but there are no environments: it names only environments\' workspaces, and a single stack\'s is cloud.workspace, else TF_WORKSPACE, else the stack name; remove it or set cloud.workspace.',
    ]);
  });

  test("the event destination's own problems come with the schema's, named as the user wrote them", () => {
    expect(
      problemsOf(
        { eventTypes: ["SEND", "BOUNCE", "SEND"], deliveryStream: { bufferingSizeMiB: "64" }, environments: { staging: { sesRoleName: "bad role name" }, production: {} } },
        { SES_EVENTS_DELIVERY_STREAM_ARN: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/events" },
      ),
    ).toEqual([
      'deliveryStream.bufferingSizeMiB "64" is invalid: use a number.',
      "eventTypes lists SEND more than once: list each event type once.",
      `environments.staging.sesRoleName "bad role name" is invalid: use 1-64 letters, digits or '+=,.@_-'.`,
      "SES_EVENTS_DELIVERY_STREAM_ARN and deliveryStream are both set: deliveryStream configures the stream the module creates, SES_EVENTS_DELIVERY_STREAM_ARN uses an existing one; remove one of them.",
      'SES_EVENTS_DELIVERY_STREAM_ARN "arn:aws:firehose:eu-west-1:123456789012:deliverystream/events" is invalid: it is in eu-west-1 but the AWS provider is in us-east-1, and SES publishes only to a stream in its own Region; use one in us-east-1.',
    ]);
  });

  test("two environments on one existing configuration set may not both create its metrics destination", () => {
    const shared = { configurationSetName: "shared", createConfigurationSet: false, alarms: { enabled: true }, analytics: { enabled: false } };
    const problems = problemsOf({
      environments: {
        staging: { ...shared, eventDestinationName: "to-staging", deliveryStream: { name: "staging" } },
        production: { ...shared, eventDestinationName: "to-production", deliveryStream: { name: "production" } },
      },
    });
    expect(problems).toEqual([
      'stacks staging and production would both create the event destination "shared|cloudwatch-metrics" (staging: environments.staging.alarms, production: environments.production.alarms) in us-east-1 of an account they may share (accountId is not set on both): a configuration set holds one event destination named cloudwatch-metrics, which counts its sends for the silent pipeline alarm and the dashboard: turn alarms.silentPipeline and dashboard.enabled off on every destination of the set but one, or, if they use different accounts, set accountId on each.',
    ]);
  });

  test("a refused environments setting stops there: the checks between stacks would judge stacks that are not meant", () => {
    expect(problemsOf({ environments: [], cloud: { workspacePrefix: "team" } })).toEqual([
      'environments [] is invalid: use an object of environment name to settings, e.g. {"staging": {}, "production": {}}.',
    ]);
  });
});

describe(CONTEXT_VARIABLE, () => {
  test.each([["[1,2]"], ['"str"'], ["null"], ["42"], ["true"]])("%s is refused: the context must be an object", (raw) => {
    let thrown: unknown;
    try {
      checkContextVariable({ [CONTEXT_VARIABLE]: raw });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SettingsError);
    expect((thrown as SettingsError).problems).toEqual([
      `CDKTF_CONTEXT_JSON ${raw} is invalid: the context must be a JSON object of settings, such as {"region":"eu-west-1"}.`,
    ]);
  });

  test.each([["{}"], ['{"region":"eu-west-1"}'], [""], [undefined]])("%j passes", (raw) => {
    expect(() => checkContextVariable({ [CONTEXT_VARIABLE]: raw })).not.toThrow();
  });
});

describe("numbers JSON cannot write back", () => {
  test("a number too large for a double (1e309 reads as Infinity) is shown as Infinity, not as null", () => {
    expect(problemsOf(JSON.parse('{"deliveryStream":{"bufferingSizeMiB":1e309},"analytics":{"queryWindowDays":-1e999}}'))).toEqual([
      "deliveryStream.bufferingSizeMiB Infinity is invalid: use a number.",
      "analytics.queryWindowDays -Infinity is invalid: use a number.",
    ]);
  });
});
