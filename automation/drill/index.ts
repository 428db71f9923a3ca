// Restore drills: restore into a scratch copy, validate it against the source, report RTO/RPO, destroy it.
export type { DrillCheck, DrillReport, DrillTarget, DrillValidation } from "./types.ts";
export { collectChecks, compareChecks, listTables, openSession, tableChecksum } from "./checks.ts";
export type { DrillSession } from "./checks.ts";
export { runLocalPostgresDrill } from "./local-postgres.ts";
export type { LocalPostgresDrillOptions } from "./local-postgres.ts";
export { runLocalMariadbDrill } from "./local-mariadb.ts";
export type { LocalMariadbDrillOptions } from "./local-mariadb.ts";
export {
  archiveCurrentWal,
  pruneArchive,
  restoreToPointInTime,
  startArchivingPostgres,
  takeBaseBackup,
} from "./pg-pitr.ts";
export type { BaseBackup, PitrRestoreOptions, PitrSource, ScratchCluster } from "./pg-pitr.ts";
export { createDrillComponent, drillProgram, drillSpecInput } from "./cloud-program.ts";
export type { CloudDrillSpec, DrillConnection } from "./cloud-program.ts";
export { automationStackFactory, drillStackConfig, runCloudDrill } from "./cloud.ts";
export type { CloudDrillOptions, DrillStack, DrillStackFactory } from "./cloud.ts";
export { formatReport } from "./report.ts";
