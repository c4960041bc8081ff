// Runs every saved query of the applied default stack, its SQL taken from the applied
// aws_athena_named_query (terraform show -json of the state), over the objects the emulator's
// Firehose delivered (read back from its S3 by event-flow.py) with the DuckDB stand-in for
// Athena (__tests__/athena-harness.ts), and compares each answer with the one worked out by hand
// from the realistic records (see handWorkedAnswers).
//
// Called by scripts/terraform-check/stack.sh through scripts/run-ts.js: checkQueries(STATE_JSON, OBJECTS_DIR, OUT_JSON).
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { AthenaStandIn, Json, projectedObjects } from "../../__tests__/athena-harness";

/**
 * The hand-worked answers of each saved query over the realistic records
 * (__tests__/fixtures/expected-query-answers.json, for the default settings: a 30-day window and
 * the tag "campaign"), on the day they are worked out for. The guide's ten examples, sent too,
 * are years older than that window, so no answer holds them.
 */
export function handWorkedAnswers(): { today: string; answers: Record<string, Json[]> } {
  const file = path.join(__dirname, "../../__tests__/fixtures/expected-query-answers.json");
  const { today, answers } = JSON.parse(readFileSync(file, "utf8"));
  return { today, answers };
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
  // current_date is the answers' day; the objects are dated by their arrival (today), which the
  // partition projection's NOW must reach and the window's lower bound lets through.
  const { today, answers: expected } = handWorkedAnswers();
  const arrivalDay = new Date().toISOString().slice(0, 10);
  const engine = await AthenaStandIn.open(today);
  let checked = 0;
  let matched = 0;
  try {
    await engine.load(objectsDir, table, projectedObjects(objectsDir, table, new Date(arrivalDay)));
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
