// Public entry point of the DatabaseSpec contract: types, presets, validation and the ManagedDatabase
// interface every component implements.
export * from "./types.js";
export { presets, presetFor, resolveSpec, mergeSpec, defaultEngineVersions, cloudEngineVersions } from "./presets.js";
export type { PresetDefaults } from "./presets.js";
export { validateSpec, assertValidSpec, formatIssues, SpecValidationError, environmentIssue, environments } from "./validate.js";
export type { ValidateOptions } from "./validate.js";
export { componentArgIssues, resolveComponentSpec } from "./component-args.js";
export type { ComponentSpecArgs } from "./component-args.js";
export { isUnresolved, cloneSpecValue } from "./inputs.js";
export { managedDatabaseOutputNames, managedDatabaseOutputs } from "./managed-database.js";
export type { ManagedDatabase } from "./managed-database.js";
// The zod schema and the type-level contract stay internal: zod's declarations would then reach every
// consumer's type check (and fail without esModuleInterop, as in `pulumi new typescript`).
export { cloudLimits, engineLimits, enginePorts } from "./limits.js";
export {
  rdsStandardSupportEnds, rdsStandardSupportEnd, cloudwatchRetentionDays, rdsCertificateAuthorities, defaultRdsCertificateAuthority,
} from "./aws-rules.js";
export type { CloudLimits, EngineLimits } from "./limits.js";
export { alarmThresholds, defaultAlarmThresholds } from "./alarms.js";
export type { AlarmThresholds } from "./alarms.js";
export { replicaInstances } from "./replicas.js";
export type { ReplicaInstance } from "./replicas.js";
