// Public entry point of the DatabaseSpec contract: types, presets and validation.
export * from "./types.ts";
export { presets, presetFor, resolveSpec, mergeSpec, defaultEngineVersions } from "./presets.ts";
export type { PresetDefaults } from "./presets.ts";
export { validateSpec, assertValidSpec, formatIssues, SpecValidationError } from "./validate.ts";
export type { ValidateOptions } from "./validate.ts";
export { cloudLimits, engineLimits } from "./limits.ts";
export type { CloudLimits, EngineLimits } from "./limits.ts";
