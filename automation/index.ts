// Ephemeral databases for CI: targets, the driver behind `dbtk run/up/down/ls/reap`, the reaper and the
// library API for test runners.
export type { CreateRequest, EphemeralDatabase, EphemeralMeta, Target, TemplateSupport } from "./targets/types.ts";
export { openTarget, targetNames, describeTargets, type TargetOptions } from "./targets/registry.ts";
export { localPostgresTarget, localMariadbTarget, type LocalTargetOptions } from "./targets/local.ts";
export { directTarget, directServerTarget, parseServerUrl, sqlServerFor } from "./targets/server.ts";
export { PostgresServer, scramVerifier, type CloneStrategy } from "./targets/sql-postgres.ts";
export { MysqlServer } from "./targets/sql-mysql.ts";
export type { SqlServer, TemplateInfo, Found } from "./targets/sql.ts";
export { newId, newMeta, parseDuration, defaultOwner, ID_RE, templateName } from "./targets/meta.ts";
export { sqlTemplateSupport, POOL_TTL_MS } from "./templates/support.ts";
export { templateKey } from "./templates/key.ts";
export { provision, templatePolicy, type ProvisionOptions, type Provisioned } from "./driver/provision.ts";
export { runWithDatabase, type RunRequest, type RunSummary } from "./driver/run.ts";
export { resolveSource, applyMigrations, type MigrationSource } from "./driver/migrations.ts";
export { Secrets, formatMs, DbtkError } from "./driver/progress.ts";
export { reap, reapReason, type ReapOptions, type ReapResult } from "./reaper.ts";
export { ephemeralDatabases, withTestDatabase, type EphemeralDatabases, type EphemeralDatabasesOptions, type TestDatabase } from "./testing.ts";
