// Runs every saved query of the applied default stack, its SQL taken from the applied
// aws_athena_named_query (terraform show -json of the state), over the objects the emulator's
// Firehose delivered (read back from its S3 by event-flow.py) with the DuckDB stand-in for
// Athena (__tests__/athena-harness.ts), and compares each answer with the one worked out by hand
// below from the SES developer guide's ten example records, all delivered today.
//
// Called by scripts/terraform-check/stack.sh through scripts/run-ts.js: checkQueries(STATE_JSON, OBJECTS_DIR, OUT_JSON).
import { readFileSync, writeFileSync } from "fs";
import { isDeepStrictEqual } from "util";
import { AthenaStandIn, Json, projectedObjects } from "../../__tests__/athena-harness";

/** The answers over the ten examples, every one in today's partitions (the arrival day). */
export function handWorkedAnswers(today: string): Record<string, Json[]> {
  return {
    // One Send, one permanent Bounce and one Complaint, all arrived today.
    "daily-bounce-and-complaint-rates": [
      {
        event_date: today,
        sends: 1,
        hard_bounces: 1,
        complaints: 1,
        bounce_rate: 1,
        complaint_rate: 1,
        bounce_rate_at_review_level: true,
        complaint_rate_at_review_level: true,
      },
    ],
    "hard-bounces-to-suppress": [{ email_address: "recipient@example.com", hard_bounces: 1, last_bounced_at: "2017-08-05T00:41:02.669Z" }],
    "bouncing-and-delaying-domains": [{ domain: "example.com", troubled_recipients: 2, bounced_recipients: 1, delayed_recipients: 1 }],
    // No example carries the default tag "campaign": the Delivery, Open and Click group under null.
    "opens-and-clicks-by-tag": [{ tag_value: null, deliveries: 1, opens: 1, opened_messages: 1, clicks: 1, clicked_messages: 1 }],
    "rendering-failures-by-template": [
      {
        template_name: "MyTemplate",
        failures: 1,
        last_failed_at: "2018-01-22T18:43:06.197Z",
        example_error: "Attribute 'attributeName' is not present in the rendering data.",
      },
    ],
  };
}

function applied(state: Json, type: string): Json[] {
  return (state.values.root_module.resources as Json[]).filter((r) => r.type === type).map((r) => r.values);
}

export async function checkQueries(stateFile: string, objectsDir: string, outFile: string): Promise<boolean> {
  const state: Json = JSON.parse(readFileSync(stateFile, "utf8"));
  const [appliedTable] = applied(state, "aws_glue_catalog_table");
  if (appliedTable === undefined) throw new Error("no aws_glue_catalog_table in the state");
  // The state holds a block as a list of one, and the template names the bucket itself: the
  // harness reads the synthesized shape, objects under OBJECTS_DIR keyed from the bucket's root.
  const parameters: Record<string, string> = { ...appliedTable.parameters };
  const template = parameters["storage.location.template"];
  if (template === undefined) throw new Error("the applied table has no storage.location.template");
  parameters["storage.location.template"] = template.replace(/^s3:\/\/[^/]+\//, "s3://${bucket}/");
  const table: Json = { ...appliedTable, parameters, storage_descriptor: appliedTable.storage_descriptor[0] };
  const today = new Date().toISOString().slice(0, 10);
  const expected = handWorkedAnswers(today);
  const engine = await AthenaStandIn.open(today);
  let checked = 0;
  let matched = 0;
  try {
    await engine.load(objectsDir, table, projectedObjects(objectsDir, table, new Date(today)));
    const reference = `"${table.database_name}"."${table.name}"`;
    for (const query of applied(state, "aws_athena_named_query")) {
      checked += 1;
      const answer = await engine.query(query.query, reference);
      const want = expected[query.name];
      const ok = want !== undefined && isDeepStrictEqual(answer, want);
      if (ok) matched += 1;
      process.stderr.write(
        `terraform-check:   query ${query.name}: ${ok ? "matches the hand-worked answer" : `MISMATCH: ${JSON.stringify(answer)}, expected ${JSON.stringify(want ?? "no hand-worked answer")}`}\n`,
      );
    }
  } finally {
    engine.close();
  }
  writeFileSync(outFile, JSON.stringify({ queriesChecked: checked, queriesMatched: matched }, null, 2) + "\n");
  return checked > 0 && checked === matched;
}
