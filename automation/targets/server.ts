// The direct target: ephemeral databases made with plain SQL on a server we can log in to as an admin —
// an existing PostgreSQL or MySQL/MariaDB server (the `server` target with `via: "direct"`), and underneath the
// local embedded servers.
import { parseServerUrl, type DbTarget } from "../../core/connection.js";
import { sqlTemplateSupport } from "../templates/support.js";
import { fallbackMeta } from "./meta.js";
import type { SqlServer } from "./sql.js";
import { MysqlServer } from "./sql-mysql.js";
import { PostgresServer, type CloneStrategy } from "./sql-postgres.js";
import type { EphemeralMeta, Target } from "./types.js";

export function directTarget(name: string, server: SqlServer): Target {
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
    destroy: (id) => server.drop(id),
    async list() {
      const out: EphemeralMeta[] = [];
      for (const f of await server.list()) {
        const meta = f.meta ?? fallbackMeta(f.id, name);
        if (meta) out.push(meta);
      }
      return out;
    },
    templates: sqlTemplateSupport(server, name),
    close: () => server.close(),
    describe: async () => `${await server.version()} at ${server.address}`,
  };
}

export interface SqlServerOptions {
  strategy?: CloneStrategy;
  /** Test hook: awaited while a database is half made (crash tests stop the process here). */
  onCreating?: (id: string) => Promise<void>;
}

export function sqlServerFor(admin: DbTarget, opts: SqlServerOptions = {}): SqlServer {
  const hook = opts.onCreating ? { onCreating: opts.onCreating } : {};
  return admin.engine === "postgres"
    ? new PostgresServer({ admin, ...(opts.strategy ? { strategy: opts.strategy } : {}), ...hook })
    : new MysqlServer({ admin, ...hook });
}

/** The `server` target made directly: a new database plus its own least-privilege login per run, by plain SQL. */
export function directServerTarget(opts: SqlServerOptions & { url: string }): Target {
  return directTarget("server", sqlServerFor(parseServerUrl(opts.url, "options.serverUrl"), opts));
}
