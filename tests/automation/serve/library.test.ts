// The library API uses a running `dbtk serve` when there is one on the local server: every test process then
// shares one template and one pool (the server's); poolServer: false keeps a pool of its own.
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPoolServer, type PoolServer } from "../../../automation/serve/index.ts";
import { ephemeralDatabases } from "../../../automation/testing.ts";
import { REPO, sandbox } from "../helpers.ts";

const sb = sandbox("serve-lib");
const dirs = { serversDir: sb.serversDir, cacheDir: path.join(sb.root, "cache") };
const migrations = path.join(REPO, "examples/sample-app/migrations");
let srv: PoolServer;

beforeAll(async () => {
  srv = await startPoolServer({ ...dirs, port: 0, poolSize: 2 });
});

afterAll(async () => {
  await srv?.close();
  await sb.cleanup();
});

async function users(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query("select count(*) as n from users")).rows[0].n);
  } finally {
    await c.end();
  }
}

describe("ephemeralDatabases with a running dbtk serve", () => {
  it("two processes' pools share the server's template and pool; release recreates on the server", async () => {
    const [a, b] = await Promise.all([ephemeralDatabases({ ...dirs, migrations }), ephemeralDatabases({ ...dirs, migrations })]);
    try {
      const [x, y] = await Promise.all([a.acquire(), b.acquire()]);
      expect(x.id).not.toBe(y.id);
      expect(await users(x.url)).toBe(0);
      const served = srv.status().templates;
      expect(served).toHaveLength(1);
      expect(served[0]).toMatchObject({ hash: `dbtk-${a.templateKey}`, state: "ready", handedOut: 2, leased: 2 });
      await x.release();
      await x.release();
      expect(srv.status().templates[0]).toMatchObject({ leased: 1 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    expect(srv.status().templates[0]).toMatchObject({ leased: 0 });
  });

  it("poolServer: false keeps a pool of its own", async () => {
    const own = await ephemeralDatabases({ ...dirs, migrations, poolServer: false, poolSize: 0 });
    try {
      const before = srv.status().templates[0]?.handedOut;
      const db = await own.acquire();
      expect(await users(db.url)).toBe(0);
      await db.release();
      expect(srv.status().templates[0]?.handedOut).toBe(before);
    } finally {
      await own.close();
    }
  });
});
