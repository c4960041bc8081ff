/**
 * `T` with every property that may hold `undefined` made optional instead: the shape provider
 * configs expect under `exactOptionalPropertyTypes`, where an optional property may be left out
 * but not set to `undefined`.
 */
export type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** `config` without its properties that are `undefined` (Terraform leaves those unset either way). */
export function defined<T extends object>(config: T): Defined<T> {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as Defined<T>;
}
