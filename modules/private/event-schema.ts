/**
 * The columns of an SES event record as SES publishes it to Firehose, in Hive type syntax for the
 * Glue Data Catalog. Names are lowercase: the OpenX JSON SerDe matches JSON keys to columns without
 * regard to case (and so lowercases the keys of maps, such as message tags). Timestamps stay ISO 8601
 * strings, exactly as SES writes them; `from_iso8601_timestamp` turns them into timestamps.
 */

const RECIPIENTS = "array<struct<emailaddress:string,action:string,status:string,diagnosticcode:string>>";
const TOPIC_PREFERENCES = "struct<unsubscribeall:boolean,topicsubscriptionstatus:array<struct<topicname:string,subscriptionstatus:string>>>";

export interface EventColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

export const EVENT_COLUMNS: readonly EventColumn[] = [
  { name: "eventtype", type: "string", comment: "Send, Reject, Bounce, Complaint, Delivery, Open, Click, Rendering Failure, DeliveryDelay or Subscription" },
  {
    name: "mail",
    type:
      "struct<timestamp:string,source:string,sourcearn:string,sendingaccountid:string,messageid:string,destination:array<string>," +
      "headerstruncated:boolean,headers:array<struct<name:string,value:string>>," +
      "commonheaders:struct<from:array<string>,to:array<string>,messageid:string,subject:string>," +
      "tags:map<string,array<string>>>",
    comment: "The message: every event has it; tag names are lowercase",
  },
  {
    name: "bounce",
    type: `struct<bouncetype:string,bouncesubtype:string,bouncedrecipients:${RECIPIENTS},timestamp:string,feedbackid:string,reportingmta:string>`,
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
    type: "struct<timestamp:string,processingtimemillis:bigint,recipients:array<string>,smtpresponse:string,reportingmta:string>",
    comment: "Delivery events",
  },
  { name: "send", type: "map<string,string>", comment: "Send events (an empty object)" },
  { name: "reject", type: "struct<reason:string>", comment: "Reject events" },
  { name: "open", type: "struct<ipaddress:string,timestamp:string,useragent:string>", comment: "Open events" },
  {
    name: "click",
    type: "struct<ipaddress:string,timestamp:string,useragent:string,link:string,linktags:map<string,array<string>>>",
    comment: "Click events",
  },
  { name: "failure", type: "struct<errormessage:string,templatename:string>", comment: "Rendering Failure events" },
  {
    name: "deliverydelay",
    type: `struct<timestamp:string,delaytype:string,expirationtime:string,reportingmta:string,delayedrecipients:${RECIPIENTS}>`,
    comment: "DeliveryDelay events",
  },
  {
    name: "subscription",
    type: `struct<contactlist:string,timestamp:string,source:string,newtopicpreferences:${TOPIC_PREFERENCES},oldtopicpreferences:${TOPIC_PREFERENCES}>`,
    comment: "Subscription events",
  },
];
