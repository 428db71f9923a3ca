import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { SpecValidationError } from "../../../components/spec/index.ts";
import { Tracker, installMocks, isSecretOutput, isSecretValue, ofType, one, plain, registered, reset, value } from "../support/harness.ts";

installMocks();
const { AzureSqlDatabase } = await import("../../../components/azure/index.ts");

const SERVER = "azure:mssql/server:Server";
const DATABASE = "azure:mssql/database:Database";
const workspace = "/subscriptions/s/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/logs";
const place = { resourceGroupName: "rg-db", location: "westeurope", keyVaultId: "/subscriptions/s/resourceGroups/rg-db/providers/Microsoft.KeyVault/vaults/kv" };

async function render(input: Partial<DatabaseSpecInput>, environment: Environment = "dev", extra: Record<string, unknown> = {}, opts: pulumi.ComponentResourceOptions = {}) {
  const tracker = new Tracker();
  // A private server needs a subnet for its private endpoint (refused without one in staging and prod).
  const endpoint = environment === "dev" ? {} : { network: { subnetIds: ["/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/sql"] } };
  const db = new AzureSqlDatabase("orders", { environment, ...place, input: { name: "orders", engine: "sqlserver", ...endpoint, ...input } as DatabaseSpecInput, ...extra }, { ...opts, transformations: [tracker.transformation] });
  await tracker.settle();
  return { db, tracker };
}

beforeEach(reset);

describe("AzureSqlDatabase: dev preset", () => {
  it("server with TLS 1.2, no public access, system identity; serverless database with 1-day PITR", async () => {
    await render({});
    expect(one(SERVER).inputs).toMatchObject({
      version: "12.0",
      minimumTlsVersion: "1.2",
      publicNetworkAccessEnabled: false,
      administratorLogin: "dbadmin",
      identity: { type: "SystemAssigned" },
      location: "westeurope",
      resourceGroupName: "rg-db",
    });
    expect(one(DATABASE).inputs).toMatchObject({
      name: "app",
      skuName: "GP_S_Gen5_1",
      zoneRedundant: false,
      transparentDataEncryptionEnabled: true,
      shortTermRetentionPolicy: { retentionDays: 1 },
    });
    for (const absent of ["azure:mssql/serverTransparentDataEncryption:ServerTransparentDataEncryption", "azure:management/lock:Lock", "azure:mssql/failoverGroup:FailoverGroup", "azure:mssql/firewallRule:FirewallRule"]) {
      expect(ofType(absent), absent).toHaveLength(0);
    }
  });

  it("password is random, stored in Key Vault and secret everywhere", async () => {
    const { db } = await render({});
    const kvSecret = one("azure:keyvault/secret:Secret");
    expect(kvSecret.inputs).toMatchObject({ keyVaultId: place.keyVaultId, name: "orders-admin-password" });
    expect(isSecretValue(kvSecret.inputs["value"])).toBe(true);
    expect(isSecretValue(one(SERVER).inputs["administratorLoginPassword"])).toBe(true);
    expect(plain(kvSecret.inputs["value"])).toBe(plain(one(SERVER).inputs["administratorLoginPassword"]));
    expect(await isSecretOutput(db.connection)).toBe(true);
    expect(await value(db.connection)).toMatchObject({ host: "orders-primary-a1b2c3.database.windows.net", port: 1433, user: "dbadmin", database: "app", engine: "sqlserver" });
    expect(await value(db.secretId)).toMatch(/secrets\/orders-admin-password/);
  });

  it("parents children and passes the provider", async () => {
    const provider = new azure.Provider("azure-we", { features: {}, subscriptionId: "00000000-0000-0000-0000-000000000000" });
    const { db, tracker } = await render({ replicas: [{ region: "northeurope", count: 1 }] }, "prod", {}, { providers: { azure: provider } });
    const children = tracker.resources.filter((r) => r.resource !== db);
    expect(children.length).toBe(registered.filter((r) => r.type !== "pulumi:providers:azure").length - 1);
    for (const child of children) expect(child.parent, child.name).toBe(db);
    const azureChildren = registered.filter((r) => r.type.startsWith("azure:"));
    for (const r of azureChildren) expect(r.provider, r.type).toMatch(/pulumi:providers:azure::azure-we::/);
  });
});

describe("AzureSqlDatabase: prod preset", () => {
  it("TDE protector from a created rotating key, granted to a user-assigned identity; zone-redundant; locked", async () => {
    const { tracker } = await render({}, "prod");
    const key = one("azure:keyvault/key:Key");
    expect(key.inputs).toMatchObject({ keyVaultId: place.keyVaultId, keyType: "RSA", keySize: 3072, rotationPolicy: { automatic: { timeAfterCreation: "P365D" } } });
    expect(tracker.optionsOf("azure:keyvault/key:Key").protect).toBe(true);
    const grant = one("azure:authorization/assignment:Assignment");
    expect(grant.inputs).toMatchObject({ scope: place.keyVaultId, roleDefinitionName: "Key Vault Crypto Service Encryption User", principalId: "33333333-3333-3333-3333-333333333333" });
    const servers = ofType(SERVER);
    expect(servers).toHaveLength(2); // primary + same-region geo-secondary
    for (const s of servers) {
      expect(s.inputs["identity"]).toMatchObject({ type: "SystemAssigned, UserAssigned" });
      expect(s.inputs["primaryUserAssignedIdentityId"]).toMatch(/userAssignedIdentities/);
    }
    const tde = ofType("azure:mssql/serverTransparentDataEncryption:ServerTransparentDataEncryption");
    expect(tde).toHaveLength(2);
    for (const t of tde) expect(t.inputs).toMatchObject({ keyVaultKeyId: "https://vault.vault.azure.net/keys/orders-primary-cmk/0123456789abcdef", autoRotationEnabled: true });
    const [primaryDb, secondaryDb] = ofType(DATABASE);
    expect(primaryDb!.inputs).toMatchObject({ zoneRedundant: true, skuName: "GP_Gen5_4", shortTermRetentionPolicy: { retentionDays: 35 }, storageAccountType: "Zone" });
    expect(secondaryDb!.inputs).toMatchObject({ createMode: "Secondary", secondaryType: "Geo", creationSourceDatabaseId: primaryDb!.inputs["serverId"] + "/databases/app" });
    expect(ofType("azure:management/lock:Lock").map((l) => l.inputs["lockLevel"])).toEqual(["CanNotDelete", "CanNotDelete"]);
    expect(ofType("azure:monitoring/metricAlert:MetricAlert").map((a) => plain<{ metricName: string }[]>(a.inputs["criterias"])[0]!.metricName)).toEqual(["cpu_percent", "storage_percent"]);
  });

  it("cross-region replica: secondary server there and a failover group", async () => {
    await render({ replicas: [{ region: "northeurope", count: 1 }] }, "prod");
    const [, secondary] = ofType(SERVER);
    expect(secondary!.inputs).toMatchObject({ location: "northeurope", minimumTlsVersion: "1.2", publicNetworkAccessEnabled: false });
    const fog = one("azure:mssql/failoverGroup:FailoverGroup");
    expect(fog.inputs).toMatchObject({
      partnerServers: [{ id: expect.stringMatching(/orders-secondary-northeurope-0/) }],
      readWriteEndpointFailoverPolicy: { mode: "Automatic", graceMinutes: 60 },
      databases: [expect.stringMatching(/databases\/app$/)],
    });
  });

  it("auditing and diagnostics to Log Analytics, with Query Store statistics as the slow-query record", async () => {
    await render({ observability: { logAnalyticsWorkspaceId: workspace } }, "prod");
    // Auditing on the geo-secondary server too, so a failover keeps it.
    const audits = ofType("azure:mssql/serverExtendedAuditingPolicy:ServerExtendedAuditingPolicy");
    expect(audits.map((a) => a.name).sort()).toEqual(["orders-secondary-0-server-audit", "orders-server-audit"]);
    for (const a of audits) expect(a.inputs).toMatchObject({ enabled: true, logMonitoringEnabled: true });
    expect(one("azure:mssql/databaseExtendedAuditingPolicy:DatabaseExtendedAuditingPolicy").inputs).toMatchObject({ logMonitoringEnabled: true });
    const diags = ofType("azure:monitoring/diagnosticSetting:DiagnosticSetting");
    const targets = diags.map((d) => String(d.inputs["targetResourceId"]));
    expect(targets.filter((t) => t.endsWith("databases/master"))).toHaveLength(2);
    const app = diags.find((d) => String(d.inputs["targetResourceId"]).endsWith("databases/app"))!;
    const categories = plain<{ category: string }[]>(app.inputs["enabledLogs"]).map((l) => l.category);
    expect(categories).toContain("QueryStoreRuntimeStatistics");
    for (const d of diags) expect(d.inputs["logAnalyticsWorkspaceId"]).toBe(workspace);
  });
});

describe("AzureSqlDatabase: options", () => {
  it("public access only with firewall rules from the CIDRs", async () => {
    await render({ network: { private: false, allowedCidrs: ["203.0.113.0/24"] } });
    expect(one(SERVER).inputs["publicNetworkAccessEnabled"]).toBe(true);
    expect(one("azure:mssql/firewallRule:FirewallRule").inputs).toMatchObject({ startIpAddress: "203.0.113.0", endIpAddress: "203.0.113.255" });
  });
  it("private endpoint when a subnet is given", async () => {
    await render({ network: { subnetIds: ["/subnets/db"], privateDnsZoneId: "/zones/privatelink.database.windows.net" } });
    expect(one("azure:privatelink/endpoint:Endpoint").inputs).toMatchObject({
      subnetId: "/subnets/db",
      privateServiceConnection: { subresourceNames: ["sqlServer"], isManualConnection: false },
      privateDnsZoneGroup: { privateDnsZoneIds: ["/zones/privatelink.database.windows.net"] },
    });
  });
  it("existing key with an access policy instead of RBAC", async () => {
    const keyId = "https://kv.vault.azure.net/keys/orders/0123456789abcdef0123456789abcdef";
    await render({ encryption: { atRest: { type: "customer-key", keyId } } }, "dev", { keyVaultAccess: "access-policy" });
    expect(ofType("azure:keyvault/key:Key")).toHaveLength(0);
    expect(one("azure:keyvault/accessPolicy:AccessPolicy").inputs).toMatchObject({ keyPermissions: ["Get", "WrapKey", "UnwrapKey"] });
    expect(one("azure:mssql/serverTransparentDataEncryption:ServerTransparentDataEncryption").inputs["keyVaultKeyId"]).toBe(keyId);
  });
  it("point-in-time restore wired to the source database, restore inputs ignored later", async () => {
    const source = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/old/databases/app";
    const { tracker } = await render({ restore: { mode: "point-in-time", sourceId: source, time: "2026-11-01T10:00:00Z" } });
    expect(one(DATABASE).inputs).toMatchObject({ createMode: "PointInTimeRestore", creationSourceDatabaseId: source, restorePointInTime: "2026-11-01T10:00:00Z" });
    expect(tracker.optionsOf(DATABASE).ignoreChanges).toEqual(expect.arrayContaining(["createMode", "restorePointInTime", "creationSourceDatabaseId"]));
  });
  it("long-term retention", async () => {
    await render({ backup: { longTermRetention: { weeklyWeeks: 4, yearlyYears: 7, weekOfYear: 1 } } });
    expect(one(DATABASE).inputs["longTermRetentionPolicy"]).toEqual({ weeklyRetention: "P4W", yearlyRetention: "P7Y", weekOfYear: 1 });
  });
});

describe("AzureSqlDatabase: automatic tuning", () => {
  const DEPLOYMENT = "azure:core/resourceGroupTemplateDeployment:ResourceGroupTemplateDeployment";
  const advisors = (r: { inputs: Record<string, unknown> }) =>
    (JSON.parse(plain<string>(r.inputs["templateContent"])) as { resources: { type: string; name: string; properties: { autoExecuteValue: string } }[] }).resources.map((a) => [
      a.type,
      a.name.match(/'\/(\w+)'\)\]$/)![1],
      a.properties.autoExecuteValue,
    ]);

  it("by default: an incremental deployment per server setting the advisors, parented to the component", async () => {
    const { db, tracker } = await render({ tags: { team: "orders" } });
    const d = one(DEPLOYMENT);
    expect(d.inputs).toMatchObject({ resourceGroupName: "rg-db", deploymentMode: "Incremental", tags: { team: "orders" } });
    expect(advisors(d)).toEqual([
      ["Microsoft.Sql/servers/advisors", "CreateIndex", "Enabled"],
      ["Microsoft.Sql/servers/advisors", "DropIndex", "Disabled"],
      ["Microsoft.Sql/servers/advisors", "ForceLastGoodPlan", "Enabled"],
    ]);
    expect(JSON.parse(plain<string>(d.inputs["parametersContent"]))).toEqual({ serverName: { value: "orders-primary-a1b2c3" } });
    const tracked = tracker.find("orders-primary-tuning");
    expect(tracked.parent).toBe(db);
    expect(tracked.opts.dependsOn).toEqual(expect.arrayContaining([db.server, db.database]));
    expect(db.automaticTuning).toHaveLength(1);
  });

  it("asked options reach the template", async () => {
    await render({}, "dev", { automaticTuning: { dropIndex: true, forceLastGoodPlan: false } });
    expect(advisors(one(DEPLOYMENT)).map(([, name, value]) => `${name}=${value}`)).toEqual(["CreateIndex=Enabled", "DropIndex=Enabled", "ForceLastGoodPlan=Disabled"]);
  });

  it("every secondary server gets the same settings, so a failover keeps them", async () => {
    await render({ replicas: [{ region: "northeurope", count: 1 }] }, "prod");
    const deployments = ofType(DEPLOYMENT);
    expect(deployments.map((d) => d.name)).toEqual(["orders-primary-tuning", "orders-secondary-northeurope-0-tuning"]);
    expect(deployments.map((d) => JSON.parse(plain<string>(d.inputs["parametersContent"])).serverName.value)).toEqual(["orders-primary-a1b2c3", "orders-secondary-northeurope-0-a1b2c3"]);
    expect(new Set(deployments.map((d) => d.inputs["templateContent"])).size).toBe(1);
  });

  it("absent when disabled", async () => {
    const { db } = await render({}, "dev", { automaticTuning: { enabled: false, createIndex: true } });
    expect(ofType(DEPLOYMENT)).toHaveLength(0);
    expect(db.automaticTuning).toEqual([]);
    expect(ofType(DATABASE)).toHaveLength(1);
  });
});

describe("AzureSqlDatabase: invalid specs register nothing", () => {
  for (const engine of ["postgres", "mysql"] as const) {
    it(`rejects engine ${engine}, naming the field and the component to use`, () => {
      let error: unknown;
      try {
        new AzureSqlDatabase("bad", { environment: "dev", ...place, input: { name: "orders", engine } });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SpecValidationError);
      const issue = (error as SpecValidationError).issues[0]!;
      expect(issue).toMatchObject({ path: "engine", value: engine, cloud: "azure" });
      expect(issue.message).toMatch(engine === "postgres" ? /PostgresFlexibleServer/ : /MysqlFlexibleServer/);
      expect(registered).toHaveLength(0);
    });
  }
  it("rejects a restore without a time", () => {
    expect(() => new AzureSqlDatabase("bad", { environment: "dev", ...place, input: { name: "orders", engine: "sqlserver", restore: { mode: "point-in-time", sourceId: "/db", useLatestRestorableTime: true } } })).toThrow(/restore.time/);
    expect(registered).toHaveLength(0);
  });
});
