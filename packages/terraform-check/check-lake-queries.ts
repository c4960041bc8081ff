// Runs every saved query of the applied lake stack over the objects its sources' streams delivered
// (read back by organization.py) with the DuckDB stand-in for Athena, and compares each answer
// with the hand-worked one. Every source sent the same realistic records, as SES in its own
// account and Region, so:
//   - a query that answers per account and Region (it has the columns account_id and region)
//     must give, for each source, exactly the hand-worked answer of one stack, in its order;
//   - a query over every account and Region must give the hand-worked answer of one stack: the
//     same message sent from several sources is still counted once per recipient and message.
//
// Called by packages/terraform-check/organization.sh through scripts/run-ts.js:
// checkLakeQueries(STATE_JSON, OBJECTS_DIR, SCOPES, OUT_JSON), SCOPES "account/region,...".
import { readFileSync, writeFileSync } from "fs";
import { isDeepStrictEqual } from "util";
import { AthenaStandIn, Json, projectedObjects } from "../../scripts/athena-harness";
import { handWorkedAnswers } from "./check-queries";

function applied(state: Json, type: string): Json[] {
  return (state.values.root_module.resources as Json[]).filter((r) => r.type === type).map((r) => r.values);
}

/** The answer rows of one account and Region, without those two columns. */
function ofScope(rows: Json[], account: string, region: string): Json[] {
  return rows
    .filter((row) => row.account_id === account && row.region === region)
    .map(({ account_id: _account, region: _region, ...rest }) => rest);
}

export async function checkLakeQueries(stateFile: string, objectsDir: string, scopes: string, outFile: string): Promise<boolean> {
  const state: Json = JSON.parse(readFileSync(stateFile, "utf8"));
  const [appliedTable] = applied(state, "aws_glue_catalog_table");
  if (appliedTable === undefined) throw new Error("no aws_glue_catalog_table in the lake's state");
  const parameters: Record<string, string> = { ...appliedTable.parameters };
  parameters["storage.location.template"] = parameters["storage.location.template"]!.replace(/^s3:\/\/[^/]+\//, "s3://${bucket}/");
  const table: Json = { ...appliedTable, parameters, storage_descriptor: appliedTable.storage_descriptor[0] };
  const sources = scopes.split(",").map((scope) => scope.split("/") as [string, string]);
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
      const perScope = answer.length > 0 && "account_id" in answer[0]! && "region" in answer[0]!;
      const ok =
        want !== undefined &&
        (perScope
          ? sources.every(([account, region]) => isDeepStrictEqual(ofScope(answer, account, region), want)) &&
            answer.length === want.length * sources.length
          : isDeepStrictEqual(answer, want));
      if (ok) matched += 1;
      process.stderr.write(
        `terraform-check:   lake query ${query.name}${perScope ? ` (per account and Region, ${sources.length} of them)` : ""}: ${ok ? "matches the hand-worked answer" : `MISMATCH: ${JSON.stringify(answer)}, expected ${JSON.stringify(want ?? "no hand-worked answer")}${perScope ? " for each account and Region" : ""}`}\n`,
      );
    }
  } finally {
    engine.close();
  }
  writeFileSync(outFile, JSON.stringify({ queriesChecked: checked, queriesMatched: matched }, null, 2) + "\n");
  return checked > 0 && checked === matched;
}
