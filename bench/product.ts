// The benchmark's product side at scale: one stack holding N SesFirehoseEventDestination
// instances with default settings (each creates its configuration set, stream, bucket and roles).
// Run it the way the app runs: node bench/run-ts.js bench/product.ts <N>
// The output directory comes from CDKTF_OUTDIR, as with `cdktf synth`.
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SesFirehoseEventDestination } from "../modules";

const n = Number(process.argv[2]);
if (!Number.isInteger(n) || n < 1) {
  process.stderr.write("usage: node bench/run-ts.js bench/product.ts <N>\n");
  process.exit(2);
}

const app = new App();
const stack = new TerraformStack(app, "product");
new AwsProvider(stack, "aws", { region: "us-east-1" });
for (let i = 0; i < n; i++) {
  new SesFirehoseEventDestination(stack, `Tenant${i}`, { configurationSetName: `tenant-${i}` });
}
app.synth();
