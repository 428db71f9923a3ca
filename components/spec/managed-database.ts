// The one interface every database component implements, whatever the cloud: a program (or infra/) reads
// host, endpoint, connection and the credentials secret under the same names on AWS, GCP and Azure.
import type * as pulumi from "@pulumi/pulumi";
import type { Assert, Equals } from "./type-assert.js";
import type { ConnectionInfo, Engine } from "./types.js";

/**
 * A managed database as every component exposes it: AwsRdsDatabase, GcpCloudSqlDatabase, AzureSqlDatabase,
 * AzurePostgresFlexibleServer and AzureMysqlFlexibleServer.
 */
export interface ManagedDatabase {
  /** Engine family. */
  readonly engine: Engine;
  /**
   * Database clients connect to, `connection.database`: spec.databaseName, except `master` for SQL Server
   * on AWS RDS (which creates no database).
   */
  readonly databaseName: string;
  /** Host name (or private IP on Cloud SQL) of the primary. */
  readonly host: pulumi.Output<string>;
  /** Port of the primary. */
  readonly port: pulumi.Output<number>;
  /** `host:port` of the primary. */
  readonly endpoint: pulumi.Output<string>;
  /**
   * `host:port` of each read replica, in the order of spec.replicas; empty without replicas. Azure SQL lists
   * its geo-secondaries; Hyperscale's same-region replicas are reached through `endpoint` with
   * `ApplicationIntent=ReadOnly`.
   */
  readonly readerEndpoints: pulumi.Output<string[]>;
  /** Host, port, user, password and database of the master user; a secret output. */
  readonly connection: pulumi.Output<ConnectionInfo>;
  /**
   * The secret holding the master credentials: a Secrets Manager secret ARN on AWS (generated, or the one
   * RDS manages), a Secret Manager secret id (`projects/<p>/secrets/<name>`) on GCP, a Key Vault secret id
   * (`https://<vault>.vault.azure.net/secrets/<name>/<version>`) on Azure.
   */
  readonly secretRef: pulumi.Output<string>;
}

/** The names of ManagedDatabase's members, which every component also registers as its outputs. */
export const managedDatabaseOutputNames = [
  "engine",
  "databaseName",
  "host",
  "port",
  "endpoint",
  "readerEndpoints",
  "connection",
  "secretRef",
] as const;

// Every member listed, nothing else.
export type ManagedDatabaseNamesComplete = Assert<Equals<(typeof managedDatabaseOutputNames)[number], keyof ManagedDatabase>>;

/** `db`'s ManagedDatabase members, for registerOutputs. */
export function managedDatabaseOutputs(db: ManagedDatabase): Record<(typeof managedDatabaseOutputNames)[number], unknown> {
  return {
    engine: db.engine,
    databaseName: db.databaseName,
    host: db.host,
    port: db.port,
    endpoint: db.endpoint,
    readerEndpoints: db.readerEndpoints,
    connection: db.connection,
    secretRef: db.secretRef,
  };
}
