export * from "./ses-firehose-event-destination";
export * from "./ses-event-type";
export * from "./delivery-alarms";
export * from "./event-bucket";
export * from "./event-analytics";
export * from "./aws-context";
export { ValidationError } from "./validation";
