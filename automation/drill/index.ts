// Restore drills: restore into a scratch copy, validate it against the source, report RTO/RPO, destroy it.
export type { DrillCheck, DrillReport, DrillTarget, DrillValidation } from "./types.js";
export { collectChecks, compareChecks, listTables, openSession, tableChecksum } from "./checks.js";
export type { DrillSession } from "./checks.js";
export { runLocalPostgresDrill } from "./local-postgres.js";
export type { LocalPostgresDrillOptions } from "./local-postgres.js";
export { runLocalMariadbDrill } from "./local-mariadb.js";
export type { LocalMariadbDrillOptions } from "./local-mariadb.js";
export {
  archiveCurrentWal,
  pruneArchive,
  restoreToPointInTime,
  startArchivingPostgres,
  takeBaseBackup,
} from "./pg-pitr.js";
export type { BaseBackup, PitrRestoreOptions, PitrSource, ScratchCluster } from "./pg-pitr.js";
export { createDrillComponent, drillProgram, drillSpecInput } from "./cloud-program.js";
export type { CloudDrillSpec, DrillConnection } from "./cloud-program.js";
export { automationStackFactory, drillStackConfig, runCloudDrill } from "./cloud.js";
export type { CloudDrillOptions, DrillStack, DrillStackFactory } from "./cloud.js";
export { formatReport } from "./report.js";
