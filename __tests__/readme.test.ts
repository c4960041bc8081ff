import { readFileSync } from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { readSettings } from "../settings";
import { SesEventsStack } from "../stack";
import { testApp } from "./helpers";

/** The `"context": {...}` examples of README.md, so the documentation cannot drift from the settings. */
const README = readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
const EXAMPLES = [...README.matchAll(/```json\n"context": (\{[\s\S]*?\n\})\n```/g)].map((match) => JSON.parse(match[1]));

describe("README context examples", () => {
  it("are found", () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(3);
  });

  it.each(EXAMPLES.map((example, i) => [i + 1, example]))("example %i synthesizes every stack it describes", (_, example) => {
    const stacks = readSettings(example, {});
    for (const settings of stacks) {
      const json = JSON.parse(Testing.synth(new SesEventsStack(testApp(), settings)));
      expect(Object.keys(json.resource.aws_sesv2_configuration_set_event_destination)).toHaveLength(1);
    }
  });
});
