// The checks of packages/terraform-check/terraform-check.sh on what Terraform wrote (validate -json, show -json
// of a saved plan, show text, the plan summary's Markdown). Each subcommand prints what it found
// and exits 1 when a check fails.
//
//   endpoints SCHEMA_JSON                 the names the provider's "endpoints" block accepts
//   validate VALIDATE_JSON                valid, with no diagnostics at all (no warning either)
//   summary PLAN_JSON SHOW_TEXT SUMMARY   the summary has Terraform's "Plan:" line and every
//                                         changed resource's address
//   targets PLAN_JSON TYPES               the resources to apply: all but the TYPES the mock lacks
//   unsupported PLAN_JSON TYPES           names the planned resources that are not applied
//   after-apply PLAN_JSON TYPES EVIDENCE  empty, but for TYPES not applied and the excluded
//                                         attributes of expectations.js whose mock behaviour
//                                         mock-evidence.py reproduced (printed with it)
//   destroy PLAN_JSON                     only deletes, of every managed resource in state
//   changes | describe NAME | edit NAME [CONTEXT_JSON]   the change plans of expectations.js (on cdktf.json's context by default)
//   change NAME PLAN_JSON EVIDENCE        a change plan against its expectation (updates of
//                                         excluded attributes only are judged as after-apply)
//   fixture PLAN_JSON MOCK_URL            the plan JSON as saved under packages/plan-summary/__tests__/fixtures/plans/real/VERSION
//   record CREATE_PLAN STATE AFTER_PLAN   one stack's part of summary.json (summary.js)
//   protected STACK_JSON                  the buckets a destroy must stop at (prevent_destroy);
//                                         names each bucket with neither that nor force_destroy
//   destroy-refused LOG STATE_BEFORE STATE_AFTER  the destroy failed on prevent_destroy, changing nothing
"use strict";
const fs = require("fs");
const path = require("path");
const { CHANGES, RENAMES, EXCLUDED_ATTRIBUTES } = require("./expectations");

const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const say = (text) => process.stderr.write(`terraform-check:   ${text}\n`);
const isNoop = (actions) => actions.length === 1 && (actions[0] === "no-op" || actions[0] === "read");
const typeOf = (address) => address.replace(/^(module\.[^.]+\.)*/, "").split(".")[0];

/**
 * Prints each changed attribute of an update: excluded when expectations.js names it and its
 * mock behaviour was reproduced, a perpetual diff otherwise. True when every one was excluded.
 */
function judgeUpdate(rc, evidence) {
  let ok = true;
  for (const attribute of changedAttributes(rc.change)) {
    const values = `before ${JSON.stringify(rc.change.before?.[attribute])}, planned ${JSON.stringify(rc.change.after?.[attribute])}`;
    const excluded = EXCLUDED_ATTRIBUTES.find((e) => e.type === rc.type && e.attributes.includes(attribute));
    const seen = excluded && evidence[excluded.evidence];
    if (seen?.reproduced) {
      say(`excluded (the mock, not the app): ${rc.address}.${attribute}: ${values}. ${excluded.because} Evidence: ${seen.evidence}`);
    } else {
      say(`PERPETUAL DIFF: ${rc.address}.${attribute}: ${values}${excluded ? ` (the mock behaviour "${excluded.evidence}" that would explain it was not reproduced)` : ""}`);
      ok = false;
    }
  }
  return ok;
}

function managedChanges(plan) {
  return (plan.resource_changes ?? []).filter((rc) => rc.mode === "managed");
}

/** Top-level attributes whose planned value differs from the prior one (or is unknown). */
function changedAttributes(change) {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = change.after_unknown ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]) || containsTrue(unknown[key])).sort();
}

function containsTrue(value) {
  if (value === true) return true;
  if (value && typeof value === "object") return Object.values(value).some(containsTrue);
  return false;
}

/** Terraform's own counts, as its "Plan:" line states them. */
function planLine(plan) {
  const counts = { import: 0, add: 0, change: 0, destroy: 0 };
  for (const rc of managedChanges(plan)) {
    const actions = rc.change.actions;
    if (rc.change.importing) counts.import += 1;
    if (actions.includes("create")) counts.add += 1;
    if (actions.includes("delete")) counts.destroy += 1;
    if (actions.length === 1 && actions[0] === "update") counts.change += 1;
  }
  const head = counts.import ? `${counts.import} to import, ` : "";
  return `Plan: ${head}${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy.`;
}

const commands = {
  endpoints(schemaFile) {
    const schema = readJson(schemaFile).provider_schemas["registry.terraform.io/hashicorp/aws"];
    const names = Object.keys(schema.provider.block.block_types.endpoints.block.attributes).sort();
    if (names.length < 10) throw new Error(`only ${names.length} endpoint names in the provider schema`);
    console.log(JSON.stringify(names));
    return true;
  },

  validate(file) {
    const result = readJson(file);
    for (const d of result.diagnostics ?? []) {
      say(`${d.severity}: ${d.summary}${d.detail ? `: ${d.detail}` : ""}${d.range ? ` (${d.range.filename}:${d.range.start.line})` : ""}`);
    }
    return result.valid === true && (result.diagnostics ?? []).length === 0;
  },

  summary(planFile, showFile, summaryFile) {
    const plan = readJson(planFile);
    const text = fs.readFileSync(showFile, "utf8");
    const summary = fs.readFileSync(summaryFile, "utf8");
    let ok = true;
    const changed = managedChanges(plan).filter((rc) => !isNoop(rc.change.actions));
    const line = text.match(/^Plan: .*$/m)?.[0];
    if (changed.length > 0) {
      if (line !== planLine(plan)) {
        say(`terraform show says "${line}", the plan JSON counts "${planLine(plan)}"`);
        ok = false;
      }
      if (!summary.includes(planLine(plan))) {
        say(`the plan summary lacks Terraform's line "${planLine(plan)}"`);
        ok = false;
      }
    }
    for (const rc of changed) {
      if (!summary.includes(rc.address)) {
        say(`the plan summary does not name ${rc.address} (${rc.change.actions.join(", ")})`);
        ok = false;
      }
    }
    return ok;
  },

  targets(planFile, types) {
    const unsupported = types.split(",");
    for (const rc of managedChanges(readJson(planFile))) {
      if (!unsupported.includes(rc.type)) console.log(rc.address);
    }
    return true;
  },

  unsupported(planFile, types) {
    const unsupported = types.split(",");
    for (const rc of managedChanges(readJson(planFile)).filter((r) => unsupported.includes(r.type))) {
      say(`not applied (the mock cannot create ${rc.type}; validated and planned only): ${rc.address}`);
    }
    return true;
  },

  "after-apply"(planFile, types, evidenceFile) {
    const unsupported = types.split(",");
    const evidence = readJson(evidenceFile);
    let ok = true;
    for (const rc of managedChanges(readJson(planFile))) {
      const actions = rc.change.actions;
      if (isNoop(actions)) continue;
      if (actions.join() === "create" && unsupported.includes(rc.type)) {
        say(`still to create (not applied, the mock lacks it): ${rc.address}`);
        continue;
      }
      if (actions.join() !== "update") {
        say(`UNEXPECTED ${actions.join(", ")} after apply: ${rc.address}`);
        ok = false;
        continue;
      }
      ok = judgeUpdate(rc, evidence) && ok;
    }
    return ok;
  },

  destroy(planFile) {
    const plan = readJson(planFile);
    const inState = (plan.prior_state?.values?.root_module?.resources ?? []).filter((r) => r.mode === "managed");
    const deletes = managedChanges(plan).filter((rc) => rc.change.actions.join() === "delete");
    const others = managedChanges(plan).filter((rc) => !isNoop(rc.change.actions) && rc.change.actions.join() !== "delete");
    for (const rc of others) say(`UNEXPECTED ${rc.change.actions.join(", ")} in the destroy plan: ${rc.address}`);
    if (deletes.length !== inState.length) say(`the destroy plan deletes ${deletes.length} of the ${inState.length} resources in state`);
    return others.length === 0 && deletes.length === inState.length && deletes.length > 0;
  },

  changes() {
    console.log([...Object.keys(CHANGES), ...Object.keys(RENAMES)].join("\n"));
    return true;
  },

  describe(name) {
    console.log(change(name).description);
    return true;
  },

  edit(name, contextFile) {
    const context = contextFile
      ? JSON.parse(fs.readFileSync(contextFile, "utf8"))
      : JSON.parse(fs.readFileSync(path.join(__dirname, "../../cdktf.json"), "utf8")).context;
    console.log(JSON.stringify(change(name).edit(structuredClone(context))));
    return true;
  },

  change(name, planFile, evidenceFile) {
    const plan = readJson(planFile);
    if (RENAMES[name]) return judgeRename(RENAMES[name], plan);
    const evidence = readJson(evidenceFile);
    const expected = change(name).expect;
    let ok = true;
    const seen = new Set();
    for (const rc of managedChanges(plan)) {
      const actions = rc.change.actions.join(",");
      const want = expected.find((e) => e.type === rc.type && (e.name === undefined || rc.address.endsWith(`.${e.name}`) || rc.name.startsWith(e.name)));
      if (isNoop(rc.change.actions)) {
        if (want) {
          say(`${rc.address}: expected ${want.actions}, planned no change`);
          ok = false;
        }
        continue;
      }
      if (!want) {
        if (actions === "update") {
          ok = judgeUpdate(rc, evidence) && ok;
        } else {
          say(`UNEXPECTED ${actions}: ${rc.address} (${changedAttributes(rc.change).join(", ")})`);
          ok = false;
        }
        continue;
      }
      seen.add(want);
      const problems = [];
      if (actions !== want.actions) problems.push(`actions ${actions}, expected ${want.actions}`);
      const replacePaths = JSON.stringify(rc.change.replace_paths ?? []);
      if (want.replacePaths && replacePaths !== JSON.stringify(want.replacePaths)) {
        problems.push(`replace_paths ${replacePaths}, expected ${JSON.stringify(want.replacePaths)}`);
      }
      const attributes = changedAttributes(rc.change);
      for (const attribute of want.attributes ?? []) {
        if (!attributes.includes(attribute)) problems.push(`${attribute} does not change (changed: ${attributes.join(", ")})`);
      }
      if (want.check) problems.push(...want.check(rc.change));
      for (const problem of problems) say(`${rc.address}: ${problem}`);
      if (problems.length === 0) say(`as expected: ${actions} ${rc.address}${rc.change.replace_paths ? ` (forced by ${replacePaths})` : ""}`);
      ok &&= problems.length === 0;
    }
    for (const want of expected.filter((e) => !seen.has(e) && !e.optional)) {
      say(`expected ${want.actions} of a ${want.type}${want.name ? ` ${want.name}` : ""}, not planned`);
      ok = false;
    }
    return ok;
  },

  record(createFile, stateFile, afterFile) {
    console.log(JSON.stringify(stackRecord(readJson(createFile), readJson(stateFile), readJson(afterFile))));
    return true;
  },

  protected(stackFile) {
    const buckets = Object.entries(readJson(stackFile).resource?.aws_s3_bucket ?? {});
    for (const [name, bucket] of buckets) {
      const address = `aws_s3_bucket.${name}`;
      if (bucket.lifecycle?.prevent_destroy === true) console.log(address);
      else if (bucket.force_destroy !== true) say(`NOTE: ${address} has neither prevent_destroy nor force_destroy: a destroy would stop only at a non-empty bucket`);
    }
    return true;
  },

  "destroy-refused"(logFile, beforeFile, afterFile) {
    const log = fs.readFileSync(logFile, "utf8").replace(/\s+/g, " ");
    const count = (file) => (readJson(file).resources ?? []).filter((r) => r.mode === "managed").length;
    const refused = log.includes("Instance cannot be destroyed");
    if (!refused) say("the destroy did not fail on prevent_destroy (Instance cannot be destroyed)");
    if (count(beforeFile) !== count(afterFile)) say(`the destroy changed the state: ${count(beforeFile)} resources before, ${count(afterFile)} after`);
    return refused && count(beforeFile) === count(afterFile);
  },

  fixture(planFile, mockUrl) {
    const plan = readJson(planFile);
    // The only run-specific values Terraform writes here: when the plan was made, and the mock's port.
    plan.timestamp = "2026-01-01T00:00:00Z";
    const text = JSON.stringify(plan, null, 2).split(mockUrl).join("http://127.0.0.1:4566");
    console.log(text);
    return true;
  },
};

/** A rename plan: fails on any change it forbids, and names every replacement it plans. */
function judgeRename(rename, plan) {
  let ok = true;
  for (const rc of managedChanges(plan).filter((r) => !isNoop(r.change.actions))) {
    const actions = rc.change.actions.join(",");
    const forbidden = rename.forbid.find((f) => f.type === rc.type && rc.change.actions.includes(f.action));
    if (forbidden) {
      say(`FORBIDDEN: ${actions} ${rc.address}: ${forbidden.because}`);
      ok = false;
    } else if (rc.change.actions.includes("delete")) {
      say(`planned: ${actions} ${rc.address}`);
    }
  }
  if (ok) say(`as expected: no ${rename.forbid.map((f) => `${f.action} of an ${f.type}`).join(", ")}`);
  return ok;
}

/** What summary.json says of one applied stack: see summary.js. */
function stackRecord(createPlan, state, afterPlan) {
  const collect = (module) => [...(module?.resources ?? []), ...(module?.child_modules ?? []).flatMap(collect)];
  const inState = new Set(collect(state.values?.root_module).filter((r) => r.mode === "managed").map((r) => r.address));
  // What the create plan brings under management: created or imported.
  const planned = managedChanges(createPlan).filter((rc) => rc.change.actions.includes("create") || rc.change.importing);
  const excluded = [];
  for (const rc of managedChanges(afterPlan).filter((r) => r.change.actions.join() === "update")) {
    for (const attribute of changedAttributes(rc.change)) {
      const rule = EXCLUDED_ATTRIBUTES.find((e) => e.type === rc.type && e.attributes.includes(attribute));
      if (rule) excluded.push({ address: rc.address, attribute, evidence: rule.because });
    }
  }
  return {
    planned: planned.length,
    applied: inState.size,
    notApplied: planned.filter((rc) => !inState.has(rc.address)).map((rc) => ({ address: rc.address, reason: "not in the state after apply" })),
    postApplyChanges: managedChanges(afterPlan).filter((rc) => !isNoop(rc.change.actions)).length,
    excluded,
  };
}

function change(name) {
  const found = CHANGES[name] ?? RENAMES[name];
  if (!found) throw new Error(`no change plan ${name} (known: ${[...Object.keys(CHANGES), ...Object.keys(RENAMES)].join(", ")})`);
  return found;
}

if (require.main === module) {
  const [command, ...args] = process.argv.slice(2);
  try {
    if (!commands[command]) throw new Error(`unknown command ${command}`);
    process.exitCode = commands[command](...args) ? 0 : 1;
  } catch (error) {
    process.stderr.write(`terraform-check: error: check-plan ${command}: ${error.message}\n`);
    process.exitCode = 2;
  }
}

module.exports = { planLine, changedAttributes, stackRecord };
