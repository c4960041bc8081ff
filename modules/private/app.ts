/*
 * What the app in this repository (settings.ts, settings-schema.ts, main.ts) shares with the
 * constructs: their defaults, their rules and their physical names, so that a setting is judged
 * and documented once. Reached through `internal` of modules/index.ts; not part of the published API.
 */
export * as defaults from "./defaults";
export { BUCKET_NAME, MAX_TAGS, Problems, checkTags, isToken, looksSecret, plain, printable, roleArnParts, show, showAs } from "./validation";
export { PhysicalNameKind, identityOf, physicalNames, showClash } from "./physical-names";
export { destinationProblemsOf } from "./check-destination";
export type { PhysicalName } from "./physical-names";
export { DEFAULT_LAKE_NAME, lakeProblemsOf } from "../ses-event-lake";
