// Markdown summary of `terraform show -json plan.tfplan` output, for pull-request comments and
// job summaries. The parts live in scripts/plan-summary/:
//   read.ts          reading and checking the plan JSON
//   classify.ts      what each change does; Terraform's "Plan:" counts
//   replacements.ts  which attributes force a replacement
//   grants.ts        which resources grant access; attachments and permissions; wide grants
//   iam-diff.ts      IAM policy changes statement by statement
//   security.ts      which in-place updates are security-relevant
//   long-values.ts   where a long value changed
//   status.ts        failed, incomplete and drifted plans, failing checks
//   attributes.ts    the attributes an in-place update changes
//   markdown.ts      literal text: code spans that nothing in a plan can escape
//   render.ts        the sections, in order of risk
//   fit.ts           fitting them to a size limit
//   cli.ts           the command line
export * from "./plan-summary/attributes";
export * from "./plan-summary/classify";
export * from "./plan-summary/cli";
export * from "./plan-summary/fit";
export * from "./plan-summary/grants";
export * from "./plan-summary/iam-diff";
export * from "./plan-summary/long-values";
export * from "./plan-summary/markdown";
export * from "./plan-summary/read";
export * from "./plan-summary/render";
export * from "./plan-summary/replacements";
export * from "./plan-summary/security";
export * from "./plan-summary/status";
export * from "./plan-summary/values";
