// The one cloud-neutral description of a managed database. Every component (AWS, GCP, Azure) takes a
// DatabaseSpec, validates it with `validateSpec`, and maps it to provider arguments with pure functions.
// Field docs follow CDK style: what it is, the default, and what each cloud does with it.
// References to other resources are `ResourceRef`s: a string, or an Output/Promise passed through untouched.
import type * as pulumi from "@pulumi/pulumi";
import type { ResourceRef } from "./inputs.js";

export type { ResourceRef } from "./inputs.js";

/** Engine family. `sqlserver` exists on AWS RDS, Cloud SQL and Azure SQL Database. */
export type Engine = "postgres" | "mysql" | "sqlserver";

/** Cloud a spec is rendered on; validation applies that cloud's limits. */
export type Cloud = "aws" | "gcp" | "azure";

/** Environment preset names; see presets.ts for their documented defaults. */
export type Environment = "dev" | "staging" | "prod" | "ci";

/** Named size tiers, mapped per cloud to an instance class / tier / SKU. */
export type SizeTier = "dev" | "small" | "medium" | "large" | "xlarge";

/** A named tier, or an explicit provider class (e.g. `db.r7g.large`, `db-custom-2-7680`, `GP_Standard_D2ds_v4`). */
export type Size = { tier: SizeTier } | { instanceClass: string };

/** AWS RDS volume type: gp3 (general purpose SSD), io1 / io2 (Provisioned IOPS SSD). */
export type StorageType = "gp3" | "io1" | "io2";

export interface StorageSpec {
  /** Allocated storage in GB. Default: preset (20 in dev). */
  sizeGb: number;
  /** Storage autoscaling ceiling in GB; omit or equal to sizeGb to turn autoscaling off. */
  maxSizeGb?: number;
  /**
   * AWS RDS volume type: `gp3` (general purpose), `io1` or `io2` (Provisioned IOPS, which need `iops`). Other
   * clouds refuse io1/io2. @default "gp3"
   */
  type?: StorageType;
  /**
   * AWS RDS provisioned IOPS. gp3: only from 400 GiB (PostgreSQL, MySQL; any size on SQL Server), 12,000–64,000
   * (SQL Server 3,000–64,000); io1/io2: required, 1,000–256,000 and 1–50 (io1) / 1–1,000 (io2) per GiB. Other
   * clouds refuse it. @default undefined (the volume's baseline)
   */
  iops?: number;
  /**
   * AWS RDS gp3 storage throughput in MiB/s, with `iops`: 500–4,000 from 400 GiB (PostgreSQL, MySQL), 125–1,000
   * on SQL Server, at most 0.25 MiB/s per IOPS. Other clouds refuse it. @default undefined (the baseline)
   */
  throughputMbps?: number;
}

/**
 * Backups kept beyond `retentionDays`: Azure SQL Database's long-term retention policy, an AWS Backup plan
 * (vault, weekly/monthly/yearly rules) on AWS. Cloud SQL and the Azure flexible servers refuse it.
 */
export interface LongTermRetention {
  /** A weekly backup (Sunday) kept for this many weeks. */
  weeklyWeeks?: number;
  /** A monthly backup (the 1st) kept for this many months. */
  monthlyMonths?: number;
  /** A yearly backup kept for this many years. */
  yearlyYears?: number;
  /** Week of the year whose backup is kept as the yearly one, 1–52 (required on Azure; default 1 on AWS). */
  weekOfYear?: number;
}

export interface BackupSpec {
  /**
   * Days automated backups are kept. AWS 0–35 (0 disables backups and PITR), GCP 1–365, Azure SQL Database and
   * MySQL flexible 1–35, Azure PostgreSQL flexible 7–35. Limits per cloud and engine: limits.ts.
   */
  retentionDays: number;
  /** Preferred daily backup window, UTC, `hh:mm-hh:mm` (e.g. `03:00-04:00`). */
  window?: string;
  /** Point-in-time recovery (transaction-log backups). Default on in every preset but ci. */
  pointInTimeRecovery: boolean;
  /** Take a final snapshot/backup on delete. Default on in staging and prod. */
  finalSnapshot: boolean;
  /** Long-term retention of backups beyond `retentionDays`. */
  longTermRetention?: LongTermRetention;
  /** Replicate automated backups to this region for DR (AWS automated-backup replication, Azure geo-backup). */
  crossRegionCopy?: { region: string; retentionDays?: number };
}

/** Encryption at rest: the provider's key, or a customer-managed key (existing, or created with rotation). */
export type AtRestEncryption =
  | { type: "provider-managed" }
  | { type: "customer-key"; keyId: ResourceRef }
  | { type: "customer-key"; create: true; rotationDays?: number };

export interface EncryptionSpec {
  /** Storage is always encrypted; this only chooses the key. */
  atRest: AtRestEncryption;
  /** Require TLS for every client connection. Default true; false only allowed outside prod. */
  inTransitRequired: boolean;
  /**
   * AWS RDS certificate authority of the server certificate (`caCertIdentifier`), e.g. `rds-ca-ecc384-g1`.
   * Other clouds refuse it. @default "rds-ca-rsa2048-g1" on AWS
   */
  certificateAuthority?: string;
}

export interface ReplicaSpec {
  /** Region for a cross-region replica; omit for the primary's region. */
  region?: string;
  /** Number of replicas in that region (1–5). */
  count: number;
  /** Size of the replicas; defaults to the primary's size. */
  size?: Size;
}

export interface NetworkSpec {
  /** No public endpoint. Default true everywhere; prod refuses false. */
  private: boolean;
  /** CIDR blocks admitted on the engine port. */
  allowedCidrs: string[];
  /** AWS security group ids admitted on the engine port. */
  allowedSecurityGroupIds?: ResourceRef[];
  /**
   * AWS subnet ids for the DB subnet group; Azure delegated subnet id (flexible servers). Counted even when
   * the ids are Outputs (AWS needs two or more, Azure exactly one).
   */
  subnetIds?: ResourceRef[];
  /** AWS VPC id; GCP VPC network self-link (private IP); Azure virtual network id. */
  vpcId?: ResourceRef;
  /** Azure private DNS zone id for flexible servers' private access. */
  privateDnsZoneId?: ResourceRef;
  /**
   * AWS RDS dual-stack networking (`networkType` DUAL: IPv4 and IPv6; the subnets need IPv6 CIDRs). Other clouds
   * refuse true. @default false (IPV4)
   */
  dualStack?: boolean;
  /**
   * GCP Cloud SQL Private Service Connect (`settings.ipConfiguration.pscConfigs`): a service attachment that
   * endpoints in the listed consumer projects connect to, with or without `vpcId` (private services access).
   * Needs `private` true. Other clouds refuse it. @default undefined (no PSC)
   */
  privateServiceConnect?: PrivateServiceConnectSpec;
  /**
   * Azure SQL Database server connection policy (`azure.mssql.Server.connectionPolicy`): `Redirect` connects
   * clients straight to the node (lower latency, needs ports 11000–11999), `Proxy` through the gateway,
   * `Default` redirects inside Azure and proxies from outside. Other products refuse it.
   * @default "Default" (the provider's and Azure's default)
   */
  connectionPolicy?: SqlConnectionPolicy;
}

/** How clients reach an Azure SQL Database server: through the gateway (`Proxy`), straight to the node (`Redirect`), or `Default`. */
export type SqlConnectionPolicy = "Default" | "Proxy" | "Redirect";

/** Private Service Connect on GCP Cloud SQL: which consumer projects may create endpoints to the instance. */
export interface PrivateServiceConnectSpec {
  /** Project ids or numbers whose networks may create endpoints to the instance (at least one). */
  allowedConsumerProjects: string[];
}

/**
 * A period without maintenance (GCP Cloud SQL `settings.denyMaintenancePeriod`), at most 90 days. Dates are
 * `YYYY-MM-DD`, or `MM-DD` for both to recur every year.
 */
export interface MaintenanceDenyPeriod {
  /** First day without maintenance. */
  start: string;
  /** Last day without maintenance. */
  end: string;
  /** UTC time the period starts and ends on those days, `HH:mm:ss`. @default "00:00:00" */
  time?: string;
}

export interface MaintenanceWindow {
  /** Day of week, `mon`..`sun`. */
  day: "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
  /** Start hour, UTC, 0–23. */
  hour: number;
  /** Length in minutes; AWS needs at least 30. Default 60. */
  durationMinutes?: number;
}

export interface AlarmSpec {
  /** Create alarms (CPU, free storage, connections, replica lag). */
  enabled: boolean;
  /** Where alarms go: SNS topic ARN, GCP notification channel id, Azure action group id. */
  notificationTarget?: ResourceRef;
  /** Alarm when average CPU stays above this share. Default 80. */
  cpuPercent?: number;
  /** Alarm when free storage falls below this share of the allocated size. Default 10. */
  freeStoragePercent?: number;
  /** Alarm above this many connections. Default: AWS 80% of the class's max_connections; none elsewhere. */
  maxConnections?: number;
  /** Alarm when a replica lags more than this. Default 60. */
  replicaLagSeconds?: number;
}

export interface ObservabilitySpec {
  /**
   * Log statements slower than this (ms). 0 logs every statement; omit to leave the engine default.
   * PostgreSQL and MySQL take it as an engine setting on every cloud. SQL Server has no such setting on any
   * of them: the statements' latencies are recorded instead (AWS Performance Insights, GCP Query Insights,
   * Azure Query Store), turned on when this is set, and the threshold is the filter to apply there.
   */
  slowQueryMs?: number;
  /** Performance Insights / Query Insights / Query Store. */
  queryInsights: boolean;
  /** Enhanced monitoring interval in seconds (AWS: 0, 1, 5, 10, 15, 30, 60). 0 turns it off. */
  enhancedMonitoringSeconds: number;
  /** Load pg_stat_statements (PostgreSQL). Default true. */
  pgStatStatements?: boolean;
  /**
   * Days the exported engine logs are kept. AWS: the CloudWatch log groups the component creates before the
   * instance (`/aws/rds/instance/<id>/<log>`), one of CloudWatch's retention values (1, 3, 5, 7, 14, 30, 60,
   * 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). GCP and Azure keep logs
   * in their sinks (Cloud Logging bucket, Log Analytics workspace), whose retention is set there.
   * @default 7 in dev, 30 in staging, 365 in prod, 1 in ci
   */
  logRetentionDays?: number;
  /**
   * Database auditing: pgaudit on PostgreSQL, the MariaDB Audit Plugin on RDS MySQL/MariaDB.
   * PostgreSQL: session audit logging of DDL and role changes, through Cloud SQL's `cloudsql.enable_pgaudit`
   * flag, Azure flexible's `azure.extensions` / `shared_preload_libraries` allow-list, AWS RDS's
   * `shared_preload_libraries` (with pg_stat_statements); `pgaudit.log` is `ddl,role`. Raw `parameters` cannot
   * turn it off while it is on. AWS RDS for MySQL: an option group with `MARIADB_AUDIT_PLUGIN` logging
   * connections, DDL and DCL (`SERVER_AUDIT_EVENTS` `CONNECT,QUERY_DDL,QUERY_DCL`), its `audit` log exported to
   * CloudWatch; RDS offers it on 8.4 and 8.0.28+ (older 8.0 minors are refused). Cloud SQL and Azure refuse it
   * for MySQL. @default true in prod for PostgreSQL and for MySQL on AWS (resolveSpec with the cloud), else false
   */
  pgaudit?: boolean;
  alarms: AlarmSpec;
  /**
   * A dashboard of the database and its replicas in the cloud's console (CloudWatch, Cloud Monitoring, an
   * Azure portal dashboard); its URL is the component's `dashboardUrl`. @default true
   */
  dashboard?: boolean;
  /** Azure Log Analytics workspace id for diagnostics and auditing. */
  logAnalyticsWorkspaceId?: ResourceRef;
}

export interface PoolingSpec {
  /** Put a pooler in front (AWS RDS Proxy; Cloud SQL/Azure use their built-in poolers where offered). */
  enabled: boolean;
  /** Max share of max_connections the pool may use, 1–100. Default 90. */
  maxConnectionsPercent?: number;
  /** Idle client timeout in seconds. Default 1800. */
  idleClientTimeoutSeconds?: number;
}

/** How the database is created: empty, from a snapshot, or restored to a point in time. Shapes creation only. */
export type RestoreSpec =
  | { mode: "snapshot"; snapshotId: ResourceRef }
  | { mode: "point-in-time"; sourceId: ResourceRef; time?: string; useLatestRestorableTime?: boolean };

export interface AuthSpec {
  /** Let IAM / Entra ID identities log in (AWS IAM database authentication, Cloud SQL IAM, Entra admin). */
  iamAuthentication: boolean;
  /** Let the cloud manage and rotate the master password (RDS manageMasterUserPassword). */
  managedMasterPassword?: boolean;
  /**
   * Days between rotations of the RDS-managed master password (`managedMasterPassword`): a Secrets Manager
   * rotation schedule on the secret RDS creates, 1–1000. A generated password is not rotated (no rotation
   * function is deployed): set managedMasterPassword for rotation. Other clouds refuse it. @default 7 (RDS's own)
   */
  passwordRotationDays?: number;
  /** Master user name. Default `dbadmin`. */
  masterUsername: string;
  /** Azure Entra ID administrator (login name + object id). */
  entraAdmin?: { login: string; objectId: ResourceRef; tenantId?: ResourceRef };
  /**
   * Built-in users created besides the master user, each with a generated password kept as a secret
   * (GCP Cloud SQL: `gcp.sql.User` and a Secret Manager secret each). Other clouds refuse it. @default []
   */
  additionalUsers?: string[];
  /**
   * IAM principals given a database login when `iamAuthentication` is on (GCP Cloud SQL): an email, optionally
   * after IAM's member prefix. `user:` emails (and bare ones) become CLOUD_IAM_USER, `serviceAccount:` (and
   * bare `*.gserviceaccount.com`) CLOUD_IAM_SERVICE_ACCOUNT, `group:` CLOUD_IAM_GROUP — every member of the
   * group logs in as themselves, and the group's database grants apply to them. They still need
   * `roles/cloudsql.instanceUser` in IAM. Other clouds refuse it. @default []
   */
  iamPrincipals?: string[];
}

export interface DatabaseSpec {
  /** Logical name, used for resource names and identifiers: lowercase letters, digits and hyphens. */
  name: string;
  engine: Engine;
  /** Major version, e.g. "16" (postgres), "8.0" (mysql), "2022" (sqlserver). */
  engineVersion: string;
  /** Database created inside the server. Default `app`. */
  databaseName: string;
  /**
   * Further databases created in the server with the same settings (GCP Cloud SQL; Azure flexible servers;
   * Azure SQL Database: one database each on the logical server, geo-replicated like the first). AWS RDS
   * refuses it (it creates one database). @default []
   */
  additionalDatabases?: string[];
  size: Size;
  storage: StorageSpec;
  /** Standby in another zone (Multi-AZ, REGIONAL, zone-redundant). */
  highAvailability: boolean;
  backup: BackupSpec;
  encryption: EncryptionSpec;
  replicas: ReplicaSpec[];
  network: NetworkSpec;
  maintenanceWindow?: MaintenanceWindow;
  /** A period without maintenance (GCP Cloud SQL only; other clouds refuse it). @default undefined */
  maintenanceDenyPeriod?: MaintenanceDenyPeriod;
  deletionProtection: boolean;
  observability: ObservabilitySpec;
  pooling: PoolingSpec;
  auth: AuthSpec;
  restore?: RestoreSpec;
  /** Engine parameters added to (and overriding) the ones the toolkit sets. */
  parameters?: Record<string, string>;
  /**
   * Allow in-place major version upgrades: set it with the new `engineVersion` (the component switches the
   * parameter group). Off by default, as in CDK and terraform-aws-rds, so a changed default version can never
   * upgrade a database on its own: RDS refuses the change instead. @default false
   */
  allowMajorVersionUpgrade?: boolean;
  /** AWS: use RDS Blue/Green deployments for updates that would otherwise restart or replace. */
  blueGreenUpdates?: boolean;
  /**
   * AWS RDS for PostgreSQL and MySQL: enrol the database in paid RDS Extended Support, so it keeps running a
   * major version past its RDS end of standard support (`engineLifecycleSupport`). Set when the database is
   * created (RDS cannot change it later). false refuses, in prod, a major past its end of standard support.
   * Other clouds refuse true. @default false in prod; RDS's default (enrolled) elsewhere
   */
  extendedSupport?: boolean;
  /** Tags (AWS, Azure) / labels (GCP). Keys and values are checked against each cloud's rules. */
  tags: Record<string, string>;
}

/**
 * How to connect as the master user, the same shape on every cloud. Components expose it only as a secret
 * output.
 */
export interface ConnectionInfo {
  host: string;
  port: number;
  user: string;
  /** Absent only on AWS when RDS manages the master password (auth.managedMasterPassword): read the secret then. */
  password?: string;
  /** Database to connect to (`master` for SQL Server on AWS, where RDS creates none). */
  database: string;
  engine: Engine;
}

/**
 * The spec argument every component takes: a resolved `spec`, or an `input` laid over the environment's
 * preset (`resolveSpec(input, environment, cloud)`). Either way the component validates it for its cloud
 * before registering anything.
 */
export type SpecSource =
  | {
      /** A complete, resolved spec. */
      spec: DatabaseSpec;
      input?: never;
    }
  | {
      /** A partial spec, resolved over the environment's preset. */
      input: DatabaseSpecInput;
      spec?: never;
    };

/** Partial overrides, applied field by field on top of a preset. Outputs and Promises are values, not objects. */
export type DeepPartial<T> = T extends PromiseLike<unknown> | pulumi.OutputInstance<unknown>
  ? T
  : T extends (infer U)[]
    ? U[]
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;

export type DatabaseSpecInput = DeepPartial<DatabaseSpec> & Pick<DatabaseSpec, "name" | "engine">;

/** One problem found by validation: the field path, the value found and the fix. */
export interface SpecIssue {
  path: string;
  value: unknown;
  message: string;
  /** Which cloud's limit was broken, when the rule is cloud-specific. */
  cloud?: Cloud;
}
