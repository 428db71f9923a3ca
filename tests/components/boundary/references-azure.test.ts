// The Azure components take their references (delegated subnet, private DNS zone, Log Analytics workspace,
// Key Vault keys, action group, Entra admin, secondaries' subnets) as Outputs of other resources or a
// StackReference; the provider args get the values, and counts (one subnet) still apply.
import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { SpecValidationError } from "../../../components/spec/index.ts";
import { Tracker, installMocks, ofType, one, plain, reset, setStackOutputs } from "../support/harness.ts";

installMocks();
const { AzurePostgresFlexibleServer, AzureSqlDatabase } = await import("../../../components/azure/index.ts");

const stack = "acme/identity/prod";
const vault = "https://orders-kv.vault.azure.net/keys";
setStackOutputs(
  stack,
  {
    dbaGroup: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    tenant: "3f2a9c1e-8b7d-4e6f-a5c4-1d0e9b8a7c6f",
    cmk: `${vault}/cmk/0123456789abcdef0123456789abcdef`,
    geoCmk: `${vault}/geo-cmk/fedcba9876543210fedcba9876543210`,
    northSubnet: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/north/subnets/db",
  },
  ["cmk"],
);

const common = { resourceGroupName: "rg", location: "westeurope", keyVaultId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/orders-kv" };
const inputsOf = (type: string) => ofType(type).map((r) => plain<Record<string, any>>(r.inputs));

/** Network, workspace and action group of the same program. */
function siblings() {
  return {
    subnet: new azure.network.Subnet("db", { resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.0.1.0/24"] }),
    zone: new azure.privatedns.Zone("dns", { name: "orders.postgres.database.azure.com", resourceGroupName: "rg" }),
    workspace: new azure.operationalinsights.AnalyticsWorkspace("logs", { resourceGroupName: "rg", location: "westeurope" }),
    oncall: new azure.monitoring.ActionGroup("oncall", { resourceGroupName: "rg", shortName: "oncall" }),
  };
}

beforeEach(reset);

describe("Azure components with Output references", () => {
  it("flexible server: subnet, DNS zone, keys, workspace, action group and Entra admin reach the provider args", async () => {
    const tracker = new Tracker();
    const { subnet, zone, workspace, oncall } = siblings();
    const identity = new pulumi.StackReference(stack);
    new AzurePostgresFlexibleServer(
      "orders",
      {
        ...common,
        environment: "prod",
        geoBackupKey: { keyId: identity.getOutput("geoCmk") },
        input: {
          name: "orders",
          engine: "postgres",
          network: { subnetIds: [subnet.id], privateDnsZoneId: zone.id },
          encryption: { atRest: { type: "customer-key", keyId: identity.getOutput("cmk") } },
          backup: { crossRegionCopy: { region: "northeurope" } },
          auth: { entraAdmin: { login: "sg-orders-dba", objectId: identity.getOutput("dbaGroup"), tenantId: Promise.resolve("3f2a9c1e-8b7d-4e6f-a5c4-1d0e9b8a7c6f") } },
          observability: { logAnalyticsWorkspaceId: workspace.id, alarms: { enabled: true, notificationTarget: oncall.id } },
        },
      },
      { transformations: [tracker.transformation] },
    );
    await tracker.settle();
    const [primary, replica] = inputsOf("azure:postgresql/flexibleServer:FlexibleServer");
    expect(primary).toMatchObject({
      delegatedSubnetId: "db-id",
      privateDnsZoneId: "dns-id",
      // Versionless ids, derived once the Outputs are known, so the server follows rotations.
      customerManagedKey: { keyVaultKeyId: `${vault}/cmk`, geoBackupKeyVaultKeyId: `${vault}/geo-cmk` },
    });
    expect(replica).toMatchObject({ createMode: "Replica", delegatedSubnetId: "db-id", privateDnsZoneId: "dns-id" });
    expect(inputsOf("azure:monitoring/diagnosticSetting:DiagnosticSetting")[0]).toMatchObject({ logAnalyticsWorkspaceId: "logs-id" });
    const alerts = inputsOf("azure:monitoring/metricAlert:MetricAlert");
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) expect(alert["actions"]).toEqual([{ actionGroupId: "oncall-id" }]);
    expect(plain(one("azure:postgresql/flexibleServerActiveDirectoryAdministrator:FlexibleServerActiveDirectoryAdministrator").inputs)).toMatchObject({
      objectId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
      tenantId: "3f2a9c1e-8b7d-4e6f-a5c4-1d0e9b8a7c6f",
    });
  });

  it("SQL Database: private endpoints (primary and secondary region), DNS zone and TDE key from Outputs", async () => {
    const tracker = new Tracker();
    const { subnet, zone, workspace } = siblings();
    const identity = new pulumi.StackReference(stack);
    new AzureSqlDatabase(
      "orders",
      {
        ...common,
        environment: "prod",
        replicaSubnetIds: { northeurope: identity.getOutput("northSubnet") },
        input: {
          name: "orders",
          engine: "sqlserver",
          replicas: [{ region: "northeurope", count: 1 }],
          network: { subnetIds: [subnet.id], privateDnsZoneId: zone.id },
          encryption: { atRest: { type: "customer-key", keyId: identity.getOutput("cmk") } },
          observability: { logAnalyticsWorkspaceId: workspace.id, alarms: { enabled: true } },
        },
      },
      { transformations: [tracker.transformation] },
    );
    await tracker.settle();
    const endpoints = new Map(inputsOf("azure:privatelink/endpoint:Endpoint").map((e) => [e["location"] as string, e]));
    expect(endpoints.get("westeurope")).toMatchObject({ subnetId: "db-id", privateDnsZoneGroup: { name: "sql", privateDnsZoneIds: ["dns-id"] } });
    expect(endpoints.get("northeurope")?.["subnetId"]).toBe("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/north/subnets/db");
    const tdes = inputsOf("azure:mssql/serverTransparentDataEncryption:ServerTransparentDataEncryption");
    expect(tdes.map((t) => t["keyVaultKeyId"])).toEqual([`${vault}/cmk/0123456789abcdef0123456789abcdef`, `${vault}/cmk/0123456789abcdef0123456789abcdef`]);
    expect(inputsOf("azure:monitoring/diagnosticSetting:DiagnosticSetting").map((d) => d["logAnalyticsWorkspaceId"])).toEqual(["logs-id", "logs-id", "logs-id"]);
  });

  it("counts Output subnets: two are refused (Azure takes one subnet)", () => {
    const a = new azure.network.Subnet("a", { resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.0.1.0/24"] });
    const b = new azure.network.Subnet("b", { resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.0.2.0/24"] });
    const make = () =>
      new AzurePostgresFlexibleServer("orders", {
        ...common,
        environment: "dev",
        input: { name: "orders", engine: "postgres", network: { subnetIds: [a.id, b.id], privateDnsZoneId: "dns-id" } },
      });
    expect(make).toThrow(SpecValidationError);
    expect(make).toThrow(/network\.subnetIds: \["<unresolved until deploy>","<unresolved until deploy>"\]: .* list exactly one/);
  });
});
