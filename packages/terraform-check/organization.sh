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
#     account and Region (check-lake-queries.ts); written to $SCRATCH/organization.json and
#     $SCRATCH/organization-queries.json, which summary.js adds to the summary.

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
  rm -rf "$dir/objects" "$SCRATCH/organization.json" "$SCRATCH/organization-queries.json" && mkdir -p "$dir/objects"
  mock_client "$LIB/organization.py" "$dir" "$dir/objects" "$SCRATCH/organization.json" \
    __tests__/fixtures/realistic-events.jsonl || defer_failure "$1: events through the sources and the lake's bucket policy (see above)"
  [[ -s "$SCRATCH/organization.json" ]] || return 0
  lake="$(grep -l aws_glue_catalog_table "$dir"/*/state.json | head -n 1)"
  scopes="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).eventFlow.scopesLanded.join(","))' "$SCRATCH/organization.json")"
  node -e '
    const [state, objects, scopes, out] = process.argv.slice(1);
    require("./scripts/run-ts").loadTypeScript("packages/terraform-check/check-lake-queries.ts").checkLakeQueries(state, objects, scopes, out)
      .then((ok) => { process.exitCode = ok ? 0 : 1; }, (e) => { console.error(`terraform-check: error: check-lake-queries: ${e.message}`); process.exitCode = 2; });
  ' "$lake" "$dir/objects" "$scopes" "$SCRATCH/organization-queries.json" || defer_failure "$1: the lake's saved queries per account and Region (see above)"
}
