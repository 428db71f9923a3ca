// The `server` target through the real Pulumi engine against a local MariaDB: the database and its own
// login made by our dynamic provider, then dropped (sessions ended first) by destroy.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStackTarget, PROJECT, roleName } from "../../../automation/engine/index.ts";
import { startLocalMariadb, type ServerHandle } from "../../../core/servers/index.ts";
import { newMeta } from "../../../automation/targets/meta.ts";
import type { CreateRequest, Target } from "../../../automation/targets/types.ts";
import type { DbTarget } from "../../../core/connection.ts";
import { adminUrl, engineHost, failure, filesUnder, pulumiInstalled, serverHas, tempRoot } from "./helpers.ts";

const ready = pulumiInstalled();
const SLOW = { timeout: 600_000 };

describe.skipIf(!ready)("server target on MariaDB through the real Pulumi engine", () => {
  let root: string;
  let server: ServerHandle;
  let target: Target;
  let stateDir: string;

  // mysql2 warns about unknown options: pass only what it takes.
  const conn = (c: DbTarget, database = c.database) => ({ host: c.host, port: c.port, user: c.user, password: c.password, database });
  const request = (): CreateRequest => ({ ...newMeta({ target: "server", ttlMs: 3_600_000, owner: "engine-test" }), engine: "mysql" });

  beforeAll(async () => {
    root = tempRoot("dbtk-engine-maria-");
    server = await startLocalMariadb({ rootDir: path.join(root, "maria") });
    stateDir = path.join(root, "state");
    target = createStackTarget({ kind: "server", engine: "mysql", serverUrl: adminUrl(server), stateDir, ...engineHost });
  });

  afterAll(async () => {
    await target?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("up makes the database and its own login; destroy drops both even with a session open", SLOW, async () => {
    const [req, other] = [request(), request()];
    const [db, otherDb] = await Promise.all([target.create(req), target.create(other)]);
    expect(db.connection).toMatchObject({ engine: "mysql", host: server.host, port: server.port, database: req.id });
    expect(db.connection.user).toBe(roleName("mysql", req.id));
    expect(await serverHas(server, req.id, db.connection.user)).toEqual({ database: true, role: true });

    const own = await mysql.createConnection(conn(db.connection));
    await own.query("create table widgets (id int primary key)");
    await own.query("insert into widgets values (1)");
    // No rights to make logins, nor to reach another database (another run's, or the server's own).
    expect((await failure(() => own.query("create user intruder@'%' identified by 'x'"))).errno).toBe(1227);
    expect((await failure(() => own.query(`select * from \`${otherDb.id}\`.t`))).errno).toBe(1142);
    expect((await failure(() => mysql.createConnection(conn(db.connection, otherDb.id)))).errno).toBe(1044);
    expect((await failure(() => mysql.createConnection(conn(db.connection, "mysql")))).errno).toBe(1044);

    // MariaDB keeps the owner and expiry as the database comment.
    const admin = await mysql.createConnection(adminUrl(server));
    const [rows] = await admin.query("select SCHEMA_COMMENT as c from information_schema.SCHEMATA where SCHEMA_NAME = ?", [req.id]);
    await admin.end();
    expect((rows as { c: string }[])[0]?.c).toContain(`expires=${req.expiresAt}`);

    // The password is a secret: encrypted in the state file.
    const state = readFileSync(path.join(stateDir, "backend", ".pulumi", "stacks", PROJECT, `${req.id}.json`), "utf8");
    expect(state).toContain("ciphertext");
    expect(state).not.toContain(db.connection.password);
    expect(state).not.toContain(server.password);

    // A transaction left open holds a metadata lock; destroy ends the login's sessions first.
    await own.query("start transaction");
    await own.query("select * from widgets for update");
    await Promise.all([target.destroy(req.id), target.destroy(other.id)]);
    await own.end().catch(() => undefined);
    expect(await serverHas(server, req.id, db.connection.user)).toEqual({ database: false, role: false });
    expect(await serverHas(server, other.id, otherDb.connection.user)).toEqual({ database: false, role: false });
    expect(await target.list()).toEqual([]);
    expect(filesUnder(path.join(stateDir, "backend")).filter((f) => f.includes(req.id) || f.includes(other.id))).toEqual([]);
  });
});
