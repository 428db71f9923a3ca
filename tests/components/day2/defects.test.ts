// The defects of issue #12, each pinned by a test that failed on the code before the fix. Day-2 replacement
// defects (storage growth, key ARNs, replica disks, snapshot names) are rows of lifecycle.test.ts too.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { SpecValidationError } from "../../../components/spec/index.ts";
import { T, Tracker, installMocks, ofType, one, plain, reset } from "../support/harness.ts";

installMocks();
const { AwsRdsDatabase } = await import("../../../components/aws/index.ts");
const { GcpCloudSqlDatabase } = await import("../../../components/gcp/index.ts");
const { AzurePostgresFlexibleServer, AzureMysqlFlexibleServer, AzureSqlDatabase } = await import("../../../components/azure/index.ts");

const PG = "azure:postgresql/flexibleServer:FlexibleServer";
const MY = "azure:mysql/flexibleServer:FlexibleServer";
const ALERT = "azure:monitoring/metricAlert:MetricAlert";
const TENANT = "3f2a9c1e-8b7d-4e6f-a5c4-1d0e9b8a7c6f";
const azureNet = (engine: string) => ({
  subnetIds: [`/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/${engine}`],
  privateDnsZoneId: `/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/o.${engine}.database.azure.com`,
});
const place = { resourceGroupName: "rg", location: "westeurope", keyVaultId: "/vaults/kv" };
const awsNet = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"] };

async function settle(make: (t: Tracker) => unknown) {
  const tracker = new Tracker();
  make(tracker);
  await tracker.settle();
  return tracker;
}
const azurePg = (input: Partial<DatabaseSpecInput>, environment: Environment = "dev", extra: Record<string, unknown> = {}) =>
  settle((t) => new AzurePostgresFlexibleServer("orders", { environment, ...place, ...extra, input: { name: "orders", engine: "postgres", network: azureNet("postgres"), ...input } as DatabaseSpecInput }, { transformations: [t.transformation] }));
const azureMy = (input: Partial<DatabaseSpecInput>, environment: Environment = "dev", extra: Record<string, unknown> = {}) =>
  settle((t) => new AzureMysqlFlexibleServer("shop", { environment, ...place, ...extra, input: { name: "shop", engine: "mysql", network: azureNet("mysql"), ...input } as DatabaseSpecInput }, { transformations: [t.transformation] }));
const aws = (input: Partial<DatabaseSpecInput>, environment: Environment = "dev", extra: Record<string, unknown> = {}) =>
  settle((t) => new AwsRdsDatabase("orders", { environment, region: "us-east-1", ...extra, input: { name: "orders", engine: "postgres", network: awsNet, ...input } as DatabaseSpecInput }, { transformations: [t.transformation] }));
const gcp = (input: Partial<DatabaseSpecInput>, environment: Environment = "dev") =>
  settle((t) => new GcpCloudSqlDatabase("orders", { environment, region: "europe-west1", input: { name: "orders", engine: "postgres", network: { vpcId: "projects/p/global/networks/n" }, ...input } as DatabaseSpecInput }, { transformations: [t.transformation] }));

/** The issues a constructor throws (SpecValidationError), or [] when it does not throw. */
function issuesOf(make: () => unknown): { path: string; message: string }[] {
  try {
    make();
    return [];
  } catch (error) {
    if (error instanceof SpecValidationError) return error.issues;
    throw error;
  }
}

let warn: { mock: { calls: unknown[][] }; mockRestore(): void };
beforeEach(() => {
  reset();
  warn = vi.spyOn(pulumi.log, "warn").mockImplementation(async () => {});
});
afterEach(() => warn.mockRestore());
const warnings = (): string[] => warn.mock.calls.map((c) => String(c[0]));

describe("#1 Azure flexible: Entra authentication gets its tenant", () => {
  it("the component's tenantId (db:tenantId) reaches authentication.tenantId when entraAdmin has none", async () => {
    await azurePg({ auth: { iamAuthentication: true, entraAdmin: { login: "dba", objectId: "9b1c7e4a-2d3f-4a5b-8c6d-0e1f2a3b4c5d" } } }, "dev", { tenantId: TENANT });
    expect(plain(one(PG).inputs["authentication"])).toMatchObject({ activeDirectoryAuthEnabled: true, tenantId: TENANT });
  });
  it("a spec with Entra authentication and no tenant anywhere is refused naming both places", () => {
    const issues = issuesOf(() => new AzurePostgresFlexibleServer("orders", { environment: "dev", ...place, input: { name: "orders", engine: "postgres", network: azureNet("postgres"), auth: { iamAuthentication: true, entraAdmin: { login: "dba", objectId: "9b1c7e4a-2d3f-4a5b-8c6d-0e1f2a3b4c5d" } } } }));
    expect(issues.find((i) => i.path === "auth.entraAdmin.tenantId")?.message).toMatch(/tenantId/);
  });
});

describe("#4 AWS: key ids in the form RDS reads back", () => {
  it("cross-region replica and backup replication under the provider-managed key get the key ARN, not alias/aws/rds", async () => {
    await aws({ replicas: [{ count: 1, region: "eu-west-1" }], backup: { retentionDays: 7, pointInTimeRecovery: true, crossRegionCopy: { region: "eu-west-1" } } });
    const replica = ofType(T.instance).find((r) => r.name === "orders-eu-west-1-1")!;
    expect(plain<string>(replica.inputs["kmsKeyId"])).toMatch(/^arn:aws:kms:eu-west-1:\d{12}:key\//);
    expect(plain<string>(one(T.backupReplication).inputs["kmsKeyId"])).toMatch(/^arn:aws:kms:eu-west-1:\d{12}:key\//);
  });
  it("an alias ARN as encryption.atRest.keyId is refused with the way to find the key ARN", () => {
    const issues = issuesOf(() => new AwsRdsDatabase("orders", { environment: "dev", region: "us-east-1", input: { name: "orders", engine: "postgres", network: awsNet, encryption: { atRest: { type: "customer-key", keyId: "arn:aws:kms:us-east-1:123456789012:alias/orders" } } } }));
    const issue = issues.find((i) => i.path === "encryption.atRest.keyId");
    expect(issue?.message).toMatch(/alias/);
    expect(issue?.message).toMatch(/describe-key/);
  });
  it("an alias ARN in regionalSettings[].kmsKeyArn is refused too", () => {
    const issues = issuesOf(() => new AwsRdsDatabase("orders", {
      environment: "dev",
      region: "us-east-1",
      regionalSettings: { "eu-west-1": { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/orders" } },
      input: { name: "orders", engine: "postgres", network: awsNet, replicas: [{ count: 1, region: "eu-west-1" }] },
    }));
    expect(issues.find((i) => i.path === 'regionalSettings["eu-west-1"].kmsKeyArn')?.message).toMatch(/describe-key/);
  });
});

describe("#5 AWS: a final snapshot name unique per instance", () => {
  it("finalSnapshotIdentifier carries a random suffix kept in state", async () => {
    await aws({}, "staging");
    const suffix = one("random:index/randomString:RandomString");
    expect(plain(suffix.inputs)).toMatchObject({ length: 8, special: false, upper: false });
    expect(plain<string>(one(T.instance).inputs["finalSnapshotIdentifier"])).toMatch(/^orders-final-[a-z0-9]{8}$/);
  });
});

describe("#6 Azure: one replica-lag alert per region", () => {
  it("replicas in two regions get two alerts, each scoped to one region", async () => {
    await azurePg({ size: { tier: "small" }, replicas: [{ count: 1 }, { count: 1, region: "northeurope" }] }, "staging");
    const lag = ofType(ALERT).filter((a) => plain<{ metricName: string }[]>(a.inputs["criterias"])[0]!.metricName === "physical_replication_delay_in_seconds");
    expect(lag).toHaveLength(2);
    const servers = new Map(ofType(PG).map((s) => [String(s.name), plain<string>(s.inputs["location"])]));
    for (const alert of lag) {
      const scopes = plain<string[]>(alert.inputs["scopes"]);
      const regions = new Set(scopes.map((id) => servers.get(id.split("/").pop()!.replace(/-a1b2c3$/, ""))));
      expect(regions.size).toBe(1);
    }
  });
});

describe("#7 Azure MySQL: HA needs storage auto-grow", () => {
  it("highAvailability with auto-grow off is refused naming storage.maxSizeGb", () => {
    const issues = issuesOf(() => new AzureMysqlFlexibleServer("shop", { environment: "staging", ...place, input: { name: "shop", engine: "mysql", network: azureNet("mysql"), size: { tier: "small" }, highAvailability: true, storage: { sizeGb: 100, maxSizeGb: 100 } } }));
    expect(issues.find((i) => i.path === "storage.maxSizeGb")?.message).toMatch(/auto-grow|autogrow/i);
  });
  it("with auto-grow on it renders", async () => {
    await azureMy({ size: { tier: "small" }, highAvailability: true, storage: { sizeGb: 100, maxSizeGb: 200 } }, "staging");
    expect(plain(one(MY).inputs["storage"])).toMatchObject({ autoGrowEnabled: true });
  });
});

describe("#8 a private database something can reach", () => {
  it("Azure: network.private without a subnet is refused at staging and prod", () => {
    for (const environment of ["staging", "prod"] as const) {
      const issues = issuesOf(() => new AzurePostgresFlexibleServer("orders", { environment, ...place, input: { name: "orders", engine: "postgres", network: { private: true } } }));
      expect(issues.find((i) => i.path === "network.subnetIds")?.message).toMatch(/subnet/);
    }
  });
  it("Azure dev: network.private without a subnet warns naming network.subnetIds", async () => {
    await settle((t) => new AzurePostgresFlexibleServer("orders", { environment: "dev", ...place, input: { name: "orders", engine: "postgres" } }, { transformations: [t.transformation] }));
    expect(warnings().some((w) => w.includes("network.subnetIds"))).toBe(true);
  });
  it("AWS: vpcId without subnetIds is refused", () => {
    const issues = issuesOf(() => new AwsRdsDatabase("orders", { environment: "dev", region: "us-east-1", input: { name: "orders", engine: "postgres", network: { vpcId: "vpc-0123456789abcdef0" } } }));
    expect(issues.find((i) => i.path === "network.subnetIds")?.message).toMatch(/vpcId/);
  });
});

describe("validation: an Azure SQL failover partner outside the primary's region", () => {
  it("a replica region that is the primary's region spelt differently is refused", () => {
    const issues = issuesOf(() => new AzureSqlDatabase("orders", { environment: "dev", ...place, input: { name: "orders", engine: "sqlserver", replicas: [{ count: 1, region: "West Europe" }] } }));
    expect(issues.find((i) => i.path === "replicas[0].region")?.message).toMatch(/same region/);
  });
});

describe("#9 GCP: no field silently ignored or capped", () => {
  it("crossRegionCopy.retentionDays different from backup.retentionDays is refused", () => {
    const issues = issuesOf(() => new GcpCloudSqlDatabase("orders", { environment: "dev", region: "europe-west1", input: { name: "orders", engine: "postgres", network: { vpcId: "projects/p/global/networks/n" }, backup: { retentionDays: 7, pointInTimeRecovery: true, crossRegionCopy: { region: "europe-west4", retentionDays: 30 } } } }));
    expect(issues.find((i) => i.path === "backup.crossRegionCopy.retentionDays")).toBeDefined();
  });
  it("crossRegionCopy warns that Cloud SQL stores the backups in that region instead of copying them", async () => {
    await gcp({ backup: { retentionDays: 7, pointInTimeRecovery: true, crossRegionCopy: { region: "europe-west4" } } });
    expect(warnings().some((w) => w.includes("backup.crossRegionCopy") && /instead of/.test(w))).toBe(true);
  });
  it("ENTERPRISE caps transaction-log retention at 7 days: a 35-day spec warns naming backup.retentionDays", async () => {
    await gcp({}, "prod");
    expect(warnings().some((w) => w.includes("backup.retentionDays") && w.includes("7"))).toBe(true);
  });
});

