// Public entry point of the DatabaseSpec contract: types, presets and validation.
export * from "./types.js";
export { presets, presetFor, resolveSpec, mergeSpec, defaultEngineVersions } from "./presets.js";
export type { PresetDefaults } from "./presets.js";
export { validateSpec, assertValidSpec, formatIssues, SpecValidationError } from "./validate.js";
export type { ValidateOptions } from "./validate.js";
export { cloudLimits, engineLimits, enginePorts } from "./limits.js";
export type { CloudLimits, EngineLimits } from "./limits.js";
export { alarmThresholds, defaultAlarmThresholds } from "./alarms.js";
export type { AlarmThresholds } from "./alarms.js";
export { replicaInstances } from "./replicas.js";
export type { ReplicaInstance } from "./replicas.js";
