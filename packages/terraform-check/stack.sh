# Sourced by packages/terraform-check/terraform-check.sh: the Terraform steps for one stack, the change plans and
# the fixtures.

CHECK_PLAN="$LIB/check-plan.js"

TERRAFORM_BIN=terraform
# The longest one Terraform command may take (each of the matrix's takes seconds to a few minutes):
# a stack that would hold the machine (a stuck provider, a --stack given from outside) is stopped
# instead, and the check fails.
TERRAFORM_STEP_SECONDS=1800
# The most virtual memory Terraform and the provider it starts may each map (KiB): they map up to about 2
# GiB each for the matrix's stacks; a configuration whose expressions would fill the machine fails instead.
TERRAFORM_STEP_MEMORY_KIB=$((8 * 1024 * 1024))

tf() { # DIR ARGS...: terraform (TERRAFORM_BIN) in DIR, isolated, stopped after TERRAFORM_STEP_SECONDS
  local dir="$1" status=0
  shift
  (cd "$dir" && ulimit -v "$TERRAFORM_STEP_MEMORY_KIB" &&
    run_isolated "$SCRATCH/terraformrc" timeout --kill-after=30 "$TERRAFORM_STEP_SECONDS" "$TERRAFORM_BIN" "$@") || status=$?
  ((status != 124 && status != 137)) || log "terraform $1 in ${dir#"$ROOT/"} was stopped after $TERRAFORM_STEP_SECONDS s"
  return "$status"
}

# terraform ARGS in DIR, output to DIR/LOG; on failure the log is printed and the check fails.
tf_step() { # DIR LOG ARGS...
  local dir="$1" out="$2"
  shift 2
  if ! tf "$dir" "$@" >"$dir/$out" 2>&1; then
    cat "$dir/$out" >&2
    fail "terraform $1 failed in ${dir#"$ROOT/"} (log above, in $out)"
  fi
}

# Every endpoint name the provider's "endpoints" block accepts, from its schema (cached with it).
provider_endpoint_names() { # OUT_FILE
  local cached dir
  cached="$(provider_cache_dir)/endpoints.json"
  if [[ ! -s "$cached" ]]; then
    dir="$SCRATCH/schema"
    mkdir -p "$dir"
    printf '{"terraform":{"required_providers":{"aws":{"source":"hashicorp/aws","version":"%s"}}}}\n' \
      "$PROVIDER_VERSION" >"$dir/main.tf.json"
    tf_step "$dir" init.log init -input=false -no-color
    tf "$dir" providers schema -json >"$dir/schema.json" || fail "terraform providers schema failed"
    node "$CHECK_PLAN" endpoints "$dir/schema.json" >"$cached.tmp" && mv "$cached.tmp" "$cached"
  fi
  cp "$cached" "$1"
}

prepare_copy() { # STACK_JSON DIR [NO_IMPORT_TYPES]
  node "$LIB/prepare-stack.js" --stack "$1" --out "$2" --mock-url "$(mock_url)" \
    --provider-version "$PROVIDER_VERSION" --endpoints "$SCRATCH/endpoints.json" --no-import "${3:-}" ||
    die "could not prepare the copy of $1"
}

# plan -out, show -json and show (text), then the plan summary on the JSON; checks that the
# summary has Terraform's "Plan:" line and the address of every changed resource.
plan_and_summarize() { # DIR NAME [PLAN ARGS...]
  local dir="$1" name="$2"
  shift 2
  tf_step "$dir" "$name.log" plan -input=false -no-color -out="$name.tfplan" "$@"
  tf "$dir" show -json "$name.tfplan" >"$dir/$name.json" || fail "terraform show -json $name.tfplan failed"
  tf "$dir" show -no-color "$name.tfplan" >"$dir/$name.txt" || fail "terraform show $name.tfplan failed"
  node packages/plan-summary/bin/plan-summary.js "$dir/$name.json" --output "$dir/$name.md" >&2 ||
    fail "npm run plan-summary failed on the $name plan of ${dir#"$ROOT/"}"
  node "$CHECK_PLAN" summary "$dir/$name.json" "$dir/$name.txt" "$dir/$name.md" ||
    fail "the plan summary of the $name plan misses what Terraform planned (${dir#"$ROOT/"}/$name.md)"
}

check_stack() { # RUN STACK STACK_JSON CHECKS
  local profile="$1" stack="$2" dir="$SCRATCH/$1/$2" checks=" ${4:-} " no_apply=""
  log "-- $profile/$stack"
  prepare_copy "$3" "$dir" "$UNSUPPORTED_TYPES"

  tf_step "$dir" init.log init -input=false -no-color
  tf "$dir" validate -json >"$dir/validate.json" || true
  node "$CHECK_PLAN" validate "$dir/validate.json" || fail "terraform validate: $profile/$stack"
  log "   init, validate: ok"

  plan_and_summarize "$dir" create
  log "   plan: $(grep -E '^(Plan:|No changes)' "$dir/create.txt" || echo '?')"

  if [[ -n "$no_apply" ]]; then
    log "   NOT APPLIED: $no_apply"
    return 0
  fi

  local targets=()
  mapfile -t targets < <(node "$CHECK_PLAN" targets "$dir/create.json" "$UNSUPPORTED_TYPES")
  node "$CHECK_PLAN" unsupported "$dir/create.json" "$UNSUPPORTED_TYPES" >&2
  tf_step "$dir" apply.log apply -input=false -no-color -auto-approve "${targets[@]/#/-target=}"
  log "   apply: ${#targets[@]} resources"

  plan_and_summarize "$dir" after-apply
  node "$CHECK_PLAN" after-apply "$dir/after-apply.json" "$UNSUPPORTED_TYPES" "$SCRATCH/mock-evidence.json" ||
    fail "$profile/$stack: the plan after apply is not empty (see above)"

  tf "$dir" show -json >"$dir/state.json" || fail "terraform show -json (the state) failed in ${dir#"$ROOT/"}"
  node "$CHECK_PLAN" record "$dir/create.json" "$dir/state.json" "$dir/after-apply.json" >"$dir/summary.json"
  cp "$dir/cdk.tf.json" "$dir/applied-stack.json"
  [[ "$checks" != *" events "* ]] || check_event_flow "$dir" "$profile/$stack" "$checks"

  local protected
  protected="$(node "$CHECK_PLAN" protected "$dir/cdk.tf.json")"
  if [[ -n "$protected" ]]; then
    # prevent_destroy: the destroy must fail before it changes anything.
    cp "$dir/terraform.tfstate" "$dir/state-before-destroy.tfstate"
    if tf "$dir" apply -destroy -input=false -no-color -auto-approve >"$dir/destroy-refused.log" 2>&1; then
      fail "$profile/$stack: the destroy succeeded, though $protected has prevent_destroy"
    fi
    node "$CHECK_PLAN" destroy-refused "$dir/destroy-refused.log" "$dir/state-before-destroy.tfstate" "$dir/terraform.tfstate" ||
      fail "$profile/$stack: the destroy was not refused before any change (${dir#"$ROOT/"}/destroy-refused.log)"
    log "   destroy: refused before any change, prevent_destroy on $(tr '\n' ' ' <<<"$protected")"
  else
    plan_and_summarize "$dir" destroy -destroy
    node "$CHECK_PLAN" destroy "$dir/destroy.json" || fail "$profile/$stack: unexpected destroy plan"
    log "   destroy plan: $(grep -E '^Plan:' "$dir/destroy.txt")"
  fi
}

# Events through what was applied (event-flow.py: SES, Firehose's delivery, the landing, the IAM
# probes) and, with CHECKS holding queries, the saved queries over what was delivered
# (check-queries.ts). Writes DIR/event-flow.json and DIR/queries.json; a failure is deferred,
# named, so the other runs go on.
check_event_flow() { # DIR NAME CHECKS [OUT_DIR]
  local dir="$1" name="$2" checks="$3" out="${4:-$1}"
  rm -rf "$out/objects" && mkdir -p "$out/objects"
  rm -f "$out/event-flow.json" "$out/queries.json"
  if ! mock_client "$LIB/event-flow.py" "$dir/state.json" "$out/objects" "$out/event-flow.json" \
    __tests__/fixtures/ses-event-examples.json __tests__/fixtures/realistic-events.jsonl; then
    if [[ -s "$out/event-flow.json" ]]; then
      defer_failure "$name: events through the applied stack: $(node -e '
        const r = require(process.argv[1]);
        console.log([...r.eventFlow.problems, ...r.iam.unexpected.map((u) => `iam: ${u}`)].join("; "));' "$out/event-flow.json")"
    else
      defer_failure "$name: event-flow.py failed before it could check anything (see above)"
    fi
  fi
  [[ "$checks" == *" queries "* ]] || return 0
  node -e '
    const [state, objects, out] = process.argv.slice(1);
    require("./scripts/run-ts").loadTypeScript("packages/terraform-check/check-queries.ts").checkQueries(state, objects, out)
      .then((ok) => { process.exitCode = ok ? 0 : 1; }, (e) => { console.error(`terraform-check: error: check-queries: ${e.message}`); process.exitCode = 2; });
  ' "$dir/state.json" "$out/objects" "$out/queries.json" || defer_failure "$name: the saved queries over the delivered events differ from their hand-worked answers (see above)"
}

# The faults of faults.js, each seeded into the applied default stack of RUN: the edited copy
# applied (-refresh=false; only what the fault changes is updated in place, and what the fault
# before it changed is put back), the checks run on it (the queries only for the fault they must
# catch), and at the end the original applied back. Each fault must be caught by the check it
# names. Writes $SCRATCH/faults.json (summary.json's faults).
check_faults() { # RUN
  local run="$1" stack dir name out verdict queries_ok verdicts=()
  stack="$(profile_stacks "$SCRATCH/$run/synth" | head -n 1 | cut -d' ' -f1)"
  dir="$SCRATCH/$run/$stack"
  for name in $(node "$LIB/faults.js" list); do
    out="$SCRATCH/faults/$name"
    mkdir -p "$out/objects"
    log "-- fault $name: $(node "$LIB/faults.js" describe "$name")"
    node "$LIB/faults.js" seed "$name" "$dir/applied-stack.json" >"$dir/cdk.tf.json" || die "faults: seeding $name failed"
    tf_step "$dir" "fault-$name.log" apply -input=false -no-color -auto-approve -refresh=false
    tf "$dir" show -json >"$out/state.json" || fail "terraform show -json (the state) failed after seeding $name"
    mock_client "$LIB/event-flow.py" "$out/state.json" "$out/objects" "$out/event-flow.json" \
      __tests__/fixtures/ses-event-examples.json __tests__/fixtures/realistic-events.jsonl >"$out/checks.log" 2>&1 || true
    queries_ok=true
    if [[ "$(node "$LIB/faults.js" catches "$name")" == queries ]]; then
      node -e '
        const [state, objects, out] = process.argv.slice(1);
        require("./scripts/run-ts").loadTypeScript("packages/terraform-check/check-queries.ts").checkQueries(state, objects, out)
          .then((ok) => console.log(ok), (e) => { console.error(`check-queries: ${e.message}`); console.log(false); });
      ' "$out/state.json" "$out/objects" "$out/queries.json" 2>>"$out/checks.log" | tail -n 1 >"$out/queries-ok"
      queries_ok="$(cat "$out/queries-ok")"
    fi
    verdict="$(node "$LIB/faults.js" verdict "$name" "$out/event-flow.json" "$queries_ok")"
    verdicts+=("$verdict")
    if [[ "$(node -p 'JSON.parse(process.argv[1]).caught' "$verdict")" == true ]]; then
      log "   caught: $(node -p 'JSON.parse(process.argv[1]).by' "$verdict")"
    else
      defer_failure "fault $name was not caught: $(node -p 'JSON.parse(process.argv[1]).by' "$verdict") (${out#"$ROOT/"}/checks.log)"
    fi
  done
  cp "$dir/applied-stack.json" "$dir/cdk.tf.json"
  tf_step "$dir" "faults-restore.log" apply -input=false -no-color -auto-approve -refresh=false
  log "-- faults: the original stack applied back"
  printf '%s\n' "${verdicts[@]}" | node -e '
    const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").filter(Boolean);
    require("fs").writeFileSync(process.argv[1], JSON.stringify(lines.map((l) => JSON.parse(l)), null, 2) + "\n");' "$SCRATCH/faults.json"
}

# The default stack of RUN, edited four ways (expectations.js) against the applied state.
check_change_plans() { # RUN CONTEXT_FILE
  local profile="$1" stack change dir
  stack="$(profile_stacks "$SCRATCH/$profile/synth" | head -n 1 | cut -d' ' -f1)"
  dir="$SCRATCH/$profile/$stack"
  for change in $(node "$CHECK_PLAN" changes); do
    log "-- $profile/$stack: change plan $change ($(node "$CHECK_PLAN" describe "$change"))"
    node "$CHECK_PLAN" edit "$change" "$2" >"$SCRATCH/$profile/$change.context.json"
    synth_profile "$SCRATCH/$profile/$change.context.json" "$SCRATCH/$profile/$change"
    prepare_copy "$SCRATCH/$profile/$change/stacks/$stack/cdk.tf.json" "$dir" "$UNSUPPORTED_TYPES" 2>/dev/null
    plan_and_summarize "$dir" "$change"
    node "$CHECK_PLAN" change "$change" "$dir/$change.json" "$SCRATCH/mock-evidence.json" || defer_failure "$profile/$stack: change plan $change"
  done
}

# The default stack's bucket has prevent_destroy, so the destroy plan the fixtures keep is planned
# on the applied default stack (while the emulator still holds it) with prevent_destroy taken out of
# the copy: what a destroy would delete, as Terraform plans it.
plan_destroy_fixture() { # DIR
  local dir="$1"
  node -e '
    const stack = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const blocks of Object.values(stack.resource ?? {}))
      for (const block of Object.values(blocks)) if (block.lifecycle) delete block.lifecycle.prevent_destroy;
    console.log(JSON.stringify(stack, null, 2));
  ' "$dir/applied-stack.json" >"$dir/cdk.tf.json"
  plan_and_summarize "$dir" destroy -destroy
  cp "$dir/applied-stack.json" "$dir/cdk.tf.json"
}

# The real plans --update-fixtures writes (save_fixtures).
FIXTURE_NAMES=(create update-in-place replace iam-change import destroy)

# The folder of a run's first stack.
first_stack_dir() { # RUN
  printf '%s/%s/%s' "$SCRATCH" "$1" "$(profile_stacks "$SCRATCH/$1/synth" | head -n 1 | cut -d' ' -f1)"
}

# The real plans the plan summary's tests read, from the default and all-options runs on cdktf with
# Terraform VERSION, into $FIXTURES_ROOT/VERSION/.
save_fixtures() { # VERSION [NAME...]: only these fixtures (all by default)
  local version="$1"
  shift
  local dir="$FIXTURES_ROOT/$version" default_dir all_dir wanted=" $* "
  mkdir -p "$dir"
  default_dir="$(first_stack_dir "$(run_name default cdktf "$version")")"
  all_dir="$(first_stack_dir "$(run_name all-options cdktf "$version")")"
  local pair
  for pair in "create:$default_dir/create" "update-in-place:$default_dir/update-in-place" \
    "replace:$default_dir/replace" "iam-change:$default_dir/iam-change" \
    "import:$all_dir/create" "destroy:$default_dir/destroy"; do
    [[ "$wanted" == "  " || "$wanted" == *" ${pair%%:*} "* ]] || continue
    [[ -f "${pair#*:}.json" ]] || fail "fixture: no ${pair#*:}.json to save as $dir/${pair%%:*}.json"
    node "$CHECK_PLAN" fixture "${pair#*:}.json" "$(mock_url)" >"$dir/${pair%%:*}.json"
    log "fixture: $dir/${pair%%:*}.json"
  done
}

# The "switch" check (a run of a profile with deliveryStream.format "json"): the applied JSON stack
# is sent half the realistic records, switched to Parquet in place (the same stack, the context with
# format "parquet": synthesized, planned, applied, and its plan after apply empty), sent the other
# half, and the saved queries of the switched stack, over the JSON objects read back from the bucket
# after the switch and the Parquet ones, must give the hand-worked answers of all the records. The
# Parquet half alone must not (else the split proves nothing). format-switch.js splits the records,
# switches the context and holds the plan to keeping the bucket, the stream and the event table.
check_format_switch() { # RUN CONTEXT_FILE
  local run="$1" stack dir out="$SCRATCH/$1/switch" table
  stack="$(profile_stacks "$SCRATCH/$run/synth" | head -n 1 | cut -d' ' -f1)"
  dir="$SCRATCH/$run/$stack"
  rm -rf "$out" && mkdir -p "$out/json-objects" "$out/parquet-objects" "$out/objects"
  log "-- $run/$stack: switch from JSON to Parquet"
  node "$LIB/format-switch.js" split __tests__/fixtures/realistic-events.jsonl "$out/before.jsonl" "$out/after.jsonl" || die "switch: splitting the records failed"
  node "$LIB/format-switch.js" context "$2" >"$out/context.json" || die "switch: the run's context is not a JSON stack's"
  mock_client "$LIB/event-flow.py" "$dir/state.json" "$out/json-objects" "$out/json-event-flow.json" \
    __tests__/fixtures/ses-event-examples.json "$out/before.jsonl" >&2 || defer_failure "$run/$stack: switch: the events sent as JSON (${out#"$ROOT/"}/json-event-flow.json)"

  synth_profile "$out/context.json" "$out/synth"
  prepare_copy "$out/synth/stacks/$stack/cdk.tf.json" "$dir" "$UNSUPPORTED_TYPES" 2>/dev/null
  plan_and_summarize "$dir" switch
  node "$LIB/format-switch.js" plan "$dir/switch.json" || fail "$run/$stack: the switch to Parquet replaces or deletes what must stay"
  tf_step "$dir" switch-apply.log apply -input=false -no-color -auto-approve switch.tfplan
  plan_and_summarize "$dir" after-switch
  node "$CHECK_PLAN" after-apply "$dir/after-switch.json" "$UNSUPPORTED_TYPES" "$SCRATCH/mock-evidence.json" ||
    fail "$run/$stack: the plan after the switch is not empty (see above)"
  tf "$dir" show -json >"$out/state.json" || fail "terraform show -json (the state) failed after the switch"
  log "   switched: applied, the plan after it empty"

  mock_client "$LIB/event-flow.py" "$out/state.json" "$out/parquet-objects" "$out/parquet-event-flow.json" "$out/after.jsonl" >&2 ||
    defer_failure "$run/$stack: switch: the events sent as Parquet (${out#"$ROOT/"}/parquet-event-flow.json)"
  # The JSON delivered before the switch, as the bucket holds it now: under the history table's location.
  table="$(node -e '
    const state = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const tables = state.values.root_module.resources.filter((r) => r.type === "aws_glue_catalog_table" && r.values.name.endsWith("_json"));
    if (tables.length !== 1) throw new Error(`the switched stack has ${tables.length} history tables, not one`);
    console.log(tables[0].values.storage_descriptor[0].location);' "$out/state.json")" || fail "$run/$stack: switch: no table over the JSON history"
  mock_client -c '
import os, sys, boto3
bucket, prefix = sys.argv[1][len("s3://"):].split("/", 1)
s3 = boto3.client("s3")
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
    for item in page.get("Contents", []):
        path = os.path.join(sys.argv[2], item["Key"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        s3.download_file(bucket, item["Key"], path)
' "$table" "$out/objects" || fail "$run/$stack: switch: reading the JSON history back from $table failed"
  cp -R "$out/parquet-objects/." "$out/objects/"
  log "   the saved queries over $(find "$out/objects" -type f | wc -l) objects: JSON from before the switch, Parquet after"
  local queries='
    const [state, objects, out] = process.argv.slice(1);
    require("./scripts/run-ts").loadTypeScript("packages/terraform-check/check-queries.ts").checkQueries(state, objects, out)
      .then((ok) => { process.exitCode = ok ? 0 : 1; }, (e) => { console.error(`terraform-check: error: check-queries: ${e.message}`); process.exitCode = 2; });'
  node -e "$queries" "$out/state.json" "$out/objects" "$out/queries.json" ||
    defer_failure "$run/$stack: switch: the saved queries across the switch differ from their hand-worked answers (see above)"
  if node -e "$queries" "$out/state.json" "$out/parquet-objects" "$out/parquet-only-queries.json" 2>"$out/parquet-only-queries.log"; then
    defer_failure "$run/$stack: switch: the Parquet half alone gives the hand-worked answers, so the switch check proves nothing"
  else
    log "   the Parquet half alone answers otherwise ($(node -p 'require(process.argv[1]).failures.length' "$out/parquet-only-queries.json") queries differ), as it must"
  fi
}
