// Google Cloud SQL on the cloud-neutral DatabaseSpec.
export { GcpCloudSqlDatabase } from "./cloudSqlDatabase.ts";
export type { GcpCloudSqlDatabaseArgs, ConnectionInfo } from "./args.ts";
export * from "./mapping.ts";
export { gcpComponentIssues } from "./checks.ts";
export type { GcpPlacement } from "./checks.ts";
export { gcpAlertConditions } from "./alerts.ts";
export type { AlertCondition } from "./alerts.ts";
export { cloudSqlKeyRole } from "./kms.ts";
