// `dbtk serve --engine mysql`: the same API over the local MariaDB (an extension: IntegreSQL itself is
// PostgreSQL only). The config names a MySQL login and schema; clones carry the template's tables and rows.
import path from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPoolServer, type ConnectionConfig, type PoolServer } from "../../../automation/serve/index.ts";
import { mysqlAdmin, mysqlLeftovers, sandbox } from "../helpers.ts";

const sb = sandbox("serve-mariadb");
let srv: PoolServer;

type Config = ConnectionConfig;

const connect = (c: Config) => mysql.createConnection({ host: c.host, port: c.port, user: c.username, password: c.password, database: c.database, multipleStatements: true });

beforeAll(async () => {
  srv = await startPoolServer({ serversDir: sb.serversDir, cacheDir: path.join(sb.root, "cache"), engine: "mysql", port: 0, poolSize: 1 });
});

afterAll(async () => {
  await sb.cleanup();
});

describe("dbtk serve on MariaDB", () => {
  it("initialize → migrate → finalize → test databases of their own; stop leaves nothing", async () => {
    const api = (p: string, method = "GET", body?: unknown) => fetch(`${srv.url}/api/v1${p}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    const init = (await (await api("/templates", "POST", { hash: "maria" })).json()) as { database: { config: Config } };
    const t = await connect(init.database.config);
    await t.query("create table item (id int primary key auto_increment, name varchar(40) not null); insert into item (name) values ('seed')");
    await t.end();
    expect((await api("/templates/maria", "PUT")).status).toBe(204);

    const a = (await (await api("/templates/maria/tests")).json()) as { id: number; database: { config: Config } };
    const b = (await (await api("/templates/maria/tests")).json()) as { id: number; database: { config: Config } };
    expect(a.database.config.database).not.toBe(b.database.config.database);
    const ca = await connect(a.database.config);
    await ca.query("insert into item (name) values ('a')");
    const [rows] = await ca.query<mysql.RowDataPacket[]>("select name from item order by id");
    expect(rows.map((r) => r.name)).toEqual(["seed", "a"]);
    await ca.end();
    const cb = await connect(b.database.config);
    const [count] = await cb.query<mysql.RowDataPacket[]>("select count(*) as n from item");
    expect(Number(count[0]?.n)).toBe(1);
    await cb.end();
    expect((await api(`/templates/maria/tests/${a.id}/recreate`, "POST")).status).toBe(204);
    expect((await api(`/templates/maria/tests/${b.id}/unlock`, "POST")).status).toBe(204);

    await srv.close();
    const admin = await mysqlAdmin(sb);
    const left = await mysqlLeftovers(admin);
    await admin.end();
    expect(left.databases).toEqual([]);
    expect(left.logins).toEqual([]);
  });
});
