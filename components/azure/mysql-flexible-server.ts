// AzureMysqlFlexibleServer: Azure Database for MySQL flexible server from a DatabaseSpec.
import * as azure from "@pulumi/azure";
import type * as pulumi from "@pulumi/pulumi";
import type { AzureFlexibleServerArgs } from "./args.js";
import { FlexibleServerBase } from "./flexible-server.js";
import type { FlexibleEngine } from "./flexible-server.js";
import { mysqlParameters, mysqlServerArgs } from "./flexible-mapping.js";

export const mysqlEngine: FlexibleEngine = {
  kind: "mysql",
  lagMetric: "replication_lag",
  namespace: "Microsoft.DBforMySQL/flexibleServers",
  storageField: "storage.sizeGb",
  serverArgs: mysqlServerArgs,
  replicaStorage: (spec) => ({ storage: { sizeGb: spec.storage.sizeGb, ioScalingEnabled: true } }),
  parameters: mysqlParameters,
  entraAdminNeedsIdentity: true,
  server(name, args, opts) {
    const s = new azure.mysql.FlexibleServer(name, args as azure.mysql.FlexibleServerArgs, opts);
    return { resource: s, id: s.id, name: s.name, fqdn: s.fqdn };
  },
  configuration: (name, s, rg, p, opts) =>
    new azure.mysql.FlexibleServerConfiguration(name, { resourceGroupName: rg, serverName: s.name, name: p.name, value: p.value }, opts),
  database: (name, s, rg, databaseName, opts) =>
    new azure.mysql.FlexibleDatabase(name, { resourceGroupName: rg, serverName: s.name, name: databaseName, charset: "utf8mb4", collation: "utf8mb4_unicode_ci" }, opts),
  firewallRule: (name, s, rg, r, opts) =>
    new azure.mysql.FlexibleServerFirewallRule(name, { resourceGroupName: rg, serverName: s.name, name: r.name, startIpAddress: r.start, endIpAddress: r.end }, opts),
  entraAdmin: (name, s, a, opts) =>
    new azure.mysql.FlexibleServerActiveDirectoryAdministratory(
      name,
      { serverId: s.id, identityId: a.identityId ?? "", login: a.login, objectId: a.objectId, tenantId: a.tenantId },
      opts,
    ),
};

export class AzureMysqlFlexibleServer extends FlexibleServerBase {
  static readonly type = "provisioning:azure:MysqlFlexibleServer";
  constructor(name: string, args: AzureFlexibleServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(AzureMysqlFlexibleServer.type, mysqlEngine, name, args, opts);
  }
}
