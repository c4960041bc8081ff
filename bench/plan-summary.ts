// Times the plan summary on a generated plan: node bench/run-ts.js bench/plan-summary.ts [changes] [runs]
// Prints one JSON line: the median time to parse and summarize, and the summary's size.
import { parsePlan, summarizePlan } from "../packages/plan-summary";
import { largePlan } from "../packages/plan-summary/large-plan";

const changes = Number(process.argv[2] ?? 5000);
const runs = Number(process.argv[3] ?? 5);
const text = JSON.stringify(largePlan(changes));
const times: number[] = [];
let summary = "";
let full = "";
for (let run = 0; run < runs; run++) {
  const start = process.hrtime.bigint();
  summary = summarizePlan(parsePlan(text, "plan.json"));
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
const fullStart = process.hrtime.bigint();
full = summarizePlan(parsePlan(text, "plan.json"), { maxChars: Infinity });
const fullMs = Number(process.hrtime.bigint() - fullStart) / 1e6;
times.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    bench: "plan_summary",
    changes,
    plan_bytes: text.length,
    runs,
    median_ms: Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(1)),
    max_ms: Number((times[times.length - 1] ?? 0).toFixed(1)),
    summary_chars: summary.length,
    full_ms: Number(fullMs.toFixed(1)),
    full_chars: full.length,
  })}\n`,
);
