// One spec contract: the types and the zod schema cannot drift (checked by tsc: components/spec/contract.ts,
// and proven below), validation runs once per component, and a wrong or misspelt `environment` in a
// component's args is reported by name with the allowed values.
import type { z } from "zod";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Assert, Equals, SpecShape } from "../../../components/spec/contract.ts";
import type { DatabaseSpec, DatabaseSpecInput, NetworkSpec } from "../../../components/spec/index.ts";
import { SpecValidationError, resolveSpec } from "../../../components/spec/index.ts";
import { databaseSpecSchema } from "../../../components/spec/schema.ts";
import { drainRegistrations, installMocks, registered, reset } from "../support/harness.ts";

installMocks();
const { AwsRdsDatabase } = await import("../../../components/aws/index.ts");
const { GcpCloudSqlDatabase } = await import("../../../components/gcp/index.ts");
const { AzureMysqlFlexibleServer, AzurePostgresFlexibleServer, AzureSqlDatabase } = await import("../../../components/azure/index.ts");

// Drift is a type error: each line below would compile only if the contract missed it (@ts-expect-error
// fails the type check when there is no error). contract.ts asserts the real types and schema are equal.
type Schema = z.input<typeof databaseSpecSchema>;
type WithNetwork<N> = Omit<DatabaseSpec, "network"> & { network: N };
export type Drift = [
  // @ts-expect-error a field added to the types only
  Assert<Equals<SpecShape<WithNetwork<NetworkSpec & { subnetGroupName?: string }>>, SpecShape<Schema>>>,
  // @ts-expect-error a field added to the schema only
  Assert<Equals<SpecShape<DatabaseSpec>, SpecShape<Schema & { backup: { vaultName?: string } }>>>,
  // @ts-expect-error a reference narrowed to a plain string on one side
  Assert<Equals<SpecShape<WithNetwork<Omit<NetworkSpec, "vpcId"> & { vpcId?: string }>>, SpecShape<Schema>>>,
  // @ts-expect-error an optional field made required on one side
  Assert<Equals<SpecShape<WithNetwork<Omit<NetworkSpec, "vpcId"> & { vpcId: NonNullable<NetworkSpec["vpcId"]> }>>, SpecShape<Schema>>>,
  // The unchanged types pass.
  Assert<Equals<SpecShape<WithNetwork<NetworkSpec>>, SpecShape<Schema>>>,
];

const azure = { resourceGroupName: "rg", location: "westeurope", keyVaultId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" };
const network = { vpcId: "projects/p/global/networks/n" };
const awsInput: DatabaseSpecInput = { name: "orders", engine: "postgres" };

/** A component's constructor with its args' common part replaced by `common` (untyped, as from JavaScript or YAML). */
interface Component {
  cloud: "aws" | "gcp" | "azure";
  input: DatabaseSpecInput;
  make: (common: Record<string, unknown>) => unknown;
}

const components: Record<string, Component> = {
  AwsRdsDatabase: { cloud: "aws", input: awsInput, make: (common) => new AwsRdsDatabase("orders", { region: "us-east-1", ...common } as never) },
  GcpCloudSqlDatabase: { cloud: "gcp", input: { name: "orders", engine: "postgres", network }, make: (common) => new GcpCloudSqlDatabase("orders", { region: "europe-west1", ...common } as never) },
  AzureSqlDatabase: { cloud: "azure", input: { name: "orders", engine: "sqlserver", network: { subnetIds: ["/subnets/sql"] } }, make: (common) => new AzureSqlDatabase("orders", { ...azure, ...common } as never) },
  AzurePostgresFlexibleServer: { cloud: "azure", input: { name: "orders", engine: "postgres", network: { subnetIds: ["/subnets/pg"], privateDnsZoneId: "/zones/o.postgres.database.azure.com" } }, make: (common) => new AzurePostgresFlexibleServer("orders", { ...azure, ...common } as never) },
  AzureMysqlFlexibleServer: { cloud: "azure", input: { name: "orders", engine: "mysql", network: { subnetIds: ["/subnets/my"], privateDnsZoneId: "/zones/o.mysql.database.azure.com" } }, make: (common) => new AzureMysqlFlexibleServer("orders", { ...azure, ...common } as never) },
};
const each = Object.entries(components);

function thrown(fn: () => unknown): SpecValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SpecValidationError);
    return error as SpecValidationError;
  }
  throw new Error("expected a SpecValidationError");
}

const safeParse = vi.spyOn(databaseSpecSchema, "safeParse");
afterAll(() => safeParse.mockRestore());

beforeEach(async () => {
  await drainRegistrations(); // the components the previous test made
  reset();
  safeParse.mockClear();
});

describe("validation runs once per component", () => {
  it.each(each)("%s: from input", (_, c) => {
    c.make({ environment: "dev", input: c.input });
    expect(safeParse).toHaveBeenCalledTimes(1);
  });

  it.each(each)("%s: from a resolved spec", (_, c) => {
    c.make({ environment: "staging", spec: resolveSpec(c.input, "staging", c.cloud) });
    expect(safeParse).toHaveBeenCalledTimes(1);
  });

  it.each(each)("%s: an invalid spec too, reported with every issue", (_, c) => {
    const error = thrown(() => c.make({ environment: "dev", input: { ...c.input, storage: { sizeGb: 0 }, tags: { "": "x" } } }));
    expect(error.issues.length).toBeGreaterThan(1);
    expect(safeParse).toHaveBeenCalledTimes(1);
  });
});

describe("a wrong environment in component args", () => {
  const allowed = '"dev", "staging", "prod", "ci"';

  it.each(each)("%s: an unknown value names the field and the allowed values", (_, c) => {
    const error = thrown(() => c.make({ environment: "production", input: c.input }));
    expect(error.issues).toEqual([expect.objectContaining({ path: "environment", value: "production" })]);
    expect(error.message).toContain(`- environment: "production" is not an environment; use one of ${allowed} ("prod"?)`);
    expect(registered).toHaveLength(0);
  });

  it.each(each)("%s: a misspelt key names the field, the allowed values and the key to rename", (_, c) => {
    const error = thrown(() => c.make({ enviroment: "prod", input: c.input }));
    expect(error.issues.map((i) => i.path)).toEqual(["environment"]);
    expect(error.message).toContain(`- environment: is missing; use one of ${allowed}; rename "enviroment" to "environment"`);
    expect(registered).toHaveLength(0);
  });

  it("resolveSpec and a component given a spec report it the same way", () => {
    expect(() => resolveSpec(awsInput, "production" as never)).toThrow(/environment: "production" is not an environment/);
    const spec = resolveSpec(awsInput, "prod", "aws");
    expect(() => new AwsRdsDatabase("orders", { environment: "Prod" as never, spec })).toThrow(/environment: "Prod" is not an environment; use one of/);
  });

  it("neither spec nor input is reported by name", () => {
    expect(() => new AwsRdsDatabase("orders", { environment: "dev" } as never)).toThrow(/- spec: is missing; pass input .* or spec/);
  });
});
