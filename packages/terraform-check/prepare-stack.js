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

function prepareStack(stack, { mockUrl, providerVersion, endpointNames, noImportTypes = [] }) {
  if (!/^http:\/\/127\.0\.0\.1:\d{1,5}$/.test(mockUrl)) {
    throw new Error(`mock URL ${JSON.stringify(mockUrl)} is not http://127.0.0.1:PORT: the mock runs on loopback only`);
  }
  if (!Array.isArray(endpointNames) || endpointNames.length === 0 || !endpointNames.every((n) => /^[a-z0-9]+$/.test(n))) {
    throw new Error("the endpoint names must be a non-empty list of lower-case service names");
  }
  if (stack === null || typeof stack !== "object" || Array.isArray(stack)) throw new Error("the stack is not a JSON object");
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
    for (const key of ["access_key", "secret_key", "token", "profile", "assume_role", "shared_credentials_files", "shared_config_files"]) {
      if (key in provider) throw new Error(`the aws provider block sets ${key}: credentials must come from the environment`);
    }
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
    },
  });
  for (const required of ["stack", "out", "mock-url", "provider-version", "endpoints"]) {
    if (!values[required]) throw new Error(`--${required} is required`);
  }
  const stack = JSON.parse(fs.readFileSync(values.stack, "utf8"));
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

module.exports = { prepareStack };
