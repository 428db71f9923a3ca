// Public API of the migrations module: the built-in, Flyway-compatible runner.
//   await migrate({ target, dir: "migrations" });
export { migrate, undo } from "./runner/migrate.ts";
export { baseline, info, repair, validate } from "./runner/admin.ts";
export { loadMigrations, parseMigrationName, type MigrationFile, type MigrationKind, type MigrationSet } from "./runner/files.ts";
export { flywayChecksum } from "./runner/checksum.ts";
export { splitSql, type Dialect, type Statement } from "./runner/splitter.ts";
export { placeholdersFromEnv } from "./runner/placeholders.ts";
export { compareVersions, parseVersion, type Version } from "./runner/version.ts";
export { MigrationError, type MigrationErrorCode } from "./runner/errors.ts";
export { DEFAULT_TABLE } from "./runner/history.ts";
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
} from "./runner/types.ts";
export type { DbTarget } from "./connection.ts";
