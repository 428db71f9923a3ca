// Every component is a ManagedDatabase: the same member names (and registered outputs) on every cloud, with
// values that agree with each other (endpoint = host:port, the connection names the same host and database).
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Assert, Equals } from "../../../components/spec/contract.ts";
import type { ManagedDatabase } from "../../../components/spec/index.ts";
import { managedDatabaseOutputNames } from "../../../components/spec/index.ts";
import { Tracker, installMocks, reset, value } from "../support/harness.ts";

installMocks();
const { AwsRdsDatabase } = await import("../../../components/aws/index.ts");
const { GcpCloudSqlDatabase } = await import("../../../components/gcp/index.ts");
const { AzureMysqlFlexibleServer, AzurePostgresFlexibleServer, AzureSqlDatabase } = await import("../../../components/azure/index.ts");

// Type level: each component class is assignable to the interface, and none keeps a `secretArn` naming an id
// of another cloud (the AWS one is a deprecated alias of secretRef).
type Implements<C> = C extends ManagedDatabase ? true : false;
export type Checks = [
  Assert<Implements<InstanceType<typeof AwsRdsDatabase>>>,
  Assert<Implements<InstanceType<typeof GcpCloudSqlDatabase>>>,
  Assert<Implements<InstanceType<typeof AzureSqlDatabase>>>,
  Assert<Implements<InstanceType<typeof AzurePostgresFlexibleServer>>>,
  Assert<Implements<InstanceType<typeof AzureMysqlFlexibleServer>>>,
  Assert<Equals<"secretArn" extends keyof InstanceType<typeof GcpCloudSqlDatabase> ? true : false, false>>,
  Assert<Equals<"secretArn" extends keyof InstanceType<typeof AzureSqlDatabase> ? true : false, false>>,
  Assert<Equals<"secretArn" extends keyof InstanceType<typeof AzurePostgresFlexibleServer> ? true : false, false>>,
];

const azure = { resourceGroupName: "rg", location: "westeurope", keyVaultId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" };
const replica = { replicas: [{ count: 1 }] };

/** One database per component, each with one read replica, built with `make`. */
const components: Record<string, { make: (opts: pulumi.ComponentResourceOptions) => ManagedDatabase; engine: string; database: string; secret: RegExp }> = {
  AwsRdsDatabase: {
    make: (opts) => new AwsRdsDatabase("orders", { environment: "dev", region: "us-east-1", input: { name: "orders", engine: "postgres", ...replica } }, opts),
    engine: "postgres",
    database: "app",
    secret: /^arn:aws:secretsmanager:/,
  },
  "AwsRdsDatabase (sqlserver)": {
    make: (opts) => new AwsRdsDatabase("orders", { environment: "dev", region: "us-east-1", input: { name: "orders", engine: "sqlserver" } }, opts),
    engine: "sqlserver",
    database: "master",
    secret: /^arn:aws:secretsmanager:/,
  },
  GcpCloudSqlDatabase: {
    make: (opts) =>
      new GcpCloudSqlDatabase("orders", { environment: "dev", region: "europe-west1", input: { name: "orders", engine: "mysql", network: { vpcId: "projects/p/global/networks/n" }, ...replica } }, opts),
    engine: "mysql",
    database: "app",
    secret: /^projects\/[^/]+\/secrets\//,
  },
  AzureSqlDatabase: {
    make: (opts) => new AzureSqlDatabase("orders", { ...azure, environment: "dev", input: { name: "orders", engine: "sqlserver", replicas: [{ region: "northeurope", count: 1 }] } }, opts),
    engine: "sqlserver",
    database: "app",
    secret: /^https:\/\/vault\.vault\.azure\.net\/secrets\//,
  },
  AzurePostgresFlexibleServer: {
    make: (opts) => new AzurePostgresFlexibleServer("orders", { ...azure, environment: "dev", input: { name: "orders", engine: "postgres", size: { tier: "small" }, ...replica } }, opts),
    engine: "postgres",
    database: "app",
    secret: /^https:\/\/vault\.vault\.azure\.net\/secrets\//,
  },
  AzureMysqlFlexibleServer: {
    make: (opts) => new AzureMysqlFlexibleServer("orders", { ...azure, environment: "dev", input: { name: "orders", engine: "mysql", size: { tier: "small" }, ...replica } }, opts),
    engine: "mysql",
    database: "app",
    secret: /^https:\/\/vault\.vault\.azure\.net\/secrets\//,
  },
};

// registerOutputs is where a component names its outputs; record what each one registers.
const registerOutputs = vi.spyOn(pulumi.ComponentResource.prototype as unknown as { registerOutputs(o: unknown): void }, "registerOutputs");
afterAll(() => registerOutputs.mockRestore());

beforeEach(() => {
  reset();
  registerOutputs.mockClear();
});

describe("ManagedDatabase on every component", () => {
  it.each(Object.entries(components))("%s exposes and registers the shared outputs, consistent with each other", async (label, c) => {
    const tracker = new Tracker();
    const db = c.make({ transformations: [tracker.transformation] });
    await tracker.settle();
    for (const name of managedDatabaseOutputNames) expect(db, `${label}.${name}`).toHaveProperty(name);
    // The SDK's own call (initialize's undefined result) aside.
    const registered = registerOutputs.mock.calls
      .filter(([outputs], i) => registerOutputs.mock.contexts[i] === db && outputs !== undefined)
      .map(([outputs]) => Object.keys(outputs as object));
    expect(registered).toHaveLength(1);
    expect(registered[0]).toEqual(expect.arrayContaining([...managedDatabaseOutputNames]));

    const [host, port, endpoint, readers, secretRef, connection] = await Promise.all([
      value(db.host), value(db.port), value(db.endpoint), value(db.readerEndpoints), value(db.secretRef), value(db.connection),
    ]);
    expect(db.engine).toBe(c.engine);
    expect(db.databaseName).toBe(c.database);
    expect(endpoint).toBe(`${host}:${port}`);
    expect(readers).toHaveLength(c.engine === "sqlserver" && label.startsWith("Aws") ? 0 : 1);
    for (const reader of readers) expect(reader).toMatch(new RegExp(`^[^:]+:${port}$`));
    expect(readers).not.toContain(endpoint);
    expect(secretRef).toMatch(c.secret);
    expect(await pulumi.isSecret(db.connection)).toBe(true);
    expect(connection).toMatchObject({ host, port, database: db.databaseName, engine: db.engine });
  });
});
