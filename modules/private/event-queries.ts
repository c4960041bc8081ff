import { Fn, Token } from "cdktf";
import { SesEventRecordType as T, SesEventType } from "../ses-event-type";
import { BOUNCE_RATE_REVIEW_LEVEL, COMPLAINT_RATE_REVIEW_LEVEL } from "./defaults";
import { percent } from "./helpers";

/** What the queries need to know about the table. */
export interface EventQueryContext {
  readonly databaseName: string;
  readonly tableName: string;
  /**
   * A second table with the same columns and partition keys whose rows the queries read too: the
   * JSON events delivered before the stream converted to Parquet.
   */
  readonly historyTableName?: string;
  /** The column holding the event type: the partition key when there is one (it prunes), else `eventtype`. */
  readonly eventTypeColumn: string;
  /** Names of the year, month and day partition keys. */
  readonly dateKeys: readonly [string, string, string];
  /** Days back from today each query reads. */
  readonly windowDays: number;
  /** Message tag the engagement query groups by. */
  readonly tagName: string;
  /** The event types the destination publishes: a query needs some of them to answer. */
  readonly eventTypes: readonly SesEventType[];
  /**
   * Partition keys that scope SES's own counts, such as the account and the Region of a lake: the
   * rates, the bounced recipients and the failing templates are answered per value of them.
   * @default - none: one answer for the whole table
   */
  readonly groupBy?: readonly string[];
}

/** One saved Athena query. */
export interface EventQuery {
  /** Construct ID of its `aws_athena_named_query`. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

/** A saved query the destination's event types cannot answer, and why. */
export interface SkippedEventQuery {
  /** Name the saved query would have had. */
  readonly name: string;
  /** The event types of which the query needs at least one (all of `all`, and one of `anyOf`). */
  readonly needs: {
    /** Every one of these. */
    readonly all: readonly SesEventType[];
    /** At least one of these. */
    readonly anyOf: readonly SesEventType[];
  };
}

/** `replace` run now on a literal, or by Terraform on a token, which is only known at apply time. */
const replaceAll = (value: string, search: string, by: string): string =>
  Token.isUnresolved(value) ? Fn.replace(value, Fn.rawString(search), Fn.rawString(by)) : value.split(search).join(by);
const lower = (value: string): string => (Token.isUnresolved(value) ? Fn.lower(value) : value.toLowerCase());
/** A quoted identifier; a name validated at synth needs none of it, a Terraform variable does. */
const quote = (identifier: string): string => `"${replaceAll(identifier, '"', '""')}"`;
const text = (value: string): string => `'${replaceAll(value, "'", "''")}'`;

/** Bounces SES makes up for an address on a suppression list, without trying to deliver: no part of any rate. */
export const SUPPRESSION_LIST_BOUNCE_SUBTYPES: readonly string[] = ["OnAccountSuppressionList", "OnSuppressionList"];
/** A complaint SES records for an address on the account's suppression list, without sending to it. */
export const SUPPRESSION_LIST_COMPLAINT_SUBTYPE = "OnAccountSuppressionList";

/** What one event type contributes to a scan: its recipients, the condition they count on, its time. */
interface ScanPart {
  readonly eventType: SesEventType;
  /** An array of addresses, unnested into `address`. */
  readonly recipients: string;
  readonly where?: string;
  readonly at: string;
}

interface QuerySpec {
  readonly id: string;
  readonly name: string;
  readonly needs: SkippedEventQuery["needs"];
  readonly build: () => Omit<EventQuery, "id" | "name">;
}

/**
 * The deliverability questions, as Athena (engine version 3) SQL over the event table, and the
 * queries left out because the destination publishes none of the event types they read.
 *
 * Every query counts an event once however often Firehose delivered it (it delivers at least
 * once): a recipient of a message is one send, one delivery, one bounce or one complaint; an open or
 * a click is one by its message, time and client. Days are the event's own (its timestamp in UTC),
 * so two copies delivered on either side of midnight fall on one day.
 */
export function eventQueries(context: EventQueryContext): { queries: EventQuery[]; skipped: SkippedEventQuery[] } {
  const tableOf = (name: string) => `${quote(context.databaseName)}.${quote(name)}`;
  // Both tables have the same columns and partition keys; the engine prunes partitions and reads
  // only the named columns of each side of the union.
  const table =
    context.historyTableName === undefined
      ? tableOf(context.tableName)
      : `(SELECT * FROM ${tableOf(context.tableName)} UNION ALL SELECT * FROM ${tableOf(context.historyTableName)}) AS events`;
  const type = quote(context.eventTypeColumn);
  const [year, month, day] = context.dateKeys.map(quote);
  const since = `current_date - INTERVAL '${context.windowDays}' DAY`;
  // Events arrive after they happen: the partition (arrival) date bounds the event date from above,
  // so filtering partitions on the window keeps every event of the window and lets Athena prune.
  const partitionDate = `CAST(concat(${year}, '-', ${month}, '-', ${day}) AS date)`;
  const recent = `${year} >= CAST(year(${since}) AS varchar) AND ${partitionDate} >= ${since}`;
  const dayOf = (timestamp: string) => `CAST(substr(${timestamp}, 1, 10) AS date)`;
  const window = `the last ${context.windowDays} days`;
  const published = new Set(context.eventTypes);
  const has = (eventType: SesEventType) => published.has(eventType);
  const of = (eventType: SesEventType) => `${type} = ${text(T[eventType as keyof typeof T])}`;
  const recipient = "concat(mail.messageid, ' ', lower(address))";
  const notSuppressedBounce = `coalesce(bounce.bouncesubtype, '') NOT IN (${SUPPRESSION_LIST_BOUNCE_SUBTYPES.map(text).join(", ")})`;
  const notSuppressedComplaint = `coalesce(complaint.complaintsubtype, '') <> ${text(SUPPRESSION_LIST_COMPLAINT_SUBTYPE)}`;
  /** A count of distinct `what` among rows of `eventType`, or NULL (not 0) when it is not published. */
  const countOf = (eventType: SesEventType, what: string, as: string) =>
    has(eventType) ? `count(DISTINCT CASE WHEN kind = ${text(recordType(eventType))} THEN ${what} END) AS ${as}` : `CAST(NULL AS bigint) AS ${as}`;
  const recordType = (eventType: SesEventType) => T[eventType as keyof typeof T];
  /**
   * The rows of one scan of the table over the published `parts`: one per recipient (`address`) of
   * each event, with its type as `kind` and its own time as `occurred_at`. One scan, so Athena reads
   * each partition once; rows of a part's type that fail its `where` unnest nothing.
   */
  const scan = (parts: readonly ScanPart[], columns: readonly string[]): string[] => {
    const used = parts.filter((part) => has(part.eventType));
    const when = (pick: (part: ScanPart) => string) =>
      `CASE ${used.map((part) => `WHEN ${of(part.eventType)}${part.where === undefined ? "" : ` AND ${part.where}`} THEN ${pick(part)}`).join(" ")} END`;
    return [
      `SELECT ${type} AS kind, ${columns.join(", ")},`,
      `  CASE ${type} ${used.map((part) => `WHEN ${text(recordType(part.eventType))} THEN ${part.at}`).join(" ")} END AS occurred_at`,
      `FROM ${table}`,
      `CROSS JOIN UNNEST(${when((part) => part.recipients)}) AS recipients (address)`,
      `WHERE ${type} IN (${used.map((part) => text(recordType(part.eventType))).join(", ")}) AND ${recent}`,
    ];
  };
  const emailAddresses = (array: string) => `transform(${array}, r -> r.emailaddress)`;
  const unpublished = (columns: ReadonlyArray<readonly [SesEventType, string]>) => {
    const missing = columns.filter(([eventType]) => !has(eventType));
    return missing.length === 0
      ? ""
      : ` ${missing.map(([, column]) => column).join(" and ")} ${missing.length === 1 ? "is" : "are"} empty: eventTypes leaves out ${missing.map(([eventType]) => eventType).join(" and ")}.`;
  };
  const once = "Each event counts once however often Firehose delivered it.";
  const scopeKeys = (context.groupBy ?? []).map(quote);
  /** The scope columns followed by a comma, to lead a select or group list; nothing without them. */
  const scoped = scopeKeys.map((key) => `${key}, `).join("");
  const perScope = scopeKeys.length === 0 ? "" : ` Per ${(context.groupBy ?? []).join(" and ")}.`;
  const thenScope = scopeKeys.map((key) => `, ${key}`).join("");

  // The Hive OpenX SerDe lowercases map keys, Trino's own OpenX reader keeps them; either way the
  // tag is found by its name in any case (one spelling per message: two make the Hive SerDe fail).
  const tagValue = `element_at(mail.tags, array_min(filter(map_keys(mail.tags), k -> lower(k) = ${text(lower(context.tagName))})))[1]`;

  const specs: QuerySpec[] = [
    {
      id: "DailyRatesQuery",
      name: "daily-bounce-and-complaint-rates",
      needs: { all: [SesEventType.SEND], anyOf: [SesEventType.BOUNCE, SesEventType.COMPLAINT] },
      build: () => {
        const rate = (count: string) => `CAST(${count} AS double) / nullif(sends, 0)`;
        return {
          description:
            `Per day over ${window}, as SES counts them: sends (every recipient of each sent message, suppressed ones included), ` +
            "hard bounces (recipients bouncing Permanent, not those on a suppression list) and complaints (recipients, not those on the account suppression list), " +
            `with the rates SES reviews an account at (bounce ${percent(BOUNCE_RATE_REVIEW_LEVEL)}, complaint ${percent(COMPLAINT_RATE_REVIEW_LEVEL)}).${perScope} ${once}` +
            unpublished([
              [SesEventType.BOUNCE, "hard_bounces"],
              [SesEventType.COMPLAINT, "complaints"],
            ]),
          sql: [
            `SELECT ${scoped}event_date, sends, hard_bounces, complaints,`,
            `  round(${rate("hard_bounces")}, 4) AS bounce_rate,`,
            `  round(${rate("complaints")}, 4) AS complaint_rate,`,
            `  ${rate("hard_bounces")} >= ${BOUNCE_RATE_REVIEW_LEVEL} AS bounce_rate_at_review_level,`,
            `  ${rate("complaints")} >= ${COMPLAINT_RATE_REVIEW_LEVEL} AS complaint_rate_at_review_level`,
            "FROM (",
            `  SELECT ${scoped}${dayOf("occurred_at")} AS event_date,`,
            `    ${countOf(SesEventType.SEND, "recipient", "sends")},`,
            `    ${countOf(SesEventType.BOUNCE, "recipient", "hard_bounces")},`,
            `    ${countOf(SesEventType.COMPLAINT, "recipient", "complaints")}`,
            "  FROM (",
            ...scan(
              [
                { eventType: SesEventType.SEND, recipients: "mail.destination", at: "mail.timestamp" },
                {
                  eventType: SesEventType.BOUNCE,
                  recipients: emailAddresses("bounce.bouncedrecipients"),
                  where: `bounce.bouncetype = 'Permanent' AND ${notSuppressedBounce}`,
                  at: "bounce.timestamp",
                },
                { eventType: SesEventType.COMPLAINT, recipients: emailAddresses("complaint.complainedrecipients"), where: notSuppressedComplaint, at: "complaint.timestamp" },
              ],
              [...scopeKeys, `${recipient} AS recipient`],
            ).map((line) => `    ${line}`),
            "  ) AS events",
            `  GROUP BY ${scoped}${dayOf("occurred_at")}`,
            ") AS daily",
            `WHERE event_date >= ${since}`,
            `ORDER BY event_date DESC${thenScope}`,
          ].join("\n"),
        };
      },
    },
    {
      id: "HardBouncesQuery",
      name: "hard-bounces-to-suppress",
      needs: { all: [SesEventType.BOUNCE], anyOf: [] },
      build: () => ({
        description:
          `Recipients (lowercased) that bounced Permanent over ${window}, with the number of messages that did and the last time: add them to the suppression list. ` +
          `Addresses SES did not try because they are on a suppression list are left out.${perScope} ${once}`,
        sql: [
          `SELECT ${scoped}email_address, count(DISTINCT message_id) AS hard_bounces, max(bounced_at) AS last_bounced_at`,
          "FROM (",
          `  SELECT ${scoped}lower(address) AS email_address, mail.messageid AS message_id, bounce.timestamp AS bounced_at`,
          `  FROM ${table}`,
          `  CROSS JOIN UNNEST(${emailAddresses("bounce.bouncedrecipients")}) AS recipients (address)`,
          `  WHERE ${of(SesEventType.BOUNCE)} AND bounce.bouncetype = 'Permanent' AND ${notSuppressedBounce} AND ${recent}`,
          ") AS bounced",
          `WHERE ${dayOf("bounced_at")} >= ${since}`,
          `GROUP BY ${scoped}email_address`,
          `ORDER BY last_bounced_at DESC${thenScope}, email_address`,
        ].join("\n"),
      }),
    },
    {
      id: "TroubledDomainsQuery",
      name: "bouncing-and-delaying-domains",
      needs: { all: [], anyOf: [SesEventType.BOUNCE, SesEventType.DELIVERY_DELAY] },
      build: () => {
        return {
          description:
            `The 100 recipient domains (lowercased) with the most troubled recipients over ${window}: a recipient of a message that bounced (any type, ` +
            `not on a suppression list) or was delayed counts once per message. ${once}` +
            unpublished([
              [SesEventType.BOUNCE, "bounced_recipients"],
              [SesEventType.DELIVERY_DELAY, "delayed_recipients"],
            ]),
          sql: [
            "SELECT domain, count(DISTINCT recipient) AS troubled_recipients,",
            `  ${countOf(SesEventType.BOUNCE, "recipient", "bounced_recipients")},`,
            `  ${countOf(SesEventType.DELIVERY_DELAY, "recipient", "delayed_recipients")}`,
            "FROM (",
            ...scan(
              [
                { eventType: SesEventType.BOUNCE, recipients: emailAddresses("bounce.bouncedrecipients"), where: notSuppressedBounce, at: "bounce.timestamp" },
                { eventType: SesEventType.DELIVERY_DELAY, recipients: emailAddresses("deliverydelay.delayedrecipients"), at: "deliverydelay.timestamp" },
              ],
              [`${recipient} AS recipient`, "lower(split_part(address, '@', 2)) AS domain"],
            ).map((line) => `  ${line}`),
            ") AS troubled",
            `WHERE ${dayOf("occurred_at")} >= ${since}`,
            "GROUP BY domain",
            "ORDER BY troubled_recipients DESC, domain",
            "LIMIT 100",
          ].join("\n"),
        };
      },
    },
    {
      id: "EngagementQuery",
      name: "opens-and-clicks-by-tag",
      needs: { all: [], anyOf: [SesEventType.DELIVERY, SesEventType.OPEN, SesEventType.CLICK] },
      build: () => {
        const client = (event: string) => `coalesce(${event}.ipaddress, ''), ' ', coalesce(${event}.useragent, '')`;
        return {
          description:
            `Per value of the message tag ${context.tagName} (its name in any case) over ${window}: deliveries (recipients delivered to), ` +
            `opens and clicks (each by its message, time, link and client), and the messages opened and clicked. ${once}` +
            unpublished([
              [SesEventType.DELIVERY, "deliveries"],
              [SesEventType.OPEN, "opens and opened_messages"],
              [SesEventType.CLICK, "clicks and clicked_messages"],
            ]),
          sql: [
            "SELECT tag_value,",
            `  ${countOf(SesEventType.DELIVERY, "event", "deliveries")},`,
            `  ${countOf(SesEventType.OPEN, "event", "opens")},`,
            `  ${countOf(SesEventType.OPEN, "message_id", "opened_messages")},`,
            `  ${countOf(SesEventType.CLICK, "event", "clicks")},`,
            `  ${countOf(SesEventType.CLICK, "message_id", "clicked_messages")}`,
            "FROM (",
            ...scan(
              [
                { eventType: SesEventType.DELIVERY, recipients: "delivery.recipients", at: "delivery.timestamp" },
                // An open or a click names no recipient: one row for the event.
                { eventType: SesEventType.OPEN, recipients: "ARRAY['']", at: "open.timestamp" },
                { eventType: SesEventType.CLICK, recipients: "ARRAY['']", at: "click.timestamp" },
              ],
              [
                "mail.messageid AS message_id",
                `${tagValue} AS tag_value`,
                `CASE ${type} ${[
                  has(SesEventType.DELIVERY) ? `WHEN ${text(T.DELIVERY)} THEN ${recipient}` : "",
                  has(SesEventType.OPEN) ? `WHEN ${text(T.OPEN)} THEN concat(mail.messageid, ' ', open.timestamp, ' ', ${client("open")})` : "",
                  has(SesEventType.CLICK)
                    ? `WHEN ${text(T.CLICK)} THEN concat(mail.messageid, ' ', click.timestamp, ' ', coalesce(click.link, ''), ' ', ${client("click")})`
                    : "",
                ]
                  .filter((branch) => branch !== "")
                  .join(" ")} END AS event`,
              ],
            ).map((line) => `  ${line}`),
            ") AS engagement",
            `WHERE ${dayOf("occurred_at")} >= ${since}`,
            "GROUP BY tag_value",
            "ORDER BY deliveries DESC, tag_value",
          ].join("\n"),
        };
      },
    },
    {
      id: "RenderingFailuresQuery",
      name: "rendering-failures-by-template",
      needs: { all: [SesEventType.RENDERING_FAILURE], anyOf: [] },
      build: () => ({
        description: `Templates that failed to render over ${window}: the messages that failed, the last time and one of their errors.${perScope} ${once}`,
        sql: [
          `SELECT ${scoped}template_name, count(DISTINCT message_id) AS failures,`,
          "  max(failed_at) AS last_failed_at, min(error) AS example_error",
          "FROM (",
          `  SELECT ${scoped}failure.templatename AS template_name, mail.messageid AS message_id, mail.timestamp AS failed_at, failure.errormessage AS error`,
          `  FROM ${table}`,
          `  WHERE ${of(SesEventType.RENDERING_FAILURE)} AND ${recent}`,
          ") AS failures",
          `WHERE ${dayOf("failed_at")} >= ${since}`,
          `GROUP BY ${scoped}template_name`,
          `ORDER BY failures DESC${thenScope}, template_name`,
        ].join("\n"),
      }),
    },
  ];

  const answerable = (spec: QuerySpec) => spec.needs.all.every(has) && (spec.needs.anyOf.length === 0 || spec.needs.anyOf.some(has));
  return {
    queries: specs.filter(answerable).map((spec) => ({ id: spec.id, name: spec.name, ...spec.build() })),
    skipped: specs.filter((spec) => !answerable(spec)).map((spec) => ({ name: spec.name, needs: spec.needs })),
  };
}
