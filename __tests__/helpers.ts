import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { SesFirehoseEventDestination, SesFirehoseEventDestinationProps } from "../modules";
import { ToolchainName, selectedToolchain } from "../scripts/toolchain";

/**
 * What a stack synthesized by each toolchain says about the toolchain, and nothing else differs:
 * the AWS provider its bindings require, and the version in the `//` metadata of a stack the app
 * writes. __tests__/toolchain.test.ts proves the rest is identical.
 */
export const TOOLCHAIN_FIELDS: Record<ToolchainName, { awsProvider: { source: string; version: string }; version: string }> = {
  cdktf: { awsProvider: { source: "aws", version: "6.25.0" }, version: "0.21.0" },
  cdktn: { awsProvider: { source: "hashicorp/aws", version: "6.66.0" }, version: "0.24.0" },
};

/** The toolchain these tests load (CDK_TOOLCHAIN, else the checkout's own). */
export function toolchainUnderTest() {
  return selectedToolchain(process.env);
}

/** A synthesized stack: its parsed Terraform JSON plus lookups used across tests. */
export interface Synthesized {
  readonly json: TerraformJson;
  /** The one resource of `type` (fails when there are none or several). */
  resource(type: string): Record<string, any>;
  /** Every resource of `type`. */
  resources(type: string): Record<string, any>[];
  /** The parsed policy document of `attribute` on the one resource of `type`. */
  policy(type: string, attribute: string, match?: (resource: Record<string, any>) => boolean): PolicyJson;
}

export interface TerraformJson {
  resource?: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  import?: Array<{ to: string; id: string }>;
  output?: Record<string, { value: unknown }>;
  terraform?: Record<string, any>;
  provider?: Record<string, any>;
}

export interface PolicyJson {
  Version: string;
  Statement: Array<Record<string, any>>;
}

export function parse(stack: TerraformStack): Synthesized {
  const json: TerraformJson = JSON.parse(Testing.synth(stack));
  const resources = (type: string) => Object.values(json.resource?.[type] ?? {});
  return {
    json,
    resources,
    resource(type) {
      const found = resources(type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0];
    },
    policy(type, attribute, match = () => true) {
      const found = resources(type).filter(match);
      if (found.length !== 1) throw new Error(`expected one ${type} to match, found ${found.length}`);
      return JSON.parse(found[0][attribute]);
    },
  };
}

let outdir: string | undefined;
afterAll(() => {
  if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true });
  outdir = undefined;
});

/**
 * A test app. They share one output folder per test file, removed afterwards: Testing.synth
 * writes nothing, and Testing.app's default makes a new temporary folder for every app.
 */
export function testApp(): App {
  outdir ??= mkdtempSync(path.join(tmpdir(), "ses-events-test-"));
  return Testing.app({ outdir });
}

export function newStack(): TerraformStack {
  return new TerraformStack(testApp(), "test");
}

/** The warnings a destination with `props` adds at synth (Annotations.addWarning), in a fresh stack. */
export function destinationWarnings(props: Partial<SesFirehoseEventDestinationProps> = {}): unknown[] {
  const stack = newStack();
  new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "ses-events", ...props });
  return stack.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === "@cdktf/warn")
    .map((entry) => entry.data);
}

/** Synthesizes one SesFirehoseEventDestination with `props` in a fresh stack. */
export function synth(props: Partial<SesFirehoseEventDestinationProps> = {}): Synthesized {
  const stack = newStack();
  new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "ses-events", ...props });
  return parse(stack);
}

/** The error message thrown while building a destination with `props`. */
export function errorOf(props: Partial<SesFirehoseEventDestinationProps>): string {
  try {
    synth(props);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the props to be rejected");
}
