// Public API of the migrations module: the built-in, Flyway-compatible runner, and the adapters that run
// a team's own tool (Flyway, Liquibase, Alembic, dbmate, any command).
//   await migrate({ target, dir: "migrations" });
export { migrate, undo } from "./runner/migrate.js";
export { baseline, info, repair, validate } from "./runner/admin.js";
export { loadMigrations, parseMigrationName, type MigrationFile, type MigrationKind, type MigrationSet } from "./runner/files.js";
export { flywayChecksum } from "./runner/checksum.js";
export { splitSql, type Dialect, type Statement } from "./runner/splitter.js";
export { placeholdersFromEnv } from "./runner/placeholders.js";
export { compareVersions, parseVersion, type Version } from "./runner/version.js";
export { MigrationError, type MigrationErrorCode } from "./runner/errors.js";
export { DEFAULT_TABLE } from "./runner/history.js";
export type {
  BaselineOptions,
  InfoResult,
  MigrateResult,
  MigrationInfo,
  MigrationState,
  PlannedMigration,
  ProgressEvent,
  RepairResult,
  RunnerOptions,
  ValidateResult,
  ValidationProblem,
} from "./runner/types.js";
export { getTool, toolNames, MigrationToolError } from "./adapters/index.js";
export type { MigrateOptions, MigrationTool, ToolName, ToolResult, ToolRunOptions } from "./adapters/index.js";
export type { DbTarget } from "../core/connection.js";
