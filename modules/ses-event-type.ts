/** The SES v2 event types a configuration set can publish (the API's `EventType` strings). */
export enum SesEventType {
  /** The send request succeeded and SES will try to deliver the message. */
  SEND = "SEND",
  /** SES accepted the message but found a virus in it and did not send it. */
  REJECT = "REJECT",
  /** The recipient's mail server permanently rejected the message (a hard bounce). */
  BOUNCE = "BOUNCE",
  /** The recipient marked the message as spam. */
  COMPLAINT = "COMPLAINT",
  /** The recipient's mail server accepted the message. */
  DELIVERY = "DELIVERY",
  /** The recipient opened the message (open tracking). */
  OPEN = "OPEN",
  /** The recipient clicked a link in the message (click tracking). */
  CLICK = "CLICK",
  /** The message was not sent: its template could not be rendered. */
  RENDERING_FAILURE = "RENDERING_FAILURE",
  /** Delivery was delayed by a temporary problem; SES keeps trying. */
  DELIVERY_DELAY = "DELIVERY_DELAY",
  /** The recipient changed their subscription preferences (list management). */
  SUBSCRIPTION = "SUBSCRIPTION",
}

/** How Firehose writes the event records to S3. */
export enum EventFormat {
  /**
   * Apache Parquet, converted by Firehose from the JSON SES writes with the event table as its
   * schema (Snappy inside each object): Athena reads only the columns a query names.
   */
  PARQUET = "parquet",
  /** The JSON records as SES writes them, one per line. */
  JSON = "json",
}

/** Compression Firehose applies to the objects it writes to S3. */
export enum FirehoseCompression {
  /** Objects are written as they are. */
  UNCOMPRESSED = "UNCOMPRESSED",
  /** GZIP, which Athena reads (the default). */
  GZIP = "GZIP",
  /** ZIP archives; Athena cannot read them. */
  ZIP = "ZIP",
  /** Snappy framing format; Athena cannot read it as JSON. */
  SNAPPY = "Snappy",
  /** Hadoop-compatible Snappy. */
  HADOOP_SNAPPY = "HADOOP_SNAPPY",
}

/**
 * The `eventType` values SES writes in the event records it publishes, one per `SesEventType`
 * (note the space in "Rendering Failure").
 */
export enum SesEventRecordType {
  /** The record of a `SesEventType.SEND` event. */
  SEND = "Send",
  /** The record of a `SesEventType.REJECT` event. */
  REJECT = "Reject",
  /** The record of a `SesEventType.BOUNCE` event. */
  BOUNCE = "Bounce",
  /** The record of a `SesEventType.COMPLAINT` event. */
  COMPLAINT = "Complaint",
  /** The record of a `SesEventType.DELIVERY` event. */
  DELIVERY = "Delivery",
  /** The record of a `SesEventType.OPEN` event. */
  OPEN = "Open",
  /** The record of a `SesEventType.CLICK` event. */
  CLICK = "Click",
  /** The record of a `SesEventType.RENDERING_FAILURE` event. */
  RENDERING_FAILURE = "Rendering Failure",
  /** The record of a `SesEventType.DELIVERY_DELAY` event. */
  DELIVERY_DELAY = "DeliveryDelay",
  /** The record of a `SesEventType.SUBSCRIPTION` event. */
  SUBSCRIPTION = "Subscription",
}
