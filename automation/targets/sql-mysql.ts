// MySQL/MariaDB primitives for ephemeral databases: one schema and one user (ALL on that schema only) per
// id. MySQL has no database comments, so metadata lives in a row of dbtk_bookkeeping.dbtk_meta, written
// before anything else is created. Templates are schemas cloned by replaying their DDL (sql-mysql-clone.ts).
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import type { DbTarget } from "../../core/connection.js";
import { CLAIM_MARGIN_MS, claimable, decodeMeta, encodeMeta, ID_RE, newPassword, TEMPLATE_RE, templateName } from "./meta.js";
import { cloneSql, readSchema, type SchemaScript } from "./sql-mysql-clone.js";
import { mysqlRunGrants, runLoginName, runLoginNames, type RunRole } from "./run-roles.js";
import type { Found, SqlServer, TemplateInfo } from "./sql.js";
import type { EphemeralMeta, Privileges } from "./types.js";

// The driver (CommonJS) loads when a MySQL server is first used, not whenever this module is imported.
const mysql = (): typeof import("mysql2/promise") => createRequire(import.meta.url)("mysql2/promise") as typeof import("mysql2/promise");

export const BOOKKEEPING = "dbtk_bookkeeping";
const META = `\`${BOOKKEEPING}\`.\`dbtk_meta\``;
const q = (name: string): string => "`" + name.replace(/`/g, "``") + "`";
/** In GRANT … ON `db`.*, `_` and `%` are wildcards: escape them so the grant covers exactly one schema. */
const grantDb = (name: string): string => q(name.replace(/[_%]/g, (c) => "\\" + c));

interface TemplateRecord {
  key: string;
  builtAt?: string;
  usedAt?: string;
  migrations?: number;
}

export function mysqlConnectError(err: unknown, admin: DbTarget): Error {
  const e = err as NodeJS.ErrnoException;
  const reason = e.code ? `${e.code}: ${e.message}` : e.message;
  return new Error(
    `cannot connect to the MySQL/MariaDB server at ${admin.host}:${admin.port} (user ${admin.user}): ${reason}. ` +
      "Check that it is running and reachable, and the URL given by options.serverUrl.",
  );
}

export interface MysqlServerOptions {
  /** Admin login with the right to create schemas and users. */
  admin: DbTarget;
  /** Test hook: awaited while a database is half made (crash tests stop the process here). */
  onCreating?: (id: string) => Promise<void>;
  /** Test hook: awaited while a database is half dropped (its login gone, its schema still there). */
  onDropping?: (id: string) => Promise<void>;
}

export class MysqlServer implements SqlServer {
  readonly engine = "mysql" as const;
  readonly address: string;
  private readonly admin: DbTarget;
  private readonly pool: Pool;
  private ready?: Promise<{ version: string; mariadb: boolean }>;
  private readonly scripts = new Map<string, Promise<SchemaScript>>();
  private readonly onCreating: MysqlServerOptions["onCreating"];
  private readonly onDropping: MysqlServerOptions["onDropping"];

  constructor(opts: MysqlServerOptions) {
    this.admin = opts.admin;
    this.onCreating = opts.onCreating;
    this.onDropping = opts.onDropping;
    this.address = `${opts.admin.host}:${opts.admin.port}`;
    this.pool = mysql().createPool({
      host: opts.admin.host,
      port: opts.admin.port,
      user: opts.admin.user,
      password: opts.admin.password,
      multipleStatements: true,
      connectionLimit: 4,
      maxIdle: 2,
      idleTimeout: 5_000,
      connectTimeout: 10_000,
    });
  }

  private async init(): Promise<{ version: string; mariadb: boolean }> {
    this.ready ??= (async () => {
      let conn: PoolConnection;
      try {
        conn = await this.pool.getConnection();
      } catch (err) {
        throw mysqlConnectError(err, this.admin);
      }
      try {
        const [r] = await conn.query<RowDataPacket[]>("SELECT VERSION() AS v");
        await conn.query(
          `CREATE DATABASE IF NOT EXISTS ${q(BOOKKEEPING)};
           CREATE TABLE IF NOT EXISTS ${META} (
             id VARCHAR(64) NOT NULL PRIMARY KEY,
             kind VARCHAR(16) NOT NULL,
             state VARCHAR(16) NOT NULL,
             template_key VARCHAR(64) NULL,
             meta TEXT NOT NULL,
             KEY by_template (template_key, state)
           ) ENGINE = InnoDB`,
        );
        const v = String(r[0]?.v ?? "");
        const mariadb = /mariadb/i.test(v);
        return { version: `${mariadb ? "MariaDB" : "MySQL"} ${v.split("-")[0]}`, mariadb };
      } finally {
        conn.release();
      }
    })();
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  private async q<T = RowDataPacket>(sql: string, params: unknown[] = []): Promise<T[]> {
    await this.init();
    const [r] = await this.pool.query<RowDataPacket[]>(sql, params);
    return r as unknown as T[];
  }

  async version(): Promise<string> {
    return (await this.init()).version;
  }

  /** IDENTIFIED BY …: on MariaDB the native hash (the plain password never reaches the server's logs). */
  private async identified(password: string): Promise<string> {
    if ((await this.init()).mariadb) {
      const inner = createHash("sha1").update(password).digest();
      return `IDENTIFIED BY PASSWORD '*${createHash("sha1").update(inner).digest("hex").toUpperCase()}'`;
    }
    return mysql().format("IDENTIFIED BY ?", [password]);
  }

  /** Kills the users' sessions after their logins are gone, so none can come back. */
  private async endSessions(...users: string[]): Promise<void> {
    const ids = await this.q<{ ID: number }>("SELECT ID FROM information_schema.PROCESSLIST WHERE USER IN (?)", [users]);
    for (const { ID } of ids) {
      await this.pool.query(`KILL CONNECTION ${Number(ID)}`).catch(() => undefined); // it may have ended already
    }
  }

  async create(meta: EphemeralMeta, templateKey?: string): Promise<DbTarget> {
    const record = { ...meta, ...(templateKey ? { template: templateKey } : {}) };
    // The row first: a crash at any later point leaves a record reap finds (and the primary key refuses a
    // duplicate id outright).
    await this.q(`INSERT INTO ${META} (id, kind, state, template_key, meta) VALUES (?, 'ephemeral', ?, ?, ?)`, [
      meta.id,
      meta.state ?? "ready",
      templateKey ?? null,
      encodeMeta(record),
    ]);
    const password = newPassword();
    try {
      await this.q(
        `CREATE USER ${q(meta.id)}@'%' ${await this.identified(password)};
         CREATE DATABASE ${q(meta.id)};
         GRANT ALL PRIVILEGES ON ${grantDb(meta.id)}.* TO ${q(meta.id)}@'%'`,
      );
      await this.onCreating?.(meta.id);
      if (templateKey) await this.cloneInto(templateKey, meta.id);
    } catch (err) {
      await this.drop(meta.id).catch(() => undefined);
      throw err;
    }
    return { ...this.admin, user: meta.id, password, database: meta.id };
  }

  private async cloneInto(key: string, to: string): Promise<void> {
    const from = templateName(key);
    let script = this.scripts.get(key);
    if (!script) {
      script = readSchema(this.pool, from);
      this.scripts.set(key, script);
      script.catch(() => this.scripts.delete(key));
    }
    const conn = await this.pool.getConnection();
    try {
      await conn.query(cloneSql(await script, from, to, to));
    } finally {
      // The batch switched the session's default schema; don't hand that session to other work.
      conn.destroy();
    }
  }

  async grant(id: string, privileges: Privileges): Promise<void> {
    // MySQL has no "its own databases": schemas named `<id>_…` are the login's, dropped with it.
    if (privileges.createdb) await this.q(`GRANT ALL PRIVILEGES ON ${q(grantDb(id).slice(1, -1) + "\\_%")}.* TO ${q(id)}@'%'`);
    if (privileges.superuser) await this.q(`GRANT ALL PRIVILEGES ON *.* TO ${q(id)}@'%' WITH GRANT OPTION`);
  }

  async loginAs(id: string, database: string, role: RunRole): Promise<DbTarget> {
    const name = runLoginName(id, role);
    const password = newPassword();
    await this.q(`CREATE USER ${q(name)}@'%' ${await this.identified(password)}; ${await mysqlRunGrants(role, name, database)}`);
    return { ...this.admin, user: name, password, database };
  }

  async setMeta(meta: EphemeralMeta): Promise<void> {
    await this.q(`UPDATE ${META} SET state = ?, template_key = ?, meta = ? WHERE id = ?`, [
      meta.state ?? "ready",
      meta.template ?? null,
      encodeMeta(meta),
      meta.id,
    ]);
  }

  async drop(id: string): Promise<void> {
    if (!ID_RE.test(id)) throw new Error(`"${id}" is not an ephemeral database id (dbtk_<time>_<random>)`);
    const users = [id, ...runLoginNames(id)];
    await this.q(`DROP USER IF EXISTS ${users.map((u) => `${q(u)}@'%'`).join(", ")}`);
    await this.endSessions(...users);
    await this.onDropping?.(id);
    await this.q(`DROP DATABASE IF EXISTS ${q(id)}`);
    const own = await this.q<{ n: string }>("SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?", [`${id.replace(/_/g, "\\_")}\\_%`]);
    for (const { n } of own) await this.q(`DROP DATABASE IF EXISTS ${q(n)}`);
    await this.q(`DELETE FROM ${META} WHERE id = ?`, [id]);
  }

  async list(opts: { sizes?: boolean } = {}): Promise<Found[]> {
    const metas = await this.q<{ id: string; meta: string }>(`SELECT id, meta FROM ${META} WHERE kind = 'ephemeral'`);
    const schemas = await this.q<{ n: string }>("SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbtk\\_%'");
    const users = await this.q<{ n: string }>("SELECT DISTINCT User AS n FROM mysql.user WHERE User LIKE 'dbtk\\_%'");
    const ids = new Set<string>([...metas.map((m) => m.id), ...schemas.map((s) => s.n), ...users.map((u) => u.n)].filter((n) => ID_RE.test(n)));
    const schemaSet = new Set(schemas.map((s) => s.n));
    const userSet = new Set(users.map((u) => u.n));
    const sizes = new Map<string, number>();
    if (opts.sizes) {
      const rows = await this.q<{ n: string; s: string | null }>(
        "SELECT TABLE_SCHEMA AS n, SUM(DATA_LENGTH + INDEX_LENGTH) AS s FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE 'dbtk\\_%' GROUP BY TABLE_SCHEMA",
      );
      for (const r of rows) sizes.set(r.n, Number(r.s ?? 0));
    }
    return [...ids].sort().map((id) => {
      const meta = decodeMeta(id, metas.find((m) => m.id === id)?.meta);
      const size = opts.sizes && schemaSet.has(id) ? { sizeBytes: sizes.get(id) ?? 0 } : {};
      return { id, ...(meta ? { meta } : {}), hasDatabase: schemaSet.has(id), hasLogin: userSet.has(id), ...size };
    });
  }

  async claim(key: string, meta: EphemeralMeta): Promise<DbTarget | undefined> {
    await this.init();
    const conn = await this.pool.getConnection();
    let id: string | undefined;
    try {
      await conn.beginTransaction();
      // SKIP LOCKED: concurrent claimers each take a different entry instead of queueing on one.
      // A clone about to expire is left to reap (ISO-8601 UTC strings compare in time order).
      const [rows] = await conn.query<RowDataPacket[]>(
        `SELECT id, meta FROM ${META} WHERE kind = 'ephemeral' AND state = 'pool' AND template_key = ?
            AND JSON_UNQUOTE(JSON_EXTRACT(meta, '$.expiresAt')) > ? ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [key, new Date(Date.now() + CLAIM_MARGIN_MS).toISOString()],
      );
      id = rows[0] && claimable(decodeMeta(String(rows[0].id), rows[0].meta as string)) ? String(rows[0].id) : undefined;
      if (id) {
        await conn.query(`UPDATE ${META} SET state = 'ready', meta = ? WHERE id = ?`, [
          encodeMeta({ ...meta, id, template: key, state: "ready" }),
          id,
        ]);
      }
      await conn.commit();
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw err;
    } finally {
      conn.release();
    }
    if (!id) return undefined;
    const password = newPassword();
    await this.q(`ALTER USER ${q(id)}@'%' ${await this.identified(password)}`);
    return { ...this.admin, user: id, password, database: id };
  }

  async templates(): Promise<TemplateInfo[]> {
    const recs = await this.q<{ id: string; state: string; meta: string }>(`SELECT id, state, meta FROM ${META} WHERE kind = 'template'`);
    const sizes = await this.q<{ n: string; s: string | null }>(
      `SELECT s.SCHEMA_NAME AS n, SUM(t.DATA_LENGTH + t.INDEX_LENGTH) AS s FROM information_schema.SCHEMATA s
         LEFT JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = s.SCHEMA_NAME
        WHERE s.SCHEMA_NAME LIKE 'dbtk\\_tpl\\_%' GROUP BY s.SCHEMA_NAME`,
    );
    const names = new Set([...recs.map((r) => r.id), ...sizes.map((s) => s.n)].filter((n) => TEMPLATE_RE.test(n)));
    return [...names].map((name) => {
      const r = recs.find((x) => x.id === name);
      let rec: Partial<TemplateRecord> = {};
      try {
        rec = JSON.parse(r?.meta ?? "{}") as TemplateRecord;
      } catch {
        // unreadable: treated as an unfinished build
      }
      const size = sizes.find((s) => s.n === name);
      return {
        key: rec.key ?? (TEMPLATE_RE.exec(name)?.[1] as string),
        name,
        state: !size ? "orphan" : r?.state === "ready" ? "ready" : "building",
        ...(rec.builtAt ? { builtAt: rec.builtAt } : {}),
        ...(rec.usedAt ? { usedAt: rec.usedAt } : {}),
        ...(rec.migrations !== undefined ? { migrations: rec.migrations } : {}),
        sizeBytes: Number(size?.s ?? 0),
      } satisfies TemplateInfo;
    });
  }

  async template(key: string): Promise<Omit<TemplateInfo, "sizeBytes"> | undefined> {
    const name = templateName(key);
    const [r] = await this.q<{ state: string; meta: string }>(`SELECT state, meta FROM ${META} WHERE id = ?`, [name]);
    if (!r) {
      const [s] = await this.q("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [name]);
      return s ? { key, name, state: "building" } : undefined;
    }
    let rec: Partial<TemplateRecord> = {};
    try {
      rec = JSON.parse(r.meta) as TemplateRecord;
    } catch {
      // unreadable: an unfinished build
    }
    return {
      key: rec.key ?? key,
      name,
      state: r.state === "ready" ? "ready" : "building",
      ...(rec.builtAt ? { builtAt: rec.builtAt } : {}),
      ...(rec.usedAt ? { usedAt: rec.usedAt } : {}),
      ...(rec.migrations !== undefined ? { migrations: rec.migrations } : {}),
    };
  }

  async withLock<T>(name: string, fn: () => Promise<T>, opts: { wait?: boolean } = {}): Promise<T | undefined> {
    await this.init();
    const conn = await this.pool.getConnection();
    // GET_LOCK names are at most 64 characters.
    const lock = name.length > 64 ? createHash("sha256").update(name).digest("hex") : name;
    try {
      const [r] = await conn.query<RowDataPacket[]>("SELECT GET_LOCK(?, ?) AS ok", [lock, opts.wait === false ? 0 : 900]);
      if (Number(r[0]?.ok) !== 1) {
        if (opts.wait === false) return undefined;
        throw new Error(`timed out after 15 min waiting for lock "${name}" held by another process`);
      }
      return await fn();
    } finally {
      // Ending the session releases the lock, also when a crash skips RELEASE_LOCK.
      conn.destroy();
    }
  }

  async lockFree(name: string): Promise<boolean> {
    const lock = name.length > 64 ? createHash("sha256").update(name).digest("hex") : name;
    const [r] = await this.q<{ free: number }>("SELECT IS_FREE_LOCK(?) AS free", [lock]);
    return Number(r?.free) === 1;
  }

  async beginTemplate(key: string): Promise<DbTarget> {
    const name = templateName(key);
    const rec: TemplateRecord = { key };
    await this.q(`REPLACE INTO ${META} (id, kind, state, template_key, meta) VALUES (?, 'template', 'building', ?, ?)`, [
      name,
      key,
      JSON.stringify(rec),
    ]);
    const password = newPassword();
    await this.q(
      `DROP USER IF EXISTS ${q(name)}@'%';
       CREATE USER ${q(name)}@'%' ${await this.identified(password)};
       CREATE DATABASE ${q(name)};
       GRANT ALL PRIVILEGES ON ${grantDb(name)}.* TO ${q(name)}@'%'`,
    );
    return { ...this.admin, user: name, password, database: name };
  }

  async finishTemplate(key: string, migrations: number | undefined): Promise<void> {
    const name = templateName(key);
    // Clones rewrite every DEFINER to their own user, so the build login is not needed any more.
    await this.q(`DROP USER IF EXISTS ${q(name)}@'%'`);
    await this.endSessions(name);
    const now = new Date().toISOString();
    const rec: TemplateRecord = { key, builtAt: now, usedAt: now, ...(migrations !== undefined ? { migrations } : {}) };
    await this.q(`UPDATE ${META} SET state = 'ready', meta = ? WHERE id = ?`, [JSON.stringify(rec), name]);
  }

  async touchTemplate(key: string): Promise<void> {
    const name = templateName(key);
    const [r] = await this.q<{ meta: string }>(`SELECT meta FROM ${META} WHERE id = ?`, [name]);
    if (!r) return;
    const rec = JSON.parse(r.meta) as TemplateRecord;
    if (rec.usedAt && Date.now() - Date.parse(rec.usedAt) < 60_000) return;
    await this.q(`UPDATE ${META} SET meta = ? WHERE id = ?`, [JSON.stringify({ ...rec, usedAt: new Date().toISOString() }), name]);
  }

  async dropTemplate(key: string): Promise<void> {
    const name = templateName(key);
    await this.q(`DROP USER IF EXISTS ${q(name)}@'%'`);
    await this.endSessions(name);
    await this.q(`DROP DATABASE IF EXISTS ${q(name)}`);
    await this.q(`DELETE FROM ${META} WHERE id = ?`, [name]);
    this.scripts.delete(key);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
