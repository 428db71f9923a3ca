// `dbtk serve` as a command (compiled dist/: run `npm run build` first): --json prints the URL and the
// clients' variable once listening, SIGTERM stops it with every test database dropped, bad flags exit 2;
// `dbtk run` uses a running server.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findPoolServer, startPoolServer } from "../../../automation/serve/index.ts";
import { cacheDir, dirsFromEnv } from "../../../core/servers/paths.ts";
import { dbtk, pgAdmin, pgLeftovers, REPO, sandbox, startDbtk } from "../helpers.ts";

const sb = sandbox("serve-cli");
afterAll(() => sb.cleanup());

describe("dbtk serve (CLI)", () => {
  it("--json prints url and INTEGRESQL_CLIENT_BASE_URL; SIGTERM stops it and drops every test database", async () => {
    const p = startDbtk(["serve", "--port", "0", "--json", "--pool-size", "1"], sb.env);
    await p.waitFor(/"url"/, "stdout");
    const info = JSON.parse(p.stdout().trim().split("\n")[0] as string) as { url: string; env: Record<string, string>; pid: number };
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.env).toEqual({ INTEGRESQL_CLIENT_BASE_URL: `${info.url}/api` });
    const api = (path: string, method = "GET", body?: unknown) =>
      fetch(`${info.env.INTEGRESQL_CLIENT_BASE_URL}/v1${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await api("/templates", "POST", { hash: "cli" })).status).toBe(200);
    expect((await api("/templates/cli", "PUT")).status).toBe(204);
    const got = (await (await api("/templates/cli/tests")).json()) as { database: { config: { database: string } } };
    const admin = await pgAdmin(sb);
    try {
      expect((await admin.query("select 1 from pg_database where datname = $1", [got.database.config.database])).rowCount).toBe(1);
      p.child.kill("SIGTERM");
      const res = await p.done;
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toMatch(/stopped in .*test databases dropped/);
      const left = await pgLeftovers(admin);
      expect(left.databases).toEqual([]);
      expect(left.logins).toEqual([]);
    } finally {
      await admin.end();
    }
  });

  it("a server killed with SIGKILL leaks nothing for long: the next one drops its clones and its unfinished build", async () => {
    const p = startDbtk(["serve", "--port", "0", "--json", "--pool-size", "2"], sb.env);
    await p.waitFor(/"url"/, "stdout");
    const { url } = JSON.parse(p.stdout().trim().split("\n")[0] as string) as { url: string };
    const api = (path: string, method = "GET", body?: unknown) => fetch(`${url}/api/v1${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    await api("/templates", "POST", { hash: "k9" });
    await api("/templates/k9", "PUT");
    expect((await api("/templates/k9/tests")).status).toBe(200);
    expect((await api("/templates", "POST", { hash: "k9-building" })).status).toBe(200);
    p.child.kill("SIGKILL");
    await p.done;
    const root = path.join(sb.serversDir, "postgres");
    expect(findPoolServer(root)).toBeUndefined();
    const admin = await pgAdmin(sb);
    const next = await startPoolServer({ serversDir: sb.serversDir, cacheDir: path.join(sb.root, "cache"), port: 0 });
    try {
      expect((await pgLeftovers(admin)).databases).toEqual([]);
      const again = await fetch(`${next.url}/api/v1/templates`, { method: "POST", body: JSON.stringify({ hash: "k9-building" }) });
      expect(again.status).toBe(200);
    } finally {
      await next.close();
      await admin.end();
    }
  });

  it("dbtk run takes its template and database from a running dbtk serve, and gives the database back", async () => {
    const srv = await startPoolServer({ serversDir: sb.serversDir, cacheDir: path.join(sb.root, "cache"), port: 0, poolSize: 1 });
    try {
      const check = `const pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        c.connect().then(() => c.query("select count(*) from users")).then(() => { console.log(process.env.PGDATABASE); return c.end(); }).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(4); });`;
      const args = ["run", "--migrations", "examples/sample-app/migrations", "--", process.execPath, "-e", check];
      const first = await dbtk(args, sb.env);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toContain(`from dbtk serve at ${srv.url}`);
      const second = await dbtk(args, sb.env);
      expect(second.code, second.stderr).toBe(0);
      const served = srv.status().templates;
      expect(served).toHaveLength(1);
      expect(served[0]!.hash).toMatch(/^dbtk-[0-9a-f]+$/);
      // Built once, handed out twice, given back both times (recreated on the server).
      expect(served[0]).toMatchObject({ state: "ready", handedOut: 2, leased: 0 });
      expect(first.stdout.trim()).not.toBe(second.stdout.trim());
    } finally {
      await srv.close();
    }
  });

  it("serve -- <command>: the command runs with INTEGRESQL_CLIENT_BASE_URL (here the Python client's flow), then the server stops", async () => {
    const python = path.join(cacheDir(dirsFromEnv(process.env)), "bin", "integresql-python");
    const script = path.join(REPO, "tests/automation/serve/fixtures/integresql_flow.py");
    const r = await dbtk(["serve", "--port", "0", "--", python, script, path.join(REPO, "examples/sample-app/migrations")], sb.env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim()) as { migrated: boolean }).toMatchObject({ migrated: true });
    expect(r.stderr).toMatch(/stopped in /);
    const failing = await dbtk(["serve", "--port", "0", "--", process.execPath, "-e", "process.exit(3)"], sb.env);
    expect(failing.code).toBe(3);
    const admin = await pgAdmin(sb);
    try {
      expect((await pgLeftovers(admin)).databases).toEqual([]);
    } finally {
      await admin.end();
    }
  });

  it("bad flags are usage errors (exit 2) naming the flag", async () => {
    for (const [args, text] of [
      [["--port", "http"], /--port "http" must be a whole number/],
      [["--lease", "soon"], /--lease: "soon" is not a duration/],
      [["--engine", "oracle"], /--engine oracle: unknown/],
    ] as const) {
      const r = await dbtk(["serve", ...args], sb.env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(text);
    }
  });
});
