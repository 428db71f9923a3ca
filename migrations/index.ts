// Public API of the migrations module: the built-in, Flyway-compatible runner.
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
export type { DbTarget } from "./connection.js";
