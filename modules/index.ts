export * from "./ses-firehose-event-destination";
export * from "./ses-event-type";
export * from "./delivery-alarms";
export * from "./event-bucket";
export * from "./event-analytics";
export * from "./aws-context";
export { PhysicalName, physicalNames } from "./physical-names";
export { ValidationError } from "./validation";
