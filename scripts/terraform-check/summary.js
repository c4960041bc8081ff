// Writes .scratch/terraform-check/summary.json, the check's machine-readable result, and prints
// it as one line per profile (and one for the events, one for IAM):
//   { "provider": "<version>", "emulator": "<name version per service>",
//     "profiles": { "<profile>": { "planned", "applied", "notApplied": [{ "address", "reason" }],
//                                  "postApplyChanges", "excluded": [{ "address", "attribute", "evidence" }] } },
//     "eventFlow": { "recordsPut", "objectsWritten", "eventTypesLanded": [...], "queriesChecked", "queriesMatched",
//                    "accountsLanded": [...], "regionsLanded": [...] },
//     "iam": { "allowedAsExpected", "deniedAsExpected", "unexpected": [...] } }
// A profile of several stacks adds up their counts and lists. The organization profile's events
// (organization.json and organization-queries.json beside OUT_JSON) add to the counts, and give
// the accounts and Regions whose events landed in the lake under their own folders.
//
// Usage: node summary.js OUT_JSON PROVIDER EMULATOR EVENT_FLOW_JSON QUERIES_JSON PROFILE=STACK_RECORD_JSON...
"use strict";
const fs = require("fs");

/** The summary from one record per stack (check-plan.js record) and the event and IAM results. */
function buildSummary({ provider, emulator, stacks, eventFlow, queries, organization, organizationQueries }) {
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
      eventTypesLanded: eventFlow?.eventFlow.eventTypesLanded ?? [],
      queriesChecked: (queries?.queriesChecked ?? 0) + (organizationQueries?.queriesChecked ?? 0),
      queriesMatched: (queries?.queriesMatched ?? 0) + (organizationQueries?.queriesMatched ?? 0),
      accountsLanded: organization?.eventFlow.accountsLanded ?? [],
      regionsLanded: organization?.eventFlow.regionsLanded ?? [],
    },
    iam: {
      allowedAsExpected: (eventFlow?.iam.allowedAsExpected ?? 0) + (organization?.iam.allowedAsExpected ?? 0),
      deniedAsExpected: (eventFlow?.iam.deniedAsExpected ?? 0) + (organization?.iam.deniedAsExpected ?? 0),
      unexpected: [...(eventFlow?.iam.unexpected ?? []), ...(organization?.iam.unexpected ?? [])],
    },
  };
}

/** True when every profile applied fully, planned nothing after apply and excluded nothing. */
function profileComplete(p) {
  return p.planned > 0 && p.applied >= p.planned && p.notApplied.length === 0 && p.postApplyChanges === 0 && p.excluded.length === 0;
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
    `events: ${e.recordsPut} records put, ${e.objectsWritten} objects written, ${e.eventTypesLanded.length} event types landed, queries ${e.queriesMatched}/${e.queriesChecked} matched, accounts landed ${e.accountsLanded.length}, Regions landed ${e.regionsLanded.length}`,
  );
  lines.push(`iam: ${summary.iam.allowedAsExpected} allowed and ${summary.iam.deniedAsExpected} denied as expected, ${summary.iam.unexpected.length} unexpected`);
  return lines;
}

function main([out, provider, emulator, eventFlowFile, queriesFile, ...parts]) {
  const read = (file) => (file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined);
  const stacks = parts.map((part) => {
    const at = part.indexOf("=");
    return { profile: part.slice(0, at), record: read(part.slice(at + 1)) };
  });
  const beside = (name) => require("path").join(require("path").dirname(out), name);
  const summary = buildSummary({
    provider,
    emulator,
    stacks,
    eventFlow: read(eventFlowFile),
    queries: read(queriesFile),
    organization: read(beside("organization.json")),
    organizationQueries: read(beside("organization-queries.json")),
  });
  fs.writeFileSync(out, JSON.stringify(summary, null, 2) + "\n");
  for (const line of summaryLines(summary)) process.stderr.write(`terraform-check: summary: ${line}\n`);
}

if (require.main === module) main(process.argv.slice(2));

module.exports = { buildSummary, profileComplete, summaryLines };
