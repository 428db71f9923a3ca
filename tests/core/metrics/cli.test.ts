// `dbtk metrics` as a user runs it (compiled CLI): printed once, served on a port until Ctrl-C / SIGTERM,
// usage errors exit 2; the password is never printed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl } from "../../../core/connection.ts";
import { dbtk, startDbtk } from "../../automation/helpers.ts";
import { parseExposition, startServers, type Servers } from "./support.ts";

let servers: Servers;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  servers = await startServers("metrics-cli");
  env = { ...process.env, DATABASE_URL: databaseUrl(servers.pg) };
});
afterAll(async () => {
  await servers?.stop();
});

describe("dbtk metrics", () => {
  it("--once prints the metrics of DATABASE_URL on stdout", async () => {
    const r = await dbtk(["metrics", "--once", "--top", "3"], env);
    expect(r.code, r.stderr).toBe(0);
    const m = parseExposition(r.stdout);
    expect(m.get("pg_up")?.metrics[0]?.value).toBe("1");
    expect(m.get("pg_stat_statements_calls_total")?.metrics).toHaveLength(3);
    expect(r.stdout + r.stderr).not.toContain(servers.pg.password);
  });

  it("serves /metrics on the port asked, in text format 0.0.4, until SIGTERM", async () => {
    const p = startDbtk(["metrics", "--port", "0", "--url", databaseUrl(servers.mysql)], { ...process.env, DATABASE_URL: "" });
    await p.waitFor(/on http:\/\/127\.0\.0\.1:\d+\/metrics/);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(p.stderr())![1]!;
    const res = await fetch(url);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const m = parseExposition(await res.text());
    expect(m.get("mysql_up")?.metrics[0]?.value).toBe("1");
    expect((await fetch(url.replace("/metrics", "/nothing"))).status).toBe(404);
    p.child.kill("SIGTERM");
    const r = await p.done;
    expect(r.code).toBe(143);
    // The password in --url is warned about, never echoed.
    expect(r.stderr).toMatch(/warning: the password in --url shows in the process list/);
    expect(r.stderr).not.toContain(servers.mysql.password);
  });

  it("exits 2 on a usage error naming the fix, 1 when --once cannot reach the database", async () => {
    const none = await dbtk(["metrics", "--once"], { ...process.env, DATABASE_URL: "" });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/set DATABASE_URL/);
    const port = await dbtk(["metrics", "--port", "http"], env);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port "http" is not a whole number .* --port 9187/);
    const down = await dbtk(["metrics", "--once"], { ...process.env, DATABASE_URL: databaseUrl({ ...servers.pg, port: 1 }) });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot read metrics from postgres:\/\/.*:\*\*\*\*@127\.0\.0\.1:1\/shop/);
  });
});
