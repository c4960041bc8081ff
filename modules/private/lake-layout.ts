import { DEFAULT_ERROR_OUTPUT_PREFIX, DEFAULT_PARTITIONED_PREFIX } from "./defaults";

/**
 * Where the sources of an event lake write in its bucket. Each source stream writes under its own
 * account and Region:
 *
 *   events/account_id=<account>/region=<region>/event_type=<type>/year=/month=/day=/
 *   errors/account_id=<account>/region=<region>/<error type>/year=/month=/day=/
 *
 * The account and the Region are the source stack's own, written into its prefix (not read from the
 * records), so the bucket policy can hold each account to its own folders.
 */

/** Partition key of the sending account. */
export const LAKE_ACCOUNT_KEY = "account_id";
/** Partition key of the sending Region. */
export const LAKE_REGION_KEY = "region";
export const LAKE_EVENTS_ROOT = "events/";
export const LAKE_ERRORS_ROOT = "errors/";

const afterRoot = (prefix: string, root: string): string => {
  if (!prefix.startsWith(root)) throw new Error(`${prefix} does not start with ${root}`);
  return prefix.slice(root.length);
};

const scope = (account: string, region: string): string => `${LAKE_ACCOUNT_KEY}=${account}/${LAKE_REGION_KEY}=${region}/`;

/** The folder of one account's events: all it may write them under. */
export function lakeAccountEvents(account: string): string {
  return `${LAKE_EVENTS_ROOT}${LAKE_ACCOUNT_KEY}=${account}/`;
}

/** The folder of one account's delivery errors. */
export function lakeAccountErrors(account: string): string {
  return `${LAKE_ERRORS_ROOT}${LAKE_ACCOUNT_KEY}=${account}/`;
}

/** The Firehose prefix of a source stream in `account` and `region` (literals or tokens). */
export function lakePrefix(account: string, region: string): string {
  return `${LAKE_EVENTS_ROOT}${scope(account, region)}${afterRoot(DEFAULT_PARTITIONED_PREFIX, LAKE_EVENTS_ROOT)}`;
}

/** The Firehose error prefix of a source stream in `account` and `region`. */
export function lakeErrorOutputPrefix(account: string, region: string): string {
  return `${LAKE_ERRORS_ROOT}${scope(account, region)}${afterRoot(DEFAULT_ERROR_OUTPUT_PREFIX, LAKE_ERRORS_ROOT)}`;
}

/**
 * The lake's layout as one Firehose prefix, the account and the Region written as partition keys
 * from a query: what the lake's table reads (see `EventAnalyticsProps.partitionValues`).
 */
export const LAKE_TABLE_PREFIX = lakePrefix(`!{partitionKeyFromQuery:${LAKE_ACCOUNT_KEY}}`, `!{partitionKeyFromQuery:${LAKE_REGION_KEY}}`);
/** The lake's error layout, for the checks that keep query results clear of it. */
export const LAKE_TABLE_ERROR_PREFIX = `${LAKE_ERRORS_ROOT}${afterRoot(DEFAULT_ERROR_OUTPUT_PREFIX, LAKE_ERRORS_ROOT)}`;

/** The two folders a source stream in `account` and `region` writes: its events and its errors. */
export function lakeSourceFolders(account: string, region: string): [string, string] {
  return [`${LAKE_EVENTS_ROOT}${scope(account, region)}`, `${LAKE_ERRORS_ROOT}${scope(account, region)}`];
}
