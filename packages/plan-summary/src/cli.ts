// The command line: npm run plan-summary -- plan.json [options]. All output goes through CliIo,
// so tests run it without touching the file system.
import { literal } from "./markdown";
import { describeFileError, errorMessage, PlanInputError, quoted, readPlanFile } from "./read";
import { DEFAULT_MAX_CHARS, MIN_MAX_CHARS, planFailed, summarizePlan } from "./render";

/** The exit status after writing the summary of a plan that errored: the plan is a failure. */
export const PLAN_FAILED_EXIT = 2;

export interface CliIo {
  readFile(file: string): string;
  writeFile(file: string, text: string): void;
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CliOptions {
  planFile: string;
  output?: string;
  stack?: string;
  maxChars: number;
  fullOut?: string;
  fullLocation?: string;
}

export const USAGE = [
  "Usage: npm run plan-summary -- <plan.json> [--output FILE] [--stack NAME] [--max-chars N]",
  "                                           [--full-out FILE] [--full-location TEXT]",
  "",
  "  <plan.json>             output of `terraform show -json plan.tfplan`",
  "  --output FILE           write the Markdown summary to FILE instead of stdout",
  "  --stack NAME            name the stack in the heading (shown as literal text)",
  `  --max-chars N           fit the summary in N characters (default ${DEFAULT_MAX_CHARS}, at least ${MIN_MAX_CHARS};`,
  "                          0 = no limit); what does not fit is counted in a closing note",
  "  --full-out FILE         also write the summary with no limit to FILE",
  "  --full-location TEXT    where the note says the full summary is, as Markdown",
  "                          (default: the --full-out file)",
  "",
  `Exits 0 after writing the summary, ${PLAN_FAILED_EXIT} when the plan errored (the summary is written too),`,
  "and 1 for bad arguments or input.",
].join("\n");

export class UsageError extends Error {
  override name = "UsageError";
}

const VALUE_FLAGS: Readonly<Record<string, keyof Omit<CliOptions, "planFile" | "maxChars"> | "maxChars">> = {
  "--output": "output",
  "-o": "output",
  "--stack": "stack",
  "--max-chars": "maxChars",
  "--full-out": "fullOut",
  "--full-location": "fullLocation",
};

export function parseCliArgs(args: readonly string[]): CliOptions | "help" {
  const options: Partial<CliOptions> = {};
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-h" || arg === "--help") return "help";
    const [flag, inlineValue] = arg.startsWith("--") && arg.includes("=") ? splitOnce(arg, "=") : [arg, undefined];
    const key = VALUE_FLAGS[flag];
    if (key !== undefined) {
      const value = inlineValue ?? args[++i];
      if (value === undefined || value === "") throw new UsageError(`${flag} needs a value.`);
      if (seen.has(key)) throw new UsageError(`${flag} is given twice.`);
      seen.add(key);
      if (key === "maxChars") options.maxChars = parseMaxChars(value);
      else options[key] = value;
    } else if (arg.startsWith("-")) {
      throw new UsageError(`Unknown option ${quoted(arg)}.`);
    } else if (options.planFile !== undefined) {
      throw new UsageError(`Expected one plan file, got ${quoted(options.planFile)} and ${quoted(arg)}.`);
    } else {
      options.planFile = arg;
    }
  }
  if (options.planFile === undefined) throw new UsageError("Missing the plan JSON file.");
  return { maxChars: DEFAULT_MAX_CHARS, ...options } as CliOptions;
}

function parseMaxChars(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--max-chars ${quoted(value)} is not a whole number.`);
  const chars = Number(value);
  if (chars === 0) return Infinity;
  if (chars < MIN_MAX_CHARS) throw new UsageError(`--max-chars ${value} is too small: use at least ${MIN_MAX_CHARS}, or 0 for no limit.`);
  return chars;
}

/** Runs the command and returns the process exit code. */
export function runCli(args: readonly string[], io: CliIo): number {
  try {
    const options = parseCliArgs(args);
    if (options === "help") {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const plan = readPlanFile(options.planFile, io.readFile);
    const fullLocation = options.fullLocation ?? (options.fullOut !== undefined ? literal(options.fullOut) : undefined);
    const markdown = summarizePlan(plan, { stack: options.stack, maxChars: options.maxChars, fullLocation });
    if (options.fullOut !== undefined) {
      writeOutput(io, options.fullOut, summarizePlan(plan, { stack: options.stack, maxChars: Infinity }));
    }
    if (options.output === undefined) io.stdout(markdown);
    else writeOutput(io, options.output, markdown);
    if (planFailed(plan)) {
      io.stderr("plan-summary: the plan failed (errored); the summary lists only the changes planned before the error.\n");
      return PLAN_FAILED_EXIT;
    }
    return 0;
  } catch (error) {
    io.stderr(`plan-summary: ${errorMessage(error)}\n`);
    if (error instanceof UsageError) io.stderr(`\n${USAGE}\n`);
    return 1;
  }
}

function writeOutput(io: CliIo, file: string, text: string): void {
  try {
    io.writeFile(file, text);
  } catch (error) {
    throw new PlanInputError(`Cannot write ${quoted(file)}: ${describeFileError(error)}`);
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + separator.length)];
}
