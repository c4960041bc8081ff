import { App } from "cdktf";
import { ValidationError, internal } from "./modules";
import { SettingsError, checkContextVariable, readApp } from "./settings";
import { SesEventLakeStack, SesEventsStack } from "./stack";

/** Set to 1 to see the stack trace of an unexpected error. */
const DEBUG_VARIABLE = "SES_EVENTS_DEBUG";

try {
  checkContextVariable(process.env);
  const app = new App();
  const { lake, stacks } = readApp(app.node.getAllContext(), process.env);
  if (lake !== undefined) new SesEventLakeStack(app, lake);
  for (const settings of stacks) new SesEventsStack(app, settings);
  app.synth();
} catch (error) {
  process.stderr.write(`${describe(error)}\n`);
  process.exit(1);
}

/** The message for a failed synth: settings and validation problems as they are; anything else on one line. */
function describe(error: unknown): string {
  if (error instanceof SettingsError || error instanceof ValidationError) return error.message;
  if (process.env[DEBUG_VARIABLE] === "1" && error instanceof Error) {
    // The app runs with source maps off (see scripts/run-ts.js); on, the trace points into the TypeScript.
    process.setSourceMapsEnabled(true);
    return error.stack ?? error.message;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `error: ${internal.printable(message.split("\n")[0])} (set ${DEBUG_VARIABLE}=1 for the stack trace)`;
}
