/**
 * npm run bench:lake: a month of SES events of a sender of 1,000,000 messages a day, scaled down by
 * FACTOR, laid out as the default stream writes them in each format (JSON: GZIP objects under
 * events/; Parquet: objects converted with the event table's columns under events-parquet/, both
 * partitioned by event type and day, one object per partition and flush), then every saved query of
 * the default stack on each: the bytes Athena would bill (bench/lake-accounting.ts), its time on
 * DuckDB, and whether both answers agree. Bytes are extrapolated to full scale (divided by FACTOR);
 * times are measured at the scale run.
 *
 *   node bench/run-ts.js bench/lake.ts [--factor 0.001] [--days 30] [--out .scratch/bench/lake.json] [--doc docs/lake-benchmark.md]
 *                                      [--cost-doc docs/cost.md] [--parquet-compression SNAPPY|GZIP|UNCOMPRESSED]
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { gzipSync } from "zlib";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { TerraformStack, Testing } from "cdktf";
import { EventFormat, SesFirehoseEventDestination, SesFirehoseEventDestinationProps } from "../modules";
import { Json, duckdbType, parseHiveType, writeParquet } from "../scripts/athena-harness";
import { ColumnChunk, eventTypesRead, fieldsNamed, jsonBytesRead, parquetBytesRead } from "./lake-accounting";

const MESSAGES_PER_DAY = 1_000_000;
const ROOT = path.join(__dirname, "..");

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

const FACTOR = Number(option("factor", "0.001"));
const DAYS = Number(option("days", "30"));
const OUT = path.resolve(ROOT, option("out", ".scratch/bench/lake.json"));
const DOC = path.resolve(ROOT, option("doc", "docs/lake-benchmark.md"));
const COST_DOC = path.resolve(ROOT, option("cost-doc", "docs/cost.md"));
/** Firehose's Parquet SerDe offers SNAPPY (the stream's), GZIP or UNCOMPRESSED; another one measures what it would change. */
const PARQUET_COMPRESSION = option("parquet-compression", "SNAPPY") as "SNAPPY" | "GZIP" | "UNCOMPRESSED";

/**
 * AWS's published on-demand prices in US East (N. Virginia), as read on the pricing pages on
 * PRICES_READ_ON: Firehose (Direct PUT ingestion, first 500 TB a month; format conversion; dynamic
 * partitioning), S3 Standard and Standard-IA storage and PUT requests, Athena SQL queries.
 */
const PRICES_READ_ON = "2026-12-07";
const PRICES = {
  ingestionPerGiB: 0.029,
  ingestionStepBytes: 5 * 1024,
  conversionPerGiB: 0.018,
  partitioningPerGiB: 0.02,
  partitioningPer1000Objects: 0.005,
  s3StandardPerGiBMonth: 0.023,
  s3StandardIaPerGiBMonth: 0.0125,
  s3PutPer1000: 0.005,
  athenaPerTiB: 5,
  athenaMinimumBytes: 10 * 1024 ** 2,
};
/** Firehose's buffering of the default stream. */
const BUFFER_SECONDS = 300;
const BUFFER_BYTES = 64 * 1024 ** 2;

/** Events per message, as a sender with open and click tracking sees them (one recipient per message). */
const RATES = {
  delivery: 0.975,
  open: 0.22,
  click: 0.035,
  hardBounce: 0.012,
  softBounce: 0.004,
  suppressedBounce: 0.004,
  complaint: 0.0008,
  deliveryDelay: 0.012,
  renderingFailure: 0.0005,
  reject: 0.0001,
  subscription: 0.0015,
};
const CAMPAIGNS = ["welcome", "receipt", "password-reset", "weekly-digest", "spring-sale", "summer-sale", "winback", "newsletter", "survey", "shipping"];
const DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com", "example.com", "example.org", "web.de", "proton.me"];

/** A seeded generator (mulberry32): the same lake on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = random(20260101);

/** The default stack's resources (the saved queries, the table), with `props` over the defaults. */
function synth(props: Partial<SesFirehoseEventDestinationProps> = {}): { json: Json } {
  const outdir = mkdtempSync(path.join(tmpdir(), "ses-events-lake-synth-"));
  try {
    const stack = new TerraformStack(Testing.app({ outdir }), "bench");
    new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "ses-events", ...props });
    return { json: JSON.parse(Testing.synth(stack)) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join("");
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const iso = (ms: number) => new Date(ms).toISOString();

/** One message and its events, with SES's shapes (SES developer guide: contents of event data). */
function messageEvents(sentAt: number): Json[] {
  const messageId = `010001${hex(10)}-${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}-000000`;
  const recipient = `${pick(["anna", "ben", "carla", "dev", "emma", "finn", "gia", "hugo", "ines", "jon"])}.${hex(6)}@${pick(DOMAINS)}`;
  const campaign = pick(CAMPAIGNS);
  const subject = `${campaign.replace("-", " ")} #${Math.floor(rand() * 10000)}`;
  const mail = {
    timestamp: iso(sentAt),
    source: "Acme <news@mail.acme.example>",
    sourceArn: "arn:aws:ses:eu-west-1:123456789012:identity/mail.acme.example",
    sendingAccountId: "123456789012",
    messageId,
    destination: [recipient],
    headersTruncated: false,
    headers: [
      { name: "Received", value: `from app-${hex(4)}.acme.internal (ip-10-0-${Math.floor(rand() * 255)}-${Math.floor(rand() * 255)}.eu-west-1.compute.internal) by email-smtp.amazonaws.com with SMTP` },
      { name: "From", value: "Acme <news@mail.acme.example>" },
      { name: "Reply-To", value: "support@acme.example" },
      { name: "To", value: recipient },
      { name: "Subject", value: subject },
      { name: "MIME-Version", value: "1.0" },
      { name: "Content-Type", value: `multipart/alternative; boundary="----=_Part_${hex(6)}_${hex(10)}.${hex(13)}"` },
      { name: "Message-ID", value: `<${hex(16)}.${hex(8)}@acme.example>` },
      { name: "Date", value: new Date(sentAt).toUTCString() },
      { name: "List-Unsubscribe", value: `<https://acme.example/u/${hex(32)}>, <mailto:unsubscribe+${hex(16)}@acme.example>` },
      { name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click" },
      { name: "X-Acme-Template", value: `${campaign}-v${1 + Math.floor(rand() * 4)}` },
    ],
    commonHeaders: {
      from: ["Acme <news@mail.acme.example>"],
      replyTo: ["support@acme.example"],
      date: new Date(sentAt).toUTCString(),
      to: [recipient],
      messageId: `<${hex(16)}.${hex(8)}@acme.example>`,
      subject,
    },
    tags: {
      "ses:configuration-set": ["acme-marketing"],
      "ses:source-ip": [`203.0.113.${Math.floor(rand() * 255)}`],
      "ses:from-domain": ["mail.acme.example"],
      "ses:caller-identity": ["acme-sender"],
      "ses:outgoing-ip": [`198.51.100.${Math.floor(rand() * 255)}`],
      campaign: [campaign],
    },
  };
  const at = (seconds: number) => iso(sentAt + seconds * 1000);
  const events: Json[] = [];
  if (rand() < RATES.renderingFailure) {
    return [{ eventType: "Rendering Failure", mail, failure: { templateName: `${campaign}-v2`, errorMessage: "Attribute 'firstName' is not present in the rendering data." } }];
  }
  if (rand() < RATES.reject) return [{ eventType: "Reject", mail, reject: { reason: "Bad content" } }];
  events.push({ eventType: "Send", mail, send: {} });
  const fate = rand();
  const bounce = (bounceType: string, bounceSubType: string, status: string, code: string) => ({
    eventType: "Bounce",
    mail,
    bounce: {
      bounceType,
      bounceSubType,
      bouncedRecipients: [{ emailAddress: recipient, action: "failed", status, diagnosticCode: code }],
      timestamp: at(2 + rand() * 60),
      feedbackId: `${messageId.slice(0, 16)}-${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}-000000`,
      reportingMTA: "dsn; e226-55.smtp-out.eu-west-1.amazonses.com",
    },
  });
  if (fate < RATES.hardBounce) {
    events.push(bounce("Permanent", "General", "5.1.1", "smtp; 550 5.1.1 user unknown"));
    return events;
  }
  if (fate < RATES.hardBounce + RATES.suppressedBounce) {
    events.push(bounce("Permanent", "OnAccountSuppressionList", "5.1.1", "Amazon SES did not send the message to this address because it is on the suppression list for your account."));
    return events;
  }
  if (fate < RATES.hardBounce + RATES.suppressedBounce + RATES.softBounce) {
    events.push(bounce("Transient", "MailboxFull", "4.2.2", "smtp; 452 4.2.2 mailbox full"));
    return events;
  }
  if (rand() < RATES.deliveryDelay) {
    events.push({
      eventType: "DeliveryDelay",
      mail,
      deliveryDelay: {
        timestamp: at(120),
        delayType: "TransientCommunicationFailure",
        expirationTime: at(86400),
        delayedRecipients: [{ emailAddress: recipient, status: "4.4.1", diagnosticCode: "smtp; 421 4.4.1 connection timed out" }],
      },
    });
  }
  const deliveredAt = 1 + rand() * 30;
  events.push({
    eventType: "Delivery",
    mail,
    delivery: {
      timestamp: at(deliveredAt),
      processingTimeMillis: Math.floor(deliveredAt * 1000),
      recipients: [recipient],
      smtpResponse: `250 2.0.0 OK ${Math.floor(sentAt / 1000)} ${hex(12)}.${Math.floor(rand() * 1000)} - gsmtp`,
      reportingMTA: `e${Math.floor(rand() * 300)}-${Math.floor(rand() * 99)}.smtp-out.eu-west-1.amazonses.com`,
      remoteMtaIp: `142.250.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`,
    },
  });
  const client = () => ({ ipAddress: `${Math.floor(rand() * 223) + 1}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`, userAgent: pick(["Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"]) });
  if (rand() < RATES.open) {
    const opened = 60 + rand() * 7200;
    events.push({ eventType: "Open", mail, open: { ...client(), timestamp: at(opened) } });
    if (rand() < RATES.click / RATES.open) {
      events.push({
        eventType: "Click",
        mail,
        click: { ...client(), timestamp: at(opened + 5 + rand() * 60), link: `https://acme.example/${campaign}?utm_source=email&utm_campaign=${campaign}&u=${hex(12)}`, linkTags: { section: [pick(["header", "hero", "footer"])] } },
      });
    }
  }
  if (rand() < RATES.complaint) {
    events.push({
      eventType: "Complaint",
      mail,
      complaint: {
        complainedRecipients: [{ emailAddress: recipient }],
        timestamp: at(3600 + rand() * 36000),
        feedbackId: `${messageId.slice(0, 16)}-${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}-000000`,
        complaintSubType: null,
        userAgent: "Yahoo!-Mail-Feedback/2.0",
        complaintFeedbackType: "abuse",
        arrivalDate: at(3500),
      },
    });
  }
  if (rand() < RATES.subscription) {
    const preferences = (unsubscribeAll: boolean) => ({ unsubscribeAll, topicSubscriptionStatus: [{ topicName: "offers", subscriptionStatus: unsubscribeAll ? "OptOut" : "OptIn" }] });
    events.push({ eventType: "Subscription", mail, subscription: { contactList: "acme-customers", timestamp: at(7200), source: "UnsubscribeHeader", newTopicPreferences: preferences(true), oldTopicPreferences: preferences(false) } });
  }
  return events;
}

/** The record's own time: Firehose's arrival, a few seconds after it. */
function eventTime(record: Json): number {
  const own = Object.entries(record).find(([key, value]) => key !== "mail" && typeof value === "object" && value !== null && typeof value.timestamp === "string");
  return Date.parse(own === undefined ? record.mail.timestamp : own[1].timestamp);
}

/** DuckDB's `read_json` columns for the Glue columns, with each field spelt as SES spells it. */
function jsonColumns(columns: ReadonlyArray<{ name: string; type: string }>, spelling: Map<string, string>): string {
  const spell = (name: string) => spelling.get(name) ?? name;
  const respell = (type: string): string => type.replace(/"([a-z_]+)"/g, (_, name: string) => `"${spell(name)}"`);
  return `{${columns.map((c) => `'${spell(c.name)}': '${respell(duckdbType(parseHiveType(c.type))).replace(/'/g, "''")}'`).join(", ")}}`;
}

function spellings(records: readonly Json[]): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (value: unknown, inMap: boolean) => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, false));
    if (value === null || typeof value !== "object") return;
    for (const [key, v] of Object.entries(value)) {
      if (!inMap) found.set(key.toLowerCase(), key);
      walk(v, key === "tags" || key === "linkTags");
    }
  };
  records.forEach((r) => walk(r, false));
  return found;
}

/** The saved queries in DuckDB's dialect, reading the views `events` and `events_json`. */
function duckdbSql(sql: string, today: string): string {
  return sql
    .split('"ses_events"."events_json"')
    .join("events_json")
    .split('"ses_events"."events"')
    .join("events")
    .replace(/\bcurrent_date\b/g, `DATE '${today}'`)
    .replace(/\btransform\(/g, "list_transform(")
    .replace(/\belement_at\(/g, "map_extract_value(")
    .replace(/\barray_min\(/g, "list_min(");
}

async function timed(connection: DuckDBConnection, sql: string): Promise<{ ms: number; rows: Json[] }> {
  const start = process.hrtime.bigint();
  const reader = await connection.runAndReadAll(sql);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, rows: reader.getRowObjectsJson() as Json[] };
}

/** Mean and longest wait of an event in Firehose's buffer at full scale: a buffer opens with its first record and is written 300 s later or at 64 MiB. */
function bufferDelay(partitionEventsPerDay: readonly number[], recordBytes: number): { meanSeconds: number; maxSeconds: number } {
  let weighted = 0;
  let total = 0;
  for (const perDay of partitionEventsPerDay) {
    const perSecond = perDay / 86400;
    // Seconds to fill 64 MiB at this rate; the buffer is written at whichever comes first.
    const fill = BUFFER_BYTES / Math.max(1, perSecond * recordBytes);
    const window = Math.min(BUFFER_SECONDS, fill);
    // Records arrive evenly within an open buffer: each waits the rest of its window, half of it on average.
    weighted += perDay * (window / 2);
    total += perDay;
  }
  return { meanSeconds: Math.round(weighted / total), maxSeconds: BUFFER_SECONDS };
}

async function main(): Promise<void> {
  const started = Date.now();
  const messagesPerDay = Math.round(MESSAGES_PER_DAY * FACTOR);
  const first = Date.UTC(2026, 0, 1);
  const today = new Date(first + DAYS * 86_400_000).toISOString().slice(0, 10);
  const parquetStack: Json = synth().json;
  const jsonStack: Json = synth({ deliveryStream: { format: EventFormat.JSON } }).json;
  const table = Object.values<Json>(parquetStack.resource.aws_glue_catalog_table).find((t) => t.name === "events")!;
  const columns: Array<{ name: string; type: string }> = table.storage_descriptor.columns;
  const queriesOf = (stack: Json) => new Map(Object.values<Json>(stack.resource.aws_athena_named_query).map((q) => [q.name as string, q.query as string]));
  const parquetQueries = queriesOf(parquetStack);
  const jsonQueries = queriesOf(jsonStack);

  // Generate: per day and event type, the records Firehose would put in one object at this scale.
  process.stderr.write(`bench:lake: ${messagesPerDay} messages a day for ${DAYS} days (factor ${FACTOR})\n`);
  const partitions = new Map<string, Json[]>();
  for (let day = 0; day < DAYS; day++) {
    for (let m = 0; m < messagesPerDay; m++) {
      const sentAt = first + day * 86_400_000 + Math.floor(rand() * 86_400_000);
      for (const record of messageEvents(sentAt)) {
        const date = new Date(Math.min(eventTime(record), first + DAYS * 86_400_000 - 1)).toISOString().slice(0, 10);
        const key = `${record.eventType}|${date}`;
        (partitions.get(key) ?? partitions.set(key, []).get(key)!).push(record);
      }
    }
  }
  const records = [...partitions.values()].flat();
  const root = mkdtempSync(path.join(tmpdir(), "ses-events-lake-"));
  const jsonObjects: Array<{ eventType: string; bytes: number; file: string }> = [];
  const parquetObjects: Array<{ eventType: string; bytes: number; file: string }> = [];
  let sourceRecordBytes = 0;
  try {
    for (const [key, group] of partitions) {
      const [eventType, date] = key.split("|") as [string, string];
      const [y, mo, d] = date.split("-");
      const folder = `event_type=${eventType}/year=${y}/month=${mo}/day=${d}`;
      const lines = group.map((record) => `${JSON.stringify(record)}\n`);
      const jsonFile = path.join(root, "events", folder, "ses-events-1.gz");
      mkdirSync(path.dirname(jsonFile), { recursive: true });
      writeFileSync(jsonFile, gzipSync(lines.join("")));
      jsonObjects.push({ eventType, bytes: statSync(jsonFile).size, file: jsonFile });
      const parquetFile = path.join(root, "events-parquet", folder, "ses-events-1.parquet");
      mkdirSync(path.dirname(parquetFile), { recursive: true });
      await writeParquet(parquetFile, lines, columns, PARQUET_COMPRESSION);
      parquetObjects.push({ eventType, bytes: statSync(parquetFile).size, file: parquetFile });
    }
    // The source record backup: every record, GZIP, not partitioned by type.
    for (let day = 0; day < DAYS; day++) {
      const date = new Date(first + day * 86_400_000).toISOString().slice(0, 10);
      const lines = [...partitions].filter(([key]) => key.endsWith(`|${date}`)).flatMap(([, group]) => group.map((r) => `${JSON.stringify(r)}\n`));
      sourceRecordBytes += gzipSync(lines.join("")).length;
    }
    process.stderr.write(`bench:lake: ${records.length} events in ${jsonObjects.length} objects per format (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);

    const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
    const connection = await instance.connect();
    const chunks = new Map<string, ColumnChunk[]>();
    for (const object of parquetObjects) {
      const reader = await connection.runAndReadAll(`SELECT path_in_schema, total_compressed_size FROM parquet_metadata('${object.file}')`);
      chunks.set(object.file, reader.getRowObjectsJson().map((row) => ({ path: String(row.path_in_schema), compressedBytes: Number(row.total_compressed_size) })));
    }

    const columnNames = columns.map((c) => c.name);
    const partitionTypes = "hive_partitioning = true, hive_types = {'event_type': VARCHAR, 'year': VARCHAR, 'month': VARCHAR, 'day': VARCHAR}";
    const emptyJson = `SELECT ${columns.map((c) => `CAST(NULL AS ${duckdbType(parseHiveType(c.type))}) AS "${c.name}"`).join(", ")}, NULL::VARCHAR AS event_type, NULL::VARCHAR AS year, NULL::VARCHAR AS month, NULL::VARCHAR AS day WHERE false`;
    const jsonScan = `SELECT ${columnNames.map((n) => `"${n}"`).join(", ")}, event_type, year, month, day FROM read_json('${root}/events/*/*/*/*/*.gz', format = 'newline_delimited', compression = 'gzip', columns = ${jsonColumns(columns, spellings(records))}, ${partitionTypes})`;
    const parquetScan = `SELECT ${columnNames.map((n) => `"${n}"`).join(", ")}, event_type, year, month, day FROM read_parquet('${root}/events-parquet/*/*/*/*/*.parquet', ${partitionTypes})`;

    const queries: Record<string, { json: { bytesRead: number; ms: number }; parquet: { bytesRead: number; ms: number } }> = {};
    const agree: Record<string, boolean> = {};
    for (const [name, parquetSql] of parquetQueries) {
      const jsonSql = jsonQueries.get(name)!;
      const types = eventTypesRead(jsonSql, "event_type");
      const fields = fieldsNamed(parquetSql, columnNames);
      const parquetRead = parquetObjects.filter((o) => types.includes(o.eventType)).reduce((sum, o) => sum + parquetBytesRead(chunks.get(o.file)!, fields), 0);
      await connection.run(`CREATE OR REPLACE VIEW events AS ${jsonScan}`);
      const onJson = await timed(connection, duckdbSql(jsonSql, today));
      await connection.run(`CREATE OR REPLACE VIEW events AS ${parquetScan}; CREATE OR REPLACE VIEW events_json AS ${emptyJson}`);
      const onParquet = await timed(connection, duckdbSql(parquetSql, today));
      agree[name] = JSON.stringify(onJson.rows) === JSON.stringify(onParquet.rows) && onJson.rows.length > 0;
      if (!agree[name]) {
        process.stderr.write(`bench:lake: ${name} answers otherwise: JSON ${JSON.stringify(onJson.rows.slice(0, 3))}, Parquet ${JSON.stringify(onParquet.rows.slice(0, 3))}\n`);
      }
      queries[name] = {
        json: { bytesRead: Math.round(jsonBytesRead(jsonObjects, types) / FACTOR), ms: Math.round(onJson.ms) },
        parquet: { bytesRead: Math.round(parquetRead / FACTOR), ms: Math.round(onParquet.ms) },
      };
      process.stderr.write(`bench:lake: ${name}: reads ${types.join(", ")}; fields ${fields.join(", ")}\n`);
    }
    connection.closeSync();
    instance.closeSync();

    const sum = (objects: ReadonlyArray<{ bytes: number }>) => objects.reduce((total, o) => total + o.bytes, 0);
    const result = {
      scale: { messagesPerDay: MESSAGES_PER_DAY, days: DAYS, factor: FACTOR },
      queries,
      storedBytesPerDay: { json: Math.round(sum(jsonObjects) / DAYS / FACTOR), parquet: Math.round(sum(parquetObjects) / DAYS / FACTOR) },
    };
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);

    // Full-scale figures for the page: events, objects and delay.
    const eventsPerDay = records.length / DAYS / FACTOR;
    const perType = new Map<string, number>();
    for (const [key, group] of partitions) perType.set(key.split("|")[0]!, (perType.get(key.split("|")[0]!) ?? 0) + group.length / DAYS / FACTOR);
    const rawBytes = records.reduce((total, r) => total + JSON.stringify(r).length + 1, 0) / records.length;
    const delay = bufferDelay([...perType.values()], rawBytes);
    const flushesPerDay = 86400 / BUFFER_SECONDS;
    const objectsPerDay = [...perType.values()].reduce((total, n) => total + Math.min(flushesPerDay, Math.ceil(n)), 0);
    const doc = renderDoc(result, agree, {
      eventsPerDay,
      perType,
      rawBytes,
      objectsPerDay,
      sourceRecordBytesPerDay: sourceRecordBytes / DAYS / FACTOR,
      delay,
      seconds: (Date.now() - started) / 1000,
    });
    writeFileSync(DOC, doc);
    writeFileSync(COST_DOC, renderCost(result, { eventsPerDay, rawBytes, objectsPerDay, sourceRecordBytesPerDay: sourceRecordBytes / DAYS / FACTOR }));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    const missed = Object.entries(queries).filter(([name, q]) => q.parquet.bytesRead > q.json.bytesRead / 10 || !agree[name]);
    process.stderr.write(
      missed.length === 0
        ? `bench:lake: every saved query reads at most 10% of the JSON bytes on Parquet, with the same answers (${((Date.now() - started) / 1000).toFixed(0)} s); wrote ${path.relative(ROOT, OUT)} and ${path.relative(ROOT, DOC)}\n`
        : `bench:lake: FAIL: ${missed.map(([name]) => name).join(", ")} read more than 10% of the JSON bytes or answer otherwise\n`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toLocaleString("en-US", { maximumFractionDigits: 1 })} MiB`;
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toLocaleString("en-US", { maximumFractionDigits: 2 })} GiB`;

function renderDoc(
  result: { scale: Json; queries: Record<string, { json: { bytesRead: number; ms: number }; parquet: { bytesRead: number; ms: number } }>; storedBytesPerDay: { json: number; parquet: number } },
  agree: Record<string, boolean>,
  full: { eventsPerDay: number; perType: Map<string, number>; rawBytes: number; objectsPerDay: number; sourceRecordBytesPerDay: number; delay: { meanSeconds: number; maxSeconds: number }; seconds: number },
): string {
  const rows = Object.entries(result.queries).map(
    ([name, q]) =>
      `| \`${name}\` | ${gib(q.json.bytesRead)} | ${gib(q.parquet.bytesRead)} | ${((100 * q.parquet.bytesRead) / q.json.bytesRead).toFixed(1)}% | ${q.json.ms} | ${q.parquet.ms} | ${agree[name] ? "yes" : "NO"} |`,
  );
  const types = [...full.perType].sort((a, b) => b[1] - a[1]).map(([type, n]) => `${type} ${Math.round(n).toLocaleString("en-US")}`);
  return [
    "# Event lake benchmark",
    "",
    "<!-- Written by `npm run bench:lake` (bench/lake.ts); do not edit by hand. -->",
    "",
    `A month (${result.scale.days} days) of the SES events of a sender of ${result.scale.messagesPerDay.toLocaleString("en-US")} messages a day,`,
    `generated at a scale factor of ${result.scale.factor} (${Math.round(result.scale.messagesPerDay * result.scale.factor).toLocaleString("en-US")} messages a day) and laid out as the default`,
    "stream writes each format: GZIP JSON under `events/`, Parquet (Snappy, the event table's columns) under `events-parquet/`,",
    "both partitioned by event type and day. Bytes are extrapolated linearly to full scale (divided by the factor); query",
    "times are DuckDB's at the scale run, on this machine, and only compare the formats with each other.",
    "",
    `At full scale that is about ${Math.round(full.eventsPerDay).toLocaleString("en-US")} events a day (${types.join(", ")}), ${Math.round(full.rawBytes).toLocaleString("en-US")} bytes each as SES writes them.`,
    "",
    "## Bytes a query reads",
    "",
    "Athena's billing model: JSON objects are read whole in every partition a query reads; from Parquet only the column",
    "chunks of the columns (nested fields) the query names (`bench/lake-accounting.ts`). Every saved query reads 30 days.",
    "",
    "| Saved query | JSON | Parquet | Parquet / JSON | JSON ms | Parquet ms | Same answer |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows,
    "",
    "## Stored per day",
    "",
    "| | Bytes per day | Objects per day |",
    "| --- | ---: | ---: |",
    `| JSON (GZIP) | ${gib(result.storedBytesPerDay.json)} | ${full.objectsPerDay.toLocaleString("en-US")} |`,
    `| Parquet (Snappy) | ${gib(result.storedBytesPerDay.parquet)} | ${full.objectsPerDay.toLocaleString("en-US")} |`,
    `| Source records beside Parquet (GZIP, not partitioned) | ${gib(full.sourceRecordBytesPerDay)} | ${86400 / BUFFER_SECONDS} |`,
    "",
    `Objects per day: one per event-type partition and buffer flush (every ${BUFFER_SECONDS} s while the partition receives events; no`,
    `partition of this sender fills ${mib(BUFFER_BYTES)} within ${BUFFER_SECONDS} s).`,
    "",
    "## From event to queryable",
    "",
    `Firehose holds each partition's records until ${BUFFER_SECONDS} s after the buffer's first record or ${mib(BUFFER_BYTES)}, whichever comes first.`,
    `At this volume every partition is written on time, not size: an event waits ${full.delay.meanSeconds} s on average and at most`,
    `${full.delay.maxSeconds} s (Firehose documents that delivery may take up to 1.5 times the interval), in either format; the`,
    "conversion to Parquet adds no buffering of its own.",
    "",
    `Run: ${full.seconds.toFixed(0)} s on this machine.`,
    "",
  ].join("\n");
}

/** What the pipeline costs per million events in each format, and each saved query per run. */
function renderCost(
  result: { queries: Record<string, { json: { bytesRead: number }; parquet: { bytesRead: number } }>; storedBytesPerDay: { json: number; parquet: number } },
  full: { eventsPerDay: number; rawBytes: number; objectsPerDay: number; sourceRecordBytesPerDay: number },
): string {
  const perMillion = 1e6 / full.eventsPerDay;
  const billedGiB = (1e6 * Math.ceil(full.rawBytes / PRICES.ingestionStepBytes) * PRICES.ingestionStepBytes) / 1024 ** 3;
  const deliveredGiB = (1e6 * full.rawBytes) / 1024 ** 3;
  const objects = full.objectsPerDay * perMillion;
  const backupObjects = (86400 / BUFFER_SECONDS) * perMillion;
  const storedGiB = {
    json: (result.storedBytesPerDay.json * perMillion) / 1024 ** 3,
    parquet: (result.storedBytesPerDay.parquet * perMillion) / 1024 ** 3,
    backup: (full.sourceRecordBytesPerDay * perMillion) / 1024 ** 3,
  };
  const usd = (value: number) => `$${value < 0.01 ? value.toPrecision(2) : value.toFixed(3)}`;
  const worst = Math.max(...Object.values(result.queries).map((q) => q.parquet.bytesRead / q.json.bytesRead));
  const ingestion = billedGiB * PRICES.ingestionPerGiB;
  const conversion = billedGiB * PRICES.conversionPerGiB;
  const partitioning = deliveredGiB * PRICES.partitioningPerGiB + (objects / 1000) * PRICES.partitioningPer1000Objects;
  const puts = { json: (objects / 1000) * PRICES.s3PutPer1000, parquet: ((objects + backupObjects) / 1000) * PRICES.s3PutPer1000 };
  const storage = {
    json: storedGiB.json * PRICES.s3StandardPerGiBMonth,
    parquet: (storedGiB.parquet + storedGiB.backup) * PRICES.s3StandardPerGiBMonth,
  };
  const totalJson = ingestion + partitioning + puts.json;
  const totalParquet = ingestion + conversion + partitioning + puts.parquet;
  const athena = (bytes: number) => (Math.max(bytes, PRICES.athenaMinimumBytes) / 1024 ** 4) * PRICES.athenaPerTiB;
  const queryRows = Object.entries(result.queries).map(
    ([name, q]) => `| \`${name}\` | ${usd(athena(q.json.bytesRead))} | ${usd(athena(q.parquet.bytesRead))} | ${usd(athena(q.json.bytesRead) * 720)} | ${usd(athena(q.parquet.bytesRead) * 720)} |`,
  );
  return [
    "# Cost",
    "",
    "<!-- Written by `npm run bench:lake` (bench/lake.ts) from its figures and the prices below; do not edit by hand. -->",
    "",
    `What the pipeline costs for every million SES events, in each format, from the [event lake benchmark](lake-benchmark.md)`,
    `(a sender of 1,000,000 messages a day: about ${Math.round(full.eventsPerDay).toLocaleString("en-US")} events a day of ${Math.round(full.rawBytes).toLocaleString("en-US")} bytes each) and AWS's`,
    `published on-demand prices in US East (N. Virginia), read on ${PRICES_READ_ON}. Prices change and differ by Region:`,
    "check [Firehose](https://aws.amazon.com/firehose/pricing/), [S3](https://aws.amazon.com/s3/pricing/) and",
    "[Athena](https://aws.amazon.com/athena/pricing/) before relying on a figure. SES's own charges and the CloudWatch",
    "alarms and logs are left out: they are the same in both formats.",
    "",
    "| Price | Used |",
    "| --- | ---: |",
    `| Firehose ingestion (Direct PUT, first 500 TB a month), per GB, each record rounded up to a multiple of 5 KB | $${PRICES.ingestionPerGiB} |`,
    `| Firehose format conversion (JSON to Parquet), per GB ingested, in the same 5 KB steps | $${PRICES.conversionPerGiB} |`,
    `| Firehose dynamic partitioning, per GB delivered, and per 1,000 objects delivered | $${PRICES.partitioningPerGiB}, $${PRICES.partitioningPer1000Objects} |`,
    `| S3 Standard, per GB-month (Standard-IA, where the lifecycle moves events after 30 days: $${PRICES.s3StandardIaPerGiBMonth}) | $${PRICES.s3StandardPerGiBMonth} |`,
    `| S3 PUT, per 1,000 requests | $${PRICES.s3PutPer1000} |`,
    `| Athena, per TB scanned, at least 10 MB per query | $${PRICES.athenaPerTiB} |`,
    "",
    "## Per million events",
    "",
    `An event of ${Math.round(full.rawBytes).toLocaleString("en-US")} bytes is billed as ${PRICES.ingestionStepBytes / 1024} KB: a million events are ${billedGiB.toFixed(2)} GB of`,
    `ingestion (and of conversion), and ${deliveredGiB.toFixed(2)} GB delivered. Objects: ${Math.round(objects).toLocaleString("en-US")} a million events (one per event-type partition and`,
    `${BUFFER_SECONDS} s flush), plus ${Math.round(backupObjects).toLocaleString("en-US")} of source records with Parquet.`,
    "",
    "| | JSON | Parquet (default) |",
    "| --- | ---: | ---: |",
    `| Firehose ingestion | ${usd(ingestion)} | ${usd(ingestion)} |`,
    `| Format conversion | - | ${usd(conversion)} |`,
    `| Dynamic partitioning (GB and objects) | ${usd(partitioning)} | ${usd(partitioning)} |`,
    `| S3 PUT requests | ${usd(puts.json)} | ${usd(puts.parquet)} |`,
    `| **Delivery, once** | **${usd(totalJson)}** | **${usd(totalParquet)}** |`,
    `| Stored (GB): events, and source records with Parquet | ${storedGiB.json.toFixed(3)} | ${storedGiB.parquet.toFixed(3)} + ${storedGiB.backup.toFixed(3)} |`,
    `| S3 Standard storage, per month kept | ${usd(storage.json)} | ${usd(storage.parquet)} |`,
    "",
    "Dynamic partitioning also bills JQ processing time (per hour of the metadata extraction query), which AWS does not",
    "publish per record and this page does not estimate. JQ reads the JSON before conversion, so it is the same in both formats.",
    "",
    "## Per query run",
    "",
    "Each saved query over 30 days of this sender, billed on the bytes the benchmark counts (JSON: whole objects of the",
    "partitions read; Parquet: the column chunks of the fields named), and run every hour for a month (720 runs), as a",
    "dashboard would:",
    "",
    "| Saved query | JSON, per run | Parquet, per run | JSON, hourly for a month | Parquet, hourly for a month |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...queryRows,
    "",
    "## What it means",
    "",
    "- Parquet costs more to deliver (the conversion charge) and to keep (Snappy compresses these records less than GZIP,",
    "  and the source records are kept beside them for a year by default), and costs less to query: each saved query reads",
    `  ${(100 * worst).toFixed(0)}% of the JSON bytes or less. Which total is lower depends on how often the queries run: a dashboard that runs`,
    "  them hourly pays for the conversion many times over; a team that queries once a week may not.",
    "- The saved queries count each recipient of each message once, so they must read every message ID, address and",
    "  timestamp of the window: those columns are nearly incompressible and set a floor under what Parquet reads" +
      (worst > 0.1 ? ", above a tenth of the JSON bytes for this sender's records." : "; for this sender's records it stays under a tenth of the JSON bytes."),
    "- `deliveryStream.format: \"json\"` keeps JSON; `deliveryStream.sourceRecordBackup.enabled: false` drops the source",
    "  records (and with them the way to recover a field the table lacks); `sourceRecordBackup.expirationDays` shortens",
    "  how long they are kept.",
    "",
  ].join("\n");
}

main().catch((error) => {
  process.stderr.write(`bench:lake: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
