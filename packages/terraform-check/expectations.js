// What packages/terraform-check/terraform-check.sh expects of the real plans.
//
// CHANGES: the change plans, each an edit of cdktf.json's context planned against the applied
// default stack, with every resource change it must cause (type, construct name prefix, actions,
// and the attributes or replace_paths that cause it). Any other change fails the check.
//
// EXCLUDED_ATTRIBUTES: post-apply differences that come from the emulator, not from what the app
// synthesizes: none. Where ministack answers differently from AWS, ministack-server.py corrects
// the answer (each correction named with the AWS documentation it follows); an entry here would
// need evidence (an "evidence" key that a probe reproduces) and is printed whenever it applies.
"use strict";

const STREAM = { type: "aws_kinesis_firehose_delivery_stream", name: "SesEvents_Stream" };

const CHANGES = {
  "update-in-place": {
    description: "deliveryStream.bufferingIntervalSeconds 300 -> 120: the stream is updated in place",
    edit: (context) => ({ ...context, deliveryStream: { ...context.deliveryStream, bufferingIntervalSeconds: 120 } }),
    expect: [{ ...STREAM, actions: "update", attributes: ["extended_s3_configuration"] }],
  },
  replace: {
    description: "deliveryStream.partitionByEventType true -> false: Firehose cannot turn dynamic partitioning off, the stream is replaced",
    edit: (context) => ({ ...context, deliveryStream: { ...context.deliveryStream, partitionByEventType: false } }),
    expect: [
      {
        ...STREAM,
        actions: "delete,create",
        replacePaths: [
          ["extended_s3_configuration", 0, "dynamic_partitioning_configuration"],
          ["extended_s3_configuration", 0, "dynamic_partitioning_configuration", 0, "enabled"],
        ],
      },
      // The new stream's ARN is known only after apply, so the SES role's policy that names it is
      // planned as an update (to the same ARN).
      { type: "aws_iam_role_policy", name: "SesEvents_SesRolePolicy", actions: "update", attributes: ["policy"] },
      // So is the event destination that points SES at it.
      { type: "aws_sesv2_configuration_set_event_destination", actions: "update", attributes: ["event_destination"] },
      // Without partitioning the prefix has no event_type folder: the table loses that partition
      // key and its projection, the reader policy's object paths follow, and the saved queries
      // filter on the eventtype column instead (a saved query's text forces its replacement).
      { type: "aws_glue_catalog_table", name: "SesEvents_Analytics_Table", actions: "update", attributes: ["parameters", "partition_keys"] },
      // With Parquet, the table over the JSON delivered before follows the JSON default prefix of the
      // same partitioning (deliveryStream.jsonPrefix names another), so the saved queries read both as one.
      { type: "aws_glue_catalog_table", name: "SesEvents_Analytics_HistoryTable", actions: "update", attributes: ["parameters", "partition_keys"] },
      { type: "aws_iam_policy", name: "SesEvents_Analytics_ReaderPolicy", actions: "update", attributes: ["policy"] },
      { type: "aws_athena_named_query", actions: "delete,create", replacePaths: [["query"]] },
    ],
  },
  format: {
    description: 'deliveryStream.format parquet -> json: the stream is updated in place, the bucket and every object in it stay',
    edit: (context) => ({ ...context, deliveryStream: { ...context.deliveryStream, format: "json" } }),
    expect: [
      // Conversion, prefix, compression and backup change in place: Firehose's UpdateDestination
      // takes each (the provider forces no new stream for any of them).
      { ...STREAM, actions: "update", attributes: ["extended_s3_configuration"] },
      // The event table reads JSON under events/ again; the table over the JSON before Parquet goes.
      { type: "aws_glue_catalog_table", name: "SesEvents_Analytics_Table", actions: "update", attributes: ["parameters", "storage_descriptor"] },
      { type: "aws_glue_catalog_table", name: "SesEvents_Analytics_HistoryTable", actions: "delete" },
      // The delivery role no longer reads the schema; the reader reads one table and one location.
      { type: "aws_iam_role_policy", name: "SesEvents_DeliveryRolePolicy", actions: "update", attributes: ["policy"] },
      { type: "aws_iam_policy", name: "SesEvents_Analytics_ReaderPolicy", actions: "update", attributes: ["policy"] },
      { type: "aws_athena_named_query", actions: "delete,create", replacePaths: [["query"]] },
      // The source records keep their objects; only the rule that expires them goes.
      { type: "aws_s3_bucket_lifecycle_configuration", actions: "update", attributes: ["rule"] },
    ],
  },
  "iam-change": {
    description: "deliveryStream.logging true -> false: the Firehose role loses its log statement, the log group and stream go",
    edit: (context) => ({ ...context, deliveryStream: { ...context.deliveryStream, logging: false } }),
    expect: [
      { type: "aws_iam_role_policy", name: "SesEvents_DeliveryRolePolicy", actions: "update", attributes: ["policy"] },
      { type: "aws_cloudwatch_log_group", actions: "delete" },
      { type: "aws_cloudwatch_log_stream", actions: "delete" },
      { ...STREAM, actions: "update", attributes: ["extended_s3_configuration"] },
    ],
  },
};

// RENAMES: edits that rename what a stack names, judged only by what they must never plan (a
// rename recreates the named resources, which is expected). Planned like CHANGES.
const RENAMES = {
  rename: {
    description: "configurationSetName ses-events -> ses-events-renamed: the event bucket, and the events in it, stay",
    edit: (context) => ({ ...context, configurationSetName: "ses-events-renamed" }),
    forbid: [{ type: "aws_s3_bucket", action: "delete", because: "destroying the event bucket would lose every delivered event" }],
  },
};

const EXCLUDED_ATTRIBUTES = [];

module.exports = { CHANGES, RENAMES, EXCLUDED_ATTRIBUTES };
