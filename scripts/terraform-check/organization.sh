# Sourced by scripts/terraform-check.sh: the organization profile. A lake stack in one account and
# source stacks in two others, one of them in two Regions
# (scripts/terraform-check/profiles/organization.json). Each stack is checked as every other is
# (check_stack: init, validate, plan, apply, the empty second plan, the destroy step), as its own
# account: the emulator takes a 12-digit access key ID as the account of a request, and
# MOCK_ACCESS_KEY_ID is the key run_isolated gives Terraform. The lake goes first, as it is
# deployed first. Then events through every source and the lake's saved queries
# (organization.py, check-lake-queries.ts), written to $SCRATCH/organization.json.

ORGANIZATION_CONTEXT="$LIB/profiles/organization.json"

stack_account() { # STACK_JSON: the account its provider is pinned to (allowed_account_ids)
  node -e '
    const stack = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const [account] = stack.provider.aws[0].allowed_account_ids ?? [];
    if (!/^\d{12}$/.test(account ?? "")) { console.error(`${process.argv[1]}: no allowed_account_ids`); process.exit(1); }
    console.log(account);
  ' "$1"
}

lake_first() { # SYNTH_DIR: profile_stacks, the lake's stack (the one with the Glue table) first
  local stacks
  stacks="$(profile_stacks "$1")"
  grep -F "$(grep -l aws_glue_catalog_table $(cut -d' ' -f2 <<<"$stacks"))" <<<"$stacks"
  grep -vF "$(grep -l aws_glue_catalog_table $(cut -d' ' -f2 <<<"$stacks"))" <<<"$stacks"
}

check_organization() { # PROFILE (organization or cdktn-organization)
  local profile="$1" name file account
  log "== profile $profile ($ORGANIZATION_CONTEXT)"
  reset_mock
  synth_profile "$ORGANIZATION_CONTEXT" "$SCRATCH/$profile/synth"
  while read -r name file; do
    account="$(stack_account "$file")" || fail "$profile/$name: its provider names no account"
    MOCK_ACCESS_KEY_ID="$account" check_stack "$profile" "$name" "$file"
  done < <(lake_first "$SCRATCH/$profile/synth")
  [[ "$profile" == organization ]] || return 0

  local dir="$SCRATCH/$profile" lake scopes
  rm -rf "$dir/objects" && mkdir -p "$dir/objects"
  mock_client "$LIB/organization.py" "$dir" "$dir/objects" "$SCRATCH/organization.json" \
    __tests__/fixtures/realistic-events.jsonl || defer_failure "organization: events through the sources and the lake's bucket policy (see above)"
  lake="$(grep -l aws_glue_catalog_table "$dir"/*/state.json | head -n 1)"
  scopes="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).eventFlow.scopesLanded.join(","))' "$SCRATCH/organization.json")"
  node -e '
    const [state, objects, scopes, out] = process.argv.slice(1);
    require("./scripts/run-ts").loadTypeScript("scripts/terraform-check/check-lake-queries.ts").checkLakeQueries(state, objects, scopes, out)
      .then((ok) => { process.exitCode = ok ? 0 : 1; }, (e) => { console.error(`terraform-check: error: check-lake-queries: ${e.message}`); process.exitCode = 2; });
  ' "$lake" "$dir/objects" "$scopes" "$SCRATCH/organization-queries.json" || defer_failure "organization: the lake's saved queries per account and Region (see above)"
}
