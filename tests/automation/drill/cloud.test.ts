// The cloud drill: its program (our components in their restore modes, under Pulumi mocks) and its
// orchestration (up → validate → destroy) with a stand-in stack whose "restored copy" is a real local database.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalPostgres, type ServerHandle } from "../../../core/servers/index.ts";
import type { CloudDrillSpec } from "../../../automation/drill/cloud-program.ts";
import type { DrillStack, DrillStackFactory } from "../../../automation/drill/cloud.ts";
import type { DbTarget } from "../../../core/connection.ts";
import type { DestroyRequest, StackEngine, UpRequest } from "../../../automation/engine/stack-engine.ts";
import { drain, installMocks, one, plain, reset, value } from "../../policy/mocks.ts";

installMocks();
const { drillProgram, drillSpecInput } = await import("../../../automation/drill/cloud-program.ts");
const { automationStackFactory, drillStackConfig, drillStackTags, runCloudDrill } = await import("../../../automation/drill/cloud.ts");

const TIME = "2026-11-05T10:00:00Z";
const pitr = { mode: "point-in-time" as const, sourceId: "orders-prod", time: TIME };

async function runProgram(spec: CloudDrillSpec): Promise<pulumi.Output<unknown>> {
  const outputs = await drillProgram(spec)();
  const connection = outputs.connection as pulumi.Output<unknown>;
  await value(connection);
  await drain();
  return connection;
}

beforeEach(reset);

describe("drill program under mocks", () => {
  it("AWS: RDS instance restored to the point in time, at the ci preset, nothing blocking teardown", async () => {
    const connection = await runProgram({ cloud: "aws", engine: "postgres", name: "drill-orders", restore: pitr, region: "us-east-1" });
    const instance = plain<Record<string, unknown>>(one("aws:rds/instance:Instance").inputs);
    expect(instance).toMatchObject({
      identifier: "drill-orders",
      restoreToPointInTime: { sourceDbInstanceIdentifier: "orders-prod", restoreTime: TIME },
      deletionProtection: false,
      skipFinalSnapshot: true,
      backupRetentionPeriod: 0,
      publiclyAccessible: false,
    });
    expect(instance).not.toHaveProperty("snapshotIdentifier");
    expect(await pulumi.isSecret(connection)).toBe(true);
    expect(await value(connection)).toMatchObject({ host: "drill-orders.c0abc.us-east-1.rds.amazonaws.com", engine: "postgres" });
  });

  it("AWS: latest restorable time, and snapshot restores", async () => {
    await runProgram({ cloud: "aws", engine: "mysql", name: "drill-a", restore: { mode: "point-in-time", sourceId: "src", useLatestRestorableTime: true }, region: "us-east-1" });
    expect(plain(one("aws:rds/instance:Instance").inputs)).toMatchObject({
      restoreToPointInTime: { sourceDbInstanceIdentifier: "src", useLatestRestorableTime: true },
    });
    reset();
    await runProgram({ cloud: "aws", engine: "postgres", name: "drill-b", restore: { mode: "snapshot", snapshotId: "rds:orders-2026-11-05" }, region: "us-east-1" });
    expect(plain(one("aws:rds/instance:Instance").inputs)).toMatchObject({ snapshotIdentifier: "rds:orders-2026-11-05" });
  });

  it("GCP: Cloud SQL clone of the source at the point in time", async () => {
    await runProgram({ cloud: "gcp", engine: "postgres", name: "drill-orders", restore: pitr, region: "europe-west1", project: "acme", vpcId: "projects/acme/global/networks/db" });
    const instance = plain<Record<string, unknown>>(one("gcp:sql/databaseInstance:DatabaseInstance").inputs);
    expect(instance).toMatchObject({
      clone: { sourceInstanceName: "orders-prod", pointInTime: TIME },
      deletionProtection: false,
      region: "europe-west1",
      project: "acme",
    });
  });

  it("Azure: flexible server PointInTimeRestore from the source server; SQL Database from the source database", async () => {
    const place = { region: "westeurope", resourceGroupName: "rg-drills", keyVaultId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" };
    const server = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders";
    await runProgram({ cloud: "azure", engine: "postgres", name: "drill-orders", restore: { mode: "point-in-time", sourceId: server, time: TIME }, ...place });
    expect(plain(one("azure:postgresql/flexibleServer:FlexibleServer").inputs)).toMatchObject({
      createMode: "PointInTimeRestore",
      sourceServerId: server,
      pointInTimeRestoreTimeInUtc: TIME,
    });
    reset();
    const db = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/orders/databases/app";
    await runProgram({ cloud: "azure", engine: "sqlserver", name: "drill-sql", restore: { mode: "point-in-time", sourceId: db, time: TIME }, ...place });
    expect(plain(one("azure:mssql/database:Database").inputs)).toMatchObject({
      createMode: "PointInTimeRestore",
      creationSourceDatabaseId: db,
      restorePointInTime: TIME,
    });
  });

  it("names what Azure and GCP need when it is missing", async () => {
    await expect(drillProgram({ cloud: "azure", engine: "postgres", name: "d", restore: pitr })()).rejects.toThrow(/resourceGroupName.*region.*keyVaultId/);
    await expect(drillProgram({ cloud: "gcp", engine: "postgres", name: "d", restore: pitr })()).rejects.toThrow(/spec\.region is required/);
  });

  it("spec input and stack config", () => {
    const input = drillSpecInput({ cloud: "aws", engine: "postgres", name: "d", restore: pitr, tags: { team: "data" } });
    expect(input).toMatchObject({ restore: pitr, deletionProtection: false, backup: { finalSnapshot: false }, tags: { purpose: "restore-drill", team: "data" } });
    expect(drillStackConfig({ cloud: "gcp", engine: "postgres", name: "d", restore: pitr, region: "r", project: "p" })).toEqual({ "gcp:region": "r", "gcp:project": "p" });
    expect(drillStackConfig({ cloud: "aws", engine: "postgres", name: "d", restore: pitr, region: "eu-west-1" })).toEqual({ "aws:region": "eu-west-1" });
  });
});

describe("runCloudDrill orchestration", () => {
  const root = mkdtempSync(path.join(tmpdir(), "dbtk-drill-cloud-"));
  chmodSync(root, 0o755);
  let server: ServerHandle;
  let base: Omit<DbTarget, "database">;

  beforeAll(async () => {
    server = await startLocalPostgres({ rootDir: path.join(root, "pg") });
    base = { engine: "postgres", host: server.host, port: server.port, user: server.user, password: server.password };
    const admin = new pg.Client({ ...base, database: "postgres" });
    await admin.connect();
    for (const db of ["source", "copy_good", "copy_bad"]) await admin.query(`CREATE DATABASE ${db}`);
    await admin.end();
    for (const [db, rows] of [["source", 10], ["copy_good", 10], ["copy_bad", 9]] as const) {
      const c = new pg.Client({ ...base, database: db });
      await c.connect();
      await c.query("CREATE TABLE orders (id int PRIMARY KEY)");
      await c.query("INSERT INTO orders SELECT generate_series(1, $1::int)", [rows]);
      await c.end();
    }
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** A stand-in stack: `up` "restores" by pointing at an existing local database. */
  function fakeStacks(database: string | Error): { factory: DrillStackFactory; calls: string[] } {
    const calls: string[] = [];
    const factory: DrillStackFactory = async (name, _program, config) => {
      calls.push(`create ${name} ${JSON.stringify(config)}`);
      const stack: DrillStack = {
        name,
        up: async () => {
          calls.push("up");
          if (database instanceof Error) throw database;
          return { connection: { ...base, database } };
        },
        destroy: async () => {
          calls.push("destroy");
        },
      };
      return stack;
    };
    return { factory, calls };
  }

  const spec: CloudDrillSpec = { cloud: "aws", engine: "postgres", name: "drill-orders", restore: pitr, region: "us-east-1" };

  it("validates the copy against the source, reports RTO, destroys the stack", async () => {
    const { factory, calls } = fakeStacks("copy_good");
    const report = await runCloudDrill({ spec, source: { ...base, database: "source" }, stackFactory: factory, validation: { tables: ["orders"] } });
    expect(report.error).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([["rows orders", true], ["md5 orders", true]]);
    expect(report.restorePoint).toBe(TIME);
    expect(report.rtoSeconds).toBeGreaterThan(0);
    expect(report.scratch.destroyed).toBe(true);
    expect(calls[0]).toMatch(/^create drill-orders-[0-9a-f]{6} \{"aws:region":"us-east-1"\}$/);
    expect(calls.slice(1)).toEqual(["up", "destroy"]);
  });

  it("fails the drill when the copy lost rows", async () => {
    const { factory } = fakeStacks("copy_bad");
    const report = await runCloudDrill({ spec, source: { ...base, database: "source" }, stackFactory: factory, validation: { tables: ["orders"] } });
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: "rows orders", expected: "10", actual: "9", ok: false });
    expect(report.scratch.destroyed).toBe(true);
  });

  it("destroys the stack even when up fails, and reports why", async () => {
    const { factory, calls } = fakeStacks(new Error("InvalidParameterValue: source not found"));
    const report = await runCloudDrill({ spec, stackFactory: factory });
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(/source not found/);
    expect(calls.slice(1)).toEqual(["up", "destroy"]);
    expect(report.scratch.destroyed).toBe(true);
  });
});

describe("automationStackFactory over the toolkit's stack engine", () => {
  it("tags the stack with owner and expiry, passes config, unwraps outputs, destroys with the same program", async () => {
    const ups: UpRequest[] = [];
    const destroys: DestroyRequest[] = [];
    const engine: StackEngine = {
      up: async (req) => {
        ups.push(req);
        return { connection: { value: { host: "h" }, secret: true } };
      },
      destroy: async (req) => {
        destroys.push(req);
        return true;
      },
      list: async () => [],
    };
    const program = async () => ({});
    const tags = drillStackTags(Date.now(), undefined, "drill-owner");
    const stack = await automationStackFactory(engine)("drill-x", program, { "aws:region": "eu-west-1" }, tags);
    expect(await stack.up()).toEqual({ connection: { host: "h" } });
    await stack.destroy();
    expect(ups[0]).toMatchObject({ stack: "drill-x", program, config: { "aws:region": "eu-west-1" }, tags: { "dbtk:purpose": "restore-drill" } });
    const expires = Date.parse(ups[0]!.tags["dbtk:expires-at"] ?? "");
    expect(expires).toBeGreaterThan(Date.now());
    expect(ups[0]!.tags["dbtk:owner"]).toBe("drill-owner");
    expect(destroys[0]!.stack).toBe("drill-x");
    expect(destroys[0]!.rebuild?.({})).toBe(program);
  });
});
