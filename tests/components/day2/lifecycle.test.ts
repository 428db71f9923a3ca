// Day-2 lifecycle suite: per cloud and preset, every field the cloud changes on its own (provider-behaviour.ts,
// each row citing its doc) is ignored, rendered in the form the cloud reads back, or never set — so the
// `pulumi up` after the cloud has grown a disk, failed over or read a key back plans no replacement.
import type * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import type { DatabaseSpec, DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { Tracker, installMocks, plain, registered, reset } from "../support/harness.ts";
import { behaviours, type Cloud } from "./provider-behaviour.ts";

installMocks();
const { AwsRdsDatabase } = await import("../../../components/aws/index.ts");
const { GcpCloudSqlDatabase } = await import("../../../components/gcp/index.ts");
const { AzurePostgresFlexibleServer, AzureMysqlFlexibleServer, AzureSqlDatabase } = await import("../../../components/azure/index.ts");

const ENVIRONMENTS: Environment[] = ["dev", "staging", "prod", "ci"];
const azureNetwork = (engine: string) => ({
  subnetIds: [`/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/${engine}`],
  privateDnsZoneId: `/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/orders.${engine}.database.azure.com`,
});
const azurePlace = { resourceGroupName: "rg", location: "westeurope", keyVaultId: "/vaults/kv", tenantId: "22222222-2222-2222-2222-222222222222", geoBackupKey: { keyVaultId: "/vaults/kv-neu" } };

type Render = (environment: Environment, tracker: Tracker) => { spec: DatabaseSpec };
const opts = (t: Tracker): pulumi.ComponentResourceOptions => ({ transformations: [t.transformation] });

const components: { cloud: Cloud; label: string; render: Render }[] = [
  {
    cloud: "aws",
    label: "AwsRdsDatabase postgres, replicas here and in eu-west-1, backups replicated",
    render: (environment, t) =>
      new AwsRdsDatabase(
        "orders",
        {
          environment,
          region: "us-east-1",
          input: {
            name: "orders",
            engine: "postgres",
            network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"] },
            replicas: [{ count: 1 }, { count: 1, region: "eu-west-1" }],
            backup: { retentionDays: 7, pointInTimeRecovery: true, crossRegionCopy: { region: "eu-west-1" } },
          } as DatabaseSpecInput,
        },
        opts(t),
      ),
  },
  {
    cloud: "aws",
    label: "AwsRdsDatabase mysql 8.4, RDS-managed password (rotated), a replica",
    render: (environment, t) =>
      new AwsRdsDatabase(
        "shop",
        {
          environment,
          region: "us-east-1",
          input: {
            name: "shop",
            engine: "mysql",
            engineVersion: "8.4",
            auth: { managedMasterPassword: true },
            network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"] },
            replicas: [{ count: 1 }],
            backup: { retentionDays: 7, pointInTimeRecovery: true },
          } as DatabaseSpecInput,
        },
        opts(t),
      ),
  },
  {
    cloud: "gcp",
    label: "GcpCloudSqlDatabase postgres, replicas here and in europe-west4",
    render: (environment, t) =>
      new GcpCloudSqlDatabase(
        "orders",
        {
          environment,
          region: "europe-west1",
          input: { name: "orders", engine: "postgres", network: { vpcId: "projects/p/global/networks/n" }, replicas: [{ count: 1 }, { count: 1, region: "europe-west4" }] } as DatabaseSpecInput,
        },
        opts(t),
      ),
  },
  {
    cloud: "gcp",
    label: "GcpCloudSqlDatabase postgres, more databases and users, IAM logins, deny period, allocated range",
    render: (environment, t) =>
      new GcpCloudSqlDatabase(
        "billing",
        {
          environment,
          region: "europe-west1",
          allocatedIpRange: "sql-range",
          input: {
            name: "billing",
            engine: "postgres",
            network: { vpcId: "projects/p/global/networks/n" },
            additionalDatabases: ["reports"],
            auth: { iamAuthentication: true, iamPrincipals: ["ana@example.com", "app@p.iam.gserviceaccount.com"], additionalUsers: ["reporting"] },
            maintenanceDenyPeriod: { start: "2026-11-20", end: "2027-01-05" },
          } as DatabaseSpecInput,
        },
        opts(t),
      ),
  },
  {
    cloud: "azure",
    label: "AzureSqlDatabase, two databases in an elastic pool, Redirect, geo-secondary",
    render: (environment, t) =>
      new AzureSqlDatabase(
        "ledger",
        {
          environment,
          ...azurePlace,
          elasticPool: {},
          replicaSubnetIds: { northeurope: azureNetwork("sql-neu").subnetIds[0]! },
          input: {
            name: "ledger",
            engine: "sqlserver",
            size: { instanceClass: "BC_Gen5_4" },
            network: { subnetIds: azureNetwork("sql").subnetIds, connectionPolicy: "Redirect" },
            additionalDatabases: ["reports"],
            replicas: [{ count: 1, region: "northeurope" }],
          } as DatabaseSpecInput,
        },
        opts(t),
      ),
  },
  ...(["postgres", "mysql"] as const).map((engine) => ({
    cloud: "azure" as const,
    label: `Azure ${engine} flexible server, replicas here and in northeurope`,
    render: (environment: Environment, t: Tracker) => {
      const Component = engine === "postgres" ? AzurePostgresFlexibleServer : AzureMysqlFlexibleServer;
      return new Component(
        "orders",
        {
          environment,
          ...azurePlace,
          input: { name: "orders", engine, size: { tier: "small" }, network: azureNetwork(engine), replicas: [{ count: 1 }, { count: 1, region: "northeurope" }] } as DatabaseSpecInput,
        },
        opts(t),
      );
    },
  })),
];

/** Value at an ignoreChanges-style path ("settings.diskSize") of plain inputs. */
function at(inputs: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), inputs);
}

beforeEach(reset);

describe("day-2: fields the cloud changes on its own never plan a replacement", () => {
  for (const c of components) {
    for (const environment of ENVIRONMENTS) {
      it(`${c.label} at ${environment}`, async () => {
        const tracker = new Tracker();
        const { spec } = c.render(environment, tracker);
        await tracker.settle();
        const autogrow = spec.storage.maxSizeGb !== undefined && spec.storage.maxSizeGb > spec.storage.sizeGb;
        let checked = 0;
        for (const row of behaviours.filter((b) => b.cloud === c.cloud)) {
          if (row.onlyWhen === "autogrow" && !autogrow) continue;
          for (const res of tracker.resources.filter((r) => r.type === row.type)) {
            const reg = registered.find((r) => r.type === row.type && r.name === res.name);
            if (!reg) throw new Error(`${res.name} was not registered`);
            if (row.onlyWhen === "pooled" && at(plain(reg.inputs), "elasticPoolId") === undefined) continue;
            const value = at(plain(reg.inputs), row.field);
            const where = `${res.name} ${row.field} (${row.doc})`;
            checked++;
            switch (row.expect) {
              case "ignoreChanges":
                expect(res.opts.ignoreChanges ?? [], where).toContain(row.field);
                break;
              case "renders":
                if (value !== undefined) expect(String(value), where).toMatch(row.readBack!);
                break;
              case "unset":
                expect(value, where).toBeUndefined();
                break;
              case "unset-or-ignored":
                if (value !== undefined) expect(res.opts.ignoreChanges ?? [], where).toContain(row.field);
                break;
              case "provider-ignores":
                // The provider suppresses the diff itself once maxAllocatedStorage is set.
                if (autogrow && res.type === "aws:rds/instance:Instance") expect(Number(at(plain(reg.inputs), "maxAllocatedStorage")), where).toBeGreaterThan(0);
                break;
            }
          }
        }
        expect(checked).toBeGreaterThan(0);
      });
    }
  }
});
