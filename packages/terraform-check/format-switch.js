#!/usr/bin/env node
// The live check's switch of a JSON stack to Parquet (the "switch" check, stack.sh's
// check_format_switch): what it sends on either side, the settings it switches, and what the plan
// of the switch may change.
//
//   split RECORDS BEFORE AFTER      the records of RECORDS (JSON Lines), alternately into BEFORE (sent
//                                   to the JSON stack) and AFTER (sent once it delivers Parquet): each
//                                   saved query's answer needs events of both
//   context CONTEXT_JSON            prints the context with deliveryStream.format "parquet"; fails
//                                   unless it was "json"
//   plan PLAN_JSON                  the switch plan keeps the bucket, the stream and the event table
//                                   (updated in place, never replaced or deleted); prints its changes
"use strict";
const fs = require("fs");

const say = (text) => process.stderr.write(`terraform-check:   ${text}\n`);
const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
/** Resource types the switch must update in place at most: replacing one loses delivered events or their table. */
const KEPT_TYPES = ["aws_s3_bucket", "aws_kinesis_firehose_delivery_stream", "aws_glue_catalog_table"];

function split(records, before, after) {
  const lines = fs.readFileSync(records, "utf8").split("\n").filter((line) => line.trim() !== "");
  if (lines.length < 2) throw new Error(`${records}: ${lines.length} records, too few to send on both sides of the switch`);
  fs.writeFileSync(before, lines.filter((_, i) => i % 2 === 0).join("\n") + "\n");
  fs.writeFileSync(after, lines.filter((_, i) => i % 2 === 1).join("\n") + "\n");
  say(`switch: ${Math.ceil(lines.length / 2)} records to send as JSON, ${Math.floor(lines.length / 2)} as Parquet`);
}

function context(file) {
  const settings = readJson(file);
  const format = settings.deliveryStream?.format;
  if (format !== "json") throw new Error(`${file}: deliveryStream.format is ${JSON.stringify(format)}; the switch starts from a stack with "json"`);
  settings.deliveryStream = { ...settings.deliveryStream, format: "parquet" };
  process.stdout.write(JSON.stringify(settings, null, 2) + "\n");
}

/** False when the plan replaces or deletes a resource of KEPT_TYPES, or changes nothing. */
function plan(file) {
  const changes = (readJson(file).resource_changes ?? []).filter((rc) => !(rc.change.actions.length === 1 && ["no-op", "read"].includes(rc.change.actions[0])));
  let ok = changes.length > 0;
  if (!ok) say("switch: the plan changes nothing");
  for (const rc of changes) {
    const actions = rc.change.actions.join(",");
    const kept = KEPT_TYPES.includes(rc.type) && rc.change.actions.includes("delete");
    if (kept) ok = false;
    say(`switch: ${kept ? "LOST: " : ""}${rc.address}: ${actions}`);
  }
  return ok;
}

function main(argv) {
  const [command, ...args] = argv;
  switch (command) {
    case "split":
      return split(args[0], args[1], args[2]), true;
    case "context":
      return context(args[0]), true;
    case "plan":
      return plan(args[0]);
    default:
      throw new Error("usage: format-switch.js split RECORDS BEFORE AFTER | context CONTEXT_JSON | plan PLAN_JSON");
  }
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2)) ? 0 : 1;
  } catch (error) {
    process.stderr.write(`terraform-check: error: format-switch: ${error.message}\n`);
    process.exitCode = 2;
  }
}

module.exports = { split, context, plan, KEPT_TYPES };
