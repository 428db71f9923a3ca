// Environment presets and `resolveSpec`, which lays a user's partial spec over a preset.
//
// | field                              | dev              | staging          | prod                               | ci               |
// |------------------------------------|------------------|------------------|------------------------------------|------------------|
// | size                               | tier dev         | tier small       | tier medium                        | tier dev         |
// | storage.sizeGb / maxSizeGb         | 20 / 50          | 50 / 200         | 100 / 1000                         | 20 / 20 (off)    |
// | highAvailability                   | false            | false            | true                               | false            |
// | backup.retentionDays               | 1                | 7                | 35                                 | 0 (cloud min)*   |
// | backup.pointInTimeRecovery         | true             | true             | true                               | false*           |
// | backup.finalSnapshot               | false            | true             | true                               | false            |
// | backup.window                      | -                | -                | 01:00-02:00                        | -                |
// | encryption.atRest                  | provider-managed | provider-managed | customer-key, created, rotate 365d | provider-managed |
// | encryption.inTransitRequired       | true             | true             | true                               | true             |
// | replicas                           | none             | none             | 1 in the primary's region          | none             |
// | network.private / allowedCidrs     | true / []        | true / []        | true / []                          | true / []        |
// | maintenanceWindow                  | -                | -                | sun 03:00 UTC                      | -                |
// | deletionProtection                 | false            | true             | true                               | false            |
// | observability.slowQueryMs          | 500              | 250              | 200                                | -                |
// | observability.queryInsights        | false            | true             | true                               | false            |
// | observability.enhancedMonitoring.. | 0                | 60               | 15                                 | 0                |
// | observability.alarms.enabled       | false            | true             | true                               | false            |
// | observability.dashboard            | true             | true             | true                               | false            |
// | observability.logRetentionDays**   | 7                | 30               | 365                                | 1                |
// | extendedSupport**                  | - (RDS: on)      | - (RDS: on)      | false                              | - (RDS: on)      |
// | pooling.enabled                    | false            | false            | false                              | false            |
// | auth.iamAuthentication             | false            | false            | false                              | false            |
// | every preset                       | databaseName `app`, auth.masterUsername `dbadmin`, tags {}                                     |
//
// engineVersion default per engine: postgres "17", mysql "8.0" ("8.4" on AWS, where 8.0 left RDS standard
// support on 2026-07-31), sqlserver "2022".
//
// * Cloud-aware resolution (`resolveSpec(input, env, cloud)`): preset values a cloud cannot take are moved
//   to the nearest value it can, before the input is applied (explicit input is never changed — validation
//   reports it instead). Today that means: backup.retentionDays is raised to the cloud's minimum (GCP 1,
//   Azure SQL Database / MySQL flexible 1, Azure PostgreSQL flexible 7); pointInTimeRecovery becomes true on
//   Azure (it cannot be turned off there); storage.sizeGb is rounded up to a size Azure PostgreSQL flexible
//   server offers (20 -> 32, 50 -> 64, 100 -> 128); prod's same-region replica is dropped where the engine
//   has none (AWS RDS for SQL Server: replicas need Enterprise Edition, which the toolkit does not provision);
//   prod turns observability.pgaudit on for PostgreSQL (AWS RDS, GCP Cloud SQL, Azure flexible server) and
//   for MySQL on AWS RDS (the MariaDB Audit Plugin).
// ** AWS only (resolveSpec with cloud "aws"): the CloudWatch log groups' retention, and RDS Extended Support
//   turned off in prod (a major past its RDS end of standard support is then refused in prod).
import type {
  Cloud,
  DatabaseSpec,
  DatabaseSpecInput,
  Engine,
  Environment,
} from "./types.js";
import { cloneSpecValue, isPlainObject } from "./inputs.js";
import { engineLimits } from "./limits.js";
import { environmentIssue, SpecValidationError } from "./validate.js";

/** Everything a preset decides: a full spec minus the identity fields the user must give. */
export type PresetDefaults = Omit<DatabaseSpec, "name" | "engine" | "engineVersion">;

/** Days the AWS CloudWatch log groups of exported logs are kept, per preset. */
export const awsLogRetentionDays: Record<Environment, number> = { dev: 7, staging: 30, prod: 365, ci: 1 };

export const defaultEngineVersions: Record<Engine, string> = {
  postgres: "17",
  mysql: "8.0",
  sqlserver: "2022",
};

/** Per-cloud exceptions to {@link defaultEngineVersions}: a major that cloud no longer supports as standard. */
export const cloudEngineVersions: Partial<Record<Cloud, Partial<Record<Engine, string>>>> = { aws: { mysql: "8.4" } };

// A function, so presets share no nested objects.
const common = () =>
  ({
    databaseName: "app",
    auth: { iamAuthentication: false, masterUsername: "dbadmin" },
    network: { private: true, allowedCidrs: [] },
    pooling: { enabled: false },
    tags: {},
  }) satisfies Partial<PresetDefaults>;

export const presets: Record<Environment, PresetDefaults> = {
  dev: {
    ...common(),
    size: { tier: "dev" },
    storage: { sizeGb: 20, maxSizeGb: 50 },
    highAvailability: false,
    backup: { retentionDays: 1, pointInTimeRecovery: true, finalSnapshot: false },
    encryption: { atRest: { type: "provider-managed" }, inTransitRequired: true },
    replicas: [],
    deletionProtection: false,
    observability: {
      slowQueryMs: 500,
      queryInsights: false,
      enhancedMonitoringSeconds: 0,
      alarms: { enabled: false },
    },
  },
  staging: {
    ...common(),
    size: { tier: "small" },
    storage: { sizeGb: 50, maxSizeGb: 200 },
    highAvailability: false,
    backup: { retentionDays: 7, pointInTimeRecovery: true, finalSnapshot: true },
    encryption: { atRest: { type: "provider-managed" }, inTransitRequired: true },
    replicas: [],
    deletionProtection: true,
    observability: {
      slowQueryMs: 250,
      queryInsights: true,
      enhancedMonitoringSeconds: 60,
      alarms: { enabled: true },
    },
  },
  prod: {
    ...common(),
    size: { tier: "medium" },
    storage: { sizeGb: 100, maxSizeGb: 1000 },
    highAvailability: true,
    backup: {
      retentionDays: 35,
      pointInTimeRecovery: true,
      finalSnapshot: true,
      window: "01:00-02:00",
    },
    encryption: {
      atRest: { type: "customer-key", create: true, rotationDays: 365 },
      inTransitRequired: true,
    },
    replicas: [{ count: 1 }],
    maintenanceWindow: { day: "sun", hour: 3 },
    deletionProtection: true,
    observability: {
      slowQueryMs: 200,
      queryInsights: true,
      enhancedMonitoringSeconds: 15,
      alarms: { enabled: true },
    },
  },
  ci: {
    ...common(),
    size: { tier: "dev" },
    storage: { sizeGb: 20 },
    highAvailability: false,
    backup: { retentionDays: 0, pointInTimeRecovery: false, finalSnapshot: false },
    encryption: { atRest: { type: "provider-managed" }, inTransitRequired: true },
    replicas: [],
    deletionProtection: false,
    // A disposable database lives minutes: a dashboard per run would only clutter the console.
    observability: { queryInsights: false, enhancedMonitoringSeconds: 0, alarms: { enabled: false }, dashboard: false },
  },
};

/**
 * Fields replaced as a whole rather than merged: they are unions whose variants must not mix
 * (e.g. `{ tier }` merged with `{ instanceClass }`, or a created key merged with an existing keyId).
 */
const replaceWhole = new Set(["size", "encryption.atRest", "restore"]);

/**
 * Deep merge: objects merge key by key, arrays and `replaceWhole` paths replace, `undefined` keeps the base.
 * Outputs and Promises (references to other resources) are values: kept as they are, never copied or merged.
 */
export function mergeSpec<T>(base: T, override: unknown, path = ""): T {
  if (override === undefined) return cloneSpecValue(base);
  if (!isPlainObject(base) || !isPlainObject(override) || replaceWhole.has(path)) {
    return cloneSpecValue(override) as T;
  }
  const out: Record<string, unknown> = cloneSpecValue(base);
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    out[key] = mergeSpec(out[key], value, path ? `${path}.${key}` : key);
  }
  return out as T;
}

/** The preset moved to values `cloud` can take for `engine` (see the table's footnote). */
export function presetFor(environment: Environment, engine: Engine, cloud?: Cloud): PresetDefaults {
  const preset = cloneSpecValue(presets[environment]);
  const limits = cloud ? engineLimits(cloud, engine) : undefined;
  if (!limits) return preset;
  const retention = limits.retentionDays;
  preset.backup.retentionDays = Math.min(Math.max(preset.backup.retentionDays, retention.min), retention.max);
  if (!limits.pitrCanBeDisabled && preset.backup.retentionDays > 0) preset.backup.pointInTimeRecovery = true;
  if (limits.replicas.sameRegion === 0) preset.replicas = preset.replicas.filter((r) => r.region !== undefined);
  // Database auditing: pgaudit on PostgreSQL, the MariaDB Audit Plugin on RDS for MySQL (not offered on
  // Cloud SQL or Azure MySQL, whose rules refuse the field there).
  if (environment === "prod" && (engine === "postgres" || (engine === "mysql" && cloud === "aws"))) preset.observability.pgaudit = true;
  if (cloud === "aws") {
    preset.observability.logRetentionDays = awsLogRetentionDays[environment];
    if (environment === "prod" && engine !== "sqlserver") preset.extendedSupport = false;
  }
  const allowed = limits.storageGb.allowed;
  if (allowed) {
    const fit = allowed.find((gb) => gb >= preset.storage.sizeGb);
    if (fit !== undefined) preset.storage.sizeGb = fit;
    if (preset.storage.maxSizeGb !== undefined && preset.storage.maxSizeGb < preset.storage.sizeGb) {
      preset.storage.maxSizeGb = preset.storage.sizeGb;
    }
  }
  return preset;
}

/**
 * A complete spec: `input` merged over the `environment` preset field by field (nested objects merge,
 * arrays replace). `engineVersion` defaults per engine. Pass `cloud` to start from a preset that cloud
 * accepts (retention minimums, always-on PITR, Azure PostgreSQL storage sizes). Does not validate the spec;
 * throws SpecValidationError naming `environment` when it is not a preset name (untyped input).
 */
export function resolveSpec(
  input: DatabaseSpecInput,
  environment: Environment,
  cloud?: Cloud,
): DatabaseSpec {
  const wrong = environmentIssue(environment);
  if (wrong) throw new SpecValidationError([wrong]);
  const base: DatabaseSpec = {
    name: input.name,
    engine: input.engine,
    // Unknown engines (untyped YAML input) get "" and are reported by validateSpec.
    engineVersion: (cloud && cloudEngineVersions[cloud]?.[input.engine]) ?? defaultEngineVersions[input.engine] ?? "",
    ...presetFor(environment, input.engine, cloud),
  };
  return mergeSpec(base, input);
}
