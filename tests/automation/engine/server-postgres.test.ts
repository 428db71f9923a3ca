// The `server` target through the real Pulumi engine (CLI built by tools/install-pulumi.sh) against a
// local PostgreSQL: one stack per database, a dynamic provider making the database and its login.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStackTarget, EngineCancelledError, PROJECT, resolveSettings } from "../../../automation/engine/index.ts";
import { startLocalPostgres, type ServerHandle } from "../../../core/servers/index.ts";
import { newMeta } from "../../../automation/targets/meta.ts";
import type { CreateRequest, Target } from "../../../automation/targets/types.ts";
import { adminUrl, engineHost, failure, filesUnder, pulumiInstalled, readAll, serverHas, tempRoot } from "./helpers.ts";

const ready = pulumiInstalled();
const SLOW = { timeout: 600_000 };

describe.skipIf(!ready)("server target on PostgreSQL through the real Pulumi engine", () => {
  let root: string;
  let server: ServerHandle;
  let url: string;
  const targets: Target[] = [];

  const request = (): CreateRequest => ({ ...newMeta({ target: "server", ttlMs: 3_600_000, owner: "engine-test" }), engine: "postgres" });
  const open = (stateDir: string, extra: Partial<Parameters<typeof createStackTarget>[0]> = {}) => {
    const t = createStackTarget({ kind: "server", engine: "postgres", serverUrl: url, stateDir, ...engineHost, ...extra });
    targets.push(t);
    return t;
  };
  const backendFiles = (stateDir: string) => filesUnder(path.join(stateDir, "backend"));

  beforeAll(async () => {
    root = tempRoot("dbtk-engine-pg-");
    server = await startLocalPostgres({ rootDir: path.join(root, "pg") });
    url = adminUrl(server);
  });

  afterAll(async () => {
    for (const t of targets) await t.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("up makes the database and its own login; destroy drops both, removes the stack and cleans the state", SLOW, async () => {
    const stateDir = path.join(root, "lifecycle");
    const lines: string[] = [];
    const target = open(stateDir, { onProgress: (l) => lines.push(l) });
    const req = request();
    const db = await target.create(req);

    expect(db.connection).toMatchObject({ engine: "postgres", host: server.host, port: server.port, database: req.id, user: req.id });
    expect(await serverHas(server, req.id)).toEqual({ database: true, role: true });
    expect((await target.list()).map((m) => m.id)).toContain(req.id);
    const listed = (await target.list()).find((m) => m.id === req.id);
    expect(listed).toMatchObject({ owner: "engine-test", createdAt: req.createdAt, expiresAt: req.expiresAt, target: "server" });

    // The login works in its own database, and can build a schema there.
    const own = new pg.Client({ ...db.connection });
    await own.connect();
    await own.query("create table widgets (id int primary key)");
    await own.query("insert into widgets values (1)");
    // …but cannot make roles or databases.
    expect((await failure(() => own.query("create role intruder"))).code).toBe("42501");
    expect((await failure(() => own.query("create database other_db"))).code).toBe("42501");
    await own.end();

    // The database carries its owner and expiry as a comment.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const { rows } = await admin.query("select shobj_description(oid, 'pg_database') as c from pg_database where datname = $1", [req.id]);
    await admin.end();
    expect(rows[0]?.c).toContain(`expires=${req.expiresAt}`);

    // Secrets: the password is encrypted in the state file; neither it nor the admin password is anywhere
    // in the backend, and the admin URL never went through the progress output.
    const stateFile = path.join(stateDir, "backend", ".pulumi", "stacks", PROJECT, `${req.id}.json`);
    const state = readFileSync(stateFile, "utf8");
    expect(state).toContain("ciphertext");
    expect(state).not.toContain(db.connection.password);
    expect(readAll(path.join(stateDir, "backend"))).not.toContain(server.password);
    expect(lines.join("\n")).not.toContain(server.password);
    expect(lines.join("\n")).not.toContain(db.connection.password);
    expect(lines.some((l) => l.includes("ServerDatabase"))).toBe(true);

    // The provider serialized into the state is small and self-contained: it captured no workspace or
    // engine object (#13960) and loads its driver at call time rather than through an ESM import (#18977).
    const resources = (JSON.parse(state) as { checkpoint: { latest: { resources: { type: string; inputs?: Record<string, unknown> }[] } } })
      .checkpoint.latest.resources;
    const provider = String(resources.find((r) => r.type.endsWith("ServerDatabase"))?.inputs?.__provider ?? "");
    expect(provider).toContain("exports.handler");
    expect(provider.length).toBeLessThan(40_000);
    expect(provider).not.toMatch(/LocalWorkspace|PulumiCommand|automation/);
    expect(provider).not.toMatch(/require\(["']pg["']\)/);

    await target.destroy(req.id);
    expect(await serverHas(server, req.id)).toEqual({ database: false, role: false });
    expect((await target.list()).map((m) => m.id)).not.toContain(req.id);
    expect(backendFiles(stateDir).filter((f) => f.includes(req.id))).toEqual([]);
    // Destroying what is gone is not an error.
    await target.destroy(req.id);
  });

  it("creates three stacks in parallel, each in its own workspace, isolated from each other", SLOW, async () => {
    const stateDir = path.join(root, "parallel");
    const target = open(stateDir);
    const reqs = [request(), request(), request()];
    const dbs = await Promise.all(reqs.map((r) => target.create(r)));
    expect(new Set(dbs.map((d) => d.connection.database)).size).toBe(3);
    expect((await target.list()).map((m) => m.id).sort()).toEqual(reqs.map((r) => r.id).sort());

    // A login cannot connect to another ephemeral database.
    const [a, b] = dbs as [(typeof dbs)[0], (typeof dbs)[0]];
    const intruder = new pg.Client({ ...a.connection, database: b.connection.database });
    const err = await failure(() => intruder.connect());
    expect(err.code).toBe("42501");
    await intruder.end().catch(() => undefined);

    await Promise.all(reqs.map((r) => target.destroy(r.id)));
    for (const r of reqs) expect(await serverHas(server, r.id)).toEqual({ database: false, role: false });
    expect(await target.list()).toEqual([]);
    expect(backendFiles(stateDir).filter((f) => f.includes("/stacks/"))).toEqual([]);
  });

  it("works with an explicitly empty passphrase, which another passphrase cannot open", SLOW, async () => {
    const stateDir = path.join(root, "empty-passphrase");
    const settings = resolveSettings({ stateDir, passphrase: "", ...engineHost });
    expect(settings.env.PULUMI_CONFIG_PASSPHRASE).toBe("");
    const target = open(stateDir, { passphrase: "" });
    const req = request();
    const db = await target.create(req);
    expect(await serverHas(server, db.id)).toEqual({ database: true, role: true });

    const wrong = open(stateDir, { passphrase: "not-the-passphrase" });
    const err = await failure(() => wrong.destroy(req.id));
    expect(err.message).toMatch(/passphrase/i);
    expect(await serverHas(server, db.id)).toEqual({ database: true, role: true });

    await target.destroy(req.id);
    expect(await serverHas(server, db.id)).toEqual({ database: false, role: false });
  });

  it("an up aborted mid-way leaves a stack that destroy still removes completely", SLOW, async () => {
    const stateDir = path.join(root, "cancel");
    const controller = new AbortController();
    const aborting = open(stateDir, {
      signal: controller.signal,
      // Abort as soon as the engine starts creating our resource: the CLI gets SIGINT mid-update.
      onProgress: (l) => {
        if (/ServerDatabase database creating/.test(l)) controller.abort();
      },
    });
    const req = request();
    const err = await failure(() => aborting.create(req));
    expect(err).toBeInstanceOf(EngineCancelledError);
    expect(controller.signal.aborted).toBe(true);
    // The stack exists (tagged before the update), so list and reap can find it.
    expect((await aborting.list()).map((m) => m.id)).toContain(req.id);

    // The same target (its signal already aborted) still cleans up.
    await aborting.destroy(req.id);
    const target = open(stateDir);
    expect(await serverHas(server, req.id)).toEqual({ database: false, role: false });
    expect(await target.list()).toEqual([]);
    expect(backendFiles(stateDir).filter((f) => f.includes(req.id))).toEqual([]);
  });

  it("a failed create reports the server's error without secrets and leaves no stack", SLOW, async () => {
    const stateDir = path.join(root, "failing");
    const badPassword = "wrong-Password-123";
    const bad = createStackTarget({
      kind: "server",
      engine: "postgres",
      serverUrl: `postgres://${server.user}:${badPassword}@${server.host}:${server.port}/postgres`,
      stateDir,
      ...engineHost,
    });
    targets.push(bad);
    const req = request();
    const err = await failure(() => bad.create(req));
    expect(err.message).toMatch(new RegExp(`pulumi up of stack ${req.id} failed`));
    expect(err.message).toMatch(/password authentication failed/);
    expect(err.message).not.toContain(badPassword);
    expect(await bad.list()).toEqual([]);
    expect(await serverHas(server, req.id)).toEqual({ database: false, role: false });
  });

  it("destroy after a killed run (a pending create in the state) re-adopts the database and drops it", SLOW, async () => {
    const stateDir = path.join(root, "pending");
    const target = open(stateDir);
    const req = request();
    await target.create(req);

    // Rewrite the state as a SIGKILLed `up` leaves it: the create pending, the resource not recorded, and
    // the dead process's lock still there. (`stack import` would clear pending operations, so the file
    // backend's JSON is edited directly.)
    const stackFile = path.join(stateDir, "backend", ".pulumi", "stacks", PROJECT, `${req.id}.json`);
    const checkpoint = JSON.parse(readFileSync(stackFile, "utf8")) as {
      checkpoint: { latest: { resources: { type: string }[]; pending_operations?: unknown[] } };
    };
    const latest = checkpoint.checkpoint.latest;
    const resource = latest.resources.find((r) => r.type.endsWith("ServerDatabase"));
    expect(resource).toBeDefined();
    latest.resources = latest.resources.filter((r) => r !== resource);
    latest.pending_operations = [{ resource, type: "creating" }];
    writeFileSync(stackFile, JSON.stringify(checkpoint));
    const deadPid = await new Promise<number>((resolve) => {
      const child = spawn("true");
      child.on("exit", () => resolve(child.pid as number));
    });
    const lockDir = path.join(stateDir, "backend", ".pulumi", "locks", "organization", PROJECT, req.id);
    mkdirSync(lockDir, { recursive: true });
    writeFileSync(
      path.join(lockDir, `${randomUUID()}.json`),
      JSON.stringify({ pid: deadPid, username: "root", hostname: hostname(), timestamp: new Date().toISOString() }),
    );
    expect(await serverHas(server, req.id)).toEqual({ database: true, role: true });

    const lines: string[] = [];
    const recovering = open(stateDir, { onProgress: (l) => lines.push(l) });
    await recovering.destroy(req.id);
    expect(lines.join("\n")).toMatch(/lock of a pulumi process that is gone/);
    expect(lines.join("\n")).toMatch(/pending operation/);
    expect(lines.join("\n")).toMatch(/re-running the interrupted create/);
    expect(await serverHas(server, req.id)).toEqual({ database: false, role: false });
    expect(await recovering.list()).toEqual([]);
  });
});
