// The faults `npm run terraform:check -- --faults` seeds into the applied default stack, one at
// a time: each an edit of the stack's cdk.tf.json that a user could make (or a module could get
// wrong) and that AWS would let Terraform apply, but after which real events would not arrive,
// or would arrive where no one reads them, or anyone could act as SES. Each names the check that
// must catch it (event-flow.py's ses, delivery, events and iam checks; queries: check-queries.ts).
//
// Usage: node faults.js list                          the names, one a line
//        node faults.js describe NAME | catches NAME  what it seeds | the check that must catch it
//        node faults.js seed NAME CDK_TF_JSON         prints the stack with the fault seeded
//        node faults.js verdict NAME EVENT_FLOW_JSON QUERIES_OK
//                                                     prints { name, caught, by } (summary.json's faults[])
"use strict";
const fs = require("fs");

/** The one resource of TYPE whose block satisfies TEST, as [key, block]; an error when there is not exactly one. */
function only(stack, type, test = () => true, what = type) {
  const found = Object.entries(stack.resource?.[type] ?? {}).filter(([, block]) => test(block));
  if (found.length !== 1) throw new Error(`faults: expected one ${what} in the stack, found ${found.length}`);
  return found[0];
}

const trusts = (service) => (role) => JSON.parse(role.assume_role_policy).Statement.some((s) => [s.Principal?.Service].flat().includes(service));
const sesRole = (stack) => only(stack, "aws_iam_role", trusts("ses.amazonaws.com"), "role trusting ses.amazonaws.com");
const deliveryRole = (stack) => only(stack, "aws_iam_role", trusts("firehose.amazonaws.com"), "role trusting firehose.amazonaws.com");
const policyOf = (stack, [roleKey]) =>
  only(stack, "aws_iam_role_policy", (p) => p.role === `\${aws_iam_role.${roleKey}.id}` || p.role === `\${aws_iam_role.${roleKey}.name}`, `policy of ${roleKey}`)[1];

/** Rewrites the JSON policy document held in BLOCK[FIELD] with EDIT. */
function editPolicy(block, field, edit) {
  const document = JSON.parse(block[field]);
  edit(document);
  block[field] = JSON.stringify(document);
}

const FAULTS = {
  "delivery-role-without-put-object": {
    catches: "delivery",
    description: "the delivery role's policy leaves out s3:PutObject",
    seed(stack) {
      editPolicy(policyOf(stack, deliveryRole(stack)), "policy", (doc) => {
        for (const s of doc.Statement) s.Action = [s.Action].flat().filter((a) => a !== "s3:PutObject");
      });
    },
  },
  "bucket-policy-denies-delivery-role": {
    catches: "delivery",
    description: "the bucket policy denies the delivery role s3:PutObject",
    seed(stack) {
      const [roleKey] = deliveryRole(stack);
      const [, policy] = only(stack, "aws_s3_bucket_policy");
      const bucketKey = /^\$\{aws_s3_bucket\.([\w-]+)\.(id|bucket)\}$/.exec(policy.bucket)?.[1];
      if (!bucketKey) throw new Error(`faults: the bucket policy's bucket ${policy.bucket} is no reference to an aws_s3_bucket`);
      editPolicy(policy, "policy", (doc) =>
        doc.Statement.push({
          Sid: "DenyDeliveryRole",
          Effect: "Deny",
          Principal: { AWS: `\${aws_iam_role.${roleKey}.arn}` },
          Action: "s3:PutObject",
          Resource: `\${aws_s3_bucket.${bucketKey}.arn}/*`,
        }),
      );
    },
  },
  "ses-trust-without-conditions": {
    catches: "iam",
    description: "the SES role's trust policy has no aws:SourceAccount / aws:SourceArn condition (a confused deputy)",
    seed(stack) {
      editPolicy(sesRole(stack)[1], "assume_role_policy", (doc) => {
        for (const s of doc.Statement) delete s.Condition;
      });
    },
  },
  "delivery-trust-for-another-service": {
    catches: "delivery",
    description: "the delivery role trusts ses.amazonaws.com instead of firehose.amazonaws.com",
    seed(stack) {
      editPolicy(deliveryRole(stack)[1], "assume_role_policy", (doc) => {
        for (const s of doc.Statement) s.Principal = { Service: "ses.amazonaws.com" };
      });
    },
  },
  "ses-role-limited-to-another-stream": {
    catches: "ses",
    description: "the SES role may put records into another stream only",
    seed(stack) {
      editPolicy(policyOf(stack, sesRole(stack)), "policy", (doc) => {
        for (const s of doc.Statement) s.Resource = [s.Resource].flat().map((r) => `${r}-other`);
      });
    },
  },
  "disabled-destination": {
    catches: "ses",
    description: "the event destination is disabled",
    seed(stack) {
      only(stack, "aws_sesv2_configuration_set_event_destination")[1].event_destination.enabled = false;
    },
  },
  "destination-names-wrong-role": {
    catches: "ses",
    description: "the event destination names the delivery role, which SES cannot assume",
    seed(stack) {
      const [roleKey] = deliveryRole(stack);
      only(stack, "aws_sesv2_configuration_set_event_destination")[1].event_destination.kinesis_firehose_destination.iam_role_arn = `\${aws_iam_role.${roleKey}.arn}`;
    },
  },
  "events-partitioned-by-wrong-field": {
    catches: "events",
    description: "the stream partitions by the sender's address instead of the event type",
    seed(stack) {
      const [, stream] = only(stack, "aws_kinesis_firehose_delivery_stream");
      const processors = stream.extended_s3_configuration.processing_configuration.processors;
      const query = processors.flatMap((p) => p.parameters).find((p) => p.parameter_name === "MetadataExtractionQuery");
      if (!query) throw new Error("faults: the stream has no MetadataExtractionQuery");
      query.parameter_value = "{event_type: .mail.source}";
    },
  },
  "table-reads-wrong-prefix": {
    catches: "queries",
    description: "the query table reads objects under another prefix than the stream writes",
    seed(stack) {
      // The event table (with Parquet, not the table over the JSON before a switch).
      const [, table] = only(stack, "aws_glue_catalog_table", (block) => block.name === "events", "event table");
      const template = table.parameters["storage.location.template"];
      const moved = template.replace(/^(s3:\/\/[^/]+\/)([^/$]+)\//, "$1$2-moved/");
      if (moved === template) throw new Error(`faults: the table's location ${template} has no folder under the bucket`);
      table.parameters["storage.location.template"] = moved;
    },
  },
};

/** The stack (parsed cdk.tf.json) with fault NAME seeded: a deep copy, the input untouched. */
function seed(name, stack) {
  const fault = FAULTS[name];
  if (!fault) throw new Error(`faults: no fault named "${name}" (${Object.keys(FAULTS).join(", ")})`);
  const copy = structuredClone(stack);
  fault.seed(copy);
  return copy;
}

/**
 * Whether the check that must catch fault NAME did, and how: its first complaint. EVENT_FLOW is
 * event-flow.py's OUT_JSON (undefined when it did not write one), QUERIES_OK whether every saved
 * query matched its hand-worked answer.
 */
function verdict(name, eventFlow, queriesOk) {
  const fault = FAULTS[name];
  if (!fault) throw new Error(`faults: no fault named "${name}"`);
  const failed = new Set(eventFlow?.failedChecks ?? ["event-flow"]);
  if (!queriesOk) failed.add("queries");
  const complaints = [
    ...(eventFlow?.eventFlow.problems ?? []),
    ...(eventFlow?.iam.unexpected ?? []).map((u) => `iam: ${u}`),
    ...(queriesOk ? [] : ["queries: a saved query's answer differs from its hand-worked answer"]),
  ];
  const caught = failed.has(fault.catches);
  const by = caught ? complaints.find((c) => c.startsWith(`${fault.catches}:`)) : `not caught by ${fault.catches} (failed: ${[...failed].join(", ") || "nothing"})`;
  return { name, caught, by };
}

function main([command, ...args]) {
  if (command === "list") {
    for (const name of Object.keys(FAULTS)) console.log(name);
  } else if (command === "catches") {
    console.log(FAULTS[args[0]].catches);
  } else if (command === "describe") {
    console.log(`${FAULTS[args[0]].description}; must be caught by ${FAULTS[args[0]].catches}`);
  } else if (command === "seed") {
    const [name, file] = args;
    process.stdout.write(JSON.stringify(seed(name, JSON.parse(fs.readFileSync(file, "utf8"))), null, 2) + "\n");
  } else if (command === "verdict") {
    const [name, file, queriesOk] = args;
    const eventFlow = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined;
    console.log(JSON.stringify(verdict(name, eventFlow, queriesOk === "true")));
  } else {
    throw new Error("usage: node faults.js list | describe NAME | catches NAME | seed NAME CDK_TF_JSON | verdict NAME EVENT_FLOW_JSON QUERIES_OK");
  }
}

if (require.main === module) main(process.argv.slice(2));

module.exports = { FAULTS, seed, verdict };
