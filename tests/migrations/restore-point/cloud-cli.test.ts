// `dbtk restore-point … --resource <component output>` from dist/ (run `npm run build` first) against a
// fake RDS endpoint on localhost: credentials and the endpoint come from the environment.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl } from "../../../core/connection.ts";
import { startServer, writeMigrations, type TestServer } from "../runner/helpers.ts";
import { V1, V2_FAILING } from "./helpers.ts";

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, "../../../bin/dbtk.mjs");
const ARN = "arn:aws:rds:eu-west-1:123456789012:db:orders-prod";

let server: Server;
const bodies: string[] = [];

async function dbtk(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|DBTK_GCP|DBTK_AZURE|DATABASE_URL)/.test(k))) as Record<string, string>;
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...base, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

let env: Record<string, string>;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      bodies.push(body);
      const snap = (id: string) => `<DBSnapshot><DBSnapshotIdentifier>${id}</DBSnapshotIdentifier><SnapshotCreateTime>2026-11-29T12:00:00Z</SnapshotCreateTime><Status>available</Status></DBSnapshot>`;
      res.writeHead(200, { "content-type": "text/xml" });
      if (body.includes("Action=DescribeDBSnapshots")) res.end(`<R><DBSnapshots>${snap("dbtk-rp-b-0000000000")}${snap("dbtk-rp-a-0000000000")}</DBSnapshots></R>`);
      else res.end(`<R>${snap(new URLSearchParams(body).get("DBSnapshotIdentifier") ?? "x")}</R>`);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  env = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_ENDPOINT_URL_RDS: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("dbtk restore-point --resource (CLI, fake RDS)", () => {
  it("create --keep, ls --json, restore prints the components' restore input, drop", async () => {
    const created = await dbtk(["restore-point", "create", "--resource", ARN, "--keep", "1"], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^restore point dbtk-rp-[0-9a-z-]+ of arn:aws:rds:eu-west-1:123456789012:db:orders-prod requested \(available\); way back: restore: \{"mode":"snapshot","snapshotId":"dbtk-rp-/);
    expect(bodies.some((b) => b.includes("Action=DeleteDBSnapshot") && b.includes("dbtk-rp-a-0000000000"))).toBe(true);
    const ls = JSON.parse((await dbtk(["restore-point", "ls", "--resource", ARN, "--json"], env)).stdout) as { restorePoints: { id: string }[] };
    expect(ls.restorePoints.map((p) => p.id)).toEqual(["dbtk-rp-b-0000000000", "dbtk-rp-a-0000000000"]);
    const restore = await dbtk(["restore-point", "restore", "dbtk-rp-b-0000000000", "--resource", ARN], env);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('restore: {"mode":"snapshot","snapshotId":"dbtk-rp-b-0000000000"}');
    expect((await dbtk(["restore-point", "drop", "dbtk-rp-b-0000000000", "--resource", ARN], env)).stdout).toBe(`dropped restore point dbtk-rp-b-0000000000 of ${ARN}\n`);
  });

  it("says which variables to set, and which resource ids it takes (exit 2)", async () => {
    const none = await dbtk(["restore-point", "ls", "--resource", ARN], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no credentials for arn:aws:rds:.*: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    const bad = await dbtk(["restore-point", "ls", "--resource", "orders"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--resource "orders" is not a database the components make/);
  });
});

describe("dbtk migrate --restore-point --resource (fake RDS, embedded PostgreSQL)", () => {
  let pgSrv: TestServer;
  beforeAll(async () => {
    pgSrv = await startServer("postgres", "rp-cloud-cli");
  });
  afterAll(async () => {
    await pgSrv?.stop();
  });

  it("requests a snapshot only when something is pending; a failed run names the components' restore input", async () => {
    const t = await pgSrv.database();
    const url = { DATABASE_URL: databaseUrl(t) };
    const dir = (name: string, files: Record<string, string>) => writeMigrations(path.join(pgSrv.root, name), files);
    const ok = dir("ok", { "V1__init.sql": V1.postgres });
    bodies.length = 0;
    const first = await dbtk(["migrate", "--migrations", ok, "--restore-point", "--resource", ARN], { ...env, ...url });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/restore point dbtk-rp-[0-9a-z-]+ of arn:aws:rds:.* requested \(available\)/);
    expect(bodies.filter((b) => b.includes("Action=CreateDBSnapshot"))).toHaveLength(1);
    expect((await dbtk(["migrate", "--migrations", ok, "--restore-point", "--resource", ARN], { ...env, ...url })).code).toBe(0);
    expect(bodies.filter((b) => b.includes("Action=CreateDBSnapshot"))).toHaveLength(1);
    const failing = dir("failing", { "V1__init.sql": V1.postgres, "V2__fail.sql": V2_FAILING.postgres });
    const failed = await dbtk(["migrate", "--migrations", failing, "--restore-point", "--resource", ARN, "--json"], { ...env, ...url });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/kept; the way back is a new database from the components' restore: \{"mode":"snapshot","snapshotId":"dbtk-rp-/);
    expect(JSON.parse(failed.stdout)).toMatchObject({ ok: false, restorePoint: { cloudRestorePoint: { provider: "aws-rds" } } });
    const refused = await dbtk(["migrate", "--migrations", failing, "--restore-point", "--resource", ARN, "--restore-on-failure"], { ...env, ...url });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--restore-on-failure cannot put a cloud snapshot back in place/);
  });
});
