# Sourced by packages/terraform-check/terraform-check.sh: what the organization profile
# (packages/terraform-check/profiles/organization.json: a lake stack in one account and source
# stacks in two others, one of them in two Regions) needs beyond what every profile gets.
#   - Each stack whose provider is pinned to an account (allowed_account_ids) is applied as that
#     account: the emulator takes a 12-digit access key ID as the account of a request, and
#     MOCK_ACCESS_KEY_ID is the key run_isolated gives Terraform (isolation.sh). Any profile's.
#   - A stack without a delivery stream (the lake) is applied first, as it is deployed first.
#   - The run's "organization" check (MATRIX): events through every source, as SES plays them from
#     its applied event destinations, landing in the lake as each source's delivery role writes
#     them, the lake bucket's policy probed (organization.py), and the lake's saved queries per
#     account and Region (check-lake-queries.ts); written to the run's organization.json and
#     organization-queries.json, and added up over the runs (the organization and organization-id
#     profiles) in $SCRATCH/organization.json and organization-queries.json, which summary.js adds
#     to the summary.

# The emulator's own account (ministack-server.py): a stack pinned to it needs no key of its own.
EMULATOR_ACCOUNT="123456789012"

stack_access_key() { # STACK_JSON: the account its provider is pinned to, when another than the emulator's; else nothing
  node -e '
    const stack = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const [account] = stack.provider?.aws?.[0]?.allowed_account_ids ?? [];
    if (account !== undefined && !/^\d{12}$/.test(account)) { console.error(`${process.argv[1]}: allowed_account_ids ${JSON.stringify(account)} is no account ID`); process.exit(1); }
    if (account !== undefined && account !== process.argv[2]) console.log(account);
  ' "$1" "$EMULATOR_ACCOUNT"
}

stacks_in_order() { # SYNTH_DIR: profile_stacks, those without a delivery stream (a lake) first
  local stacks name file
  stacks="$(profile_stacks "$1")"
  while read -r name file; do grep -q aws_kinesis_firehose_delivery_stream "$file" || printf '%s %s\n' "$name" "$file"; done <<<"$stacks"
  while read -r name file; do ! grep -q aws_kinesis_firehose_delivery_stream "$file" || printf '%s %s\n' "$name" "$file"; done <<<"$stacks"
}

check_organization() { # RUN: events through the applied sources into the lake, and the lake's queries
  local dir="$SCRATCH/$1" lake scopes
  rm -rf "$dir/objects" "$dir/organization.json" "$dir/organization-queries.json" && mkdir -p "$dir/objects"
  mock_client "$LIB/organization.py" "$dir" "$dir/objects" "$dir/organization.json" \
    __tests__/fixtures/realistic-events.jsonl || defer_failure "$1: events through the sources and the lake's bucket policy (see above)"
  [[ -s "$dir/organization.json" ]] || return 0
  lake="$(grep -l aws_glue_catalog_table "$dir"/*/state.json | head -n 1)"
  scopes="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).eventFlow.scopesLanded.join(","))' "$dir/organization.json")"
  node -e '
    const [state, objects, scopes, out] = process.argv.slice(1);
    require("./scripts/run-ts").loadTypeScript("packages/terraform-check/check-lake-queries.ts").checkLakeQueries(state, objects, scopes, out)
      .then((ok) => { process.exitCode = ok ? 0 : 1; }, (e) => { console.error(`terraform-check: error: check-lake-queries: ${e.message}`); process.exitCode = 2; });
  ' "$lake" "$dir/objects" "$scopes" "$dir/organization-queries.json" || defer_failure "$1: the lake's saved queries per account and Region (see above)"
  merge_organization "$dir"
}

# Adds a run's organization.json and organization-queries.json to the run-wide ones beside
# summary.json (summary.js): counts summed, lists joined, whom each lake let write listed.
merge_organization() { # RUN_DIR
  node -e '
    const fs = require("fs");
    const [runDir, scratch] = process.argv.slice(1);
    const read = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined);
    const union = (a = [], b = []) => [...new Set([...a, ...b])].sort();
    const sum = (a = 0, b = 0) => a + b;
    const run = read(`${runDir}/organization.json`);
    const all = read(`${scratch}/organization.json`);
    if (run !== undefined) {
      const merged = all === undefined ? { ...run, lakeWriters: [run.lakeWriters] } : {
        lakeWriters: [...all.lakeWriters, run.lakeWriters],
        eventFlow: {
          recordsPut: sum(all.eventFlow.recordsPut, run.eventFlow.recordsPut),
          objectsWritten: sum(all.eventFlow.objectsWritten, run.eventFlow.objectsWritten),
          eventTypesLanded: union(all.eventFlow.eventTypesLanded, run.eventFlow.eventTypesLanded),
          accountsLanded: union(all.eventFlow.accountsLanded, run.eventFlow.accountsLanded),
          regionsLanded: union(all.eventFlow.regionsLanded, run.eventFlow.regionsLanded),
          scopesLanded: union(all.eventFlow.scopesLanded, run.eventFlow.scopesLanded),
          problems: [...all.eventFlow.problems, ...run.eventFlow.problems],
        },
        iam: {
          allowedAsExpected: sum(all.iam.allowedAsExpected, run.iam.allowedAsExpected),
          deniedAsExpected: sum(all.iam.deniedAsExpected, run.iam.deniedAsExpected),
          unexpected: [...all.iam.unexpected, ...run.iam.unexpected],
        },
      };
      fs.writeFileSync(`${scratch}/organization.json`, JSON.stringify(merged, null, 2) + "\n");
    }
    const runQueries = read(`${runDir}/organization-queries.json`);
    const allQueries = read(`${scratch}/organization-queries.json`);
    if (runQueries !== undefined) {
      const merged = allQueries === undefined ? runQueries : {
        queriesChecked: sum(allQueries.queriesChecked, runQueries.queriesChecked),
        queriesMatched: sum(allQueries.queriesMatched, runQueries.queriesMatched),
      };
      fs.writeFileSync(`${scratch}/organization-queries.json`, JSON.stringify(merged, null, 2) + "\n");
    }
  ' "$1" "$SCRATCH"
}
