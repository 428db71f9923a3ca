// `dbtk run` on a machine where `dbtk serve` runs: the local target with its template and its clones taken from
// the server's pool (one template build and one warm pool for every run and test process), and a database
// given back (recreated there) instead of dropped. Everything else — leases, grants, listings — is the
// local target's own.
import path from "node:path";
import { serversDir as defaultServersDir, type ToolkitDirs } from "../../core/servers/paths.js";
import type { EphemeralDatabase, EphemeralMeta, Target } from "../targets/types.js";
import { PoolServerClient } from "./client.js";
import { findPoolServer } from "./discovery.js";

export interface ServedTargetOptions extends ToolkitDirs {
  /** The local server's directory; default `<serversDir>/postgres` or `…/mariadb`. */
  rootDir?: string;
}

/** `target` unchanged, unless it is a local target and a pool server runs on its database server (then its URL). */
export function withRunningPoolServer(target: Target, opts: ServedTargetOptions = {}): { target: Target; url?: string } {
  if (target.name !== "local" && target.name !== "local-mariadb") return { target };
  const root = opts.rootDir ?? path.join(defaultServersDir(opts), target.engine === "mysql" ? "mariadb" : "postgres");
  const found = findPoolServer(root);
  if (!found || found.engine !== target.engine || !target.templates) return { target };
  const client = new PoolServerClient(found.url);
  // No fill: the server keeps the pool (so no run hands a refill of the local server's pool to its guardian).
  const { fill: _fill, ...base } = target.templates;
  const hashOf = (key: string): string => `dbtk-${key}`;
  // Handed out by the server: given back there (recreated) rather than dropped here.
  const served = new Map<string, { dbId: string; giveBack(): Promise<void> }>();
  const take = async (key: string, meta: EphemeralMeta): Promise<EphemeralDatabase> => {
    const { db, giveBack } = await client.get(hashOf(key), target, key);
    served.set(db.id, { dbId: db.id, giveBack });
    const out: EphemeralDatabase = { ...meta, id: db.id, template: key, state: "ready", connection: db.connection };
    // The run's record (owner, lease), so listings and reap treat it as the run's while it holds it.
    await target.renew?.(out);
    return out;
  };
  const withServer: Target = {
    ...target,
    async create(req) {
      if (!req.template) return target.create(req);
      const { engine: _engine, template, ...meta } = req;
      const db = await take(template, meta);
      // The caller knows it by the id it asked for: giving that back gives back this one.
      served.set(req.id, served.get(db.id) as { dbId: string; giveBack(): Promise<void> });
      return db;
    },
    async destroy(id) {
      const entry = served.get(id);
      if (!entry) return target.destroy(id);
      for (const [k, v] of served) if (v.dbId === entry.dbId) served.delete(k);
      // A server gone meanwhile cannot take it back: drop it here instead.
      await entry.giveBack().catch(() => target.destroy(entry.dbId));
    },
    templates: {
      ...base,
      has: async () => true,
      ensure: (key, build) => client.ensureTemplate(hashOf(key), target.engine, build),
      // The server keeps the pool and the cache: nothing to trim here.
      claim: (key, meta) => take(key, meta),
      gc: async () => [],
      migrationCount: async () => undefined,
    },
    describe: async () => `${(await target.describe?.()) ?? target.name}, databases from dbtk serve at ${found.url}`,
  };
  return { target: withServer, url: found.url };
}
