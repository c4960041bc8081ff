// Trims a writable copy of the terraform-provider-aws source to the services this product uses,
// so it builds in minutes instead of about 48 minutes. Two generated files are rewritten; no
// resource, data source or client code is changed:
//   internal/provider/sdkv2/service_packages_gen.go  registers only the kept service packages
//   internal/conns/awsclient_gen.go                  keeps only the SDK client getters that the
//                                                    compiled code calls, so the AWS SDK packages
//                                                    of the other ~250 services are not compiled
// Usage: node trim-provider.js SOURCE_DIR SERVICE...
"use strict";
const fs = require("fs");
const path = require("path");

const MODULE = "github.com/hashicorp/terraform-provider-aws";

function goFiles(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".go") && !e.name.endsWith("_test.go"))
    .map((e) => path.join(dir, e.name));
}

function goFilesDeep(dir, skip) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !skip(full)) found.push(...goFilesDeep(full, skip));
  }
  return [...found, ...goFiles(dir)];
}

function trimServicePackages(src, services) {
  const file = path.join(src, "internal/provider/sdkv2/service_packages_gen.go");
  const keep = new Set(services);
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const kept = lines.filter((line) => {
    const imported = line.match(/^\t"github\.com\/hashicorp\/terraform-provider-aws\/internal\/service\/([a-z0-9]+)"$/);
    const registered = line.match(/^\t\t([a-z0-9]+)\.ServicePackage\(ctx\),$/);
    const name = imported?.[1] ?? registered?.[1];
    return name === undefined || keep.has(name);
  });
  const registered = kept.filter((line) => /^\t\t[a-z0-9]+\.ServicePackage\(ctx\),$/.test(line)).length;
  if (registered !== keep.size) {
    throw new Error(`${file}: ${registered} of the ${keep.size} services (${services.join(" ")}) registered: has the generated file changed shape?`);
  }
  fs.writeFileSync(file, kept.join("\n"));
}

/** The kept services plus every service package they import, transitively. */
function compiledServices(src, services) {
  const seen = new Set();
  const queue = [...services];
  const importPattern = new RegExp(`"${MODULE.replace(/[./]/g, "\\$&")}/internal/service/([a-z0-9]+)"`, "g");
  while (queue.length) {
    const name = queue.pop();
    if (seen.has(name)) continue;
    const dir = path.join(src, "internal/service", name);
    if (!fs.existsSync(dir)) throw new Error(`no service package internal/service/${name}`);
    seen.add(name);
    for (const file of goFilesDeep(dir, () => false)) {
      for (const match of fs.readFileSync(file, "utf8").matchAll(importPattern)) queue.push(match[1]);
    }
  }
  return [...seen].sort();
}

function trimClientGetters(src, services) {
  const file = path.join(src, "internal/conns/awsclient_gen.go");
  const text = fs.readFileSync(file, "utf8");
  const serviceRoot = path.join(src, "internal/service");
  const callers = [
    ...goFilesDeep(path.join(src, "internal"), (dir) => dir === serviceRoot || dir.endsWith("/generate")),
    ...compiledServices(src, services).flatMap((name) => goFilesDeep(path.join(serviceRoot, name), () => false)),
  ].filter((f) => f !== file);
  const called = new Set();
  for (const caller of callers) {
    for (const match of fs.readFileSync(caller, "utf8").matchAll(/\.([A-Z][A-Za-z0-9]*Client)\(/g)) called.add(match[1]);
  }

  const getter = /\nfunc \(c \*AWSClient\) ([A-Za-z0-9]+Client)\(ctx context\.Context\) \*[a-z0-9]+\.Client \{\n[^\n]*\n\}\n/g;
  let total = 0;
  let body = text.replace(getter, (whole, name) => {
    total += 1;
    return called.has(name) ? whole : "";
  });
  if (total < 100) throw new Error(`${file}: found only ${total} client getters: has the generated file changed shape?`);
  // Drop the imports the remaining getters no longer use.
  body = body.replace(/^\t"github\.com\/aws\/aws-sdk-go-v2\/service\/([a-z0-9]+)"\n/gm, (line, pkg) =>
    new RegExp(`\\*${pkg}\\.Client\\b`).test(body) ? line : "",
  );
  fs.writeFileSync(file, body);
  return { total, kept: [...called].filter((name) => body.includes(`) ${name}(ctx`)).length };
}

function main([src, ...services]) {
  if (!src || services.length === 0) throw new Error("usage: trim-provider.js SOURCE_DIR SERVICE...");
  trimServicePackages(src, services);
  const { total, kept } = trimClientGetters(src, services);
  process.stderr.write(
    `terraform-check: provider: registered services: ${services.join(" ")}; compiled service packages: ${compiledServices(src, services).join(" ")}; SDK client getters kept: ${kept} of ${total}\n`,
  );
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`terraform-check: error: trim-provider: ${error.message}\n`);
    process.exitCode = 2;
  }
}
