// AzureSqlDatabase: an Azure SQL Database (engine sqlserver) on a logical server, from a DatabaseSpec:
// TLS 1.2, no public access by default, TDE with a customer key when asked, geo-secondaries with a
// failover group, auditing and diagnostics to Log Analytics, password in Key Vault, automatic tuning.
import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import { managedDatabaseOutputs, type ManagedDatabase } from "../spec/managed-database.js";
import type { DatabaseSpec, Engine, ResourceRef } from "../spec/types.js";
import type { AzureSqlDatabaseArgs, ConnectionInfo } from "./args.js";
import { adminPassword, checkedSpec, cidrToRange, customerKey, deleteLock, diagnostics, metricAlerts, reportAzureWarnings } from "./common.js";
import type { CustomerKey } from "./common.js";
import { entraOnly, protectSqlServer } from "./sql-protection.js";
import { createAzureDashboard, isDtuSku } from "./dashboard.js";
import { createElasticPool, pooledDatabaseArgs, poolEnabled } from "./sql-pool.js";

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
import {
  automaticTuningParameters,
  automaticTuningSettings,
  automaticTuningTemplate,
  planSecondaries,
  sqlDatabaseArgs,
  sqlDatabaseLogCategories,
  sqlDatabaseMetricCategories,
  sqlRestoreIgnoreChanges,
  sqlServerArgs,
  sqlSku,
} from "./sql-mapping.js";

export class AzureSqlDatabase extends pulumi.ComponentResource implements ManagedDatabase {
  static readonly type = "provisioning:azure:SqlDatabase";

  /** The validated spec the resources were rendered from. */
  readonly spec: DatabaseSpec;
  readonly server: azure.mssql.Server;
  /** The first database (`databaseName`). */
  readonly database: azure.mssql.Database;
  /** Every database on the primary server: `databaseName`, then `additionalDatabases`. */
  readonly databases: azure.mssql.Database[];
  /** The elastic pool holding the databases, with the `elasticPool` option. */
  readonly elasticPool: azure.mssql.ElasticPool | undefined;
  /** Secondary servers, one per replica. */
  readonly secondaryServers: azure.mssql.Server[];
  readonly failoverGroup?: azure.mssql.FailoverGroup;
  /** ARM deployments setting automatic tuning, one per logical server (primary first); empty when disabled. */
  readonly automaticTuning: azure.core.ResourceGroupTemplateDeployment[];
  readonly serverId: pulumi.Output<string>;
  readonly databaseId: pulumi.Output<string>;
  /** Portal dashboard of the database and its geo-secondaries; undefined with spec.observability.dashboard false. */
  readonly dashboard: azure.portal.PortalDashboard | undefined;
  /** The dashboard in the Azure portal; undefined without one. */
  readonly dashboardUrl: pulumi.Output<string | undefined>;
  readonly engine: Engine;
  readonly databaseName: string;
  /** Server host name, `<server>.database.windows.net`. */
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** `host:port` of the primary server. */
  readonly endpoint: pulumi.Output<string>;
  /**
   * `host:port` of each geo-secondary server. Hyperscale's same-region replicas are not listed: they are
   * reached through `endpoint` with `ApplicationIntent=ReadOnly`.
   */
  readonly readerEndpoints: pulumi.Output<string[]>;
  /** Key Vault secret id of the admin password. */
  readonly secretRef: pulumi.Output<string>;
  /** @deprecated Use `secretRef`, the name every cloud's component shares. */
  readonly secretId: pulumi.Output<string>;
  /** Host, port, user, password and database; secret. */
  readonly connection: pulumi.Output<Required<ConnectionInfo>>;

  private readonly args: AzureSqlDatabaseArgs;
  private readonly key?: CustomerKey;
  private readonly password: pulumi.Output<string>;

  constructor(name: string, args: AzureSqlDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    const spec = checkedSpec(args, "sql");
    super(AzureSqlDatabase.type, name, {}, opts);
    reportAzureWarnings(this, spec, args, "sql");
    this.spec = spec;
    this.engine = spec.engine;
    this.databaseName = spec.databaseName;
    this.args = args;
    const c = { name, spec, args, parent: this };
    const { password, secret } = adminPassword(c);
    this.password = password;
    this.key = customerKey(c);

    const primary = this.logicalServer(name, "primary", args.location, spec.network.subnetIds?.[0]);
    this.server = primary.server;
    const ignoreChanges = spec.restore ? sqlRestoreIgnoreChanges : [];
    this.elasticPool = poolEnabled(args.elasticPool) ? createElasticPool(c, this.server, args.elasticPool, primary.ready) : undefined;
    const pool = this.elasticPool;
    const databaseArgs = pool ? pooledDatabaseArgs(spec, pool.id, args.location) : sqlDatabaseArgs(spec, args.location);
    // The first database keeps its name `<name>-db`; each additional one is `<name>-db-<database>`.
    const databases = [spec.databaseName, ...(spec.additionalDatabases ?? [])].map((databaseName, i) => ({ databaseName, suffix: i === 0 ? "db" : `db-${slug(databaseName)}` }));
    this.databases = databases.map(
      ({ databaseName, suffix }) =>
        new azure.mssql.Database(
          `${name}-${suffix}`,
          { ...databaseArgs, name: databaseName, serverId: this.server.id },
          { parent: this, dependsOn: pool ? [pool] : primary.ready, ...(ignoreChanges.length ? { ignoreChanges } : {}) },
        ),
    );
    this.database = this.databases[0]!;
    this.observability(name, c);

    this.secondaryServers = [];
    const tuned: { suffix: string; server: azure.mssql.Server; database: azure.mssql.Database }[] = [{ suffix: "primary", server: this.server, database: this.database }];
    for (const p of planSecondaries(spec, args.location)) {
      const subnet = p.location === args.location ? spec.network.subnetIds?.[0] : args.replicaSubnetIds?.[p.location];
      const secondary = this.logicalServer(name, p.suffix, p.location, subnet);
      this.secondaryServers.push(secondary.server);
      // Every database is geo-replicated, so a failover moves them all.
      const geos = databases.map(
        ({ databaseName, suffix }, i) =>
          new azure.mssql.Database(
            `${name}-${p.suffix}-${suffix}`,
            {
              name: databaseName,
              serverId: secondary.server.id,
              createMode: "Secondary",
              secondaryType: "Geo",
              creationSourceDatabaseId: this.databases[i]!.id,
              skuName: sqlSku(p.size),
              tags: { ...spec.tags },
            },
            { parent: this, dependsOn: secondary.ready },
          ),
      );
      const geo = geos[0]!;
      tuned.push({ suffix: p.suffix, server: secondary.server, database: geo });
      if (p.failoverGroup) {
        this.failoverGroup = new azure.mssql.FailoverGroup(
          `${name}-failover`,
          {
            name: `${spec.name}-fog`,
            serverId: this.server.id,
            partnerServers: [{ id: secondary.server.id }],
            databases: this.databases.map((d) => d.id),
            readWriteEndpointFailoverPolicy: { mode: "Automatic", graceMinutes: 60 },
            readonlyEndpointFailoverPolicyEnabled: true,
            tags: { ...spec.tags },
          },
          { parent: this, dependsOn: geos },
        );
      }
    }

    this.automaticTuning = this.tuning(name, tuned);
    const locations = [args.location, ...planSecondaries(spec, args.location).map((p) => p.location)];
    const dashboard = createAzureDashboard({
      ...c,
      namespace: "Microsoft.Sql/servers/databases",
      charts: { cpu: "cpu_percent", storage: "storage_percent", connections: "sessions_count", ...(isDtuSku(sqlSku(spec.size)) ? { dtu: "dtu_consumption_percent" } : {}) },
      resources: tuned.map((t, n) => ({ id: t.database.id, location: locations[n] ?? args.location, role: n === 0 ? ("primary" as const) : ("replica" as const) })),
    });
    this.dashboard = dashboard?.dashboard;
    this.dashboardUrl = dashboard ? dashboard.url : pulumi.output(undefined);

    this.serverId = this.server.id;
    this.databaseId = this.database.id;
    this.host = this.server.fullyQualifiedDomainName;
    this.port = pulumi.output(1433);
    this.endpoint = pulumi.interpolate`${this.host}:1433`;
    this.readerEndpoints = pulumi.all(this.secondaryServers.map((s) => pulumi.interpolate`${s.fullyQualifiedDomainName}:1433`));
    this.secretRef = secret.id;
    this.secretId = secret.id;
    this.connection = pulumi.secret(
      pulumi.all([this.host, password]).apply(([host, pw]) => ({
        host,
        port: 1433,
        user: spec.auth.masterUsername,
        password: pw,
        database: spec.databaseName,
        engine: spec.engine,
      })),
    );
    this.registerOutputs({ ...managedDatabaseOutputs(this), serverId: this.serverId, databaseId: this.databaseId, dashboardUrl: this.dashboardUrl });
  }

  /** A logical server with its TDE protector, network access and delete lock. */
  private logicalServer(name: string, suffix: string, location: string, subnetId: ResourceRef | undefined) {
    const { spec, args, key } = this;
    const parent = this;
    const server = new azure.mssql.Server(
      `${name}-${suffix}`,
      {
        ...sqlServerArgs(spec, entraOnly(args, spec)),
        resourceGroupName: args.resourceGroupName,
        location,
        administratorLoginPassword: this.password,
        identity: key ? { type: "SystemAssigned, UserAssigned", identityIds: [key.identity.id] } : { type: "SystemAssigned" },
        ...(key ? { primaryUserAssignedIdentityId: key.identity.id } : {}),
      },
      { parent, dependsOn: key?.grants ?? [], additionalSecretOutputs: ["administratorLoginPassword"] },
    );
    const ready: pulumi.Resource[] = [];
    if (key) {
      ready.push(
        new azure.mssql.ServerTransparentDataEncryption(
          `${name}-${suffix}-tde`,
          { serverId: server.id, keyVaultKeyId: key.keyId, autoRotationEnabled: true },
          { parent, dependsOn: key.grants },
        ),
      );
    }
    if (!spec.network.private) {
      spec.network.allowedCidrs.forEach((cidr, i) => {
        const range = cidrToRange(cidr);
        new azure.mssql.FirewallRule(
          `${name}-${suffix}-allow-${i}`,
          { serverId: server.id, name: `allow-${i}`, startIpAddress: range.start, endIpAddress: range.end },
          { parent },
        );
      });
    }
    if (subnetId) {
      new azure.privatelink.Endpoint(
        `${name}-${suffix}-endpoint`,
        {
          resourceGroupName: args.resourceGroupName,
          location,
          subnetId,
          privateServiceConnection: { name: `${spec.name}-${suffix}`, privateConnectionResourceId: server.id, subresourceNames: ["sqlServer"], isManualConnection: false },
          ...(spec.network.privateDnsZoneId && location === args.location
            ? { privateDnsZoneGroup: { name: "sql", privateDnsZoneIds: [spec.network.privateDnsZoneId] } }
            : {}),
          tags: { ...spec.tags },
        },
        { parent },
      );
    }
    deleteLock({ name, spec, args, parent }, suffix, server.id);
    protectSqlServer({ name, spec, args, parent }, suffix, server, suffix === "primary");
    return { server, ready };
  }

  /**
   * Automatic tuning on every logical server, so a failover keeps it. After the server's database: the
   * service refuses tuning changes while earlier ones still propagate to the databases.
   */
  private tuning(name: string, servers: { suffix: string; server: azure.mssql.Server; database: azure.mssql.Database }[]) {
    const settings = automaticTuningSettings(this.args.automaticTuning);
    if (!settings.enabled) return [];
    const templateContent = JSON.stringify(automaticTuningTemplate(settings));
    return servers.map(
      ({ suffix, server, database }) =>
        new azure.core.ResourceGroupTemplateDeployment(
          `${name}-${suffix}-tuning`,
          {
            resourceGroupName: this.args.resourceGroupName,
            deploymentMode: "Incremental",
            templateContent,
            parametersContent: server.name.apply(automaticTuningParameters),
            tags: { ...this.spec.tags },
          },
          { parent: this, dependsOn: [server, database] },
        ),
    );
  }

  /** Auditing and diagnostics to Log Analytics (when a workspace is given) and metric alerts. */
  private observability(name: string, c: { name: string; spec: DatabaseSpec; args: AzureSqlDatabaseArgs; parent: pulumi.Resource }) {
    const { spec } = c;
    if (spec.observability.logAnalyticsWorkspaceId) {
      new azure.mssql.ServerExtendedAuditingPolicy(
        `${name}-server-audit`,
        { serverId: this.server.id, enabled: true, logMonitoringEnabled: true },
        { parent: this },
      );
      // Server audit events reach Log Analytics through the master database's diagnostic setting.
      diagnostics(c, "master", pulumi.interpolate`${this.server.id}/databases/master`, [{ category: "SQLSecurityAuditEvents" }, { category: "DevOpsOperationsAudit" }], []);
      new azure.mssql.DatabaseExtendedAuditingPolicy(
        `${name}-db-audit`,
        { databaseId: this.database.id, enabled: true, logMonitoringEnabled: true },
        { parent: this },
      );
      diagnostics(c, "database", this.database.id, sqlDatabaseLogCategories.map((category) => ({ category })), sqlDatabaseMetricCategories);
      for (const [i, database] of this.databases.entries()) {
        if (i === 0) continue;
        const suffix = slug(spec.additionalDatabases?.[i - 1] ?? String(i));
        new azure.mssql.DatabaseExtendedAuditingPolicy(`${name}-db-audit-${suffix}`, { databaseId: database.id, enabled: true, logMonitoringEnabled: true }, { parent: this });
        diagnostics(c, `database-${suffix}`, database.id, sqlDatabaseLogCategories.map((category) => ({ category })), sqlDatabaseMetricCategories);
      }
    }
    metricAlerts(c, this.database.id, { namespace: "Microsoft.Sql/servers/databases", connections: "sessions_count" });
  }
}
