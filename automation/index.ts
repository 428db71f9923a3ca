// Ephemeral databases for CI: targets, the driver behind `dbtk run/up/down/ls/reap`, the reaper and the
// library API for test runners.
export type { CreateRequest, EphemeralDatabase, EphemeralMeta, Target, TemplateSupport } from "./targets/types.js";
export { openTarget, targetNames, describeTargets, type TargetOptions } from "./targets/registry.js";
export { localPostgresTarget, localMariadbTarget, type LocalTargetOptions } from "./targets/local.js";
export { directTarget, directServerTarget, parseServerUrl, sqlServerFor } from "./targets/server.js";
export { PostgresServer, scramVerifier, type CloneStrategy } from "./targets/sql-postgres.js";
export { MysqlServer } from "./targets/sql-mysql.js";
export type { SqlServer, TemplateInfo, Found } from "./targets/sql.js";
export { newId, newMeta, parseDuration, defaultOwner, ID_RE, templateName } from "./targets/meta.js";
export { sqlTemplateSupport, POOL_TTL_MS } from "./templates/support.js";
export { templateKey } from "./templates/key.js";
export { provision, templatePolicy, type ProvisionOptions, type Provisioned } from "./driver/provision.js";
export { runWithDatabase, type RunRequest, type RunSummary } from "./driver/run.js";
export { resolveSource, applyMigrations, type MigrationSource } from "./driver/migrations.js";
export { Secrets, formatMs, DbtkError } from "./driver/progress.js";
export { reap, reapReason, type ReapOptions, type ReapResult } from "./reaper.js";
export { ephemeralDatabases, withTestDatabase, type EphemeralDatabases, type EphemeralDatabasesOptions, type TestDatabase } from "./testing.js";
