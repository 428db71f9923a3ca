// The pool server's IntegreSQL API over real HTTP against the sandbox's embedded PostgreSQL: the flow a client
// drives, status codes and JSON bodies as IntegreSQL answers them, and the bad inputs (unknown hash, finalize
// twice, a database never returned, a client killed mid-request), each a clear error with nothing leaked.
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPoolServer, startPoolServer, type ConnectionConfig, type PoolServer } from "../../../automation/serve/index.ts";
import { pgAdmin, pgLeftovers, sandbox, sleep, until } from "../helpers.ts";

const sb = sandbox("serve-api");
const dirs = { serversDir: sb.serversDir, cacheDir: path.join(sb.root, "cache") };
let srv: PoolServer;
let admin: pg.Client;

type Config = ConnectionConfig;

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${srv.url}/api/v1${p}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function sql<T = any>(c: Config, text: string): Promise<T[]> {
  const client = new pg.Client({ host: c.host, port: c.port, user: c.username, password: c.password, database: c.database });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Initialize, migrate (one table), finalize: what every client does once per hash. */
async function template(hash: string): Promise<void> {
  const init = await call("POST", "/templates", { hash });
  expect(init.status).toBe(200);
  await sql(init.json.database.config, "create table item (id serial primary key, name text not null)");
  expect((await call("PUT", `/templates/${hash}`)).status).toBe(204);
}

const templateStatus = (hash: string) => srv.status().templates.find((t) => t.hash === hash);

beforeAll(async () => {
  srv = await startPoolServer({ ...dirs, port: 0, poolSize: 2, leaseMs: 60_000 });
  admin = await pgAdmin(sb);
});

afterAll(async () => {
  await srv?.close();
  await admin?.end();
  await sb.cleanup();
});

describe("dbtk serve: IntegreSQL's API", () => {
  it("initialize → migrate → finalize → test databases: fields, codes and isolation as IntegreSQL's", async () => {
    // Other processes find the running server by its state file under the local server's directory.
    expect(findPoolServer(path.join(sb.serversDir, "postgres"))).toMatchObject({ url: srv.url, pid: process.pid, engine: "postgres" });
    const hash = "0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4";
    const init = await call("POST", "/templates", { hash });
    expect(init.status).toBe(200);
    expect(init.json.database.templateHash).toBe(hash);
    expect(Object.keys(init.json.database.config).sort()).toEqual(["database", "host", "password", "port", "username"]);
    expect(typeof init.json.database.config.port).toBe("number");
    await sql(init.json.database.config, "create table item (id serial primary key, name text not null); insert into item (name) values ('seed')");

    // A second initialize of the same hash while it is migrated: 423, the client then waits for finalize.
    const again = await call("POST", "/templates", { hash });
    expect(again.status).toBe(423);
    expect(again.json.message).toMatch(/already initialized/);

    expect((await call("PUT", `/templates/${hash}`)).status).toBe(204);
    // Finalize twice: 204 again, as IntegreSQL (the Python client finalizes on leaving its `with` block).
    expect((await call("PUT", `/templates/${hash}`)).status).toBe(204);

    const a = await call("GET", `/templates/${hash}/tests`);
    const b = await call("GET", `/templates/${hash}/tests`);
    expect(a.status).toBe(200);
    expect(a.json.database.templateHash).toBe(hash);
    expect(Number.isInteger(a.json.id)).toBe(true);
    expect(a.json.id).not.toBe(b.json.id);
    expect(a.json.database.config.database).not.toBe(b.json.database.config.database);
    expect(await sql(a.json.database.config, "select name from item")).toEqual([{ name: "seed" }]);
    await sql(a.json.database.config, "insert into item (name) values ('only in a')");
    expect(await sql(b.json.database.config, "select count(*)::int as n from item")).toEqual([{ n: 1 }]);
    // Each test database has its own login: a's cannot open b's.
    await expect(sql({ ...b.json.database.config, username: a.json.database.config.username, password: a.json.database.config.password }, "select 1")).rejects.toThrow();

    // unlock (and the deprecated DELETE form) give a database back as is; recreate replaces it.
    expect((await call("POST", `/templates/${hash}/tests/${b.json.id}/unlock`)).status).toBe(204);
    expect((await call("POST", `/templates/${hash}/tests/${b.json.id}/unlock`)).status).toBe(204);
    expect((await call("POST", `/templates/${hash}/tests/${a.json.id}/recreate`)).status).toBe(204);
    const gone = await call("DELETE", `/templates/${hash}/tests/${a.json.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toMatchObject({ error: "test_database_not_found" });
    expect(gone.json.message).toMatch(/recreated/);
    await until(async () => (await admin.query("select 1 from pg_database where datname = $1", [a.json.database.config.database])).rowCount === 0, 5000, () => "recreated database still there");

    expect((await call("DELETE", `/templates/${hash}`)).status).toBe(204);
    expect((await call("GET", `/templates/${hash}/tests`)).status).toBe(404);
    expect((await call("DELETE", `/templates/${hash}`)).status).toBe(404);
  });

  it("bad input: unknown hash, bad bodies and ids, unknown routes — each a JSON error naming the problem", async () => {
    for (const [method, p] of [["GET", "/templates/nope/tests"], ["PUT", "/templates/nope"], ["DELETE", "/templates/nope"], ["POST", "/templates/nope/tests/1/unlock"], ["POST", "/templates/nope/tests/1/recreate"]] as const) {
      const r = await call(method, p);
      expect(r.status, `${method} ${p}`).toBe(404);
      expect(r.json).toMatchObject({ error: "template_not_found" });
      expect(r.json.message).toContain("template nope not found");
    }
    expect((await call("POST", "/templates", {})).json).toMatchObject({ error: "bad_request", message: expect.stringMatching(/hash is required/) });
    expect((await call("POST", "/templates", { hash: "" })).status).toBe(400);
    const raw = await fetch(`${srv.url}/api/v1/templates`, { method: "POST", body: "{not json", headers: { "content-type": "application/json" } });
    expect(raw.status).toBe(400);
    await template("badids");
    expect((await call("POST", "/templates/badids/tests/abc/unlock")).status).toBe(400);
    const unknownId = await call("POST", "/templates/badids/tests/999/unlock");
    expect(unknownId.status).toBe(404);
    expect(unknownId.json.message).toMatch(/test database 999 of template badids not found/);
    expect((await call("GET", "/nothing/here")).status).toBe(404);
    // Trailing slashes are stripped before routing, as IntegreSQL does.
    expect((await call("GET", "/templates/badids/tests/")).status).toBe(200);
  });

  it("a known route with the wrong method: 405, an Allow header and a JSON error, as IntegreSQL's router (echo) answers", async () => {
    // Allow as echo v4 writes it: OPTIONS first, then the route's methods in echo's fixed order.
    const cases: Array<[string, string, string]> = [
      ["GET", "/templates", "OPTIONS, POST"],
      ["PUT", "/templates", "OPTIONS, POST"],
      ["GET", "/templates/anyhash", "OPTIONS, DELETE, PUT"],
      ["POST", "/templates/anyhash", "OPTIONS, DELETE, PUT"],
      ["POST", "/templates/anyhash/tests", "OPTIONS, GET"],
      ["DELETE", "/templates/anyhash/tests", "OPTIONS, GET"],
      ["GET", "/templates/anyhash/tests/1", "OPTIONS, DELETE"],
      ["GET", "/templates/anyhash/tests/1/unlock", "OPTIONS, POST"],
      ["DELETE", "/templates/anyhash/tests/1/recreate", "OPTIONS, POST"],
      ["GET", "/admin/templates", "OPTIONS, DELETE"],
      ["POST", "/dbtk/status", "OPTIONS, GET"],
      ["PATCH", "/templates/anyhash/", "OPTIONS, DELETE, PUT"], // trailing slash stripped first
    ];
    for (const [method, p, allow] of cases) {
      const res = await fetch(`${srv.url}/api/v1${p}`, { method });
      expect(res.status, `${method} ${p}`).toBe(405);
      expect(res.headers.get("allow"), `${method} ${p}`).toBe(allow);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await res.json()) as { message: string; error: string };
      expect(body.error).toBe("method_not_allowed");
      expect(body.message).toContain(`method ${method} not allowed on /api/v1/`);
    }
    // The handler never ran: a template named by a wrong-method request was not touched or created.
    expect(templateStatus("anyhash")).toBeUndefined();
    // OPTIONS on a known route: 204 with the same Allow (echo's default); HEAD is a 405 without a body.
    const options = await fetch(`${srv.url}/api/v1/templates/anyhash/tests`, { method: "OPTIONS" });
    expect([options.status, options.headers.get("allow")]).toEqual([204, "OPTIONS, GET"]);
    const head = await fetch(`${srv.url}/api/v1/templates/anyhash/tests`, { method: "HEAD" });
    expect([head.status, head.headers.get("allow"), await head.text()]).toEqual([405, "OPTIONS, GET", ""]);
    // Unknown routes stay 404, whatever the method, with no Allow header.
    for (const [method, p] of [["GET", "/templates/a/b"], ["POST", "/templates/a/tests/1/other"], ["DELETE", "/nothing"], ["OPTIONS", "/nope/x"]] as const) {
      const res = await fetch(`${srv.url}/api/v1${p}`, { method });
      expect(res.status, `${method} ${p}`).toBe(404);
      expect(res.headers.get("allow")).toBeNull();
      expect(((await res.json()) as { error: string }).error).toBe("not_found");
    }
    expect((await fetch(`${srv.url}/`)).status).toBe(404);
  });

  it("status reports the server's own latency: hand-outs (request event → answer written) and its event loop's delay", async () => {
    await template("timed");
    const before = (await call("GET", "/dbtk/status")).json.timings.handout.n as number;
    for (let i = 0; i < 5; i++) {
      const got = await call("GET", "/templates/timed/tests");
      expect((await call("POST", `/templates/timed/tests/${got.json.id}/unlock`)).status).toBe(204);
    }
    const { timings } = (await call("GET", "/dbtk/status")).json;
    expect(timings.handout.n).toBe(before + 5);
    expect(timings.handout.p50Ms).toBeGreaterThan(0);
    expect(timings.handout.p95Ms).toBeGreaterThanOrEqual(timings.handout.p50Ms);
    expect(timings.handout.maxMs).toBeGreaterThanOrEqual(timings.handout.p95Ms);
    expect(Object.keys(timings.eventLoopDelay).sort()).toEqual(["maxMs", "p50Ms", "p95Ms"]);
  });

  it("a database never returned is recycled after its lease; returning it late is a 404 saying so", async () => {
    const short = await startPoolServer({ ...dirs, port: 0, poolSize: 1, leaseMs: 300 });
    try {
      const post = (p: string, body?: unknown) => fetch(`${short.url}/api/v1${p}`, { method: body ? "POST" : "PUT", ...(body ? { body: JSON.stringify(body) } : {}) });
      const init = (await (await post("/templates", { hash: "lease" })).json()) as { database: { config: Config } };
      await sql(init.database.config, "create table t (x int)");
      expect((await post("/templates/lease")).status).toBe(204);
      const got = (await (await fetch(`${short.url}/api/v1/templates/lease/tests`)).json()) as { id: number; database: { config: Config } };
      await sleep(700);
      const late = await fetch(`${short.url}/api/v1/templates/lease/tests/${got.id}/unlock`, { method: "POST" });
      expect(late.status).toBe(404);
      expect(((await late.json()) as { message: string }).message).toMatch(/not returned within its lease/);
      await until(async () => (await admin.query("select 1 from pg_database where datname = $1", [got.database.config.database])).rowCount === 0, 5000, () => "recycled database still there");
      expect(short.status().templates[0]).toMatchObject({ leased: 0, recycled: 1 });
    } finally {
      await short.close();
    }
  });

  it("at --max the oldest handed-out database is recycled, as IntegreSQL recycles its oldest dirty one", async () => {
    const small = await startPoolServer({ ...dirs, port: 0, poolSize: 1, max: 2, minLifetimeMs: 0 });
    try {
      const at = (p: string, method = "GET", body?: unknown) => fetch(`${small.url}/api/v1${p}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
      const init = (await (await at("/templates", "POST", { hash: "max" })).json()) as { database: { config: Config } };
      await sql(init.database.config, "create table t (x int)");
      await at("/templates/max", "PUT");
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push(((await (await at("/templates/max/tests")).json()) as { id: number }).id);
      expect(new Set(ids).size).toBe(3);
      const oldest = await at(`/templates/max/tests/${ids[0]}/unlock`, "POST");
      expect(oldest.status).toBe(404);
      expect(((await oldest.json()) as { message: string }).message).toMatch(/recycled to make room: the pool reached its maximum of 2/);
      expect((await at(`/templates/max/tests/${ids[2]}/unlock`, "POST")).status).toBe(204);
    } finally {
      await small.close();
    }
  });

  it("a request waiting for a template that is discarded meanwhile gets 410", async () => {
    const init = await call("POST", "/templates", { hash: "discarded" });
    expect(init.status).toBe(200);
    const waiting = call("GET", "/templates/discarded/tests");
    await sleep(200);
    expect((await call("DELETE", "/templates/discarded")).status).toBe(204);
    const r = await waiting;
    expect(r.status).toBe(410);
    expect(r.json).toMatchObject({ error: "template_discarded", message: expect.stringMatching(/template discarded was discarded/) });
  });

  it("a client killed while waiting for a database leaks nothing: the database goes back to the pool", async () => {
    const hash = "killed";
    const init = await call("POST", "/templates", { hash });
    await sql(init.json.database.config, "create table t (x int)");
    // A separate process asks for a database of a template not yet finalized (so it waits), and is killed.
    const child = spawn(process.execPath, ["-e", `fetch(${JSON.stringify(`${srv.url}/api/v1/templates/${hash}/tests`)}).then(() => console.log("answered"))`], { stdio: "pipe" });
    await sleep(400);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect((await call("PUT", `/templates/${hash}`)).status).toBe(204);
    await until(() => (templateStatus(hash)?.ready ?? 0) >= 2, 10_000, () => JSON.stringify(templateStatus(hash)));
    expect(templateStatus(hash)).toMatchObject({ leased: 0, handedOut: 0 });
  });

  it("a client gone before its initialize answer leaves no build behind: the next worker initializes it", async () => {
    const ac = new AbortController();
    const pending = fetch(`${srv.url}/api/v1/templates`, { method: "POST", body: JSON.stringify({ hash: "gone-early" }), signal: ac.signal }).catch(() => undefined);
    setTimeout(() => ac.abort(), 30);
    await pending;
    await until(() => !templateStatus("gone-early"), 10_000, () => JSON.stringify(templateStatus("gone-early")));
    const next = await call("POST", "/templates", { hash: "gone-early" });
    expect(next.status).toBe(200);
    expect((await call("DELETE", "/templates/gone-early")).status).toBe(204);
  });

  it("stop drops every test database and unfinished template; finalized ones stay cached for the next server", async () => {
    await template("leftovers");
    const held = await call("GET", "/templates/leftovers/tests");
    expect(held.status).toBe(200);
    const building = await call("POST", "/templates", { hash: "never-finalized" });
    expect(building.status).toBe(200);
    await srv.close();
    expect(findPoolServer(path.join(sb.serversDir, "postgres"))).toBeUndefined();
    const left = await pgLeftovers(admin);
    expect(left.databases).toEqual([]);
    expect(left.logins).toEqual([]);
    // Finalized templates stay in the cache (the next server reuses them); the unfinished one is gone.
    expect(left.templates.length).toBe(left.templateLogins.length);
    const later = await startPoolServer({ ...dirs, port: 0 });
    try {
      const cached = await fetch(`${later.url}/api/v1/templates`, { method: "POST", body: JSON.stringify({ hash: "leftovers" }) });
      expect(cached.status).toBe(423);
      expect(((await cached.json()) as { message: string }).message).toMatch(/template cache/);
      const got = await fetch(`${later.url}/api/v1/templates/leftovers/tests`);
      expect(got.status).toBe(200);
      const again = await fetch(`${later.url}/api/v1/templates`, { method: "POST", body: JSON.stringify({ hash: "never-finalized" }) });
      expect(again.status).toBe(200);
    } finally {
      await later.close();
    }
    expect((await pgLeftovers(admin)).databases).toEqual([]);
  });
});
