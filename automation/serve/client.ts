// The library's side of a running `dbtk serve`: ephemeralDatabases() takes its databases from the server's
// pool (shared by every test process on the machine) instead of making a pool of its own.
import { DbtkError } from "../../core/errors.js";
import type { DbTarget } from "../../core/connection.js";
import type { EphemeralDatabase, Target } from "../targets/types.js";
import { SERVE_OWNER, type ConnectionConfig as Config } from "./wire.js";

export class PoolServerClient {
  constructor(readonly url: string) {}

  private async call(method: string, p: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${this.url}/api/v1${p}`, {
        method,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
      });
    } catch (err) {
      throw new DbtkError(`the pool server at ${this.url} does not answer (${(err as Error).message}): start dbtk serve again, or pass options.poolServer false`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = { message: text };
    }
    return { status: res.status, json };
  }

  private fail(what: string, r: { status: number; json: unknown }): never {
    const message = (r.json as { message?: string } | undefined)?.message ?? `HTTP ${r.status}`;
    throw new DbtkError(`pool server ${this.url}: ${what}: ${message}`);
  }

  /** Builds the template once across every process using the server: `build` runs only where initialize won. */
  async ensureTemplate(hash: string, engine: DbTarget["engine"], build: (conn: DbTarget) => Promise<unknown>): Promise<void> {
    const init = await this.call("POST", "/templates", { hash });
    if (init.status === 423) return;
    if (init.status !== 200) this.fail(`initialize template ${hash}`, init);
    const c = (init.json as { database: { config: Config } }).database.config;
    try {
      await build(toTarget(engine, c));
    } catch (err) {
      await this.call("DELETE", `/templates/${encodeURIComponent(hash)}`).catch(() => undefined);
      throw err;
    }
    const fin = await this.call("PUT", `/templates/${encodeURIComponent(hash)}`);
    if (fin.status !== 204) this.fail(`finalize template ${hash}`, fin);
  }

  /** A test database of `hash`, as the library's EphemeralDatabase; `give back` recreates it on the server. */
  async get(hash: string, target: Target, templateKey: string): Promise<{ db: EphemeralDatabase; giveBack(): Promise<void> }> {
    const r = await this.call("GET", `/templates/${encodeURIComponent(hash)}/tests`);
    if (r.status !== 200) this.fail(`get a test database of template ${hash}`, r);
    const { id, database } = r.json as { id: number; database: { config: Config } };
    const now = new Date().toISOString();
    const db: EphemeralDatabase = {
      id: database.config.database,
      target: target.name,
      owner: SERVE_OWNER,
      createdAt: now,
      expiresAt: now,
      state: "ready",
      template: templateKey,
      connection: toTarget(target.engine, database.config),
    };
    const giveBack = async (): Promise<void> => {
      const back = await this.call("POST", `/templates/${encodeURIComponent(hash)}/tests/${id}/recreate`);
      // Already recycled by the server (lease over): nothing is left to give back.
      if (back.status !== 204 && back.status !== 404) this.fail(`recreate test database ${id}`, back);
    };
    return { db, giveBack };
  }
}

function toTarget(engine: DbTarget["engine"], c: Config): DbTarget {
  return { engine, host: c.host, port: c.port, user: c.username, password: c.password, database: c.database };
}
