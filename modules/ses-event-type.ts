/** The SES v2 event types a configuration set can publish (the API's `EventType` strings). */
export enum SesEventType {
  SEND = "SEND",
  REJECT = "REJECT",
  BOUNCE = "BOUNCE",
  COMPLAINT = "COMPLAINT",
  DELIVERY = "DELIVERY",
  OPEN = "OPEN",
  CLICK = "CLICK",
  RENDERING_FAILURE = "RENDERING_FAILURE",
  DELIVERY_DELAY = "DELIVERY_DELAY",
  SUBSCRIPTION = "SUBSCRIPTION",
}

/** Compression Firehose applies to the objects it writes to S3. */
export enum FirehoseCompression {
  UNCOMPRESSED = "UNCOMPRESSED",
  GZIP = "GZIP",
  ZIP = "ZIP",
  SNAPPY = "Snappy",
  HADOOP_SNAPPY = "HADOOP_SNAPPY",
}

/**
 * The `eventType` values SES writes in the event records it publishes, one per `SesEventType`
 * (note the space in "Rendering Failure").
 */
export enum SesEventRecordType {
  SEND = "Send",
  REJECT = "Reject",
  BOUNCE = "Bounce",
  COMPLAINT = "Complaint",
  DELIVERY = "Delivery",
  OPEN = "Open",
  CLICK = "Click",
  RENDERING_FAILURE = "Rendering Failure",
  DELIVERY_DELAY = "DeliveryDelay",
  SUBSCRIPTION = "Subscription",
}
