// Ephemeral databases for CI: targets, the driver behind `dbtk run/up/down/ls/reap`, the reaper and the
// library API for test runners.
export type { CreateRequest, EphemeralDatabase, EphemeralMeta, ListedDatabase, Target, TargetRecipe, TemplateSupport } from "./targets/types.js";
export { openTarget, targetNames, describeTargets, type TargetOptions } from "./targets/registry.js";
export { localPostgresTarget, localMariadbTarget, type LocalTargetOptions } from "./targets/local.js";
export { directTarget, directServerTarget, sqlServerFor, type SqlServerOptions } from "./targets/server.js";
export { PostgresServer, scramVerifier, type CloneStrategy } from "./targets/sql-postgres.js";
export { MysqlServer } from "./targets/sql-mysql.js";
export type { SqlServer, TemplateInfo, Found } from "./targets/sql.js";
export { newId, newMeta, parseDuration, defaultOwner, ID_RE, templateName, ownerLiveness } from "./targets/meta.js";
export { sqlTemplateSupport, POOL_TTL_MS } from "./templates/support.js";
export { templateKey } from "./templates/key.js";
export {
  provision,
  templatePolicy,
  DEFAULT_TEMPLATE_POLICY,
  type ProvisionOptions,
  type ProvisionWatcher,
  type Provisioned,
  type TemplatePolicy,
} from "./driver/provision.js";
export { runWithDatabase, type RunRequest, type RunSummary } from "./driver/run.js";
export { resolveSource, applyMigrations, type MigrationSource } from "./driver/migrations.js";
export { formatMs, type Progress } from "./driver/progress.js";
// The shared lower layer's connection helpers and errors, re-exported for this entry point's users.
export { parseServerUrl, parseDatabaseUrl, Secrets, redact, type DbTarget } from "../core/connection.js";
export { DbtkError, Interrupted } from "../core/errors.js";
export { reap, reapReason, purge, purgePlan, type ReapOptions, type ReapResult, type PurgeResult } from "./reaper.js";
export { Guardian, defaultGuardianEntry, type GuardianOptions } from "./guardian/client.js";
export { ephemeralDatabases, withTestDatabase, type EphemeralDatabases, type EphemeralDatabasesOptions, type TestDatabase } from "./testing.js";
export {
  startPoolServer,
  findPoolServer,
  templateKeyOf,
  SERVE_OWNER,
  type PoolServer,
  type PoolServerOptions,
  type PoolServerState,
  type PoolServerStatus,
} from "./serve/index.js";
