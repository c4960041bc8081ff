import { App } from "cdktf";
import { ValidationError } from "./modules";
import { CONTEXT_KEYS, SettingsError, readSettings } from "./settings";
import { SesEventsStack } from "./stack";

const app = new App();
try {
  const context = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, app.node.tryGetContext(key)]).filter(([, v]) => v !== undefined));
  for (const settings of readSettings(context, process.env)) new SesEventsStack(app, settings);
  app.synth();
} catch (error) {
  if (!(error instanceof SettingsError || error instanceof ValidationError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
