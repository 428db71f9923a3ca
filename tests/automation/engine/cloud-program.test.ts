// The cloud stacks' inline programs under Pulumi mocks (cloud provider plugins cannot run here): the
// real provider resource types and the `ci` preset's key inputs, with the TTL in tags/labels.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { cloudProgram, cloudStackConfig, ttlTags, type CloudProgramInput } from "../../../automation/engine/index.ts";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        const outputs: Record<string, unknown> = {
          ...args.inputs,
          address: `${args.name}.example.internal`,
          endpoint: `${args.name}.example.internal:5432`,
          port: args.inputs.port ?? 5432,
          fqdn: `${args.name}.example.internal`,
          privateIpAddress: "10.0.0.5",
          connectionName: `proj:region:${args.name}`,
          arn: `arn:aws:rds:eu-west-1:123456789012:db:${args.name}`,
          resourceId: `db-${args.name}`,
          result: "generated-password-value",
        };
        return { id: `${args.name}-id`, state: outputs };
      },
      call: (args) => {
        if (args.token === "aws:index/getRegion:getRegion") return { name: "eu-west-1", region: "eu-west-1", id: "eu-west-1" };
        if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: "123456789012", arn: "arn", userId: "u" };
        if (args.token === "aws:index/getPartition:getPartition") return { partition: "aws", dnsSuffix: "amazonaws.com" };
        if (args.token.startsWith("azure:core/getClientConfig")) return { tenantId: "t", objectId: "o", clientId: "c", subscriptionId: "s" };
        if (args.token.startsWith("gcp:organizations/getProject")) return { number: "123", projectId: "proj" };
        if (args.token.startsWith("gcp:organizations/getClientConfig")) return { project: "proj", region: "europe-west1" };
        if (args.token.startsWith("aws:ec2/getVpc")) return { id: "vpc-1", cidrBlock: "10.0.0.0/16" };
        if (args.token.startsWith("aws:ec2/getSubnets")) return { ids: ["subnet-a", "subnet-b"] };
        return {};
      },
    },
    "dbtk-ephemeral",
    "dbtk_test",
    false,
  );
});

function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

const expiresAt = "2026-11-25T07:30:00.000Z";
const base = { owner: "github:acme/app/runs/42/Test", expiresAt };

/** Runs the program as the engine would and returns what it registered. */
async function run(input: CloudProgramInput): Promise<{ resources: Registered[]; connection: Record<string, unknown> }> {
  const start = registered.length;
  const outputs = (await cloudProgram(input)()) as { connection: pulumi.Output<Record<string, unknown>> };
  const connection = await value(outputs.connection);
  expect(pulumi.Output.isInstance(outputs.connection)).toBe(true);
  expect(await pulumi.isSecret(outputs.connection)).toBe(true);
  return { resources: registered.slice(start), connection };
}

const one = (resources: Registered[], type: string): Registered => {
  const found = resources.filter((r) => r.type === type);
  expect(found.map((r) => r.type)).toEqual([type]);
  return found[0] as Registered;
};

describe("ttl tags", () => {
  it("carry the expiry as Unix seconds and label-safe owner and id", () => {
    const tags = ttlTags({ id: "dbtk_mwvs2klw_3dc2pb8q5l", ...base });
    expect(tags).toEqual({
      "dbtk-ephemeral": "true",
      "dbtk-id": "dbtk_mwvs2klw_3dc2pb8q5l",
      "dbtk-owner": "github-acme-app-runs-42-test",
      "dbtk-expires-at": String(Date.parse(expiresAt) / 1000),
    });
    for (const [k, v] of Object.entries(tags)) {
      expect(k).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
      expect(v).toMatch(/^[a-z0-9_-]{0,63}$/);
    }
    expect(() => ttlTags({ id: "x", owner: "o", expiresAt: "tomorrow" })).toThrow(/expiresAt "tomorrow"/);
  });

  it("the region and provider settings become stack configuration; dbtk: settings do not", () => {
    expect(cloudStackConfig({ kind: "gcp", region: "europe-west1", cloudConfig: { "gcp:project": "p", "dbtk:project": "p" } })).toEqual({
      "gcp:region": "europe-west1",
      "gcp:project": "p",
    });
  });
});

describe("cloud programs at the ci preset", () => {
  it("aws: one RDS instance, smallest class, no backups, no deletion protection, TTL tags", async () => {
    const id = "dbtk_mwvs2klw_aws0000001";
    const { resources, connection } = await run({ kind: "aws", engine: "postgres", id, region: "eu-west-1", ...base });
    expect(resources.map((r) => r.type)).toContain("provisioning:aws:RdsDatabase");
    const db = one(resources, "aws:rds/instance:Instance");
    expect(db.inputs).toMatchObject({
      engine: "postgres",
      instanceClass: "db.t4g.micro",
      backupRetentionPeriod: 0,
      deletionProtection: false,
      skipFinalSnapshot: true,
      multiAz: false,
      publiclyAccessible: false,
    });
    expect(db.inputs.tags).toMatchObject(ttlTags({ id, ...base }));
    expect(connection).toMatchObject({ engine: "postgres", database: "app" });
  });

  it("gcp: one Cloud SQL instance, smallest tier, backups off, deletion protection off, TTL labels", async () => {
    const id = "dbtk_mwvs2klw_gcp0000001";
    const { resources, connection } = await run({
      kind: "gcp",
      engine: "mysql",
      id,
      region: "europe-west1",
      cloudConfig: { "dbtk:project": "proj", "dbtk:vpcId": "projects/proj/global/networks/ci" },
      ...base,
    });
    const db = one(resources, "gcp:sql/databaseInstance:DatabaseInstance");
    const settings = db.inputs.settings as Record<string, unknown>;
    expect(db.inputs).toMatchObject({ databaseVersion: expect.stringMatching(/^MYSQL_8_0/), deletionProtection: false, region: "europe-west1" });
    expect(settings).toMatchObject({ tier: "db-custom-1-3840", deletionProtectionEnabled: false, availabilityType: "ZONAL" });
    // The ci preset's 0 days is raised to Cloud SQL's minimum (1 backup), with no binary logs (no PITR).
    expect(settings.backupConfiguration).toMatchObject({ binaryLogEnabled: false, backupRetentionSettings: { retainedBackups: 1 } });
    expect(settings.userLabels).toMatchObject(ttlTags({ id, ...base }));
    expect(connection).toMatchObject({ engine: "mysql" });
    // Without the VPC the spec check names the missing setting before anything is registered.
    await expect(cloudProgram({ kind: "gcp", engine: "mysql", id: "dbtk_x_gcp", region: "europe-west1", ...base })()).rejects.toThrow(
      /network\.vpcId/,
    );
  });

  it("azure: a PostgreSQL flexible server, burstable SKU, shortest retention, no geo backup, TTL tags", async () => {
    const id = "dbtk_mwvs2klw_azr0000001";
    const { resources } = await run({
      kind: "azure",
      engine: "postgres",
      id,
      region: "westeurope",
      cloudConfig: { "dbtk:resourceGroupName": "rg-ci", "dbtk:keyVaultId": "/subscriptions/s/resourceGroups/rg-ci/providers/Microsoft.KeyVault/vaults/kv" },
      ...base,
    });
    const server = one(resources, "azure:postgresql/flexibleServer:FlexibleServer");
    expect(server.inputs).toMatchObject({
      skuName: "B_Standard_B1ms",
      backupRetentionDays: 7,
      geoRedundantBackupEnabled: false,
      resourceGroupName: "rg-ci",
      location: "westeurope",
    });
    expect(server.inputs.highAvailability).toBeUndefined();
    expect(server.inputs.tags).toMatchObject(ttlTags({ id, ...base }));
  });

  it("azure: a MySQL flexible server for engine mysql; missing resource group is named", async () => {
    const id = "dbtk_mwvs2klw_azr0000002";
    const { resources } = await run({
      kind: "azure",
      engine: "mysql",
      id,
      region: "westeurope",
      cloudConfig: { "dbtk:resourceGroupName": "rg-ci", "dbtk:keyVaultId": "/subscriptions/s/resourceGroups/rg-ci/providers/Microsoft.KeyVault/vaults/kv" },
      ...base,
    });
    const server = one(resources, "azure:mysql/flexibleServer:FlexibleServer");
    expect(server.inputs).toMatchObject({ skuName: "B_Standard_B1ms", backupRetentionDays: 1, geoRedundantBackupEnabled: false });
    await expect(cloudProgram({ kind: "azure", engine: "mysql", id: "dbtk_x_y", region: "westeurope", ...base })()).rejects.toThrow(
      /dbtk:resourceGroupName/,
    );
  });
});
