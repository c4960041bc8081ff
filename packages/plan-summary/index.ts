// Markdown summary of `terraform show -json plan.tfplan` output, for pull-request comments and
// job summaries. The parts live in src/:
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
export * from "./src/attributes";
export * from "./src/classify";
export * from "./src/cli";
export * from "./src/fit";
export * from "./src/grants";
export * from "./src/iam-diff";
export * from "./src/long-values";
export * from "./src/markdown";
export * from "./src/read";
export * from "./src/render";
export * from "./src/replacements";
export * from "./src/security";
export * from "./src/status";
export * from "./src/values";
