// Public entry point of the DatabaseSpec contract: types, presets and validation.
export * from "./types.ts";
export { presets, presetFor, resolveSpec, mergeSpec, defaultEngineVersions } from "./presets.ts";
export type { PresetDefaults } from "./presets.ts";
export { validateSpec, assertValidSpec, formatIssues, SpecValidationError } from "./validate.ts";
export type { ValidateOptions } from "./validate.ts";
export { cloudLimits, engineLimits, enginePorts } from "./limits.ts";
export type { CloudLimits, EngineLimits } from "./limits.ts";
export { alarmThresholds, defaultAlarmThresholds } from "./alarms.ts";
export type { AlarmThresholds } from "./alarms.ts";
export { replicaInstances } from "./replicas.ts";
export type { ReplicaInstance } from "./replicas.ts";
