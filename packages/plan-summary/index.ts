// Markdown summary of `terraform show -json plan.tfplan` output, for pull-request comments and
// job summaries. The parts live in src/:
//   read.ts          reading and checking the plan JSON
//   classify.ts      what each change does; Terraform's "Plan:" counts
//   replacements.ts  which attributes force a replacement
//   grants.ts        which resources grant access; attachments and permissions; wide grants
//   iam-diff.ts      IAM policy changes statement by statement
//   security.ts      which in-place updates are security-relevant
//   creates.ts       which creates are risky, judged on their values
//   network.ts       which CIDR blocks are open to the internet
//   severity.ts      the order inside the risky sections: exposure or loss, weakening, the rest
//   actions.ts       action invocations (Terraform 1.14+)
//   long-values.ts   where a long value changed
//   status.ts        failed, incomplete and drifted plans, failing checks
//   attributes.ts    the attributes an in-place update changes
//   markdown.ts      literal text: code spans that nothing in a plan can escape
//   render.ts        the sections, in order of risk
//   fit.ts           fitting them to a size limit
//   cli.ts           the command line
export * from "./src/attributes";
export * from "./src/actions";
export * from "./src/classify";
export * from "./src/creates";
export * from "./src/cli";
export * from "./src/fit";
export * from "./src/grants";
export * from "./src/iam-diff";
export * from "./src/long-values";
export * from "./src/markdown";
export * from "./src/network";
export * from "./src/read";
export * from "./src/render";
export * from "./src/replacements";
export * from "./src/security";
export * from "./src/severity";
export * from "./src/status";
export * from "./src/values";
