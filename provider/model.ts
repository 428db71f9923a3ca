// What the schema adds to the components' TypeScript declarations: which components, their tokens and
// outputs, names for the anonymous types, and the few TypeScript-only args left out (with the reason).
// Everything else — property names, optionality, enums, nesting, descriptions — is read from the
// declarations (declarations.ts), so a change to the args reaches the schema without an edit here.
import { managedDatabaseOutputNames } from "@dbtk/components";

export const PACKAGE_NAME = "provisioning";

export interface ComponentModel {
  /** Type token, as the component registers it. */
  token: string;
  /** The class exported by `@dbtk/components/<cloud>`. */
  className: string;
  /** Subpath of @dbtk/components exporting it. */
  cloud: "aws" | "gcp" | "azure" | "access";
  /** The TypeScript args type (an alias of an intersection with SpecSource). */
  args: string;
  /** The class (or base class) declaring the outputs. */
  outputsFrom: string;
  /** Outputs, as the component registers them: ManagedDatabase's (database components) and its own. */
  outputs: readonly string[];
}

const shared = managedDatabaseOutputNames;

export const components: readonly ComponentModel[] = [
  {
    token: "provisioning:aws:RdsDatabase",
    className: "AwsRdsDatabase",
    cloud: "aws",
    args: "AwsRdsDatabaseArgs",
    outputsFrom: "AwsRdsDatabase",
    outputs: [...shared, "address", "proxyEndpoint", "arn", "resourceId", "dashboardUrl"],
  },
  {
    token: "provisioning:gcp:CloudSqlDatabase",
    className: "GcpCloudSqlDatabase",
    cloud: "gcp",
    args: "GcpCloudSqlDatabaseArgs",
    outputsFrom: "GcpCloudSqlDatabase",
    outputs: [...shared, "connectionName", "privateIp", "dashboardUrl", "replicaConnectionNames", "userSecretRefs"],
  },
  {
    token: "provisioning:azure:SqlDatabase",
    className: "AzureSqlDatabase",
    cloud: "azure",
    args: "AzureSqlDatabaseArgs",
    outputsFrom: "AzureSqlDatabase",
    outputs: [...shared, "serverId", "databaseId", "dashboardUrl"],
  },
  {
    token: "provisioning:azure:PostgresFlexibleServer",
    className: "AzurePostgresFlexibleServer",
    cloud: "azure",
    args: "AzureFlexibleServerArgs",
    outputsFrom: "FlexibleServerBase",
    outputs: [...shared, "serverId", "replicaHosts", "dashboardUrl"],
  },
  {
    token: "provisioning:azure:MysqlFlexibleServer",
    className: "AzureMysqlFlexibleServer",
    cloud: "azure",
    args: "AzureFlexibleServerArgs",
    outputsFrom: "FlexibleServerBase",
    outputs: [...shared, "serverId", "replicaHosts", "dashboardUrl"],
  },
  {
    token: "provisioning:postgres:DatabaseAccess",
    className: "DatabaseAccess",
    cloud: "access",
    args: "DatabaseAccessArgs",
    outputsFrom: "DatabaseAccess",
    outputs: ["roles", "logins", "database"],
  },
  {
    token: "provisioning:mysql:DatabaseAccess",
    className: "MysqlDatabaseAccess",
    cloud: "access",
    args: "DatabaseAccessArgs",
    outputsFrom: "MysqlDatabaseAccess",
    outputs: ["roles", "logins", "database"],
  },
];

/**
 * Args with no schema form, by `<ArgsType>.<field>` (`*` for every component), and why. A new arg that
 * the schema cannot carry fails the schema build until it is listed here.
 */
export const omitted: Record<string, string> = {
  "*.spec":
    "a resolved DatabaseSpec is the TypeScript path (resolveSpec); other languages pass `input`, laid over the environment's preset",
  "AwsRdsDatabaseArgs.regionProviders":
    "takes aws.Provider objects or a function; from other languages the parent's provider is used with the resource-level region",
};

/** Inputs required from other languages although optional in TypeScript (there, `spec` may stand in). */
export const requiredInputs = ["input"] as const;

/** Schema names of anonymous types, by `<OwnerType>.<field>`. */
export const inlineNames: Record<string, string> = {
  "BackupSpec.crossRegionCopy": "CrossRegionCopy",
  "AuthSpec.entraAdmin": "EntraAdmin",
  "MaintenanceWindow.day": "DayOfWeek",
  "AtRestEncryption.type": "AtRestEncryptionType",
  "RestoreSpec.mode": "RestoreMode",
  "AzureFlexibleServerArgs.geoBackupKey": "GeoBackupKey",
  "AzureFlexibleServerArgs.entraAdminPrincipalType": "EntraPrincipalType",
};

/** Numbers that may be fractional; every other TypeScript `number` is an integer in the schema. */
export const fractional = new Set(["AlarmSpec.cpuPercent", "AlarmSpec.freeStoragePercent"]);

/** Secret outputs and secret fields of output types. */
export const secrets = new Set([
  "*.connection",
  "ConnectionInfo.password",
  "DatabaseAccessLogin.password",
  "DatabaseAccess.logins",
  "MysqlDatabaseAccess.logins",
]);

/** Type name in the schema of the partial spec other languages pass as `input`. */
export const SPEC_INPUT = "DatabaseSpecInput";

/**
 * Descriptions for what the declarations leave undocumented, by `<Type>.<field>` or type name. A doc comment
 * in @dbtk/components wins; an entry the declarations document too is reported stale by the schema build.
 */
export const fallbackDocs: Record<string, string> = {
  AwsRdsDatabase:
    "An AWS RDS database from a DatabaseSpec: instance, parameter group, security and subnet groups, KMS key, credentials secret, replicas, RDS Proxy, alarms and dashboard.",
  GcpCloudSqlDatabase:
    "A Google Cloud SQL database from a DatabaseSpec: instance, database, user, Secret Manager secret, Cloud KMS key, replicas, alert policies and dashboard.",
  AzureSqlDatabase:
    "An Azure SQL Database from a DatabaseSpec (engine sqlserver): logical server, database, TDE key, private endpoint, Key Vault secret, geo-secondaries with a failover group, auditing and alerts.",
  AzurePostgresFlexibleServer:
    "An Azure Database for PostgreSQL flexible server from a DatabaseSpec: server, database, parameters, customer key, Key Vault secret, replicas, diagnostics and alerts.",
  AzureMysqlFlexibleServer:
    "An Azure Database for MySQL flexible server from a DatabaseSpec: server, database, parameters, customer key, Key Vault secret, replicas, diagnostics and alerts.",
  AlarmSpec: "Alarms on CPU, free storage, connections and replica lag.",
  "AtRestEncryption.type": "`provider-managed` (the cloud's key) or `customer-key`.",
  "AtRestEncryption.keyId": "With `customer-key`: the existing key (KMS key ARN, Cloud KMS key id, Key Vault key id).",
  "AtRestEncryption.create": "With `customer-key`: create a key (with rotation) instead of naming one.",
  "AtRestEncryption.rotationDays": "With `create`: rotation period of the created key in days.",
  AuthSpec: "Who can log in: the master user, IAM / Entra ID identities.",
  BackupSpec: "Automated backups, point-in-time recovery, final snapshot, long-term retention and cross-region copies.",
  "ConnectionInfo.host": "Host name (or private IP on Cloud SQL) of the primary.",
  "ConnectionInfo.port": "Port of the primary.",
  "ConnectionInfo.user": "Master user name.",
  "ConnectionInfo.engine": "Engine family.",
  CrossRegionCopy: "Automated backups replicated to another region for disaster recovery.",
  EntraAdmin: "The Entra ID administrator of the server.",
  GeoBackupKey: "Key for geo-redundant backups encrypted with a customer key.",
  "CrossRegionCopy.region": "Region the automated backups are replicated to.",
  "CrossRegionCopy.retentionDays": "Days the copies are kept there. Default: backup.retentionDays.",
  "DatabaseSpec.engine": "Engine family: postgres, mysql or sqlserver.",
  "DatabaseSpec.size": "Instance size: a named `tier` or an explicit `instanceClass`.",
  "DatabaseSpec.storage": "Allocated storage and autoscaling ceiling.",
  "DatabaseSpec.backup": "Automated backups and point-in-time recovery.",
  "DatabaseSpec.encryption": "Encryption at rest (the key) and in transit (TLS).",
  "DatabaseSpec.replicas": "Read replicas, per region.",
  "DatabaseSpec.network": "Private access, admitted CIDRs and security groups, subnets and VPC.",
  "DatabaseSpec.maintenanceWindow": "Weekly maintenance window, UTC.",
  "DatabaseSpec.deletionProtection": "Refuse deletion of the database (and lock it on Azure). Default on in prod.",
  "DatabaseSpec.observability": "Slow-query logging, query insights, enhanced monitoring, alarms and dashboard.",
  "DatabaseSpec.pooling": "A connection pooler in front of the database.",
  "DatabaseSpec.auth": "Master user, IAM / Entra ID authentication.",
  "DatabaseSpec.restore": "Create the database from a snapshot or a point in time instead of empty.",
  EncryptionSpec: "Encryption at rest and in transit.",
  "EntraAdmin.login": "Login name of the Entra ID administrator (user or group).",
  "EntraAdmin.objectId": "Object id of the Entra ID administrator.",
  "EntraAdmin.tenantId": "Tenant of the administrator. Default: the component's tenantId.",
  "GeoBackupKey.keyId": "Existing key in the backup region.",
  "GeoBackupKey.keyVaultId": "Key Vault in the backup region to create the key in.",
  MaintenanceWindow: "Weekly maintenance window, UTC.",
  NetworkSpec: "Network placement and access.",
  ObservabilitySpec: "Logging, insights, monitoring, alarms and dashboard.",
  "ObservabilitySpec.alarms": "Alarms and where they are sent.",
  PoolingSpec: "Connection pooling.",
  ReplicaSpec: "Read replicas in one region.",
  "RestoreSpec.mode": "`snapshot` or `point-in-time`.",
  "RestoreSpec.snapshotId": "With `snapshot`: the snapshot (or backup) to create the database from.",
  "RestoreSpec.sourceId": "With `point-in-time`: the source database.",
  "RestoreSpec.time": "With `point-in-time`: the time to restore to, ISO-8601 UTC.",
  "RestoreSpec.useLatestRestorableTime": "With `point-in-time`: restore to the latest restorable time.",
  "Size.tier": "Named size tier, mapped per cloud to an instance class / tier / SKU.",
  "Size.instanceClass": "Explicit provider class, e.g. `db.r7g.large`, `db-custom-2-7680`, `GP_Standard_D2ds_v4`.",
  StorageSpec: "Allocated storage and autoscaling.",
  "AwsRdsDatabase.arn": "ARN of the primary instance.",
  "GcpCloudSqlDatabase.replicaConnectionNames": "Connection names of the read replicas.",
  "AzureSqlDatabase.serverId": "ARM id of the primary logical server.",
  "AzureSqlDatabase.databaseId": "ARM id of the database.",
  "FlexibleServerBase.serverId": "ARM id of the flexible server.",
};
