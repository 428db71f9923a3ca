// 16 concurrent workers × 100 test databases each through `dbtk serve`'s HTTP API: no database is ever held
// by two workers at once (checked by name and inside the database), and stopping the server leaves nothing.
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startPoolServer } from "../../../automation/serve/index.ts";
import { pgAdmin, pgLeftovers, sandbox } from "../helpers.ts";

const sb = sandbox("serve-workers");
afterAll(() => sb.cleanup());

const WORKERS = 16;
const EACH = 100;

interface Got {
  id: number;
  database: { config: { host: string; port: number; username: string; password: string; database: string } };
}

describe("dbtk serve under parallel workers", () => {
  it(`${WORKERS} workers × ${EACH} databases: 0 collisions, 0 leftovers after stop`, async () => {
    const srv = await startPoolServer({ serversDir: sb.serversDir, cacheDir: path.join(sb.root, "cache"), port: 0, poolSize: 8, max: 48, parallel: 4 });
    const api = (p: string, method = "GET", body?: unknown) =>
      fetch(`${srv.url}/api/v1${p}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    const init = (await (await api("/templates", "POST", { hash: "workers" })).json()) as Got;
    const c = init.database.config;
    const tpl = new pg.Client({ host: c.host, port: c.port, user: c.username, password: c.password, database: c.database });
    await tpl.connect();
    await tpl.query("create table holder (only_one boolean primary key default true, worker int not null)");
    await tpl.end();
    expect((await api("/templates/workers", "PUT")).status).toBe(204);

    const held = new Map<string, number>();
    let collisions = 0;
    let checkedInside = 0;
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; i < EACH; i++) {
        const res = await api("/templates/workers/tests");
        expect(res.status).toBe(200);
        const got = (await res.json()) as Got;
        const name = got.database.config.database;
        if (held.has(name)) collisions++;
        held.set(name, w);
        // Every 25th hand-out is also checked inside the database: nobody else's row, then ours.
        const inside = i % 25 === 0;
        if (inside) {
          const k = got.database.config;
          const db = new pg.Client({ host: k.host, port: k.port, user: k.username, password: k.password, database: k.database });
          await db.connect();
          const { rowCount } = await db.query("select 1 from holder");
          if (rowCount) collisions++;
          await db.query("insert into holder (worker) values ($1)", [w]);
          await db.end();
          checkedInside++;
        }
        held.delete(name);
        // A written database is recreated from the template; an untouched one goes back as is.
        const action = inside ? "recreate" : "unlock";
        expect((await api(`/templates/workers/tests/${got.id}/${action}`, "POST")).status).toBe(204);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    expect(collisions).toBe(0);
    expect(checkedInside).toBe(WORKERS * Math.ceil(EACH / 25));
    expect(srv.status().templates[0]).toMatchObject({ handedOut: WORKERS * EACH, leased: 0, recycled: 0 });

    await srv.close();
    const admin = await pgAdmin(sb);
    const left = await pgLeftovers(admin);
    await admin.end();
    expect(left.databases).toEqual([]);
    expect(left.logins).toEqual([]);
  });
});
