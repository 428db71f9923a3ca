// GcpCloudSqlDatabase: a Cloud SQL instance (PostgreSQL, MySQL or SQL Server) from a DatabaseSpec, with
// its database, master user (password in Secret Manager), CMEK keys, read/DR replicas and alert policy.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { URL_SAFE_PASSWORD, generatedPassword } from "../shared/password.js";
import { reportWarnings } from "../shared/warnings.js";
import { resolveComponentSpec } from "../spec/component-args.js";
import { managedDatabaseOutputs, type ManagedDatabase } from "../spec/managed-database.js";
import type { DatabaseSpec, Engine } from "../spec/types.js";
import { SpecValidationError, validateSpec } from "../spec/validate.js";
import { createAlertPolicy } from "./alerts.js";
import { createGcpDashboard } from "./dashboard.js";
import type { ConnectionInfo, GcpCloudSqlDatabaseArgs } from "./args.js";
import { gcpComponentIssues } from "./checks.js";
import { createCloudSqlKeys, existingCloudSqlKeys } from "./kms.js";
import { createDatabasesAndUsers } from "./users.js";
import type { CloudSqlKeys } from "./kms.js";
import {
  enginePorts,
  gcpDatabaseVersion,
  gcpPrimarySettings,
  gcpReplicaSettings,
  gcpRestoreArgs,
  gcpRestoreIgnoreChanges,
  gcpSpecWarnings,
  planReplicas,
} from "./mapping.js";

/** Resolve and validate (once); throws SpecValidationError before anything is registered. */
function checkedSpec(args: GcpCloudSqlDatabaseArgs): DatabaseSpec {
  const spec = resolveComponentSpec(args, "gcp");
  const issues = validateSpec(spec, { cloud: "gcp", environment: args.environment });
  // The component's checks assume a well-formed spec.
  if (issues.length === 0) issues.push(...gcpComponentIssues(spec, args));
  if (issues.length > 0) throw new SpecValidationError(issues);
  return spec;
}

export class GcpCloudSqlDatabase extends pulumi.ComponentResource implements ManagedDatabase {
  static readonly type = "provisioning:gcp:CloudSqlDatabase";

  /** The validated spec the resources were rendered from. */
  readonly spec: DatabaseSpec;
  readonly instance: gcp.sql.DatabaseInstance;
  readonly replicas: gcp.sql.DatabaseInstance[];
  /** `project:region:instance`, for the Cloud SQL Auth Proxy and connectors. */
  readonly connectionName: pulumi.Output<string>;
  /** Private IP of the primary (empty when only a public IP is configured). */
  readonly privateIp: pulumi.Output<string>;
  readonly engine: Engine;
  readonly databaseName: string;
  /** Address clients reach: the private IP, or the public one when `network.private` is false. */
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** `host:port` of the primary. */
  readonly endpoint: pulumi.Output<string>;
  /** `host:port` of each replica (the same kind of address as `host`). */
  readonly readerEndpoints: pulumi.Output<string[]>;
  /** Secret Manager secret (id `projects/<p>/secrets/<name>`) holding the master password. */
  readonly secretRef: pulumi.Output<string>;
  /** @deprecated Use `secretRef`, the name every cloud's component shares. */
  readonly secretId: pulumi.Output<string>;
  /** Host, port, user, password and database of the primary; secret. */
  readonly connection: pulumi.Output<Required<ConnectionInfo>>;
  readonly replicaConnectionNames: pulumi.Output<string[]>;
  /** Secret Manager secret id of each `auth.additionalUsers` password, by user name. */
  readonly userSecretRefs: pulumi.Output<Record<string, string>>;
  /** Cloud Monitoring dashboard of the primary and replicas; undefined with spec.observability.dashboard false. */
  readonly dashboard: gcp.monitoring.Dashboard | undefined;
  /** The dashboard in the Cloud console; undefined without one. */
  readonly dashboardUrl: pulumi.Output<string | undefined>;

  constructor(name: string, args: GcpCloudSqlDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    const spec = checkedSpec(args);
    super(GcpCloudSqlDatabase.type, name, {}, opts);
    reportWarnings(this, gcpSpecWarnings(spec));
    this.spec = spec;
    this.engine = spec.engine;
    this.databaseName = spec.databaseName;
    const parent = this;
    const project = args.project ? { project: args.project } : {};
    const labels = { ...spec.tags };
    const plan = planReplicas(spec, args.region);

    const keys = this.encryptionKeys(name, spec, args, plan.map((p) => p.region ?? args.region));
    const password = generatedPassword(parent, name, URL_SAFE_PASSWORD);
    const secret = new gcp.secretmanager.Secret(
      `${name}-password`,
      { secretId: `${spec.name}-db-password`, replication: { auto: {} }, labels, ...project },
      { parent },
    );
    new gcp.secretmanager.SecretVersion(`${name}-password`, { secret: secret.id, secretData: password.result }, { parent });

    const settings = gcpPrimarySettings(spec, args.requireClientCertificates, {
      environment: args.environment,
      ...(args.allocatedIpRange ? { allocatedIpRange: args.allocatedIpRange } : {}),
      ...(args.passwordValidation ? { passwordValidation: args.passwordValidation } : {}),
    });
    const restore = gcpRestoreArgs(spec);
    // Autoresize grows the disk (replicas' too); a stale diskSize would otherwise try to shrink (replace) it.
    const grown = settings.diskAutoresize ? ["settings.diskSize"] : [];
    const ignoreChanges = [...(spec.restore ? gcpRestoreIgnoreChanges : []), ...grown];
    this.instance = new gcp.sql.DatabaseInstance(
      name,
      {
        ...project,
        region: args.region,
        databaseVersion: gcpDatabaseVersion(spec),
        deletionProtection: spec.deletionProtection,
        ...(keys ? { encryptionKeyName: keys.keyFor(args.region) } : {}),
        // SQL Server requires a root (sqlserver) password at creation.
        ...(spec.engine === "sqlserver" ? { rootPassword: password.result } : {}),
        ...(spec.backup.finalSnapshot ? { finalBackupDescription: `final backup of ${spec.name}` } : {}),
        ...restore,
        settings,
      },
      {
        parent,
        dependsOn: keys?.grants ?? [],
        additionalSecretOutputs: ["rootPassword"],
        ...(ignoreChanges.length > 0 ? { ignoreChanges } : {}),
      },
    );

    // A clone already holds the source's databases; creating it again would fail.
    const database = spec.restore
      ? undefined
      : new gcp.sql.Database(
          `${name}-db`,
          {
            ...project,
            instance: this.instance.name,
            name: spec.databaseName,
            ...(spec.engine === "mysql" ? { charset: "utf8mb4" } : {}),
          },
          { parent },
        );
    const user = new gcp.sql.User(
      `${name}-admin`,
      { ...project, instance: this.instance.name, name: spec.auth.masterUsername, password: password.result },
      { parent, additionalSecretOutputs: ["password"] },
    );
    const logins = createDatabasesAndUsers({ name, spec, ...project, instance: this.instance, parent, after: [user, ...(database ? [database] : [])] });
    this.userSecretRefs = logins.userSecretRefs;

    this.replicas = plan.map(
      (p) =>
        new gcp.sql.DatabaseInstance(
          `${name}-${p.suffix}`,
          {
            ...project,
            region: p.region ?? args.region,
            databaseVersion: gcpDatabaseVersion(spec),
            masterInstanceName: this.instance.name,
            ...(spec.engine === "postgres" ? {} : { replicaConfiguration: { failoverTarget: false } }),
            deletionProtection: spec.deletionProtection,
            ...(keys ? { encryptionKeyName: keys.keyFor(p.region ?? args.region) } : {}),
            settings: gcpReplicaSettings(spec, p.replica, p.role, args.requireClientCertificates, args.allocatedIpRange),
          },
          { parent, dependsOn: keys?.grants ?? [], ...(grown.length > 0 ? { ignoreChanges: grown } : {}) },
        ),
    );

    createAlertPolicy({ name, spec, ...project, primary: this.instance, replicas: this.replicas, parent });
    const dashboard = createGcpDashboard({ name, spec, ...project, primary: this.instance, replicas: this.replicas, parent });
    this.dashboard = dashboard?.dashboard;
    this.dashboardUrl = dashboard ? dashboard.url : pulumi.output(undefined);

    const port = enginePorts[spec.engine];
    this.connectionName = this.instance.connectionName;
    this.privateIp = this.instance.privateIpAddress;
    this.port = pulumi.output(port);
    this.secretRef = secret.id;
    this.secretId = secret.id;
    this.replicaConnectionNames = pulumi.all(this.replicas.map((r) => r.connectionName));
    const hostOf = (i: gcp.sql.DatabaseInstance) => (spec.network.private ? i.privateIpAddress : i.publicIpAddress);
    const host = hostOf(this.instance);
    this.host = host;
    this.endpoint = pulumi.interpolate`${host}:${port}`;
    this.readerEndpoints = pulumi.all(this.replicas.map((r) => pulumi.interpolate`${hostOf(r)}:${port}`));
    this.connection = pulumi.secret(
      pulumi.all([host, password.result, user.name]).apply(([h, pw, u]) => ({
        host: h,
        port,
        user: u,
        password: pw,
        database: spec.databaseName,
        engine: spec.engine,
      })),
    );
    this.registerOutputs({
      ...managedDatabaseOutputs(this),
      connectionName: this.connectionName,
      privateIp: this.privateIp,
      dashboardUrl: this.dashboardUrl,
      replicaConnectionNames: this.replicaConnectionNames,
      userSecretRefs: this.userSecretRefs,
    });
  }

  private encryptionKeys(name: string, spec: DatabaseSpec, args: GcpCloudSqlDatabaseArgs, regions: string[]): CloudSqlKeys | undefined {
    const atRest = spec.encryption.atRest;
    if (atRest.type !== "customer-key") return undefined;
    const common = { name, labels: { ...spec.tags }, parent: this, protect: spec.deletionProtection, ...(args.project ? { project: args.project } : {}) };
    if ("keyId" in atRest) {
      const keyIds: Record<string, pulumi.Input<string>> = { [args.region]: atRest.keyId };
      for (const region of regions) if (region !== args.region) keyIds[region] = args.replicaKeyIds?.[region] ?? "";
      return existingCloudSqlKeys(keyIds, args.grantKeyAccess ?? true, common);
    }
    return createCloudSqlKeys([args.region, ...regions], atRest.rotationDays ?? 365, common);
  }
}
