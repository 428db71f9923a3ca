// What the PostgreSQL and MySQL flexible-server components share: password in Key Vault, customer key
// (plus a geo-backup key), private access or firewall rules, parameters applied one at a time, database,
// Entra administrator, read replicas, diagnostics, delete lock and alerts. Engine differences (resource
// classes and their argument shapes) come in through `FlexibleEngine`.
import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import { managedDatabaseOutputs, type ManagedDatabase } from "../spec/managed-database.js";
import type { DatabaseSpec, Engine, ResourceRef } from "../spec/types.js";
import type { AzureFlexibleServerArgs, ConnectionInfo } from "./args.js";
import { adminPassword, checkedSpec, cidrToRange, customerKey, deleteLock, diagnostics, enginePorts, metricAlerts, reportAzureWarnings } from "./common.js";
import type { CustomerKey } from "./common.js";
import { flexibleRestoreIgnoreChanges, flexibleSku, flexibleStorageIgnoreChanges, planFlexibleReplicas } from "./flexible-mapping.js";
import type { ServerParameter } from "./flexible-mapping.js";
import { createAzureDashboard, type AzureMetricNamespace } from "./dashboard.js";

/** A created flexible server, whichever engine. */
export interface FlexibleServerHandle {
  resource: pulumi.CustomResource;
  id: pulumi.Output<string>;
  name: pulumi.Output<string>;
  fqdn: pulumi.Output<string>;
}

/** Server arguments in the shape both engines' FlexibleServer classes take. */
export type FlexibleServerInputs = Record<string, unknown> & { resourceGroupName: pulumi.Input<string> };

export interface FlexibleEngine {
  kind: "postgres" | "mysql";
  /** Azure Monitor metric namespace of the server. */
  namespace: string;
  /** Replica lag metric (seconds) read on the replicas. */
  lagMetric: string;
  /** Plain server arguments from the spec; `tenantId` is the component's Entra tenant. */
  serverArgs(spec: DatabaseSpec, tenantId?: ResourceRef): Record<string, unknown>;
  /** The storage size input (ignoreChanges path) Azure's autogrow changes. */
  storageField: string;
  /** Replica storage arguments (same size as the primary). */
  replicaStorage(spec: DatabaseSpec): Record<string, unknown>;
  parameters(spec: DatabaseSpec): ServerParameter[];
  server(name: string, args: FlexibleServerInputs, opts: pulumi.CustomResourceOptions): FlexibleServerHandle;
  configuration(name: string, server: FlexibleServerHandle, rg: pulumi.Input<string>, p: ServerParameter, opts: pulumi.CustomResourceOptions): pulumi.Resource;
  database(name: string, server: FlexibleServerHandle, rg: pulumi.Input<string>, databaseName: string, opts: pulumi.CustomResourceOptions): pulumi.Resource;
  firewallRule(name: string, server: FlexibleServerHandle, rg: pulumi.Input<string>, rule: { name: string; start: string; end: string }, opts: pulumi.CustomResourceOptions): pulumi.Resource;
  entraAdmin(
    name: string,
    server: FlexibleServerHandle,
    a: { rg: pulumi.Input<string>; tenantId: ResourceRef; objectId: ResourceRef; login: string; principalType: string; identityId?: pulumi.Input<string> },
    opts: pulumi.CustomResourceOptions,
  ): pulumi.Resource;
  /** Whether the Entra administrator needs a user-assigned identity on the server (MySQL). */
  entraAdminNeedsIdentity: boolean;
}

export abstract class FlexibleServerBase extends pulumi.ComponentResource implements ManagedDatabase {
  /** The validated spec the resources were rendered from. */
  readonly spec: DatabaseSpec;
  readonly server: pulumi.CustomResource;
  readonly replicas: pulumi.CustomResource[];
  readonly serverId: pulumi.Output<string>;
  readonly engine: Engine;
  readonly databaseName: string;
  /** Server host name (`<server>.postgres.database.azure.com` / `.mysql.database.azure.com`). */
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** `host:port` of the server. */
  readonly endpoint: pulumi.Output<string>;
  /** `host:port` of each read replica. */
  readonly readerEndpoints: pulumi.Output<string[]>;
  /** Key Vault secret id of the admin password. */
  readonly secretRef: pulumi.Output<string>;
  /** @deprecated Use `secretRef`, the name every cloud's component shares. */
  readonly secretId: pulumi.Output<string>;
  /** Host, port, user, password and database; secret. */
  readonly connection: pulumi.Output<Required<ConnectionInfo>>;
  /** Host names of the read replicas. */
  readonly replicaHosts: pulumi.Output<string[]>;
  /** Portal dashboard of the server and replicas; undefined with spec.observability.dashboard false. */
  readonly dashboard: azure.portal.PortalDashboard | undefined;
  /** The dashboard in the Azure portal; undefined without one. */
  readonly dashboardUrl: pulumi.Output<string | undefined>;

  protected constructor(type: string, engine: FlexibleEngine, name: string, args: AzureFlexibleServerArgs, opts?: pulumi.ComponentResourceOptions) {
    const spec = checkedSpec(args, engine.kind);
    super(type, name, {}, opts);
    reportAzureWarnings(this, spec, args, engine.kind);
    this.spec = spec;
    this.engine = spec.engine;
    this.databaseName = spec.databaseName;
    const parent = this;
    const rg = args.resourceGroupName;
    const c = { name, spec, args, parent };
    const { password, secret } = adminPassword(c);
    const key = customerKey(c);
    const copy = spec.backup.crossRegionCopy;
    const geoKey = key && copy ? customerKey(c, "geo", copy.region, args.geoBackupKey?.keyVaultId ?? args.keyVaultId, args.geoBackupKey?.keyId) : undefined;
    const admin = spec.auth.entraAdmin;
    const adminIdentity = admin && engine.entraAdminNeedsIdentity ? (key?.identity ?? entraIdentity(c)) : undefined;
    const keyArgs = encryptionArgs(key, geoKey, adminIdentity);
    const grants = [...(key?.grants ?? []), ...(geoKey?.grants ?? [])];

    const base = engine.serverArgs(spec, admin?.tenantId ?? args.tenantId);
    const grown = flexibleStorageIgnoreChanges(spec, engine.storageField);
    const ha = base["highAvailability"] as Record<string, unknown> | undefined;
    const server = engine.server(
      name,
      {
        ...base,
        ...(ha && args.standbyZone ? { highAvailability: { ...ha, standbyAvailabilityZone: args.standbyZone } } : {}),
        resourceGroupName: rg,
        location: args.location,
        ...(args.zone ? { zone: args.zone } : {}),
        // A restored server keeps the source's admin login; the password is reset to the one in Key Vault.
        ...(spec.restore ? {} : { administratorLogin: spec.auth.masterUsername }),
        administratorPassword: password,
        ...keyArgs,
      },
      {
        parent,
        dependsOn: grants,
        additionalSecretOutputs: ["administratorPassword"],
        // Azure moves the primary to the standby's zone on failover; following it back is not a change we want.
        ignoreChanges: ["zone", "highAvailability.standbyAvailabilityZone", ...grown, ...(spec.restore ? flexibleRestoreIgnoreChanges : [])],
      },
    );
    this.server = server.resource;

    // Azure rejects concurrent parameter updates on one server ("ServerIsBusy"): apply them in sequence.
    let previous: pulumi.Resource | undefined;
    for (const p of engine.parameters(spec)) {
      previous = engine.configuration(`${name}-param-${p.name.replace(/[^a-z0-9]+/gi, "-")}`, server, rg, p, { parent, ...(previous ? { dependsOn: [previous] } : {}) });
    }
    const afterParameters = previous ? [previous] : [];
    // A restored server already holds the source's databases.
    if (!spec.restore) {
      // One at a time: Azure refuses concurrent operations on a server ("ServerIsBusy").
      let before: pulumi.Resource[] = afterParameters;
      for (const [i, databaseName] of [spec.databaseName, ...(spec.additionalDatabases ?? [])].entries()) {
        const suffix = i === 0 ? "db" : `db-${databaseName.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
        before = [engine.database(`${name}-${suffix}`, server, rg, databaseName, { parent, dependsOn: before })];
      }
    }
    if (!spec.network.private) {
      spec.network.allowedCidrs.forEach((cidr, i) => {
        const range = cidrToRange(cidr);
        engine.firewallRule(`${name}-allow-${i}`, server, rg, { name: `allow-${i}`, ...range }, { parent });
      });
    }
    if (admin) {
      const tenantId: ResourceRef = admin.tenantId ?? args.tenantId ?? "";
      engine.entraAdmin(
        `${name}-entra-admin`,
        server,
        { rg, tenantId, objectId: admin.objectId, login: admin.login, principalType: args.entraAdminPrincipalType ?? "Group", ...(adminIdentity ? { identityId: adminIdentity.id } : {}) },
        { parent },
      );
    }

    const planned = planFlexibleReplicas(spec, args.location);
    const replicas = planned.map((p) => {
      const sameRegion = p.location === args.location;
      return engine.server(
        `${name}-${p.suffix}`,
        {
          resourceGroupName: rg,
          location: p.location,
          createMode: "Replica",
          sourceServerId: server.id,
          skuName: flexibleSku(p.size),
          ...engine.replicaStorage(spec),
          ...(sameRegion && base["delegatedSubnetId"] ? { delegatedSubnetId: base["delegatedSubnetId"], privateDnsZoneId: base["privateDnsZoneId"] } : {}),
          ...(engine.kind === "postgres" ? { publicNetworkAccessEnabled: base["publicNetworkAccessEnabled"] } : { publicNetworkAccess: base["publicNetworkAccess"] }),
          ...keyArgs,
          tags: { ...spec.tags, "dbtk-replica-of": spec.name },
        },
        { parent, dependsOn: afterParameters, ...(grown.length > 0 ? { ignoreChanges: grown } : {}) },
      );
    });
    this.replicas = replicas.map((r) => r.resource);

    diagnostics(c, "server", server.id, [{ categoryGroup: "allLogs" }], ["AllMetrics"]);
    deleteLock(c, "server", server.id);
    const replicaScopes = replicas.map((r, i) => ({ id: r.id, location: planned[i]!.location }));
    metricAlerts(c, server.id, { namespace: engine.namespace, connections: "active_connections", lag: { metric: engine.lagMetric, scopes: replicaScopes } });
    const dashboard = createAzureDashboard({
      ...c,
      namespace: engine.namespace as AzureMetricNamespace,
      charts: { cpu: "cpu_percent", memory: "memory_percent", storage: "storage_percent", connections: "active_connections", lag: engine.lagMetric },
      resources: [{ id: server.id, location: args.location, role: "primary" }, ...replicaScopes.map((r) => ({ ...r, role: "replica" as const }))],
    });
    this.dashboard = dashboard?.dashboard;
    this.dashboardUrl = dashboard ? dashboard.url : pulumi.output(undefined);

    const port = enginePorts[spec.engine];
    this.serverId = server.id;
    this.host = server.fqdn;
    this.port = pulumi.output(port);
    this.secretRef = secret.id;
    this.secretId = secret.id;
    this.endpoint = pulumi.interpolate`${server.fqdn}:${port}`;
    this.replicaHosts = pulumi.all(replicas.map((r) => r.fqdn));
    this.readerEndpoints = pulumi.all(replicas.map((r) => pulumi.interpolate`${r.fqdn}:${port}`));
    this.connection = pulumi.secret(
      pulumi.all([server.fqdn, password]).apply(([host, pw]) => ({
        host,
        port,
        user: spec.auth.masterUsername,
        password: pw,
        database: spec.databaseName,
        engine: spec.engine,
      })),
    );
    this.registerOutputs({ ...managedDatabaseOutputs(this), serverId: this.serverId, replicaHosts: this.replicaHosts, dashboardUrl: this.dashboardUrl });
  }
}

/** MySQL's Entra administrator reads the directory through a user-assigned identity on the server. */
function entraIdentity(c: { name: string; spec: DatabaseSpec; args: AzureFlexibleServerArgs; parent: pulumi.Resource }) {
  return new azure.authorization.UserAssignedIdentity(
    `${c.name}-entra-identity`,
    { resourceGroupName: c.args.resourceGroupName, location: c.args.location, tags: { ...c.spec.tags } },
    { parent: c.parent },
  );
}

/** identity + customerManagedKey arguments (versionless key ids, so rotations are followed). */
function encryptionArgs(key: CustomerKey | undefined, geoKey: CustomerKey | undefined, adminIdentity: azure.authorization.UserAssignedIdentity | undefined) {
  const identities = [...new Set([key?.identity, geoKey?.identity, adminIdentity])].filter((i) => i !== undefined);
  if (identities.length === 0) return {};
  return {
    identity: { type: "UserAssigned", identityIds: identities.map((i) => i.id) },
    ...(key
      ? {
          customerManagedKey: {
            keyVaultKeyId: key.versionlessKeyId,
            primaryUserAssignedIdentityId: key.identity.id,
            ...(geoKey ? { geoBackupKeyVaultKeyId: geoKey.versionlessKeyId, geoBackupUserAssignedIdentityId: geoKey.identity.id } : {}),
          },
        }
      : {}),
  };
}
