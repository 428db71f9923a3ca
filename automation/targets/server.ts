// The direct target: ephemeral databases made with plain SQL on a server we can log in to as an admin —
// an existing PostgreSQL or MySQL/MariaDB server (the `server` target with `via: "direct"`), and underneath the
// local embedded servers.
import { parseServerUrl, type DbTarget } from "../../core/connection.js";
import { sqlTemplateSupport } from "../templates/support.js";
import { fallbackMeta } from "./meta.js";
import type { SqlServer } from "./sql.js";
import { MysqlServer } from "./sql-mysql.js";
import { PostgresServer, type CloneStrategy } from "./sql-postgres.js";
import type { ListedDatabase, Target, TargetRecipe } from "./types.js";

/**
 * A target on `server`. `admin` (its admin login) lets a guardian process reopen it to clean up after a
 * killed run; without it the target has no recipe.
 */
export function directTarget(name: string, server: SqlServer, admin?: DbTarget): Target {
  const recipe: TargetRecipe | undefined = admin ? { kind: "sql", name, admin } : undefined;
  // Template use is recorded for age-based clean-up; once a minute per process is plenty.
  const touched = new Map<string, number>();
  return {
    name,
    engine: server.engine,
    async create(req) {
      const { engine: _engine, template, ...meta } = req;
      const connection = await server.create({ ...meta, state: meta.state ?? "ready" }, template);
      if (template && Date.now() - (touched.get(template) ?? 0) > 60_000) {
        touched.set(template, Date.now());
        await server.touchTemplate(template);
      }
      return { ...meta, ...(template ? { template } : {}), connection };
    },
    ...(server.rename ? { rename: renameWith(server) } : {}),
    ...(server.loginAs ? { loginAs: (db, role) => server.loginAs!(db.id, db.connection.database, role) } : {}),
    destroy: (id) => server.drop(id),
    // A superuser on a shared server could read every other run's data: only local servers hand one out.
    grants: { createdb: true, superuser: name.startsWith("local") },
    grant: (id, privileges) => server.grant(id, privileges),
    ...(server.extensions ? { extensions: () => (server.extensions as () => Promise<string[]>)() } : {}),
    async list(opts) {
      const out: ListedDatabase[] = [];
      for (const f of await server.list(opts)) {
        const meta = f.meta ?? fallbackMeta(f.id, name);
        if (!meta) continue;
        // A login without its database (or the reverse) is what a cut-short creation or teardown leaves.
        const orphan = !f.hasDatabase || !f.hasLogin;
        out.push({ ...meta, ...(orphan ? { state: "orphan" as const } : {}), ...(f.sizeBytes !== undefined ? { sizeBytes: f.sizeBytes } : {}) });
      }
      return out;
    },
    renew: (meta) => server.setMeta(meta),
    ...(recipe ? { recipe } : {}),
    templates: sqlTemplateSupport(server, name),
    close: () => server.close(),
    describe: async () => `${await server.version()} at ${server.address}`,
  };
}

/** Renames the database, then records the name, so lease renewals and listings find it under it. */
function renameWith(server: SqlServer): NonNullable<Target["rename"]> {
  return async (db, name) => {
    await server.rename!(db.id, name);
    const { connection, ...meta } = db;
    await server.setMeta({ ...meta, name });
    return { ...db, name, connection: { ...connection, database: name } };
  };
}

export interface SqlServerOptions {
  strategy?: CloneStrategy;
  /** Test hook: awaited while a database is half made (crash tests stop the process here). */
  onCreating?: (id: string) => Promise<void>;
  /** Test hook: awaited while a database is half dropped (crash tests stop the process here). */
  onDropping?: (id: string) => Promise<void>;
}

export function sqlServerFor(admin: DbTarget, opts: SqlServerOptions = {}): SqlServer {
  const hook = { ...(opts.onCreating ? { onCreating: opts.onCreating } : {}), ...(opts.onDropping ? { onDropping: opts.onDropping } : {}) };
  return admin.engine === "postgres"
    ? new PostgresServer({ admin, ...(opts.strategy ? { strategy: opts.strategy } : {}), ...hook })
    : new MysqlServer({ admin, ...hook });
}

/** The `server` target made directly: a new database plus its own least-privilege login per run, by plain SQL. */
export function directServerTarget(opts: SqlServerOptions & { url: string }): Target {
  const admin = parseServerUrl(opts.url, "options.serverUrl");
  return directTarget("server", sqlServerFor(admin, opts), admin);
}
