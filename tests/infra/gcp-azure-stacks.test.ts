// The infra program (infra/index.ts) evaluated under Pulumi mocks with Pulumi.gcp-dev.yaml and
// Pulumi.azure-prod.yaml: the registry picks the GCP / Azure component and the stack outputs are the same
// shape as on AWS.
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { installMocks, isSecretValue, ofType, one, plain, registered, reset, value } from "../components/support/harness.ts";
import { runInfra, stackConfig } from "../components/support/program.ts";

installMocks();

const runStack = runInfra;

const inputs = (type: string) => plain<Record<string, any>>(one(type).inputs);

beforeEach(reset);

describe("Pulumi.gcp-dev.yaml", () => {
  it("deploys a private Cloud SQL PostgreSQL instance with the stack's overrides", async () => {
    const out = await runStack(stackConfig("gcp-dev"));
    expect(out.cloud).toBe("gcp");
    expect(out.environment).toBe("dev");
    expect(one("provisioning:gcp:CloudSqlDatabase").name).toBe("orders-gcp-dev");
    const instance = inputs("gcp:sql/databaseInstance:DatabaseInstance");
    expect(instance).toMatchObject({ region: "europe-west1", project: "acme-orders-dev", databaseVersion: "POSTGRES_17", deletionProtection: false });
    expect(instance["settings"]).toMatchObject({
      tier: "db-custom-1-3840",
      availabilityType: "ZONAL",
      ipConfiguration: { ipv4Enabled: false, privateNetwork: "projects/acme-orders-dev/global/networks/orders-dev", sslMode: "ENCRYPTED_ONLY" },
      backupConfiguration: { enabled: true, startTime: "02:00", backupRetentionSettings: { retainedBackups: 3 }, pointInTimeRecoveryEnabled: true },
      insightsConfig: { queryInsightsEnabled: true },
      userLabels: { team: "orders", environment: "dev", "cost-center": "cc-4521" },
    });
    expect(instance["settings"]["databaseFlags"]).toEqual([
      { name: "log_connections", value: "on" },
      { name: "log_disconnections", value: "on" },
      { name: "log_min_duration_statement", value: "500" },
      { name: "cloudsql.iam_authentication", value: "on" },
    ]);
    expect(inputs("gcp:monitoring/alertPolicy:AlertPolicy")).toMatchObject({ notificationChannels: ["projects/acme-orders-dev/notificationChannels/4412876523019887314"] });
    expect(ofType("gcp:kms/cryptoKey:CryptoKey")).toHaveLength(0);
    expect(isSecretValue(one("gcp:secretmanager/secretVersion:SecretVersion").inputs["secretData"])).toBe(true);
    expect(await value(out.endpoint)).toBe("10.20.0.5:5432");
    expect(await value(out.secretRef)).toBe("projects/mock-project/secrets/orders-gcp-dev-db-password");
    expect(await pulumi.isSecret(out.connection)).toBe(true);
    expect(await pulumi.isSecret(out.endpoint)).toBe(false);
  });

  it("db:regions gives the cross-region replica its Cloud KMS key", async () => {
    const key = (region: string) => `projects/acme-orders-dev/locations/${region}/keyRings/orders/cryptoKeys/db`;
    const config = stackConfig("gcp-dev");
    const overrides = JSON.parse(config["db:overrides"]!) as Record<string, any>;
    overrides["encryption"] = { atRest: { type: "customer-key", keyId: key("europe-west1") } };
    overrides["replicas"] = [{ region: "europe-north1", count: 1 }];
    await runStack({ ...config, "db:overrides": JSON.stringify(overrides), "db:regions": JSON.stringify({ "europe-north1": { keyId: key("europe-north1") } }) });
    const instances = ofType("gcp:sql/databaseInstance:DatabaseInstance").map((r) => plain<Record<string, any>>(r.inputs));
    expect(instances.map((i) => [i["region"], i["encryptionKeyName"]])).toEqual([
      ["europe-west1", key("europe-west1")],
      ["europe-north1", key("europe-north1")],
    ]);
  });

  it("a missing gcp:region is reported by key", async () => {
    const { ["gcp:region"]: _dropped, ...config } = stackConfig("gcp-dev");
    await expect(runStack(config)).rejects.toThrow(/gcp:region is not set; set it with pulumi config set gcp:region/);
    expect(registered.filter((r) => r.type.startsWith("gcp:"))).toHaveLength(0);
  });
});

describe("Pulumi.gcp-prod.yaml", () => {
  it("deploys the prod preset: regional, CMEK per region, DR replica, deletion protection, connections logged", async () => {
    const out = await runStack(stackConfig("gcp-prod"));
    expect(out.environment).toBe("prod");
    const instances = ofType("gcp:sql/databaseInstance:DatabaseInstance").map((r) => plain<Record<string, any>>(r.inputs));
    const primary = instances.find((i) => !i["masterInstanceName"])!;
    expect(primary).toMatchObject({ region: "europe-west1", project: "acme-orders-prod", deletionProtection: true });
    expect(primary["settings"]).toMatchObject({ availabilityType: "REGIONAL", deletionProtectionEnabled: true, ipConfiguration: { ipv4Enabled: false, sslMode: "ENCRYPTED_ONLY" } });
    expect(primary["settings"]["databaseFlags"]).toEqual(expect.arrayContaining([{ name: "log_connections", value: "on" }, { name: "log_disconnections", value: "on" }]));
    expect(instances.map((i) => i["region"]).sort()).toEqual(["europe-west1", "europe-west1", "europe-west4"]);
    for (const i of instances) expect(String(i["encryptionKeyName"])).toContain(`/locations/${i["region"]}/`);
    expect(ofType("gcp:kms/cryptoKey:CryptoKey").length).toBe(2);
  });
});

// SQL Database takes a plain subnet for its private endpoint (a private prod server without one is refused).
const sqlEndpointSubnet = "/subscriptions/s/resourceGroups/rg-network-prod/providers/Microsoft.Network/virtualNetworks/vnet-prod-weu/subnets/snet-orders-sql";

describe("Pulumi.azure-prod.yaml", () => {
  it("deploys a zone-redundant PostgreSQL flexible server with a customer key, replica, lock and diagnostics", async () => {
    const out = await runStack(stackConfig("azure-prod"));
    expect(out.cloud).toBe("azure");
    expect(out.environment).toBe("prod");
    const [primary, replica] = ofType("azure:postgresql/flexibleServer:FlexibleServer").map((r) => plain<Record<string, any>>(r.inputs));
    expect(primary).toMatchObject({
      location: "westeurope",
      resourceGroupName: "rg-orders-prod",
      skuName: "GP_Standard_D4ds_v5",
      storageMb: 256 * 1024,
      autoGrowEnabled: true,
      highAvailability: { mode: "ZoneRedundant" },
      backupRetentionDays: 35,
      publicNetworkAccessEnabled: false,
      delegatedSubnetId: expect.stringMatching(/subnets\/snet-orders-postgres$/),
      privateDnsZoneId: expect.stringMatching(/orders-prod\.postgres\.database\.azure\.com$/),
      customerManagedKey: { keyVaultKeyId: expect.stringMatching(/keys\/orders-azure-prod-primary-cmk$/) },
      authentication: { activeDirectoryAuthEnabled: true, passwordAuthEnabled: true },
    });
    expect(replica).toMatchObject({ createMode: "Replica", location: "westeurope" });
    expect(inputs("azure:keyvault/key:Key")).toMatchObject({ keyVaultId: expect.stringMatching(/vaults\/kv-orders-prod$/), rotationPolicy: { automatic: { timeAfterCreation: "P365D" } } });
    expect(inputs("azure:postgresql/flexibleServerActiveDirectoryAdministrator:FlexibleServerActiveDirectoryAdministrator")).toMatchObject({
      principalName: "sg-orders-dba",
      tenantId: "3f2a9c1e-8b7d-4e6f-a5c4-1d0e9b8a7c6f",
    });
    expect(inputs("azure:management/lock:Lock")).toMatchObject({ lockLevel: "CanNotDelete" });
    expect(inputs("azure:monitoring/diagnosticSetting:DiagnosticSetting")).toMatchObject({ logAnalyticsWorkspaceId: expect.stringMatching(/workspaces\/log-orders-prod$/) });
    const alerts = ofType("azure:monitoring/metricAlert:MetricAlert").map((a) => plain<Record<string, any>>(a.inputs));
    expect(alerts.map((a) => a["criterias"][0]["metricName"])).toEqual(["cpu_percent", "storage_percent", "active_connections", "physical_replication_delay_in_seconds"]);
    for (const a of alerts) expect(a["actions"]).toEqual([{ actionGroupId: expect.stringMatching(/actionGroups\/ag-orders-oncall$/) }]);
    expect(isSecretValue(one("azure:keyvault/secret:Secret").inputs["value"])).toBe(true);
    expect(await value(out.endpoint)).toBe("orders-azure-prod-a1b2c3.postgres.database.azure.com:5432");
    expect(await value(out.secretRef)).toMatch(/secrets\/orders-azure-prod-admin-password/);
    expect(await pulumi.isSecret(out.connection)).toBe(true);
  });

  it("picks Azure SQL Database for sqlserver", async () => {
    const config: Record<string, string> = { ...stackConfig("azure-prod"), "db:engine": "sqlserver", "db:subnetIds": JSON.stringify([sqlEndpointSubnet]) };
    const overrides = JSON.parse(config["db:overrides"]!) as Record<string, any>;
    delete overrides["network"];
    delete overrides["auth"]["iamAuthentication"];
    overrides["storage"] = { sizeGb: 250, maxSizeGb: 250 };
    config["db:overrides"] = JSON.stringify(overrides);
    await runStack(config);
    expect(one("provisioning:azure:SqlDatabase").name).toBe("orders-azure-prod");
    expect(ofType("azure:mssql/server:Server").length).toBeGreaterThan(0);
  });

  it("db:regions gives a SQL Database geo-secondary its private-endpoint subnet", async () => {
    const subnet = "/subscriptions/s/resourceGroups/rg-network-prod/providers/Microsoft.Network/virtualNetworks/vnet-prod-neu/subnets/snet-orders-sql";
    const config: Record<string, string> = { ...stackConfig("azure-prod"), "db:engine": "sqlserver", "db:subnetIds": JSON.stringify([sqlEndpointSubnet]) };
    const overrides = JSON.parse(config["db:overrides"]!) as Record<string, any>;
    delete overrides["network"];
    delete overrides["auth"]["iamAuthentication"];
    overrides["storage"] = { sizeGb: 250, maxSizeGb: 250 };
    overrides["replicas"] = [{ region: "northeurope", count: 1 }];
    config["db:overrides"] = JSON.stringify(overrides);
    await runStack({ ...config, "db:regions": JSON.stringify({ northeurope: { subnetIds: [subnet] } }) });
    const endpoints = ofType("azure:privatelink/endpoint:Endpoint").map((r) => plain<Record<string, any>>(r.inputs));
    expect(endpoints.map((e) => [e["location"], e["subnetId"]])).toEqual([["westeurope", sqlEndpointSubnet], ["northeurope", subnet]]);
  });

  it("a spec Azure refuses is reported in configuration terms, before any resource", async () => {
    const config = stackConfig("azure-prod");
    const overrides = JSON.parse(config["db:overrides"]!) as Record<string, any>;
    overrides["backup"] = { retentionDays: 90 };
    await expect(runStack({ ...config, "db:overrides": JSON.stringify(overrides) })).rejects.toThrow(/db:overrides\.backup\.retentionDays: 90 is outside 7–35 days/);
    expect(registered.filter((r) => r.type.startsWith("azure:"))).toHaveLength(0);
  });

  it("a missing db:keyVaultId is reported by key", async () => {
    const { ["db:keyVaultId"]: _dropped, ...config } = stackConfig("azure-prod");
    await expect(runStack(config)).rejects.toThrow(/db:keyVaultId is not set/);
  });
});

describe("dashboardUrl stack output", () => {
  it.each([
    ["dev", /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#dashboards\/dashboard\//],
    ["gcp-dev", /^https:\/\/console\.cloud\.google\.com\/monitoring\/dashboards\/custom\/.+\?project=/],
    ["azure-prod", /^https:\/\/portal\.azure\.com\/#@\/dashboard\/arm/],
  ])("%s exports the console dashboard of the database", async (stack, url) => {
    const out = await runStack(stackConfig(stack));
    expect(await value(out.dashboardUrl)).toMatch(url);
    expect(await pulumi.isSecret(out.dashboardUrl)).toBe(false);
  });

  it("is undefined when the spec turns the dashboard off", async () => {
    const config = stackConfig("gcp-dev");
    const overrides = JSON.parse(config["db:overrides"]!) as Record<string, any>;
    overrides["observability"] = { ...(overrides["observability"] ?? {}), dashboard: false };
    const out = await runStack({ ...config, "db:overrides": JSON.stringify(overrides) });
    expect(await value(out.dashboardUrl)).toBeUndefined();
  });
});

describe("Pulumi.gcp-prod.yaml: audit and passwords", () => {
  it("turns pgaudit and the password validation policy on", async () => {
    await runStack(stackConfig("gcp-prod"));
    const primary = ofType("gcp:sql/databaseInstance:DatabaseInstance").map((r) => plain<Record<string, any>>(r.inputs)).find((i) => !i["masterInstanceName"])!;
    expect(primary["settings"]["databaseFlags"]).toEqual(expect.arrayContaining([{ name: "cloudsql.enable_pgaudit", value: "on" }, { name: "pgaudit.log", value: "ddl,role" }]));
    expect(primary["settings"]["passwordValidationPolicy"]).toMatchObject({ enablePasswordPolicy: true, minLength: 16 });
  });
});
