// Writes the copy of one synthesized stack that the check runs Terraform on. What users
// synthesize is read, never modified. The copy differs from it in exactly these ways, each
// printed when it applies:
//   - required_providers.aws.version: the provider version that was built (when it differs);
//   - every aws provider block: every service endpoint at the mock, and the settings that keep
//     the provider off the network (no credential, account, metadata or Region lookups);
//   - the backend: local state in the working directory;
//   - allowed_account_ids: left out, since with the account lookup skipped the provider has no
//     account to compare (the mock's is not the one a stack is pinned to anyway);
//   - import blocks whose resource type the mock cannot serve are left out.
//
// Usage: node prepare-stack.js --stack FILE --out DIR --mock-url URL --provider-version V
//          --endpoints FILE [--no-import TYPE,...]
//        node prepare-stack.js --check FILE: only whether the check may run the stack (refusals())
"use strict";
const fs = require("fs");
const path = require("path");
const { parseArgs } = require("util");

const MOCK_PROVIDER_SETTINGS = {
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
  s3_use_path_style: true,
  // An API the mock lacks answers 500, which the provider retries up to 25 times with backoff.
  max_retries: 2,
};

// A stack is configuration the check runs with the real Terraform on this machine, so whatever
// Terraform would run, fetch or read besides the AWS provider against the mock is refused before
// Terraform starts: a stack from a pull request or a stranger gets no further than this list.
const TOP_LEVEL_KEYS = ["//", "terraform", "provider", "resource", "data", "output", "locals", "variable", "import", "moved"];
const TERRAFORM_KEYS = ["//", "required_providers", "required_version", "backend", "cloud"];
const AWS_SOURCES = ["aws", "hashicorp/aws", "registry.terraform.io/hashicorp/aws"];
const CREDENTIAL_KEYS = ["access_key", "secret_key", "token", "profile", "assume_role", "assume_role_with_web_identity", "shared_credentials_files", "shared_config_files"];
// What the copy keeps of an aws provider block (the mock settings and the endpoints are replaced).
const PROVIDER_KEYS = [
  "//", "alias", "region", "default_tags", "ignore_tags", "allowed_account_ids", "retry_mode", "user_agent",
  "s3_us_east_1_regional_endpoint", "use_fips_endpoint", "use_dualstack_endpoint", "token_bucket_rate_limiter_capacity",
  ...Object.keys(MOCK_PROVIDER_SETTINGS), "endpoints",
];
// Terraform's functions that read this machine's files.
const FILE_FUNCTIONS = /(?<![\w.:])(?:core::)?(file|fileexists|fileset|filebase64|filebase64sha256|filebase64sha512|filemd5|filesha1|filesha256|filesha512|templatefile)(?![\w-])/;
/** The largest cdk.tf.json the check reads: the all-options stack is about 60 kB. */
const MAX_STACK_BYTES = 5 * 1024 * 1024;
/**
 * The most instances one resource or data block may have (count, or the entries of for_each): the
 * app's stacks have one each. A count of millions in a few bytes would otherwise hold the machine.
 */
const MAX_INSTANCES = 100;
/** The most instances of all blocks together: the all-options stack has about 60. */
const MAX_TOTAL_INSTANCES = 1000;
/** A `for` expression: two of them in one template multiply (three over range(1024) are 10^9 elements). */
const FOR_EXPRESSION = /[[{]\s*for\s+[A-Za-z_][\w-]*(\s*,\s*[A-Za-z_][\w-]*)?\s+in\b/g;

/** How many instances a block's count or for_each makes, once instanceRefusal has passed it. */
function instancesOf(body) {
  if ("count" in body) return body.count;
  if ("for_each" in body) return Array.isArray(body.for_each) ? body.for_each.length : Object.keys(body.for_each).length;
  return 1;
}

/** Where under `value` a `dynamic` block is, at any depth (a dynamic block's for_each can make any number of nested blocks). */
function* dynamicBlocks(value, where) {
  if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* dynamicBlocks(item, `${where}[${i}]`);
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === "dynamic") yield `${where}.dynamic`;
      else yield* dynamicBlocks(item, `${where}.${key}`);
    }
  }
}

/**
 * Why a block's count or for_each is not run, or undefined: only a literal the check can count
 * before Terraform starts, of at most MAX_INSTANCES; an expression could make any number.
 */
function instanceRefusal(key, value) {
  if (key === "count") {
    if (Number.isInteger(value) && value >= 0 && value <= MAX_INSTANCES) return undefined;
    return typeof value === "number"
      ? `count ${value}: use a whole number from 0 to ${MAX_INSTANCES}`
      : `count ${JSON.stringify(value).slice(0, 80)}: only a literal whole number from 0 to ${MAX_INSTANCES} runs, not an expression: the check counts a stack's instances before Terraform starts`;
  }
  const entries = Array.isArray(value) ? value.length : isObject(value) ? Object.keys(value).length : undefined;
  if (entries === undefined) {
    return `for_each ${JSON.stringify(value).slice(0, 80)}: only a literal list or map of at most ${MAX_INSTANCES} entries runs, not an expression: the check counts a stack's instances before Terraform starts`;
  }
  return entries <= MAX_INSTANCES ? undefined : `for_each with ${entries} entries: use at most ${MAX_INSTANCES}`;
}

/** A block in Terraform's JSON syntax is an object or an array of objects. */
function blocksOf(value) {
  return Array.isArray(value) ? value : [value];
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The ${...} and %{...} parts of a string Terraform reads as a template ($${ is a literal). */
function templateExpressions(text) {
  const parts = [];
  for (let i = 0; i < text.length - 1; i++) {
    if ((text[i] !== "$" && text[i] !== "%") || text[i + 1] !== "{") continue;
    if (text[i - 1] === text[i]) continue;
    let depth = 0;
    let end = i + 1;
    for (; end < text.length; end++) {
      if (text[end] === "{") depth++;
      else if (text[end] === "}" && --depth === 0) break;
    }
    parts.push(text.slice(i, end + 1));
    i = end;
  }
  return parts;
}

/** Every string (values and object keys, which Terraform reads as templates too) with where it is. */
function* strings(value, where) {
  if (typeof value === "string") yield [value, where];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${where}[${i}]`);
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      yield [key, `${where} (a key)`];
      yield* strings(item, where ? `${where}.${key}` : key);
    }
  }
}

/**
 * What in STACK the check refuses to run, each as "WHERE: WHAT: WHY"; empty when nothing. Only the
 * hashicorp/aws provider runs, with its endpoints at the mock: no other provider (nothing is
 * downloaded), no module (nothing is fetched), no provisioner or connection (no command runs, nothing
 * is reached over SSH or WinRM), no check, removed, ephemeral or action block, no template reading
 * this machine's files, no count or for_each but a literal of at most MAX_INSTANCES (and at most
 * MAX_TOTAL_INSTANCES in all), no dynamic block, no template with more than one for expression; the
 * backend is replaced by local state in the copy.
 */
function refusals(stack) {
  if (!isObject(stack)) return ["the stack is not a JSON object"];
  const found = [];
  for (const key of Object.keys(stack)) {
    if (key === "module") {
      for (const block of blocksOf(stack.module)) {
        for (const [name, body] of Object.entries(isObject(block) ? block : {})) {
          const source = blocksOf(body).map((b) => (isObject(b) ? b.source : undefined)).find((s) => s !== undefined);
          found.push(`module.${name} (source ${JSON.stringify(source)}): modules are not run: Terraform would fetch and run code from their source`);
        }
      }
    } else if (!TOP_LEVEL_KEYS.includes(key)) {
      found.push(`${key}: a "${key}" block is not run: the check runs only ${TOP_LEVEL_KEYS.filter((k) => k !== "//").join(", ")}`);
    }
  }

  if (!isObject(stack.terraform)) {
    found.push("terraform: must be one object (the check rewrites its provider version and backend)");
  } else {
    for (const key of Object.keys(stack.terraform).filter((k) => !TERRAFORM_KEYS.includes(k))) {
      found.push(`terraform.${key}: not run: the check allows only ${TERRAFORM_KEYS.filter((k) => k !== "//").join(", ")} there`);
    }
    const required = stack.terraform.required_providers;
    if (required !== undefined && !isObject(required)) found.push("terraform.required_providers: must be one object");
    for (const [name, requirement] of Object.entries(isObject(required) ? required : {})) {
      const source = isObject(requirement) ? requirement.source : requirement;
      if (name !== "aws") {
        found.push(`terraform.required_providers.${name} (source ${JSON.stringify(source)}): only the hashicorp/aws provider runs: no other provider is installed`);
      } else if (!isObject(requirement) || !AWS_SOURCES.includes(String(requirement.source).toLowerCase())) {
        found.push(`terraform.required_providers.aws: source ${JSON.stringify(source)} is not hashicorp/aws: use one of ${AWS_SOURCES.join(", ")}`);
      }
    }
  }

  if (stack.provider !== undefined && !isObject(stack.provider)) found.push("provider: must be one object");
  for (const [name, value] of Object.entries(isObject(stack.provider) ? stack.provider : {})) {
    if (name === "//") continue;
    if (name !== "aws") {
      found.push(`provider.${name}: only the hashicorp/aws provider runs`);
      continue;
    }
    for (const [i, block] of blocksOf(value).entries()) {
      for (const key of Object.keys(isObject(block) ? block : {})) {
        if (CREDENTIAL_KEYS.includes(key)) found.push(`the aws provider block sets ${key}: credentials must come from the environment`);
        else if (!PROVIDER_KEYS.includes(key)) {
          found.push(`provider.aws[${i}].${key}: not allowed: the check sets how the provider reaches the mock; allowed: ${PROVIDER_KEYS.filter((k) => k !== "//").join(", ")}`);
        }
      }
    }
  }

  let instances = 0;
  for (const kind of ["resource", "data"]) {
    if (stack[kind] === undefined) continue;
    for (const typed of blocksOf(stack[kind])) {
      for (const [type, named] of Object.entries(isObject(typed) ? typed : {})) {
        if (type === "//") continue;
        const address = kind === "data" ? `data.${type}` : type;
        if (!type.startsWith("aws_")) {
          found.push(`${address}: only aws_ ${kind === "data" ? "data sources" : "resources"} run (the hashicorp/aws provider's)`);
        }
        for (const names of blocksOf(named)) {
          for (const [name, bodies] of Object.entries(isObject(names) ? names : {})) {
            for (const body of blocksOf(bodies)) {
              if (!isObject(body)) continue;
              for (const key of ["provisioner", "connection"]) {
                if (key in body) {
                  const kinds = blocksOf(body[key]).flatMap((b) => (isObject(b) ? Object.keys(b) : []));
                  found.push(`${address}.${name}: ${key}${key === "provisioner" && kinds.length ? ` ${kinds.join(", ")}` : ""}: provisioners and connections are not run: they run commands on this machine or reach other hosts`);
                }
              }
              let counted = true;
              for (const key of ["count", "for_each"]) {
                const refusal = key in body ? instanceRefusal(key, body[key]) : undefined;
                if (refusal !== undefined) found.push(`${address}.${name}: ${refusal}`);
                counted &&= refusal === undefined;
              }
              if (counted) instances += instancesOf(body);
              for (const where of dynamicBlocks(body, `${address}.${name}`)) {
                found.push(`${where}: dynamic blocks are not run: their for_each can make any number of nested blocks`);
              }
              if ("provider" in body && !/^aws(\.[A-Za-z0-9_-]+)?$/.test(String(body.provider))) {
                found.push(`${address}.${name}: provider ${JSON.stringify(body.provider)}: only the aws provider (aws or aws.ALIAS) runs`);
              }
            }
          }
        }
      }
    }
  }

  if (instances > MAX_TOTAL_INSTANCES) {
    found.push(`the stack has ${instances} resource and data source instances: the check runs at most ${MAX_TOTAL_INSTANCES}`);
  }
  for (const [i, block] of blocksOf(stack.import ?? []).entries()) {
    const refusal = isObject(block) && "for_each" in block ? instanceRefusal("for_each", block.for_each) : undefined;
    if (refusal !== undefined) found.push(`import[${i}]: ${refusal}`);
  }

  for (const [text, where] of strings(stack, "")) {
    for (const expression of templateExpressions(text)) {
      const call = FILE_FUNCTIONS.exec(expression);
      if (call) found.push(`${where || "(top level)"}: ${JSON.stringify(expression)} calls ${call[1]}(), which reads this machine's files: not run`);
      const fors = expression.match(FOR_EXPRESSION)?.length ?? 0;
      if (fors > 1) {
        found.push(`${where || "(top level)"}: ${JSON.stringify(expression.slice(0, 80))} holds ${fors} for expressions: not run: nested, they multiply into more values than the machine holds`);
      }
    }
  }
  return found;
}

/** Refuses STACK (throws naming every refusal) unless the check may run it. */
function assertRunnable(stack) {
  const found = refusals(stack);
  if (found.length === 1 && found[0] === "the stack is not a JSON object") throw new Error(found[0]);
  if (found.length) throw new Error(`the stack is refused, nothing of it was run:\n  - ${found.join("\n  - ")}`);
}

/** Reads a cdk.tf.json: a regular file (symlinks followed) of at most MAX_STACK_BYTES. */
function readStack(file) {
  const stat = fs.statSync(file);
  if (!stat.isFile()) throw new Error(`${file} is not a regular file`);
  if (stat.size > MAX_STACK_BYTES) {
    throw new Error(`${file} has ${stat.size} bytes: the check reads a stack of at most ${MAX_STACK_BYTES} bytes (a synthesized one has about 60 kB)`);
  }
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    // Node's message quotes the file's first characters: only the position (when given) is shown.
    const position = /at position \d+/.exec(error.message);
    throw new Error(`${file} is not JSON${position ? ` (${position[0]})` : ""}`);
  }
}

function prepareStack(stack, { mockUrl, providerVersion, endpointNames, noImportTypes = [] }) {
  if (!/^http:\/\/127\.0\.0\.1:\d{1,5}$/.test(mockUrl)) {
    throw new Error(`mock URL ${JSON.stringify(mockUrl)} is not http://127.0.0.1:PORT: the mock runs on loopback only`);
  }
  if (!Array.isArray(endpointNames) || endpointNames.length === 0 || !endpointNames.every((n) => /^[a-z0-9]+$/.test(n))) {
    throw new Error("the endpoint names must be a non-empty list of lower-case service names");
  }
  assertRunnable(stack);
  const copy = structuredClone(stack);
  const notes = [];
  const terraform = (copy.terraform ??= {});
  const aws = terraform.required_providers?.aws;
  if (!aws) throw new Error("the stack has no terraform.required_providers.aws");
  if (aws.version !== providerVersion) {
    notes.push(`required_providers.aws.version ${JSON.stringify(aws.version)} -> "${providerVersion}" (the provider that was built)`);
    aws.version = providerVersion;
  }

  const backends = [...Object.keys(terraform.backend ?? {}), ...(terraform.cloud ? ["cloud"] : [])];
  notes.push(`backend ${backends.join(", ") || "(none)"} -> local state in the working directory`);
  delete terraform.cloud;
  terraform.backend = { local: { path: "terraform.tfstate" } };

  const providers = copy.provider?.aws;
  if (!Array.isArray(providers) || providers.length === 0) throw new Error("the stack has no aws provider block");
  const endpoints = Object.fromEntries(endpointNames.map((name) => [name, mockUrl]));
  for (const provider of providers) {
    if ("allowed_account_ids" in provider) {
      notes.push(`aws provider: allowed_account_ids ${JSON.stringify(provider.allowed_account_ids)} left out: the account lookup is skipped against the mock`);
      delete provider.allowed_account_ids;
    }
    Object.assign(provider, MOCK_PROVIDER_SETTINGS, { endpoints: [endpoints] });
  }
  notes.push(`aws provider: ${endpointNames.length} service endpoints -> ${mockUrl}; ${Object.keys(MOCK_PROVIDER_SETTINGS).join(", ")}`);

  if (Array.isArray(copy.import)) {
    const kept = copy.import.filter((block) => !noImportTypes.includes(String(block.to).split(".")[0]));
    for (const block of copy.import.filter((b) => !kept.includes(b))) {
      notes.push(`import of ${block.to} left out: the mock cannot serve ${String(block.to).split(".")[0]}`);
    }
    copy.import = kept;
    if (kept.length === 0) delete copy.import;
  }
  return { copy, notes };
}

function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string" },
      out: { type: "string" },
      "mock-url": { type: "string" },
      "provider-version": { type: "string" },
      endpoints: { type: "string" },
      "no-import": { type: "string", default: "" },
      check: { type: "string" },
    },
  });
  if (values.check) {
    assertRunnable(readStack(values.check));
    return;
  }
  for (const required of ["stack", "out", "mock-url", "provider-version", "endpoints"]) {
    if (!values[required]) throw new Error(`--${required} is required`);
  }
  const stack = readStack(values.stack);
  const endpointNames = JSON.parse(fs.readFileSync(values.endpoints, "utf8"));
  const { copy, notes } = prepareStack(stack, {
    mockUrl: values["mock-url"],
    providerVersion: values["provider-version"],
    endpointNames,
    noImportTypes: values["no-import"].split(",").filter(Boolean),
  });
  fs.mkdirSync(values.out, { recursive: true });
  fs.writeFileSync(path.join(values.out, "cdk.tf.json"), JSON.stringify(copy, null, 2) + "\n");
  for (const note of notes) process.stderr.write(`terraform-check:   copy: ${note}\n`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`terraform-check: error: prepare-stack: ${error.message}\n`);
    process.exitCode = 2;
  }
}

module.exports = { prepareStack, refusals, MAX_STACK_BYTES, MAX_INSTANCES, MAX_TOTAL_INSTANCES };
