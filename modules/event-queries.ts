import { Fn, Token } from "cdktf";
import { SesEventRecordType as T } from "./ses-event-type";

/** What the queries need to know about the table. */
export interface EventQueryContext {
  readonly databaseName: string;
  readonly tableName: string;
  /** The column holding the event type: the partition key when there is one (it prunes), else `eventtype`. */
  readonly eventTypeColumn: string;
  /** Names of the year, month and day partition keys. */
  readonly dateKeys: readonly [string, string, string];
  /** Days back from today each query reads. */
  readonly windowDays: number;
  /** Message tag the engagement query groups by. */
  readonly tagName: string;
}

/** One saved Athena query. */
export interface EventQuery {
  /** Construct ID of its `aws_athena_named_query`. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

/** SES reviews an account whose bounce rate reaches 5% or whose complaint rate reaches 0.1%. */
export const SES_BOUNCE_RATE_REVIEW = 0.05;
export const SES_COMPLAINT_RATE_REVIEW = 0.001;

/** `replace` run now on a literal, or by Terraform on a token, which is only known at apply time. */
const replaceAll = (value: string, search: string, by: string): string =>
  Token.isUnresolved(value) ? Fn.replace(value, Fn.rawString(search), Fn.rawString(by)) : value.split(search).join(by);
const lower = (value: string): string => (Token.isUnresolved(value) ? Fn.lower(value) : value.toLowerCase());
/** A quoted identifier; a name validated at synth needs none of it, a Terraform variable does. */
const quote = (identifier: string): string => `"${replaceAll(identifier, '"', '""')}"`;
const text = (value: string): string => `'${replaceAll(value, "'", "''")}'`;

/** The deliverability questions, as Athena (engine version 3) SQL over the event table. */
export function eventQueries(context: EventQueryContext): EventQuery[] {
  const table = `${quote(context.databaseName)}.${quote(context.tableName)}`;
  const type = quote(context.eventTypeColumn);
  const [year, month, day] = context.dateKeys.map(quote);
  const date = `CAST(concat(${year}, '-', ${month}, '-', ${day}) AS date)`;
  const since = `current_date - INTERVAL '${context.windowDays}' DAY`;
  // The year bound alone is a range on one partition key, which partition projection can use.
  const recent = `${year} >= CAST(year(${since}) AS varchar) AND ${date} >= ${since}`;
  const window = `the last ${context.windowDays} days`;
  const rate = (count: string) => `CAST(${count} AS double) / nullif(sends, 0)`;
  // The Hive OpenX SerDe lowercases map keys, Trino's own OpenX reader keeps them: look up both.
  const names = [context.tagName, lower(context.tagName)] as const;
  const tagValues =
    !Token.isUnresolved(context.tagName) && names[0] === names[1]
      ? `element_at(mail.tags, ${text(names[0])})`
      : `coalesce(${names.map((name) => `element_at(mail.tags, ${text(name)})`).join(", ")})`;

  return [
    {
      id: "DailyRatesQuery",
      name: "daily-bounce-and-complaint-rates",
      description: `Sends, hard bounces and complaints per day over ${window}, with the rates SES reviews an account at (bounce 5%, complaint 0.1%).`,
      sql: [
        "SELECT event_date, sends, hard_bounces, complaints,",
        `  round(${rate("hard_bounces")}, 4) AS bounce_rate,`,
        `  round(${rate("complaints")}, 4) AS complaint_rate,`,
        `  ${rate("hard_bounces")} >= ${SES_BOUNCE_RATE_REVIEW} AS bounce_rate_at_review_level,`,
        `  ${rate("complaints")} >= ${SES_COMPLAINT_RATE_REVIEW} AS complaint_rate_at_review_level`,
        "FROM (",
        `  SELECT ${date} AS event_date,`,
        `    count_if(${type} = ${text(T.SEND)}) AS sends,`,
        `    count_if(${type} = ${text(T.BOUNCE)} AND bounce.bouncetype = 'Permanent') AS hard_bounces,`,
        `    count_if(${type} = ${text(T.COMPLAINT)}) AS complaints`,
        `  FROM ${table}`,
        `  WHERE ${type} IN (${[T.SEND, T.BOUNCE, T.COMPLAINT].map(text).join(", ")}) AND ${recent}`,
        `  GROUP BY ${date}`,
        ") AS daily",
        "ORDER BY event_date DESC",
      ].join("\n"),
    },
    {
      id: "HardBouncesQuery",
      name: "hard-bounces-to-suppress",
      description: `Recipients that hard-bounced over ${window}: add them to the suppression list.`,
      sql: [
        "SELECT lower(email_address) AS email_address, count(*) AS hard_bounces, max(bounce.timestamp) AS last_bounced_at",
        `FROM ${table}`,
        "CROSS JOIN UNNEST(transform(bounce.bouncedrecipients, r -> r.emailaddress)) AS recipients (email_address)",
        `WHERE ${type} = ${text(T.BOUNCE)} AND bounce.bouncetype = 'Permanent' AND ${recent}`,
        "GROUP BY lower(email_address)",
        "ORDER BY last_bounced_at DESC, email_address",
      ].join("\n"),
    },
    {
      id: "TroubledDomainsQuery",
      name: "bouncing-and-delaying-domains",
      description: `The 100 recipient domains with the most bounced or delayed recipients over ${window}.`,
      sql: [
        "SELECT domain, count(*) AS troubled_recipients,",
        "  count_if(kind = 'bounce') AS bounced_recipients,",
        "  count_if(kind = 'delay') AS delayed_recipients",
        "FROM (",
        "  SELECT 'bounce' AS kind, lower(split_part(address, '@', 2)) AS domain",
        `  FROM ${table}`,
        "  CROSS JOIN UNNEST(transform(bounce.bouncedrecipients, r -> r.emailaddress)) AS recipients (address)",
        `  WHERE ${type} = ${text(T.BOUNCE)} AND ${recent}`,
        "  UNION ALL",
        "  SELECT 'delay' AS kind, lower(split_part(address, '@', 2)) AS domain",
        `  FROM ${table}`,
        "  CROSS JOIN UNNEST(transform(deliverydelay.delayedrecipients, r -> r.emailaddress)) AS recipients (address)",
        `  WHERE ${type} = ${text(T.DELIVERY_DELAY)} AND ${recent}`,
        ") AS troubled",
        "GROUP BY domain",
        "ORDER BY troubled_recipients DESC, domain",
        "LIMIT 100",
      ].join("\n"),
    },
    {
      id: "EngagementQuery",
      name: "opens-and-clicks-by-tag",
      description: `Deliveries, opens and clicks per value of the message tag ${context.tagName} over ${window}.`,
      sql: [
        `SELECT ${tagValues}[1] AS tag_value,`,
        `  count_if(${type} = ${text(T.DELIVERY)}) AS deliveries,`,
        `  count_if(${type} = ${text(T.OPEN)}) AS opens,`,
        `  count(DISTINCT CASE WHEN ${type} = ${text(T.OPEN)} THEN mail.messageid END) AS opened_messages,`,
        `  count_if(${type} = ${text(T.CLICK)}) AS clicks,`,
        `  count(DISTINCT CASE WHEN ${type} = ${text(T.CLICK)} THEN mail.messageid END) AS clicked_messages`,
        `FROM ${table}`,
        `WHERE ${type} IN (${[T.DELIVERY, T.OPEN, T.CLICK].map(text).join(", ")}) AND ${recent}`,
        `GROUP BY ${tagValues}[1]`,
        "ORDER BY deliveries DESC, tag_value",
      ].join("\n"),
    },
    {
      id: "RenderingFailuresQuery",
      name: "rendering-failures-by-template",
      description: `Templates that failed to render over ${window}, with one of their errors.`,
      sql: [
        "SELECT failure.templatename AS template_name, count(*) AS failures,",
        "  max(mail.timestamp) AS last_failed_at, min(failure.errormessage) AS example_error",
        `FROM ${table}`,
        `WHERE ${type} = ${text(T.RENDERING_FAILURE)} AND ${recent}`,
        "GROUP BY failure.templatename",
        "ORDER BY failures DESC, template_name",
      ].join("\n"),
    },
  ];
}
