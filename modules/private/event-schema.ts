/**
 * The columns of an SES event record as SES publishes it to Firehose ("Contents of event data that
 * Amazon SES publishes to Firehose", SES developer guide), in Hive type syntax for the Glue Data
 * Catalog: every field of the mail object and of the ten event objects, with the JSON type SES
 * writes. The same columns are the table Athena reads JSON through and the schema Firehose converts
 * records to Parquet with.
 *
 * Names are lowercase: the OpenX JSON SerDe matches JSON keys to columns without regard to case
 * (and so lowercases the keys of maps, such as message tags). Timestamps stay ISO 8601 strings,
 * exactly as SES writes them; `from_iso8601_timestamp` turns them into timestamps. A field SES adds
 * later is not in the Parquet objects until a column names it; the source record backup keeps it.
 */

/** One recipient of a bounce as its DSN reports it. */
const BOUNCED_RECIPIENTS = "array<struct<emailaddress:string,action:string,status:string,diagnosticcode:string>>";
/** One recipient of a delayed message. */
const DELAYED_RECIPIENTS = "array<struct<emailaddress:string,status:string,diagnosticcode:string>>";
/** A topic's subscription status in a contact list. */
const TOPIC_STATUS = "array<struct<topicname:string,subscriptionstatus:string>>";
const TOPIC_PREFERENCES = `struct<unsubscribeall:boolean,topicsubscriptionstatus:${TOPIC_STATUS},topicdefaultsubscriptionstatus:${TOPIC_STATUS}>`;
/** Message or link tags: each name to its values. */
const TAGS = "map<string,array<string>>";
/** The headers SES reports on their own: addresses as lists, as in the message. */
const COMMON_HEADERS =
  "struct<from:array<string>,to:array<string>,cc:array<string>,bcc:array<string>,replyto:array<string>," +
  "returnpath:string,date:string,messageid:string,subject:string>";

/** A column of the event table. */
export interface EventColumn {
  /** Lowercase column name. */
  readonly name: string;
  /** Hive type, such as `struct<reason:string>`. */
  readonly type: string;
  /** What the column holds. */
  readonly comment: string;
}

/** Every field of the ten SES event types, as the columns of the event table and the Parquet schema. */
export const EVENT_COLUMNS: readonly EventColumn[] = [
  { name: "eventtype", type: "string", comment: "Send, Reject, Bounce, Complaint, Delivery, Open, Click, Rendering Failure, DeliveryDelay or Subscription" },
  {
    name: "mail",
    type:
      "struct<timestamp:string,messageid:string,source:string,sourcearn:string,sendingaccountid:string,destination:array<string>," +
      `headerstruncated:boolean,headers:array<struct<name:string,value:string>>,commonheaders:${COMMON_HEADERS},tags:${TAGS}>`,
    comment: "The message: every event has it; tag names are lowercase",
  },
  {
    name: "bounce",
    type: `struct<bouncetype:string,bouncesubtype:string,bouncedrecipients:${BOUNCED_RECIPIENTS},timestamp:string,feedbackid:string,reportingmta:string>`,
    comment: "Bounce events",
  },
  {
    name: "complaint",
    type:
      "struct<complainedrecipients:array<struct<emailaddress:string>>,timestamp:string,feedbackid:string,complaintsubtype:string," +
      "useragent:string,complaintfeedbacktype:string,arrivaldate:string>",
    comment: "Complaint events",
  },
  {
    name: "delivery",
    type: "struct<timestamp:string,processingtimemillis:bigint,recipients:array<string>,smtpresponse:string,reportingmta:string,remotemtaip:string>",
    comment: "Delivery events",
  },
  { name: "send", type: "map<string,string>", comment: "Send events (an empty object)" },
  { name: "reject", type: "struct<reason:string>", comment: "Reject events" },
  { name: "open", type: "struct<ipaddress:string,timestamp:string,useragent:string>", comment: "Open events" },
  {
    name: "click",
    type: `struct<ipaddress:string,timestamp:string,useragent:string,link:string,linktags:${TAGS}>`,
    comment: "Click events",
  },
  { name: "failure", type: "struct<templatename:string,errormessage:string>", comment: "Rendering Failure events" },
  {
    name: "deliverydelay",
    type: `struct<delaytype:string,delayedrecipients:${DELAYED_RECIPIENTS},expirationtime:string,reportingmta:string,timestamp:string>`,
    comment: "DeliveryDelay events",
  },
  {
    name: "subscription",
    type: `struct<contactlist:string,timestamp:string,source:string,newtopicpreferences:${TOPIC_PREFERENCES},oldtopicpreferences:${TOPIC_PREFERENCES}>`,
    comment: "Subscription events",
  },
];
