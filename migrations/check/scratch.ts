// Fresh, uniquely named databases on a server for the CI checks, always dropped afterwards.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { serversDir, startLocalMariadb, startLocalPostgres, type ServerHandle, type ToolkitDirs } from "../../core/servers/index.js";
import type { DbTarget } from "../../core/connection.js";
import { withDb } from "../schema/db.js";

/** The admin login of a server as a target on its maintenance database. */
export function serverTarget(h: Pick<ServerHandle, "engine" | "host" | "port" | "user" | "password">): DbTarget {
  return { engine: h.engine, host: h.host, port: h.port, user: h.user, password: h.password, database: h.engine === "postgres" ? "postgres" : "" };
}

/**
 * The local embedded PostgreSQL (or local MariaDB) server, started on demand and reused: the one under
 * `rootDir`, else the local target's (`<serversDir>/postgres` or `<serversDir>/mariadb`).
 */
export async function localServer(engine: DbTarget["engine"], where: ToolkitDirs & { rootDir?: string } = {}): Promise<DbTarget> {
  const rootDir = where.rootDir ?? path.join(serversDir(where), engine === "postgres" ? "postgres" : "mariadb");
  return serverTarget(engine === "postgres" ? await startLocalPostgres({ rootDir }) : await startLocalMariadb({ rootDir }));
}

const quote = (engine: DbTarget["engine"], name: string) => (engine === "postgres" ? `"${name}"` : `\`${name}\``);

export async function createScratchDatabase(server: DbTarget, prefix = "dbtk_check"): Promise<DbTarget> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await withDb(server, (db) => db.query(`CREATE DATABASE ${quote(server.engine, name)}`));
  return { ...server, database: name };
}

export async function dropScratchDatabase(server: DbTarget, name: string): Promise<void> {
  // WITH (FORCE) ends sessions a tool may have leaked, so teardown cannot hang on them.
  const sql = server.engine === "postgres" ? `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)` : `DROP DATABASE IF EXISTS \`${name}\``;
  await withDb(server, (db) => db.query(sql));
}

export async function withScratchDatabase<T>(server: DbTarget, fn: (db: DbTarget) => Promise<T>, prefix?: string): Promise<T> {
  const scratch = await createScratchDatabase(server, prefix);
  try {
    return await fn(scratch);
  } finally {
    await dropScratchDatabase(server, scratch.database);
  }
}
