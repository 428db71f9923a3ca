// Per-cloud limits that validation checks a DatabaseSpec against. Data only; the rules live in validate.ts.
// Sources are the providers' documentation and the installed Pulumi providers' argument docs
// (node_modules/@pulumi/{aws,gcp,azure}); re-check them when a provider is upgraded.
import type { Cloud, Engine } from "./types.js";

export interface EngineLimits {
  /** Product name used in messages, e.g. "AWS RDS for PostgreSQL". */
  product: string;
  /** Major versions the toolkit accepts on this product. */
  versions: string[];
  /** Automated backup retention in days. */
  retentionDays: { min: number; max: number };
  /** Whether point-in-time recovery can be switched off while backups run. */
  pitrCanBeDisabled: boolean;
  /** Allocated storage in GB; `allowed` lists the only sizes offered, when the product has fixed steps. */
  storageGb: { min: number; max: number; allowed?: number[] };
  /** Most read replicas per primary in the primary's region and in other regions (0 = not offered). */
  replicas: { sameRegion: number; crossRegion: number };
  /** IAM / Entra ID database authentication. */
  iamAuthentication: boolean;
  /** A managed connection pooler the components can turn on. */
  pooling: boolean;
  /** AWS RDS Blue/Green deployments. */
  blueGreen: boolean;
  /** Backups kept beyond the retention period (backup.longTermRetention). */
  longTermRetention: boolean;
}

export interface CloudLimits {
  /** Cloud name used in messages. */
  label: string;
  engines: Record<Engine, EngineLimits>;
  /** Name length the toolkit allows, leaving room for suffixes such as `-replica-2` and Pulumi's random suffix. */
  maxNameLength: number;
}

const postgresVersions = ["13", "14", "15", "16", "17", "18"];
const mysqlVersions = ["8.0", "8.4"];
const sqlserverVersions = ["2019", "2022"];

// Azure Database for PostgreSQL flexible server offers fixed storage sizes only: the provider's `storageMb`
// values 32768 … 33553408 (the provider's postgresql/flexibleServer.d.ts), here in GB.
export const azurePostgresStorageGb = [32, 64, 128, 256, 512, 1024, 2048, 4095, 4096, 8192, 16384, 32767];

// What every engine of a cloud shares; each engine below names its product and versions and what differs.
type SharedLimits = Omit<EngineLimits, "product" | "versions">;

// RDS: backup retention 0–35 (0 = no backups, no PITR), PITR on whenever backups are; gp3 storage
// 20–65536 GiB; up to 15 read replicas, cross-region allowed; IAM auth; RDS Proxy; Blue/Green; long-term
// retention through AWS Backup (any engine).
const aws: SharedLimits = {
  retentionDays: { min: 0, max: 35 },
  pitrCanBeDisabled: false,
  storageGb: { min: 20, max: 65536 },
  replicas: { sameRegion: 15, crossRegion: 15 },
  iamAuthentication: true,
  pooling: true,
  blueGreen: true,
  longTermRetention: true,
};

// Cloud SQL: retainedBackups 1–365; PITR optional (transaction logs kept min(retention, 7) days on Enterprise
// edition, up to 35 on Enterprise Plus); storage 10–65536 GB; up to 10 read replicas per primary,
// cross-region allowed; IAM database auth and Managed Connection Pooling (Enterprise Plus) for PostgreSQL
// and MySQL; no long-term retention policy (backups live as long as retainedBackups).
const gcp: SharedLimits = {
  retentionDays: { min: 1, max: 365 },
  pitrCanBeDisabled: true,
  storageGb: { min: 10, max: 65536 },
  replicas: { sameRegion: 10, crossRegion: 10 },
  iamAuthentication: true,
  pooling: true,
  blueGreen: false,
  longTermRetention: false,
};

// Azure: backups and PITR always on; Entra ID auth; no Blue/Green. Long-term retention only on SQL Database
// (the flexible servers would need an Azure Backup vault, outside the toolkit).
const azure = { pitrCanBeDisabled: false, iamAuthentication: true, blueGreen: false } as const;

export const cloudLimits: Record<Cloud, CloudLimits> = {
  aws: {
    label: "AWS",
    maxNameLength: 40,
    engines: {
      // RDS for PostgreSQL: versions 13–18 (18 GA Nov 2025).
      postgres: { ...aws, product: "AWS RDS for PostgreSQL", versions: postgresVersions },
      // RDS for MySQL: 8.0 and 8.4.
      mysql: { ...aws, product: "AWS RDS for MySQL", versions: mysqlVersions },
      // RDS for SQL Server: gp3 storage 20–16384 GiB; read replicas need Enterprise Edition (the toolkit
      // does not model editions, so it refuses them); no IAM database auth (Kerberos only); RDS Proxy
      // supports SQL Server; Blue/Green does not.
      sqlserver: {
        ...aws,
        product: "AWS RDS for SQL Server",
        versions: sqlserverVersions,
        storageGb: { min: 20, max: 16384 },
        replicas: { sameRegion: 0, crossRegion: 0 },
        iamAuthentication: false,
        blueGreen: false,
      },
    },
  },
  gcp: {
    label: "GCP",
    maxNameLength: 40,
    engines: {
      postgres: { ...gcp, product: "GCP Cloud SQL for PostgreSQL", versions: postgresVersions },
      mysql: { ...gcp, product: "GCP Cloud SQL for MySQL", versions: mysqlVersions },
      // Cloud SQL for SQL Server: PITR is supported (transaction-log backups); read replicas (max 8 per
      // primary) need the SQL Server Enterprise edition (databaseVersion SQLSERVER_20xx_ENTERPRISE);
      // no IAM database auth; no managed pooler.
      sqlserver: {
        ...gcp,
        product: "GCP Cloud SQL for SQL Server",
        versions: sqlserverVersions,
        replicas: { sameRegion: 8, crossRegion: 8 },
        iamAuthentication: false,
        pooling: false,
      },
    },
  },
  azure: {
    label: "Azure",
    maxNameLength: 40,
    engines: {
      // Azure Database for PostgreSQL flexible server: versions 11–18 offered (toolkit: 13–18);
      // backupRetentionDays 7–35; fixed storage sizes; up to 5 read replicas, cross-region allowed (not on
      // Burstable); built-in PgBouncer.
      postgres: {
        ...azure,
        product: "Azure Database for PostgreSQL flexible server",
        versions: postgresVersions,
        retentionDays: { min: 7, max: 35 },
        storageGb: { min: 32, max: 32767, allowed: azurePostgresStorageGb },
        replicas: { sameRegion: 5, crossRegion: 5 },
        pooling: true,
        longTermRetention: false,
      },
      // Azure Database for MySQL flexible server: versions 5.7, 8.0.21, 8.4 (toolkit: 8.0, 8.4);
      // backupRetentionDays 1–35; storage sizeGb 20–16384; up to 10 read replicas, cross-region allowed
      // (not on Burstable); no built-in pooler.
      mysql: {
        ...azure,
        product: "Azure Database for MySQL flexible server",
        versions: mysqlVersions,
        retentionDays: { min: 1, max: 35 },
        storageGb: { min: 20, max: 16384 },
        replicas: { sameRegion: 10, crossRegion: 10 },
        pooling: false,
        longTermRetention: false,
      },
      // Azure SQL Database: versionless (always the current engine; 2019/2022 are accepted as the
      // compatibility target); PITR retention 1–35 and always on; maxSizeGb up to 4096 on General Purpose /
      // Business Critical (Hyperscale more); same-region readable replicas only on Hyperscale
      // (readReplicaCount, at most 4 — "only settable for Hyperscale", mssql/database.d.ts); up to 4
      // geo-secondaries in other regions (active geo-replication); no pooler; long-term retention policy.
      sqlserver: {
        ...azure,
        product: "Azure SQL Database",
        versions: sqlserverVersions,
        retentionDays: { min: 1, max: 35 },
        storageGb: { min: 1, max: 4096 },
        replicas: { sameRegion: 4, crossRegion: 4 },
        pooling: false,
        longTermRetention: true,
      },
    },
  },
};

/** Limits of `engine` on `cloud`; undefined for an unknown cloud or engine (structural validation reports those). */
export function engineLimits(cloud: Cloud, engine: Engine): EngineLimits | undefined {
  return cloudLimits[cloud]?.engines[engine];
}

/** Default listener port per engine, the same on every cloud. */
export const enginePorts: Record<Engine, number> = { postgres: 5432, mysql: 3306, sqlserver: 1433 };

/** AWS RDS enhanced monitoring intervals (MonitoringInterval), seconds. */
export const awsMonitoringIntervals = [0, 1, 5, 10, 15, 30, 60];
/** AWS: maintenance and backup windows must be at least 30 minutes (RDS PreferredMaintenanceWindow / PreferredBackupWindow). */
export const awsMinWindowMinutes = 30;
/** AWS: max_allocated_storage must be at least 10% above allocated storage to enable autoscaling. */
export const awsAutoscalingHeadroomPercent = 10;
/** AWS RDS Proxy IdleClientTimeout: 1 second to 8 hours. */
export const awsProxyIdleTimeoutMax = 28_800;
/** AWS KMS custom automatic rotation period (RotationPeriodInDays): 90–2560 days. */
export const awsKmsRotationDays = { min: 90, max: 2560 };
/** GCP Cloud KMS rotationPeriod: at least 1 day. Azure Key Vault rotation policy: at least 7 days. */
export const gcpKmsMinRotationDays = 1;
export const azureKeyVaultMinRotationDays = 7;
/** GCP Cloud SQL and Azure flexible-server maintenance windows last one hour. */
export const fixedMaintenanceMinutes = 60;

/** Tag / label rules per cloud. */
export const tagRules = {
  // AWS: key 1–128 Unicode chars, value ≤ 256, "aws:" prefix reserved, ≤ 50 tags per resource.
  aws: { maxKey: 128, maxValue: 256, maxTags: 50 },
  // GCP labels: key 1–63, starts with a lowercase letter, [a-z0-9_-]; value ≤ 63, [a-z0-9_-]; ≤ 64 labels.
  gcp: { maxKey: 63, maxValue: 63, maxTags: 64 },
  // Azure: name ≤ 512, value ≤ 256, name without < > % & \ ? /; ≤ 50 tags per resource.
  azure: { maxKey: 512, maxValue: 256, maxTags: 50 },
} as const;

/** Azure long-term retention (mssql longTermRetentionPolicy): weeks 1–520, months 1–120, years 1–10, week 1–52. */
export const azureLongTermRetention = { weeklyWeeks: 520, monthlyMonths: 120, yearlyYears: 10 };

/** Names the engines or clouds reserve for themselves. */
export const reservedDatabaseNames: Record<Engine, string[]> = {
  postgres: ["postgres", "template0", "template1", "rdsadmin", "cloudsqladmin", "azure_maintenance", "azure_sys"],
  mysql: ["mysql", "sys", "information_schema", "performance_schema"],
  sqlserver: ["master", "model", "msdb", "tempdb", "rdsadmin"],
};

/** Admin user names each cloud refuses or creates itself. Azure PostgreSQL also refuses any `pg_` prefix. */
export const reservedUsernames: Record<Cloud, string[]> = {
  aws: ["rdsadmin", "rdsrepladmin", "rds_superuser"],
  gcp: ["cloudsqladmin", "cloudsqlsuperuser", "cloudsqlreplica", "cloudsqlimportexport"],
  azure: [
    "azure_superuser", "azure_pg_admin", "admin", "administrator", "root", "guest", "public", "sa", "dbo",
    "dbmanager", "loginmanager",
  ],
};

/** AWS master user name length: MySQL 1–16, PostgreSQL 1–63, SQL Server 1–128. */
export const awsMasterUsernameMax: Record<Engine, number> = { postgres: 63, mysql: 16, sqlserver: 128 };
