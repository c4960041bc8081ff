import { App } from "cdktf";
import { ValidationError } from "./modules";
import { SettingsError, readSettings } from "./settings";
import { SesEventsStack } from "./stack";

const app = new App();
try {
  for (const settings of readSettings(app.node.getAllContext(), process.env)) new SesEventsStack(app, settings);
  app.synth();
} catch (error) {
  if (!(error instanceof SettingsError || error instanceof ValidationError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
