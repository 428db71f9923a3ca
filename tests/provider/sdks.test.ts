// The Python and Go SDKs generated from the provider's schema by Pulumi's own generators (tools/sdkgen, built
// with tools/install-sdkgen.sh at the CLI's version), used by a Go program (go build) and a Python program
// (the `pulumi` package from PyPI) under Pulumi's mocks: each registers our type tokens with the inputs the
// schema describes, and the provider constructs the components from exactly those inputs.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, registered, reset, Tracker } from "../components/support/harness.ts";
import { DBTK_CACHE } from "./plugin.ts";

installMocks();
const { DbtkProvider } = await import("../../provider/provider.ts");
const { checkInputs } = await import("../../provider/check.ts");

const HERE = import.meta.dirname;
const CACHE = DBTK_CACHE;
const PULUMI_VERSION = "v3.274.1";
const SDKGEN = path.join(CACHE, "bin", "dbtk-sdkgen");
const PYTHON = path.join(CACHE, "bin", "dbtk-pulumi-python");
const GO_DEPS = path.join(CACHE, "sdkgen-build", `go-consumer-${PULUMI_VERSION}`);
const WORK = path.join(CACHE, "provider-consumers");
const ready = [SDKGEN, PYTHON, path.join(GO_DEPS, "go.sum")].every((f) => existsSync(f));
if (!ready && process.env["CI"] === "true") throw new Error("run tools/install-sdkgen.sh first (tools/test.sh does)");

const provider = new DbtkProvider({ componentsDist: path.join(HERE, "../../components/dist"), version: "0.0.0" });
const schema = provider.packageSchema();

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const VAULT = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-db/providers/Microsoft.KeyVault/vaults/kv-db";
const NET = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network";
const azurePlace = { resourceGroupName: "rg-db", location: "westeurope", keyVaultId: VAULT };
const flexibleNetwork = (kind: string) => ({ subnetIds: [`${NET}/virtualNetworks/v/subnets/${kind}`], privateDnsZoneId: `${NET}/privateDnsZones/db.${kind}.database.azure.com` });
/** What both programs declare (tests/provider/consumers), as the schema's wire names. */
const expected: Registration[] = [
  {
    type: "provisioning:aws:RdsDatabase",
    name: "orders",
    inputs: {
      environment: "prod",
      region: "us-east-1",
      input: {
        name: "orders",
        engine: "postgres",
        size: { tier: "large" },
        backup: { retentionDays: 14 },
        network: { vpcId: "vpc-0f5b3c9e7d1a46802", subnetIds: ["subnet-0e85a6c1b3f7d9405", "subnet-0f96b7d2c4a8e0516"], allowedCidrs: ["10.0.0.0/16"] },
        tags: { team: "orders" },
      },
    },
  },
  {
    type: "provisioning:gcp:CloudSqlDatabase",
    name: "billing",
    inputs: { environment: "dev", region: "europe-west1", input: { name: "billing", engine: "mysql", observability: { slowQueryMs: 750 }, network: { vpcId: "projects/acme/global/networks/main" } } },
  },
  {
    type: "provisioning:azure:SqlDatabase",
    name: "ledger",
    inputs: { environment: "staging", ...azurePlace, input: { name: "ledger", engine: "sqlserver", encryption: { atRest: { type: "customer-key", create: true } }, network: { subnetIds: [`${NET}/virtualNetworks/v/subnets/sql`] } } },
  },
  {
    type: "provisioning:azure:PostgresFlexibleServer",
    name: "events",
    inputs: { environment: "dev", ...azurePlace, keyVaultAccess: "access-policy", input: { name: "events", engine: "postgres", network: flexibleNetwork("postgres") } },
  },
  {
    type: "provisioning:azure:MysqlFlexibleServer",
    name: "shop",
    inputs: { environment: "dev", ...azurePlace, input: { name: "shop", engine: "mysql", network: flexibleNetwork("mysql"), maintenanceWindow: { day: "sun", hour: 3 } } },
  },
];

const run = (cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });

beforeAll(() => {
  if (!ready) return;
  rmSync(path.join(WORK, "sdk"), { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const schemaFile = path.join(WORK, "schema.json");
  writeFileSync(schemaFile, JSON.stringify(schema));
  run(SDKGEN, [schemaFile, path.join(WORK, "sdk")]);
}, 120_000);

async function assertRegistrations(got: Registration[]): Promise<void> {
  // Go registers from goroutines: the order is not the program's.
  const byName = (a: Registration, b: Registration) => a.name.localeCompare(b.name);
  expect([...got].sort(byName)).toEqual([...expected].sort(byName));
  for (const r of got) {
    expect(checkInputs(schema, schema.resources[r.type]!, r.inputs), `${r.type} inputs match the schema`).toEqual([]);
    // And the provider builds the component from exactly what the program sent.
    reset();
    const tracker = new Tracker();
    const result = await provider.construct(r.name, r.type, r.inputs, { transformations: [tracker.transformation] });
    await tracker.settle();
    expect(result.state["connection"]).toBeDefined();
    expect(registered.filter((x) => x.type === r.type).map((x) => x.name)).toEqual([r.name]);
    expect(registered.length, `${r.type} registers its children`).toBeGreaterThan(3);
  }
}

describe.skipIf(!ready)("SDKs generated from the schema", () => {
  it("a Go program builds against the Go SDK and registers the components with their inputs", async () => {
    const dir = path.join(WORK, "go");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, "sdk"), { recursive: true });
    cpSync(path.join(WORK, "sdk", "go"), path.join(dir, "sdk", "go"), { recursive: true });
    writeFileSync(path.join(dir, "sdk", "go.mod"), "module github.com/dbtk/provisioning/sdk\n\ngo 1.25\n");
    cpSync(path.join(HERE, "consumers", "go", "main.go"), path.join(dir, "main.go"));
    // The dependencies' module list and sums, as the installer resolved and compiled them.
    const deps = readFileSync(path.join(GO_DEPS, "go.mod"), "utf8").replace("module dbtk.local/go-consumer-deps", "module dbtk.local/consumer");
    writeFileSync(path.join(dir, "go.mod"), `${deps}\nrequire github.com/dbtk/provisioning/sdk v0.0.0\n\nreplace github.com/dbtk/provisioning/sdk => ./sdk\n`);
    cpSync(path.join(GO_DEPS, "go.sum"), path.join(dir, "go.sum"));
    const env = { ...process.env, GOFLAGS: "-mod=mod" };
    run("go", ["build", "-o", "consumer", "."], { cwd: dir, env });
    const got = JSON.parse(run(path.join(dir, "consumer"), [], { cwd: dir })) as Registration[];
    await assertRegistrations(got);
  }, 300_000);

  it("a Python program with the Python SDK registers the components with their inputs", async () => {
    const sdk = path.join(WORK, "sdk", "python");
    // The generated package reads its own version from its installed metadata: the minimum of an install.
    const info = path.join(sdk, `pulumi_provisioning-${schema.version}.dist-info`);
    mkdirSync(info, { recursive: true });
    writeFileSync(path.join(info, "METADATA"), `Metadata-Version: 2.1\nName: pulumi_provisioning\nVersion: ${schema.version}\n`);
    const out = run(PYTHON, [path.join(HERE, "consumers", "python", "main.py")], { env: { ...process.env, PYTHONPATH: sdk } });
    await assertRegistrations(JSON.parse(out) as Registration[]);
  }, 120_000);
});
