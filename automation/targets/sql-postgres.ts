// PostgreSQL primitives for ephemeral databases: one login role and one database per id, metadata in
// COMMENT ON ROLE / DATABASE (shared catalogs, transactional), templates cloned with CREATE DATABASE
// … TEMPLATE, teardown with DROP DATABASE … WITH (FORCE).
import pg from "pg";
import type { DbTarget } from "../../core/connection.js";
import { claimable, decodeMeta, encodeMeta, ID_RE, newPassword, TEMPLATE_RE, templateName } from "./meta.js";
import type { Found, SqlServer, TemplateInfo } from "./sql.js";
import { DbtkError } from "../../core/errors.js";
import { AVAILABLE_EXTENSIONS, grantSql, LIST_RUNS, lockKey, OWN_DATABASES, pgConnectError, scramVerifier, tidySharedCatalogs } from "./sql-postgres-auth.js";
import { LIST_TEMPLATES, parseTemplateRecord, templateInfo, type TemplateRecord } from "./sql-postgres-templates.js";
import { POSTGRES_USER_SCHEMAS, postgresRunGrants, runLoginName, runLoginNames, type RunRole } from "./run-roles.js";
import type { EphemeralMeta, Privileges } from "./types.js";

const ident = pg.escapeIdentifier;
const lit = pg.escapeLiteral;

export { pgConnectError, scramVerifier };

export type CloneStrategy = "auto" | "wal_log" | "file_copy";

export interface PostgresServerOptions {
  /** Admin login: superuser, or a role with CREATEDB and CREATEROLE. */
  admin: DbTarget;
  /**
   * CREATE DATABASE strategy on PostgreSQL ≥ 15. `auto`: FILE_COPY when the server runs without fsync
   * (disposable data: no checkpoint cost, fastest measured), else WAL_LOG (cheaper on durable servers).
   */
  strategy?: CloneStrategy;
  /**
   * Dead rows in the shared catalogs past which {@link PostgresServer.tidy} vacuums them.
   * @default 2000
   */
  tidyDeadRows?: number;
  /** Test hook: awaited while a database is half made (crash tests stop the process here). */
  onCreating?: (id: string) => Promise<void>;
  /** Test hook: awaited while a database is half dropped (its login still there). */
  onDropping?: (id: string) => Promise<void>;
}

type ServerInfo = { versionNum: number; version: string; superuser: boolean; fsync: boolean };

export class PostgresServer implements SqlServer {
  readonly engine = "postgres" as const;
  readonly address: string;
  private readonly admin: DbTarget;
  private readonly pool: pg.Pool;
  private readonly strategy: CloneStrategy;
  private readonly tidyDeadRows: number;
  private readonly hooks: Pick<PostgresServerOptions, "onCreating" | "onDropping">;
  private info?: Promise<ServerInfo>;

  constructor(opts: PostgresServerOptions) {
    this.admin = opts.admin;
    this.hooks = opts;
    this.address = `${opts.admin.host}:${opts.admin.port}`;
    this.strategy = opts.strategy ?? "auto";
    this.tidyDeadRows = opts.tidyDeadRows ?? 2000;
    this.pool = new pg.Pool({ ...this.connOpts(), max: 4, idleTimeoutMillis: 5_000, allowExitOnIdle: true });
    // An idle admin connection killed by the server must not crash the process.
    this.pool.on("error", () => undefined);
  }

  private connOpts(): pg.ClientConfig {
    const a = this.admin;
    return { host: a.host, port: a.port, user: a.user, password: a.password, database: a.database, connectionTimeoutMillis: 10_000 };
  }

  /** A pooled admin connection; a refused one names the server, never the password. */
  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw pgConnectError(err, this.admin);
    }
  }

  private async q<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]> {
    const client = await this.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      client.release();
    }
  }

  private serverInfo(): Promise<ServerInfo> {
    this.info ??= this.q<{ n: string; v: string; su: boolean; fsync: string }>(
      "select current_setting('server_version_num') as n, current_setting('server_version') as v, " +
        "(select rolsuper from pg_roles where rolname = current_user) as su, current_setting('fsync') as fsync",
    ).then(([r]) => ({
      versionNum: Number(r?.n),
      version: String(r?.v).split(" ")[0] ?? "",
      superuser: r?.su === true,
      fsync: r?.fsync !== "off",
    }));
    this.info.catch(() => (this.info = undefined));
    return this.info;
  }

  async version(): Promise<string> {
    return `PostgreSQL ${(await this.serverInfo()).version}`;
  }
  readonly extensions = async (): Promise<string[]> => (await this.q<{ n: string }>(AVAILABLE_EXTENSIONS)).map((r) => r.n);

  /** The STRATEGY clause for CREATE DATABASE on this server. */
  async strategyClause(strategy: CloneStrategy = this.strategy): Promise<string> {
    const info = await this.serverInfo();
    if (info.versionNum < 150000) return "";
    const chosen = strategy === "auto" ? (info.fsync ? "wal_log" : "file_copy") : strategy;
    return ` STRATEGY ${chosen.toUpperCase()}`;
  }

  private spare?: Promise<{ password: string; verifier: string }>;

  /** A new password and its verifier; the next pair is made in the background (PBKDF2 takes a few ms). */
  private async credential(): Promise<{ password: string; verifier: string }> {
    const make = async () => {
      const password = newPassword();
      return { password, verifier: await scramVerifier(password) };
    };
    const next = this.spare ?? make();
    this.spare = make();
    return next;
  }

  private async createLogin(name: string, comment: string, inRole?: string): Promise<string> {
    const { password, verifier } = await this.credential();
    const info = await this.serverInfo();
    const r = ident(name);
    await this.q(
      `CREATE ROLE ${r} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT ` +
        `PASSWORD ${lit(verifier)}${inRole ? ` IN ROLE ${ident(inRole)}` : ""}; ` +
        `COMMENT ON ROLE ${r} IS ${lit(comment)};` +
        // A non-superuser admin must be a member to create a database owned by the role and drop it later.
        (info.superuser ? "" : ` GRANT ${r} TO CURRENT_USER;`),
    );
    return password;
  }

  async create(meta: EphemeralMeta, templateKey?: string): Promise<DbTarget> {
    const tpl = templateKey ? templateName(templateKey) : undefined;
    const record = encodeMeta({ ...meta, ...(templateKey ? { template: templateKey } : {}) });
    // Login and metadata commit together, before the database exists: whenever a crash comes (even while
    // the server is still copying for a dead client), list finds a record with an expiry. Clones' objects
    // belong to the template's role; membership gives the new login owner rights on them.
    const password = await this.createLogin(meta.id, record, tpl);
    const d = ident(meta.id);
    try {
      await this.q(`CREATE DATABASE ${d} OWNER ${d}${tpl ? ` TEMPLATE ${ident(tpl)}` : ""}${await this.strategyClause()}`);
      await this.hooks.onCreating?.(meta.id);
      await this.q(`REVOKE ALL ON DATABASE ${d} FROM PUBLIC; COMMENT ON DATABASE ${d} IS ${lit(record)}`);
    } catch (err) {
      await this.drop(meta.id).catch(() => undefined);
      throw err;
    }
    return { ...this.admin, user: meta.id, password, database: meta.id };
  }

  /** Vacuums the shared catalogs once churn has left enough dead rows in them ({@link tidySharedCatalogs}). */
  async tidy(): Promise<void> {
    const info = await this.serverInfo();
    if (info.superuser && info.versionNum >= 120000) await tidySharedCatalogs((sql) => this.q(sql), this.tidyDeadRows);
  }

  async grant(id: string, privileges: Privileges): Promise<void> {
    await this.q(grantSql(ident(id), privileges) ?? "select 1");
  }

  async loginAs(id: string, database: string, role: RunRole): Promise<DbTarget> {
    const name = runLoginName(id, role);
    const password = await this.createLogin(name, JSON.stringify({ dbtk: 1, kind: "run-login", of: id, role }));
    // In the run's database as the admin: a member (or superuser) of the roles owning what migrations made.
    const client = new pg.Client({ ...this.connOpts(), database });
    await client.connect().catch((err: unknown) => Promise.reject(pgConnectError(err, { ...this.admin, database })));
    try {
      const schemas = (await client.query<{ n: string }>(POSTGRES_USER_SCHEMAS)).rows.map((r) => r.n);
      await client.query((await postgresRunGrants(role, name, database, schemas)).join("; "));
    } finally {
      await client.end().catch(() => undefined);
    }
    return { ...this.admin, user: name, password, database };
  }

  async setMeta(meta: EphemeralMeta): Promise<void> {
    const text = lit(encodeMeta(meta));
    const db = meta.name ?? meta.id;
    const [row] = await this.q<{ db: boolean }>("select exists(select 1 from pg_database where datname = $1) as db", [db]);
    await this.q(`COMMENT ON ROLE ${ident(meta.id)} IS ${text}${row?.db ? `; COMMENT ON DATABASE ${ident(db)} IS ${text}` : ""}`);
  }

  async drop(id: string): Promise<void> {
    if (!ID_RE.test(id)) throw new Error(`"${id}" is not an ephemeral database id (dbtk_<time>_<random>)`);
    await this.dropDatabase(id);
    for (const { n } of await this.q<{ n: string }>(OWN_DATABASES, [id])) await this.dropDatabase(n);
    await this.hooks.onDropping?.(id);
    await this.q(`DROP ROLE IF EXISTS ${[...runLoginNames(id), id].map(ident).join(", ")}`);
  }

  /** WITH (FORCE) ends sessions still connected, so a leaked connection cannot block teardown. */
  private async dropDatabase(name: string): Promise<void> {
    if ((await this.serverInfo()).versionNum >= 130000) {
      await this.q(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
    } else {
      await this.q("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [name]);
      await this.q(`DROP DATABASE IF EXISTS ${ident(name)}`);
    }
  }

  async list(opts: { sizes?: boolean } = {}): Promise<Found[]> {
    type Row = { id: string; datname: string | null; role_meta: string | null; db_meta: string | null; has_db: boolean; has_login: boolean };
    const out: Found[] = [];
    for (const r of await this.q<Row>(LIST_RUNS, [ID_RE.source])) {
      const meta = decodeMeta(r.id, r.db_meta) ?? decodeMeta(r.id, r.role_meta);
      const size = opts.sizes && r.datname ? { sizeBytes: await this.sizeOf(r.datname) } : {};
      out.push({ id: r.id, ...(meta ? { meta } : {}), hasDatabase: r.has_db, hasLogin: r.has_login, ...size });
    }
    return out;
  }

  async rename(id: string, name: string): Promise<void> {
    try {
      await this.q(`ALTER DATABASE ${ident(id)} RENAME TO ${ident(name)}`);
    } catch (err) {
      if ((err as { code?: string }).code !== "42P04") throw err;
      throw new DbtkError(`options.dbName: a database named "${name}" already exists on ${this.address}; choose another name, or drop that one`, 2);
    }
  }

  async claim(key: string, meta: EphemeralMeta): Promise<DbTarget | undefined> {
    const client = await this.connect();
    try {
      await client.query("BEGIN");
      // One claimer at a time per template; comments are transactional, so the claim commits atomically.
      await client.query("select pg_advisory_xact_lock($1)", [lockKey(`dbtk-pool:${key}`)]);
      const { rows } = await client.query<{ id: string; m: string }>(
        `select datname as id, shobj_description(oid, 'pg_database') as m from pg_database
          where datname ~ $1 and shobj_description(oid, 'pg_database') like '%"state":"pool"%' order by 1`,
        [ID_RE.source],
      );
      const entry = rows.find((r) => decodeMeta(r.id, r.m)?.template === key && claimable(decodeMeta(r.id, r.m)));
      if (!entry) {
        await client.query("ROLLBACK");
        return undefined;
      }
      const { password, verifier } = await this.credential();
      const text = lit(encodeMeta({ ...meta, id: entry.id, template: key, state: "ready" }));
      const r = ident(entry.id);
      await client.query(`COMMENT ON ROLE ${r} IS ${text}; COMMENT ON DATABASE ${r} IS ${text}; ALTER ROLE ${r} PASSWORD ${lit(verifier)}`);
      await client.query("COMMIT");
      return { ...this.admin, user: entry.id, password, database: entry.id };
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async sizeOf(name: string): Promise<number> {
    // The database may vanish between listing and sizing (a concurrent drop): count it as 0.
    try {
      const [r] = await this.q<{ s: string }>("select pg_database_size($1) as s", [name]);
      return Number(r?.s ?? 0);
    } catch {
      return 0;
    }
  }

  async templates(): Promise<TemplateInfo[]> {
    const out: TemplateInfo[] = [];
    for (const r of await this.q<{ name: string; m: string | null; has_db: boolean }>(LIST_TEMPLATES, [TEMPLATE_RE.source])) {
      out.push({ ...templateInfo(r.name, parseTemplateRecord(r.m), r.has_db), sizeBytes: r.has_db ? await this.sizeOf(r.name) : 0 });
    }
    return out;
  }

  async template(key: string): Promise<Omit<TemplateInfo, "sizeBytes"> | undefined> {
    const rec = await this.templateRecord(key);
    return rec ? templateInfo(templateName(key), { ...rec, key: rec.key ?? key }) : undefined;
  }

  async withLock<T>(name: string, fn: () => Promise<T>, opts: { wait?: boolean } = {}): Promise<T | undefined> {
    const client = new pg.Client(this.connOpts());
    client.on("error", () => undefined);
    try {
      await client.connect();
    } catch (err) {
      throw pgConnectError(err, this.admin);
    }
    try {
      if (opts.wait === false) {
        const { rows } = await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1) as ok", [lockKey(name)]);
        if (!rows[0]?.ok) return undefined;
      } else {
        await client.query("set lock_timeout = '15min'");
        await client.query("select pg_advisory_lock($1)", [lockKey(name)]);
      }
      return await fn();
    } finally {
      // Closing the session releases the lock, also when the unlock is never reached (crash).
      await client.end().catch(() => undefined);
    }
  }

  async lockFree(name: string): Promise<boolean> {
    return (await this.withLock(name, async () => true, { wait: false })) === true;
  }

  private async templateRecord(key: string): Promise<TemplateRecord | undefined> {
    const [r] = await this.q<{ m: string | null }>(
      "select shobj_description(oid, 'pg_database') as m from pg_database where datname = $1",
      [templateName(key)],
    );
    if (!r) return undefined;
    try {
      return JSON.parse(r.m ?? "") as TemplateRecord;
    } catch {
      // The database exists without a readable record: an unfinished build.
      return { dbtk: 1, kind: "template", key, state: "building" };
    }
  }

  private async setTemplateRecord(key: string, rec: TemplateRecord): Promise<void> {
    await this.q(`COMMENT ON DATABASE ${ident(templateName(key))} IS ${lit(JSON.stringify(rec))}`);
  }

  async beginTemplate(key: string): Promise<DbTarget> {
    const name = templateName(key);
    const rec: TemplateRecord = { dbtk: 1, kind: "template", key, state: "building" };
    const [existing] = await this.q("select 1 from pg_roles where rolname = $1", [name]);
    let password: string;
    if (existing) {
      // The role outlived an earlier template because clones still hold objects it owns: reuse it.
      const cred = await this.credential();
      password = cred.password;
      await this.q(`ALTER ROLE ${ident(name)} WITH LOGIN PASSWORD ${lit(cred.verifier)}`);
    } else {
      password = await this.createLogin(name, JSON.stringify(rec));
    }
    await this.q(`CREATE DATABASE ${ident(name)} OWNER ${ident(name)}${await this.strategyClause()}`);
    await this.q(`REVOKE ALL ON DATABASE ${ident(name)} FROM PUBLIC`);
    await this.setTemplateRecord(key, rec);
    return { ...this.admin, user: name, password, database: name };
  }

  async finishTemplate(key: string, migrations: number | undefined): Promise<void> {
    const name = ident(templateName(key));
    await this.q("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [
      templateName(key),
    ]);
    // The template itself belongs to the admin, so members of the template role (every clone's login)
    // cannot alter or drop it; the objects inside stay with the template role.
    await this.q(`ALTER DATABASE ${name} OWNER TO CURRENT_USER; ALTER ROLE ${name} WITH NOLOGIN PASSWORD NULL`);
    await this.q(`ALTER DATABASE ${name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    const now = new Date().toISOString();
    await this.setTemplateRecord(key, {
      dbtk: 1,
      kind: "template",
      key,
      state: "ready",
      builtAt: now,
      usedAt: now,
      ...(migrations !== undefined ? { migrations } : {}),
    });
  }

  async touchTemplate(key: string): Promise<void> {
    const rec = await this.templateRecord(key);
    if (!rec) return;
    // At most one write a minute: cheap enough to call on every clone.
    if (rec.usedAt && Date.now() - Date.parse(rec.usedAt) < 60_000) return;
    await this.setTemplateRecord(key, { ...rec, usedAt: new Date().toISOString() });
  }

  async dropTemplate(key: string): Promise<void> {
    const name = templateName(key);
    const [db] = await this.q("select 1 from pg_database where datname = $1", [name]);
    if (db) {
      await this.q(`ALTER DATABASE ${ident(name)} WITH IS_TEMPLATE false`);
      await this.dropDatabase(name);
    }
    try {
      await this.q(`DROP ROLE IF EXISTS ${ident(name)}`);
    } catch (err) {
      // 2BP01: live clones still hold objects owned by the role; it is dropped by a later clean-up.
      if ((err as { code?: string }).code !== "2BP01") throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
