// AzurePostgresFlexibleServer: Azure Database for PostgreSQL flexible server from a DatabaseSpec.
import * as azure from "@pulumi/azure";
import type * as pulumi from "@pulumi/pulumi";
import type { AzureFlexibleServerArgs } from "./args.js";
import { FlexibleServerBase } from "./flexible-server.js";
import type { FlexibleEngine, FlexibleServerHandle } from "./flexible-server.js";
import { postgresParameters, postgresServerArgs } from "./flexible-mapping.js";

const server = (h: FlexibleServerHandle) => h.resource as azure.postgresql.FlexibleServer;

export const postgresEngine: FlexibleEngine = {
  kind: "postgres",
  lagMetric: "physical_replication_delay_in_seconds",
  namespace: "Microsoft.DBforPostgreSQL/flexibleServers",
  storageField: "storageMb",
  serverArgs: postgresServerArgs,
  replicaStorage: (spec) => ({ storageMb: spec.storage.sizeGb * 1024 }),
  parameters: postgresParameters,
  entraAdminNeedsIdentity: false,
  server(name, args, opts) {
    const s = new azure.postgresql.FlexibleServer(name, args as azure.postgresql.FlexibleServerArgs, opts);
    return { resource: s, id: s.id, name: s.name, fqdn: s.fqdn };
  },
  configuration: (name, s, _rg, p, opts) => new azure.postgresql.FlexibleServerConfiguration(name, { serverId: s.id, name: p.name, value: p.value }, opts),
  database: (name, s, _rg, databaseName, opts) =>
    new azure.postgresql.FlexibleServerDatabase(name, { serverId: s.id, name: databaseName, charset: "UTF8", collation: "en_US.utf8" }, opts),
  firewallRule: (name, s, _rg, r, opts) =>
    new azure.postgresql.FlexibleServerFirewallRule(name, { serverId: s.id, name: r.name, startIpAddress: r.start, endIpAddress: r.end }, opts),
  entraAdmin: (name, s, a, opts) =>
    new azure.postgresql.FlexibleServerActiveDirectoryAdministrator(
      name,
      { serverName: server(s).name, resourceGroupName: a.rg, tenantId: a.tenantId, objectId: a.objectId, principalName: a.login, principalType: a.principalType },
      opts,
    ),
};

export class AzurePostgresFlexibleServer extends FlexibleServerBase {
  static readonly type = "provisioning:azure:PostgresFlexibleServer";
  constructor(name: string, args: AzureFlexibleServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(AzurePostgresFlexibleServer.type, postgresEngine, name, args, opts);
  }
}
