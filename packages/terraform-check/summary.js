// Writes .scratch/terraform-check/summary.json, the check's machine-readable result, and prints
// it as one line per profile (and one for the events, one for IAM):
//   { "provider": "<version>", "emulator": "<name version per service>",
//     "profiles": { "<profile>": { "planned", "applied", "notApplied": [{ "address", "reason" }],
//                                  "postApplyChanges", "excluded": [{ "address", "attribute", "evidence" }] } },
//     "eventFlow": { "recordsPut", "objectsWritten", "eventTypesLanded": [...], "queriesChecked", "queriesMatched",
//                    "accountsLanded": [...], "regionsLanded": [...], "lakeWriters": [...] },
//     "iam": { "allowedAsExpected", "deniedAsExpected", "unexpected": [...] },
//     "faults": [{ "name", "caught", "by" }],
//     "terraform": ["1.11.4", "1.16.4"],
//     "byTerraform": { "<version>": { "checkedAt", "eventFlow": {...}, "profiles": { "<profile>": { "planned", "applied",
//                                     "notApplied", "postApplyChanges", "excluded", "complete" } } } } }
// A profile (a run: cdktn-<profile> on CDK Terrain) of several stacks adds up their counts and
// lists; eventFlow and iam are those of the first run with events; faults those --faults seeded
// (empty without it). The organization profile's events (organization.json and
// organization-queries.json beside OUT_JSON, written by its check) add to the counts, and give the
// accounts and Regions whose events landed in the lake under their own folders, and whom each
// lake's bucket policy let write ("organization o-..." or "accounts ..."). "terraform" and "byTerraform" come
// from each Terraform version's last run (TERRAFORM_CHECK_VERSION names this run's, and
// TERRAFORM_CHECK_RESULTS the directory that keeps one result per version); without them both
// are left out.
//
// Usage: node summary.js OUT_JSON PROVIDER EMULATOR EVENT_FLOW_JSON QUERIES_JSON FAULTS_JSON PROFILE=STACK_RECORD_JSON...
"use strict";
const fs = require("fs");
const path = require("path");

/** The summary from one record per stack (check-plan.js record) and the event and IAM results. */
function buildSummary({ provider, emulator, stacks, eventFlow, queries, faults, organization, organizationQueries }) {
  const profiles = {};
  for (const { profile, record } of stacks) {
    const total = (profiles[profile] ??= { planned: 0, applied: 0, notApplied: [], postApplyChanges: 0, excluded: [] });
    total.planned += record.planned;
    total.applied += record.applied;
    total.notApplied.push(...record.notApplied);
    total.postApplyChanges += record.postApplyChanges;
    total.excluded.push(...record.excluded);
  }
  return {
    provider,
    emulator,
    profiles,
    eventFlow: {
      recordsPut: (eventFlow?.eventFlow.recordsPut ?? 0) + (organization?.eventFlow.recordsPut ?? 0),
      objectsWritten: (eventFlow?.eventFlow.objectsWritten ?? 0) + (organization?.eventFlow.objectsWritten ?? 0),
      eventTypesLanded: [...new Set([...(eventFlow?.eventFlow.eventTypesLanded ?? []), ...(organization?.eventFlow.eventTypesLanded ?? [])])].sort(),
      queriesChecked: (queries?.queriesChecked ?? 0) + (organizationQueries?.queriesChecked ?? 0),
      queriesMatched: (queries?.queriesMatched ?? 0) + (organizationQueries?.queriesMatched ?? 0),
      accountsLanded: organization?.eventFlow.accountsLanded ?? [],
      regionsLanded: organization?.eventFlow.regionsLanded ?? [],
      lakeWriters: [organization?.lakeWriters ?? []].flat(),
    },
    iam: {
      allowedAsExpected: (eventFlow?.iam.allowedAsExpected ?? 0) + (organization?.iam.allowedAsExpected ?? 0),
      deniedAsExpected: (eventFlow?.iam.deniedAsExpected ?? 0) + (organization?.iam.deniedAsExpected ?? 0),
      unexpected: [...(eventFlow?.iam.unexpected ?? []), ...(organization?.iam.unexpected ?? [])],
    },
    faults: (faults ?? []).map(({ name, caught, by }) => ({ name, caught, by })),
  };
}

/** True when every profile applied fully, planned nothing after apply and excluded nothing. */
function profileComplete(p) {
  return p.planned > 0 && p.applied >= p.planned && p.notApplied.length === 0 && p.postApplyChanges === 0 && p.excluded.length === 0;
}

/**
 * The summary with "terraform" (every version with a kept result, oldest first) and "byTerraform"
 * (each version's profiles and events): this run's result is kept in RESULTS_DIR/<version>.json
 * beside those of the other versions' last runs.
 */
function withTerraformVersions(summary, version, resultsDir, now = new Date()) {
  if (!version || !resultsDir) return summary;
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`TERRAFORM_CHECK_VERSION ${JSON.stringify(version)} is not a version such as 1.16.4`);
  const profiles = Object.fromEntries(Object.entries(summary.profiles).map(([name, p]) => [name, { ...p, complete: profileComplete(p) }]));
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, `${version}.json`), JSON.stringify({ checkedAt: now.toISOString(), eventFlow: summary.eventFlow, profiles }, null, 2) + "\n");
  const versions = fs
    .readdirSync(resultsDir)
    .map((file) => /^(\d+\.\d+\.\d+)\.json$/.exec(file)?.[1])
    .filter(Boolean)
    .sort((a, b) => compareVersions(a, b));
  const byTerraform = Object.fromEntries(versions.map((v) => [v, JSON.parse(fs.readFileSync(path.join(resultsDir, `${v}.json`), "utf8"))]));
  return { ...summary, terraform: versions, byTerraform };
}

function compareVersions(a, b) {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

function summaryLines(summary) {
  const lines = [`provider ${summary.provider}; emulator ${summary.emulator}`];
  for (const [name, p] of Object.entries(summary.profiles)) {
    lines.push(
      `${name}: planned ${p.planned}, applied ${p.applied}, not applied ${p.notApplied.length}, post-apply changes ${p.postApplyChanges}, excluded ${p.excluded.length}${profileComplete(p) ? "" : " (INCOMPLETE)"}`,
    );
  }
  const e = summary.eventFlow;
  lines.push(
    `events: ${e.recordsPut} records put, ${e.objectsWritten} objects written, ${e.eventTypesLanded.length} event types landed, queries ${e.queriesMatched}/${e.queriesChecked} matched, accounts landed ${e.accountsLanded.length}, Regions landed ${e.regionsLanded.length}${e.lakeWriters.length ? `, lakes written by ${e.lakeWriters.join("; ")}` : ""}`,
  );
  lines.push(`iam: ${summary.iam.allowedAsExpected} allowed and ${summary.iam.deniedAsExpected} denied as expected, ${summary.iam.unexpected.length} unexpected`);
  if (summary.faults.length > 0) {
    const missed = summary.faults.filter((f) => !f.caught).map((f) => f.name);
    lines.push(`faults: ${summary.faults.length - missed.length} of ${summary.faults.length} caught${missed.length ? ` (NOT CAUGHT: ${missed.join(", ")})` : ""}`);
  }
  for (const [version, result] of Object.entries(summary.byTerraform ?? {})) {
    const profiles = Object.entries(result.profiles).map(([name, p]) => `${name} ${p.complete ? "complete" : "INCOMPLETE"}`);
    lines.push(`terraform ${version} (${result.checkedAt}): ${profiles.join(", ") || "no profile"}`);
  }
  return lines;
}

function main([out, provider, emulator, eventFlowFile, queriesFile, faultsFile, ...parts]) {
  const read = (file) => (file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined);
  const stacks = parts.map((part) => {
    const at = part.indexOf("=");
    return { profile: part.slice(0, at), record: read(part.slice(at + 1)), dir: path.dirname(part.slice(at + 1)) };
  });
  const beside = (name) => path.join(path.dirname(out), name);
  const lake = { organization: read(beside("organization.json")), organizationQueries: read(beside("organization-queries.json")) };
  const all = buildSummary({ provider, emulator, stacks, eventFlow: read(eventFlowFile), queries: read(queriesFile), faults: read(faultsFile), ...lake });
  // A run on another Terraform than the base one (TERRAFORM_CHECK_VERSION) is named
  // <run>-terraform-<version>: each version's result is kept from its own runs.
  const base = process.env.TERRAFORM_CHECK_VERSION;
  const versionOf = (run) => /-terraform-(\d+\.\d+\.\d+)$/.exec(run)?.[1] ?? base;
  let summary = all;
  for (const version of [...new Set(stacks.map((stack) => versionOf(stack.profile)))]) {
    const runs = stacks.filter((stack) => versionOf(stack.profile) === version);
    // That version's events: those of its first run that sent events.
    const events = runs.map((stack) => stack.dir).find((dir) => fs.existsSync(path.join(dir, "event-flow.json")));
    const own = buildSummary({
      provider,
      emulator,
      stacks: runs,
      eventFlow: events === undefined ? undefined : read(path.join(events, "event-flow.json")),
      queries: events === undefined ? undefined : read(path.join(events, "queries.json")),
      faults: [],
      // The organization profile runs on the base Terraform only (MATRIX).
      ...(version === base ? lake : {}),
    });
    const kept = withTerraformVersions(own, version, process.env.TERRAFORM_CHECK_RESULTS);
    summary = { ...all, ...(kept.terraform ? { terraform: kept.terraform, byTerraform: kept.byTerraform } : {}) };
  }
  fs.writeFileSync(out, JSON.stringify(summary, null, 2) + "\n");
  for (const line of summaryLines(summary)) process.stderr.write(`terraform-check: summary: ${line}\n`);
}

if (require.main === module) main(process.argv.slice(2));

module.exports = { buildSummary, profileComplete, summaryLines, withTerraformVersions };
