import { Construct } from "constructs";
import * as library from "../modules";
import { ConfigurationSet, DeliveryAlarms, EventAnalytics, EventBucket, EventKey, FirehoseCompression, PipelineDashboard, SesEventLake, SesFirehoseEventDestination } from "../modules";
import { TerraformProvider, TerraformVariable, Token } from "cdktf";
import * as shapes from "../modules/private/prop-shapes";
import { show } from "../modules/private/validation";
import { newStack, parse } from "./helpers";

/** Builds one construct with `props` (plus what it needs) in a fresh stack; the message it throws, or undefined. */
type Build = (extra: Record<string, unknown>) => void;

const BUILDERS: Record<string, Build> = {
  SesFirehoseEventDestination: (extra) => new SesFirehoseEventDestination(newStack(), "Events", { configurationSetName: "mail", ...extra }),
  ConfigurationSet: (extra) => new ConfigurationSet(newStack(), "Set", { configurationSetName: "mail", ...extra }),
  DeliveryAlarms: (extra) => new DeliveryAlarms(newStack(), "Alarms", { deliveryStreamName: "mail", ...extra }),
  PipelineDashboard: (extra) =>
    new PipelineDashboard(newStack(), "Board", {
      configurationSetName: "mail",
      deliveryStreamName: "mail",
      region: "eu-west-1",
      reputationMetrics: true,
      partitioned: false,
      ...extra,
    }),
  EventBucket: (extra) => new EventBucket(newStack(), "Bucket", { bucketPrefix: "mail-", ...extra }),
  EventKey: (extra) => new EventKey(newStack(), "Key", { purpose: "stream mail", ...extra }),
  SesEventLake: (extra) => new SesEventLake(newStack(), "Lake", { sourceAccountIds: ["222222222222"], regions: ["eu-west-1"], ...extra }),
  EventAnalytics: (extra) =>
    new EventAnalytics(newStack(), "Analytics", {
      prefix: "events/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/",
      compression: FirehoseCompression.GZIP,
      eventsBucketName: "events",
      eventsBucketArn: "arn:aws:s3:::events",
      nameBase: "mail",
      ...extra,
    }),
};

function errorOf(build: Build, extra: Record<string, unknown>): string {
  try {
    build(extra);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the props to be refused");
}

const DESTINATION_PROPS =
  "configurationSetName, createConfigurationSet, configurationSet, eventDestinationName, eventTypes, enabled, deliveryStreamArn, deliveryStream, sesRoleArn, sesRoleName, sesRolePath, alarms, dashboard, analytics, importExisting, tags, provider";
const SET_OPTIONS =
  "reputationMetrics, sendingEnabled, tlsPolicy, suppressionReasons, disableSuppressionList, customTrackingRedirectDomain, customTrackingHttpsPolicy, dedicatedIpPool, maxDeliveryDurationSeconds, vdmOptions";
const STREAM_OPTIONS =
  "name, bucketArn, bucket, prefix, errorOutputPrefix, bufferingSizeMiB, bufferingIntervalSeconds, compression, format, jsonPrefix, sourceRecordBackup, kmsKeyArn, createKmsKey, partitionByEventType, partitioningRetrySeconds, roleName, rolePath, logging, logRetentionDays, lake";
const LAKE_PROPS =
  "bucketPrefix, forceDestroy, accessLogBucketName, accessLogPrefix, lifecycle, sourceAccountIds, organizationId, accountIds, regions, createKmsKey, analytics, bucketName, name, tags, provider";
const LIFECYCLE = "abortIncompleteMultipartUploadDays, transitionToInfrequentAccessDays, expirationDays, noncurrentVersionExpirationDays";

describe("a prop the construct does not know, from JavaScript", () => {
  test("every exported construct is covered", () => {
    const constructs = Object.entries(library)
      .filter(([, value]) => typeof value === "function" && value.prototype instanceof Construct)
      .map(([name]) => name)
      // AwsContext is reached through AwsContext.of, which takes no props.
      .filter((name) => name !== "AwsContext");
    expect(constructs.sort()).toEqual(Object.keys(BUILDERS).sort());
  });

  test.each([
    ["SesFirehoseEventDestination", { eventType: ["SEND"] }, `SesFirehoseEventDestination "test/Events": invalid settings:\n  - eventType is not a prop: use one of ${DESTINATION_PROPS}.`],
    [
      "ConfigurationSet",
      { tlsPolicies: "REQUIRE" },
      `ConfigurationSet "test/Set": invalid settings:\n  - tlsPolicies is not a prop: use one of ${SET_OPTIONS}, configurationSetName, importExisting, tags, provider.`,
    ],
    [
      "DeliveryAlarms",
      { enabled: true },
      `DeliveryAlarms "test/Alarms": invalid settings:\n  - enabled is not a prop: use one of snsTopicArn, freshnessThresholdSeconds, periodSeconds, reputation, bounceRateThreshold, complaintRateThreshold, silentPipeline, deliveryStreamName, topicKmsKeyArn, topicNamePrefix, configurationSetName, tags, provider.`,
    ],
    [
      "PipelineDashboard",
      { enabled: true },
      `PipelineDashboard "test/Board": invalid settings:\n  - enabled is not a prop: use one of configurationSetName, deliveryStreamName, dashboardName, region, reputationMetrics, partitioned, bounceRateThreshold, complaintRateThreshold, provider.`,
    ],
    [
      "EventBucket",
      { lifecycle: { expirationDay: 30 } },
      `EventBucket "test/Bucket": invalid settings:\n  - lifecycle.expirationDay is not a prop: use one of ${LIFECYCLE}.`,
    ],
    [
      "EventKey",
      { rotation: false },
      `EventKey "test/Key": invalid settings:\n  - rotation is not a prop: use one of purpose, preventDestroy, tags, provider.`,
    ],
    [
      "EventAnalytics",
      { tableNme: "events" },
      `EventAnalytics "test/Analytics": invalid settings:\n  - tableNme is not a prop: use one of databaseName, tableName, workgroupName, resultsPrefix, resultsExpirationDays, bytesScannedCutoffPerQuery, firstYear, queryWindowDays, tagName, prefix, errorOutputPrefix, compression, format, columns, jsonHistory, eventTypes, eventsBucketName, eventsBucketArn, resultsBucket, kmsKeyArn, nameBase, partitionValues, groupBy, tags, provider.`,
    ],
    [
      "SesEventLake",
      { sourceAccounts: ["222222222222"] },
      `SesEventLake "test/Lake": invalid settings:\n  - sourceAccounts is not a prop: use one of ${LAKE_PROPS}.`,
    ],
  ])("%s refuses it with the list of the props it knows", (name, extra, message) => {
    expect(errorOf(BUILDERS[name]!, extra)).toBe(message);
  });

  test.each([
    ["deliveryStream.bufferSizeMiB", { deliveryStream: { bufferSizeMiB: 64 } }, `deliveryStream.bufferSizeMiB is not a prop: use one of ${STREAM_OPTIONS}.`],
    ["deliveryStream.bucket.lifecycle", { deliveryStream: { bucket: { lifecycle: { expiration: 1 } } } }, `deliveryStream.bucket.lifecycle.expiration is not a prop: use one of ${LIFECYCLE}.`],
    [
      "configurationSet.vdmOptions",
      { configurationSet: { vdmOptions: { engagementMetric: true } } },
      "configurationSet.vdmOptions.engagementMetric is not a prop: use one of engagementMetrics, optimizedSharedDelivery.",
    ],
    ["dashboard", { dashboard: { on: true } }, "dashboard.on is not a prop: use one of enabled."],
    [
      "importExisting",
      { importExisting: { bucket: true } },
      "importExisting.bucket is not a prop: use one of configurationSet, eventDestination, deliveryStream, sesRole, deliveryRole, deliveryLogs.",
    ],
    ["a key that is no identifier", { "dead line": 1 }, `["dead line"] is not a prop: use one of ${DESTINATION_PROPS}.`],
    ["a nested key that is no identifier", { alarms: { "a\nb": 1 } }, 'alarms["a\\nb"] is not a prop: use one of enabled, snsTopicArn, freshnessThresholdSeconds, periodSeconds, reputation, bounceRateThreshold, complaintRateThreshold, silentPipeline.'],
    ["an own __proto__ key", JSON.parse('{"__proto__": {"x": 1}}'), `__proto__ is not a prop: use one of ${DESTINATION_PROPS}.`],
    ["a prop of a newer version, left undefined", { deliveryStream: { name: "mail", sharding: undefined } }, `deliveryStream.sharding is not a prop: use one of ${STREAM_OPTIONS}.`],
  ])("SesFirehoseEventDestination refuses one in %s", (_, extra, problem) => {
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, extra)).toBe(`SesFirehoseEventDestination "test/Events": invalid settings:\n  - ${problem}`);
  });

  test.each([
    [
      "analytics (which the lake always has)",
      { analytics: { enabled: true } },
      "analytics.enabled is not a prop: use one of databaseName, tableName, workgroupName, resultsPrefix, resultsExpirationDays, bytesScannedCutoffPerQuery, firstYear, queryWindowDays, tagName.",
    ],
    ["lifecycle", { lifecycle: { expirationDay: 30 } }, `lifecycle.expirationDay is not a prop: use one of ${LIFECYCLE}.`],
  ])("SesEventLake refuses one in %s", (_, extra, problem) => {
    expect(errorOf(BUILDERS.SesEventLake!, extra)).toBe(`SesEventLake "test/Lake": invalid settings:\n  - ${problem}`);
  });

  test("SesFirehoseEventDestination refuses one in deliveryStream.lake", () => {
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { deliveryStream: { lake: { bucketArn: "arn:aws:s3:::lake", keyArn: "x" } } })).toBe(
      'SesFirehoseEventDestination "test/Events": invalid settings:\n  - deliveryStream.lake.keyArn is not a prop: use one of bucketArn, kmsKeyArn, accountId.',
    );
  });

  test("a ConfigurationSet construct given as configurationSet is not looked into", () => {
    const stack = newStack();
    const set = new ConfigurationSet(stack, "Set", { configurationSetName: "mail" });
    new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", configurationSet: set });
    expect(parse(stack).resources("aws_sesv2_configuration_set")).toHaveLength(1);
  });

  test("every problem comes in the one error, an unknown prop with the others", () => {
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { configurationSetName: "bad name", eventType: [] })).toBe(
      'SesFirehoseEventDestination "test/Events": invalid settings:\n' +
        `  - eventType is not a prop: use one of ${DESTINATION_PROPS}.\n` +
        `  - configurationSetName "bad name" is invalid: use 1-64 letters, digits, '_' or '-'.`,
    );
  });
});

/** A value of another kind than `kind`, as a careless JavaScript caller gives it, and the rule the message names. */
const WRONG: Record<string, [unknown, string]> = {
  string: [5, "use a string"],
  number: ["300", "use a number"],
  boolean: ["false", "use true or false"],
  strings: ["SEND", "use an array of strings"],
  stringMap: [["team"], "use an object of string values"],
  booleanOrString: [1, "use true, false or a string"],
  flag: ["false", "use true or false"],
  choice: [1, "use a string"],
  names: ["222222222222", "use an array of strings"],
  list: ["column", "use an array"],
  stringLists: [["tenant"], "use an object whose values are arrays of strings"],
  function: [5, "use a function"],
  provider: [{ region: "eu-west-1" }, "use an AWS provider (an AwsProvider)"],
};

/** Every prop of a shape with a kind judged at synth time, and every group, as [path, kind or group keys]. */
function propsOf(shape: object, at = ""): Array<[string, string | string[]]> {
  return Object.entries(shape).flatMap(([key, inner]): Array<[string, string | string[]]> =>
    typeof inner === "object"
      ? [[`${at}${key}`, Object.keys(inner as object)], ...propsOf(inner as object, `${at}${key}.`)]
      : [[`${at}${key}`, String(inner).replace(/!$/, "")]],
  );
}

/** `value` at the dotted `path`, in plain objects. */
function at(path: string, value: unknown): Record<string, unknown> {
  return path
    .split(".")
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

const SHAPES: Record<string, object> = {
  SesFirehoseEventDestination: shapes.DESTINATION_PROPS,
  ConfigurationSet: shapes.CONFIGURATION_SET_PROPS,
  DeliveryAlarms: shapes.DELIVERY_ALARMS_PROPS,
  PipelineDashboard: shapes.PIPELINE_DASHBOARD_PROPS,
  EventBucket: shapes.EVENT_BUCKET_PROPS,
  EventKey: shapes.EVENT_KEY_PROPS,
  SesEventLake: shapes.SES_EVENT_LAKE_PROPS,
  EventAnalytics: shapes.EVENT_ANALYTICS_PROPS,
};

describe("a prop of the wrong kind, from JavaScript", () => {
  test("every exported construct has a shape", () => {
    expect(Object.keys(SHAPES).sort()).toEqual(Object.keys(BUILDERS).sort());
  });

  const cases = Object.entries(SHAPES).flatMap(([construct, shape]) =>
    propsOf(shape).map(([path, kind]): [string, string, unknown, string] => {
      if (Array.isArray(kind)) return [construct, path, null, `use an object with any of ${kind.join(", ")}`];
      const [value, rule] = WRONG[kind]!;
      return [construct, path, value, rule];
    }),
  );

  test("the table judges the props of every construct", () => {
    expect(cases.length).toBeGreaterThan(150);
  });

  test.each(cases)("%s refuses %s given %p, before reading it", (construct, path, value, rule) => {
    const label = Object.keys(BUILDERS).includes(construct) ? construct : "";
    const message = errorOf(BUILDERS[label]!, at(path, value));
    expect(message).toContain(`\n  - ${path} ${show(value)} is invalid: ${rule}.`);
  });

  test('"false" for a boolean does not switch the destination on', () => {
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { enabled: "false" })).toBe(
      'SesFirehoseEventDestination "test/Events": invalid settings:\n  - enabled "false" is invalid: use true or false.',
    );
  });

  test("a list of strings and a map of strings are judged item by item", () => {
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { eventTypes: ["SEND", 5] })).toContain("eventTypes[1] 5 is invalid: use a string (eventTypes is an array of strings).");
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { tags: { team: "mail", cost: 1 } })).toContain('tags["cost"] 1 is invalid: use a string (tags is an object of string values).');
    // eslint-disable-next-line no-sparse-arrays
    expect(errorOf(BUILDERS.SesEventLake!, { sourceAccountIds: ["222222222222", , "333333333333"] })).toContain("sourceAccountIds has a hole at [1]: give a value at each position.");
  });

  test("a wrong kind comes with the unknown props, and alone: the checks that read the props wait for it", () => {
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { eventType: [], configurationSetName: 5, deliveryStream: { bucket: null } })).toBe(
      'SesFirehoseEventDestination "test/Events": invalid settings:\n' +
        `  - eventType is not a prop: use one of ${DESTINATION_PROPS}.\n` +
        "  - configurationSetName 5 is invalid: use a string.\n" +
        "  - deliveryStream.bucket null is invalid: use an object with any of bucketPrefix, forceDestroy, accessLogBucketName, accessLogPrefix, lifecycle.",
    );
  });

  test("a token is never judged: it stands for a value known later", () => {
    const stack = newStack();
    new SesFirehoseEventDestination(stack, "Events", {
      configurationSetName: Token.asString({ resolve: () => "mail" }),
      deliveryStream: { bufferingIntervalSeconds: Token.asNumber({ resolve: () => 300 }) },
      eventTypes: Token.asList({ resolve: () => ["SEND"] }) as never,
    });
    expect(parse(stack).resources("aws_kinesis_firehose_delivery_stream")).toHaveLength(1);
  });

  test("a value that looks like a secret is not repeated in the message", () => {
    const message = errorOf(BUILDERS.SesFirehoseEventDestination!, { deliveryStream: { bufferingIntervalSeconds: "AKIAIOSFODNN7EXAMPLE" } });
    expect(message).toContain("deliveryStream.bufferingIntervalSeconds (a value that looks like a secret, not shown) is invalid: use a number.");
    expect(message).not.toContain("AKIA");
  });
});

describe("a required prop left out, from JavaScript", () => {
  /** Every prop the shape marks required, at the top level. */
  const required = (shape: object) => Object.entries(shape).filter(([, kind]) => typeof kind === "string" && kind.endsWith("!")).map(([key]) => key);

  test.each(Object.keys(SHAPES))("%s names every required prop when given no props, null or {}", (construct) => {
    const shape = SHAPES[construct]!;
    expect(required(shape).length).toBeGreaterThan(0);
    const messages = [undefined, null, {}].map((props) => {
      try {
        new (library as unknown as Record<string, new (scope: Construct, id: string, props: unknown) => unknown>)[construct]!(newStack(), "Built", props);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`${construct} was built without its required props`);
    });
    for (const message of messages) {
      expect(message).toMatch(new RegExp(`^${construct} "test/Built": invalid settings:\n`));
      for (const key of required(shape)) expect(message).toContain(`\n  - ${key} is required`);
      expect(message).not.toContain("TypeError");
    }
  });

  test("the destination says what to give", () => {
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { configurationSetName: undefined })).toBe(
      'SesFirehoseEventDestination "test/Events": invalid settings:\n  - configurationSetName is required: use a string.',
    );
  });

  test("a required prop of a group is named with its path", () => {
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { deliveryStream: { lake: { kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/1" } } })).toBe(
      'SesFirehoseEventDestination "test/Events": invalid settings:\n  - deliveryStream.lake.bucketArn is required: use a string.',
    );
  });
});

describe("props a careless or hostile caller shapes otherwise", () => {
  const stackOf = (build: (stack: ReturnType<typeof newStack>) => void) => {
    const stack = newStack();
    build(stack);
    return parse(stack);
  };

  test("a tag value under a secret-looking key is not repeated in the message", () => {
    const message = errorOf(BUILDERS.SesFirehoseEventDestination!, { tags: { password: { value: "Sup3rS3cret!" }, team: "mail" } });
    expect(message).toContain('tags["password"] (a secret, not shown) is invalid: use a string (tags is an object of string values).');
    expect(message).not.toContain("Sup3rS3cret");
  });

  test("a group given as a class instance is judged by its own fields, as a plain one", () => {
    class Alarms {
      enabled = "false";
    }
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { alarms: new Alarms() })).toContain('alarms.enabled "false" is invalid: use true or false.');
    class KeyProps {
      purpose = "x";
      preventDestroy = "false";
    }
    expect(() => new EventKey(newStack(), "Key", new KeyProps() as never)).toThrow('preventDestroy "false" is invalid: use true or false.');
    // A class instance's own fields are what the constructs read.
    class Stream {
      format = "json";
    }
    const s3 = stackOf((stack) => new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", deliveryStream: new Stream() as never })).resource(
      "aws_kinesis_firehose_delivery_stream",
    ).extended_s3_configuration;
    expect(s3.prefix).toMatch(/^events\//);
    expect(s3.data_format_conversion_configuration).toBeUndefined();
  });

  // The constructs copy groups with spreads, which take own values only: these were judged, then lost.
  test("a value inherited from a prototype or a class, a getter or a class's method is read once, as given", () => {
    const streamOf = (deliveryStream: object) =>
      stackOf((stack) => new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", deliveryStream: deliveryStream as never })).resource(
        "aws_kinesis_firehose_delivery_stream",
      ).extended_s3_configuration;
    const inherited = streamOf(Object.create({ format: "json" }));
    expect(inherited.prefix).toMatch(/^events\//);
    expect(inherited.data_format_conversion_configuration).toBeUndefined();

    const topic = "arn:aws:sns:us-east-1:123456789012:mail-alarms";
    const alarms = stackOf((stack) => new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", alarms: Object.create({ enabled: true, snsTopicArn: topic }) }))
      .resources("aws_cloudwatch_metric_alarm");
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.alarm_actions).toEqual([topic]);

    class Analytics {
      get databaseName() {
        return "my_db";
      }
    }
    const database = stackOf((stack) => new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", analytics: new Analytics() })).resource("aws_glue_catalog_database");
    expect(database.name).toBe("my_db");

    let reads = 0;
    const counted = {
      get format() {
        reads++;
        return reads === 1 ? "json" : "parquet";
      },
    };
    expect(streamOf(counted).prefix).toMatch(/^events\//);
    expect(reads).toBe(1);

    class BucketProps {
      bucketPrefix = "mail-";
      policyStatements(bucketArn: string) {
        return [{ Sid: "ReadFromAudit", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: ["s3:GetObject"], Resource: [`${bucketArn}/*`] }];
      }
    }
    const policy = stackOf((stack) => new EventBucket(stack, "Bucket", new BucketProps() as never)).policy("aws_s3_bucket_policy", "policy");
    expect(policy.Statement.map((statement) => statement.Sid)).toContain("ReadFromAudit");

    // Judged as given: an inherited option is refused where an own one would be.
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { alarms: Object.create({ enabled: "false" }) })).toContain('alarms.enabled "false" is invalid: use true or false.');
  });

  test("a list token where one value is wanted is refused, naming the prop", () => {
    const list = new TerraformVariable(newStack(), "list", { type: "list(string)" }).listValue;
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { configurationSetName: list })).toContain("configurationSetName is a list token: use a string.");
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { deliveryStream: { bufferingSizeMiB: list } })).toContain("deliveryStream.bufferingSizeMiB is a list token: use a number.");
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { enabled: list })).toContain("enabled is a list token: use true or false.");
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { tags: list })).toContain("tags is a list token: use an object of string values.");
    expect(() => new ConfigurationSet(newStack(), "Set", { configurationSetName: "m", tags: list as never })).toThrow("tags is a list token: use an object of string values.");
  });

  test("an array with holes is refused where the first hole is, at once however long", () => {
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { eventTypes: new Array(2 ** 32 - 1) })).toContain("eventTypes has a hole at [0]: give a value at each position.");
    // eslint-disable-next-line no-sparse-arrays
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { eventTypes: ["SEND", , "BOUNCE"] })).toContain("eventTypes has a hole at [1]: give a value at each position.");
  });

  test("a setting of the app's own given to the construct says where it goes", () => {
    const message = errorOf(BUILDERS.SesFirehoseEventDestination!, { region: "eu-west-1", accountId: "123456789012", state: { bucket: "b" } });
    expect(message).toContain(
      "region is not a prop: the app's region is its AWS provider's: give the construct an AwsProvider of that Region (provider), or set it on the stack's; the props are configurationSetName,",
    );
    expect(message).toContain("accountId is not a prop: the app's accountId pins its AWS provider to the account: set allowedAccountIds on the AwsProvider; the props are");
    expect(message).toContain("state is not a prop: the app's state is its stack's backend: add an S3Backend to the stack; the props are");
    // Only at the top: a group's unknown key is a plain typo.
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { alarms: { region: "x" } })).toContain("alarms.region is not a prop: use one of");
  });

  test("a value under a name like a password, passphrase or authorization is not repeated", () => {
    for (const key of ["DbPassphrase", "pwd", "db-pass", "Authorization", "session_cookie", "db_password"]) {
      const message = errorOf(BUILDERS.SesFirehoseEventDestination!, { tags: { [key]: { value: "hunter2!" } } });
      expect(message).toContain("(a secret, not shown)");
      expect(message).not.toContain("hunter2");
    }
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { tags: { passengers: { value: "many" } } })).toContain('"many"');
  });

  test("a construct other than a ConfigurationSet given as configurationSet is refused, naming it", () => {
    const stack = newStack();
    const key = new EventKey(stack, "Key", { purpose: "mail" });
    expect(() => new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", configurationSet: key as never })).toThrow(
      'SesFirehoseEventDestination "test/Events": invalid settings:\n  - configurationSet is a construct of class EventKey ("test/Key"): give a ConfigurationSet construct, or the options of the set the module creates.',
    );
  });

  test("props that are no object are refused", () => {
    expect(() => new EventKey(newStack(), "Key", "purpose" as never)).toThrow('EventKey "test/Key": invalid settings:\n  - the props "purpose" are invalid: use an object of props.');
  });

  test("a token beside literal items leaves the items judged", () => {
    const token = Token.asString({ resolve: () => "BOUNCE" });
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { eventTypes: ["SEND", "NOT_A_TYPE", token] })).toContain('eventTypes entry "NOT_A_TYPE" is invalid: use one of');
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { eventTypes: ["SEND", 5, token] })).toContain("eventTypes[1] 5 is invalid: use a string (eventTypes is an array of strings).");
  });

  test("what the module reads at synth time to decide what to create takes no token", () => {
    const flag = new TerraformVariable(newStack(), "flag", { type: "bool" }).booleanValue;
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { alarms: { enabled: flag } })).toContain(
      "alarms.enabled is a token: the module reads it at synth time to decide what to create; use true or false, written out.",
    );
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { deliveryStream: { format: Token.asString({ resolve: () => "json" }) } })).toContain(
      "deliveryStream.format is a token: the module reads it at synth time to decide what to create; use a string, written out.",
    );
    expect(errorOf(BUILDERS.SesEventLake!, { sourceAccountIds: ["222222222222", Token.asString({ resolve: () => "333333333333" })] })).toContain(
      "sourceAccountIds[1] is a token: the module reads each entry at synth time; write it out.",
    );
    expect(errorOf(BUILDERS.SesEventLake!, { regions: Token.asList({ resolve: () => ["eu-west-1"] }) })).toContain(
      "regions is a token: the module reads it at synth time to decide what to create; use an array of strings, written out.",
    );
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { eventTypes: Token.asAny(["SEND"]) })).toContain("eventTypes is a token that is no list: use an array, or a list token (Token.asList).");
    // A value passed through to Terraform may be a token.
    const stack = newStack();
    new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", enabled: new TerraformVariable(stack, "on", { type: "bool" }).booleanValue as unknown as boolean });
    expect(parse(stack).resource("aws_sesv2_configuration_set_event_destination").event_destination.enabled).toBe("${var.on}");
  });

  test("a Map, a Date or a provider of another cloud is refused", () => {
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { tags: new Map([["env", "prod"]]) })).toContain("tags {} is invalid: use an object of string values.");
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { alarms: new Date(0) })).toContain("alarms \"1970-01-01T00:00:00.000Z\" is invalid: use an object with any of");
    const stack = newStack();
    class GoogleProvider extends TerraformProvider {}
    const google = new GoogleProvider(stack, "google", { terraformResourceType: "google" });
    expect(() => new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", provider: google })).toThrow(
      'provider (a construct of class GoogleProvider, "test/google") is invalid: use an AWS provider (an AwsProvider).',
    );
  });

  test("partitionValues names only keys the prefix queries, and not the event type", () => {
    const prefix = "events/event_type=!{partitionKeyFromQuery:event_type}/tenant=!{partitionKeyFromQuery:tenant}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/";
    const message = errorOf(BUILDERS.EventAnalytics!, { prefix, partitionValues: { tenant: ["a"], foo: ["b"], event_type: ["Send"] } });
    expect(message).toContain('partitionValues["foo"] is invalid: prefix holds no !{partitionKeyFromQuery:foo}, so nothing reads these values; remove it or add the key to prefix.');
    expect(message).toContain('partitionValues["event_type"] is invalid: the table lists the SES event types itself; remove it.');
    expect(message).not.toContain('partitionValues["tenant"]');
  });

  test("partitionValues' lists each hold values Athena's enum projection and S3 folders can take, once", () => {
    const problems = (partitionValues: Record<string, string[]>) =>
      errorOf(BUILDERS.EventAnalytics!, { prefix: "events/tenant=!{partitionKeyFromQuery:tenant}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/", partitionValues });
    expect(problems({ tenant: "a" } as never)).toContain('partitionValues["tenant"] "a" is invalid: use an array of strings.');
    expect(problems({ tenant: ["a", Token.asString({ resolve: () => "b" })] })).toContain('partitionValues["tenant"][1] is a token: the module reads each entry at synth time; write it out.');
    expect(problems({ tenant: [] })).toContain('partitionValues["tenant"] [] is invalid: list at least one value, or Athena finds no partition.');
    expect(problems({ tenant: ["a", "b,c"] })).toContain(`partitionValues["tenant"][1] "b,c" is invalid: use 1-128 letters, digits, '_', '.', '=' or '-'`);
    expect(problems({ tenant: ["a/b"] })).toContain('partitionValues["tenant"][0] "a/b" is invalid');
    expect(problems({ tenant: ["a", "a"] })).toContain('partitionValues["tenant"] lists a more than once: list each value once.');
  });

  test("a value under a secret-looking key is hidden at any depth of a message", () => {
    const message = errorOf(BUILDERS.SesFirehoseEventDestination!, { eventDestinationName: { owner: { dbPassword: "hunter2" } } });
    expect(message).toContain('eventDestinationName {"owner":{"dbPassword":"(a secret, not shown)"}} is invalid: use a string.');
    expect(message).not.toContain("hunter2");
  });

  test("a construct given as the props or for a group other than configurationSet is refused", () => {
    const stack = newStack();
    expect(() => new EventKey(stack, "Key", stack as never)).toThrow('EventKey "test/Key": invalid settings:\n  - the props are a construct of class TerraformStack ("test"): use an object of props.');
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { alarms: newStack() })).toContain('alarms is a construct of class TerraformStack ("test"): use an object with any of enabled,');
  });

  test("a token given for a group is refused: the module reads groups at synth time", () => {
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { alarms: Token.asAny({ enabled: true }) })).toContain(
      "alarms is a token: the module reads these options at synth time; give them as an object with any of enabled,",
    );
  });

  test("a function, a provider and a list are judged too", () => {
    expect(errorOf(BUILDERS.EventBucket!, { policyStatements: 5 })).toContain("policyStatements 5 is invalid: use a function.");
    expect(errorOf(BUILDERS.SesFirehoseEventDestination!, { provider: null })).toContain("provider null is invalid: use an AWS provider (an AwsProvider).");
    expect(errorOf(BUILDERS.EventAnalytics!, { columns: "eventtype" })).toContain('columns "eventtype" is invalid: use an array.');
  });

  test("tags given as a map token are taken as they are", () => {
    const synthesized = stackOf((stack) => {
      const tags = new TerraformVariable(stack, "tags", { type: "map(string)" });
      new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", tags: tags.value });
    });
    expect(synthesized.resource("aws_sesv2_configuration_set").tags).toBe("${var.tags}");
  });
});
