// The direct target: ephemeral databases made with plain SQL on a server we can log in to as an admin —
// an existing PostgreSQL or MySQL/MariaDB server (`--target server --engine direct`), and underneath the
// local embedded servers.
import type { DbTarget } from "../../migrations/connection.js";
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

const SCHEMES: Record<string, DbTarget["engine"]> = {
  "postgres:": "postgres",
  "postgresql:": "postgres",
  "mysql:": "mysql",
  "mariadb:": "mysql",
};

/** postgres://user:password@host:5432/db or mysql://user:password@host:3306 → the admin connection. */
export function parseServerUrl(url: string, what = "--server-url"): DbTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Don't echo the value: it may hold a password.
    throw new Error(`${what} is not a valid URL; expected postgres://admin:password@host:5432/postgres or mysql://admin:password@host:3306`);
  }
  const engine = SCHEMES[u.protocol];
  if (!engine) {
    throw new Error(`${what} has the scheme "${u.protocol.replace(/:$/, "")}"; use postgres:// (or postgresql://) or mysql:// (or mariadb://)`);
  }
  if (!u.hostname) throw new Error(`${what} has no host; expected ${u.protocol}//admin:password@host:port`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
  return {
    engine,
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port ? Number(u.port) : engine === "postgres" ? 5432 : 3306,
    user: decodeURIComponent(u.username) || (engine === "postgres" ? "postgres" : "root"),
    password: decodeURIComponent(u.password),
    database: database || (engine === "postgres" ? "postgres" : ""),
  };
}

export function sqlServerFor(admin: DbTarget, opts: { strategy?: CloneStrategy } = {}): SqlServer {
  return admin.engine === "postgres"
    ? new PostgresServer({ admin, ...(opts.strategy ? { strategy: opts.strategy } : {}) })
    : new MysqlServer({ admin });
}

/** `--target server --engine direct`: a new database plus its own least-privilege login per run. */
export function directServerTarget(opts: { url: string; strategy?: CloneStrategy }): Target {
  return directTarget("server", sqlServerFor(parseServerUrl(opts.url), opts));
}
