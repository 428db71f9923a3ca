// Google Cloud SQL on the cloud-neutral DatabaseSpec.
import "./peer.js";
export { GcpCloudSqlDatabase } from "./cloud-sql-database.js";
export type { GcpCloudSqlDatabaseArgs, ConnectionInfo, GcpPasswordValidation } from "./args.js";
export * from "./mapping.js";
export { gcpIamUser, gcpPasswordValidationPolicy, gcpDenyDate, gcpDenyMaintenancePeriod, gcpPrivateAccess, gcpPgauditFlags } from "./mapping-access.js";
export type { GcpIamUser } from "./mapping-access.js";
export { gcpComponentIssues } from "./checks.js";
export type { GcpPlacement } from "./checks.js";
export { gcpAlertConditions } from "./alerts.js";
export type { AlertCondition } from "./alerts.js";
export { cloudSqlKeyRole } from "./kms.js";
