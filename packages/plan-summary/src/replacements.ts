// Why a resource is replaced: the attributes Terraform lists in replace_paths, the likely one for
// this product's immutable attributes when an older plan lacks replace_paths, or the action_reason.
import type { Change, ResourceChange } from "./read";
import { describeAt, isMarked, lookup, mergeMarkers, sameValue, startsWith, valueAt, type AttributePath, type PathStep, type Side } from "./values";

export interface ReplacementCause {
  path: PathStep[];
  before: string;
  after: string;
  hint?: string;
}

export interface ReplacementExplanation {
  order: "delete first" | "create first";
  source: "replace_paths" | "inferred" | "unreported";
  causes: ReplacementCause[];
  reason?: string;
}

interface KnownReplacement {
  type: string;
  path: AttributePath;
  hint: string;
}

const KNOWN_REPLACEMENTS: readonly KnownReplacement[] = [
  {
    type: "aws_kinesis_firehose_delivery_stream",
    path: ["name"],
    hint: "A Firehose stream cannot be renamed: a new stream is created and the old one deleted, and records still buffered in the old stream may not be delivered.",
  },
  {
    type: "aws_kinesis_firehose_delivery_stream",
    path: ["extended_s3_configuration", 0, "dynamic_partitioning_configuration"],
    hint: "Dynamic partitioning can only be set when a stream is created, so the stream is recreated.",
  },
  {
    type: "aws_sesv2_configuration_set",
    path: ["configuration_set_name"],
    hint: "An SES configuration set cannot be renamed: mail sent with the old name fails once it is deleted, so update senders first.",
  },
  {
    type: "aws_sesv2_configuration_set_event_destination",
    path: ["configuration_set_name"],
    hint: "The event destination moves to another configuration set; events are not published to it between delete and create.",
  },
  {
    type: "aws_sesv2_configuration_set_event_destination",
    path: ["event_destination_name"],
    hint: "An event destination cannot be renamed; events are not published to it between delete and create.",
  },
];

export const ACTION_REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "the object is tainted",
  replace_by_request: "replacement was requested with -replace",
  replace_by_triggers: "a replace_triggered_by reference changed",
  replace_because_cannot_update: "the provider cannot update it in place",
  delete_because_no_resource_config: "its resource block was removed from the configuration",
  delete_because_no_module: "its module was removed from the configuration",
  delete_because_wrong_repetition: "the resource no longer uses count or for_each the way it did",
  delete_because_count_index: "its count index is out of range",
  delete_because_each_key: "its for_each key is gone",
  delete_because_no_move_target: "it was moved to an address that does not exist",
};

// A value sensitive on either side is masked on both: one that becomes sensitive must not
// show its current value, and one that stops being sensitive still held a secret.
const sensitivity = new WeakMap<Change, unknown>();

function sensitiveEitherSide(change: Change): unknown {
  if (!sensitivity.has(change)) sensitivity.set(change, mergeMarkers(change.before_sensitive, change.after_sensitive));
  return sensitivity.get(change);
}

export function beforeSide(change: Change): Side {
  return { value: change.before, sensitive: sensitiveEitherSide(change) };
}

export function afterSide(change: Change): Side {
  return { value: change.after, sensitive: sensitiveEitherSide(change), unknown: change.after_unknown };
}

export function explainReplacement(resource: ResourceChange): ReplacementExplanation {
  const { change } = resource;
  const order = change.actions[0] === "create" ? "create first" : "delete first";
  const reason = resource.action_reason !== undefined ? lookup(ACTION_REASONS, resource.action_reason) : undefined;
  const reported = change.replace_paths ?? [];
  if (reported.length > 0) {
    return { order, source: "replace_paths", reason, causes: reported.map((path) => describeCause(resource, path)) };
  }
  const inferred = KNOWN_REPLACEMENTS.filter(
    (known) => known.type === resource.type && knownValueChanged(change, known.path),
  ).map((known) => describeCause(resource, [...known.path]));
  return { order, source: inferred.length > 0 ? "inferred" : "unreported", reason, causes: inferred };
}

function describeCause(resource: ResourceChange, path: PathStep[]): ReplacementCause {
  const { change } = resource;
  return {
    path,
    before: describeAt(beforeSide(change), path),
    after: describeAt(afterSide(change), path),
    hint: KNOWN_REPLACEMENTS.find((known) => known.type === resource.type && startsWith(path, known.path))?.hint,
  };
}

function knownValueChanged(change: Change, path: AttributePath): boolean {
  if (isMarked(change.after_unknown, path)) return false;
  return !sameValue(valueAt(change.before, path), valueAt(change.after, path));
}
