// The inline program of a `server` stack: one ServerDatabase (database + its own login) on a shared
// PostgreSQL or MySQL/MariaDB server, and the connection as stack outputs (password secret).
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation/index.js";
import { ServerDatabase } from "./provider.js";

export interface ServerAddress {
  engine: "postgres" | "mysql";
  host: string;
  port: number;
  /** Admin login (name only; its password never enters the program). */
  user: string;
}

/** Parses a server admin URL (`postgres://…`, `postgresql://…`, `mysql://…`, `mariadb://…`). */
export function parseServerUrl(serverUrl: string, engine: "postgres" | "mysql"): ServerAddress & { password: string } {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new Error("serverUrl is not a URL: expected postgres://admin:password@host:port/postgres or mysql://admin:password@host:port");
  }
  const scheme = url.protocol.replace(/:$/, "");
  const urlEngine = scheme === "postgres" || scheme === "postgresql" ? "postgres" : scheme === "mysql" || scheme === "mariadb" ? "mysql" : undefined;
  if (!urlEngine) throw new Error(`serverUrl scheme "${scheme}" is not supported: use postgres:// or mysql://`);
  if (urlEngine !== engine) throw new Error(`serverUrl is a ${urlEngine} server but engine is "${engine}": pass a ${engine} server URL or engine "${urlEngine}"`);
  if (!url.hostname) throw new Error("serverUrl has no host: expected scheme://admin:password@host:port");
  return {
    engine,
    host: url.hostname,
    port: Number(url.port || (engine === "postgres" ? 5432 : 3306)),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

/** The login's name: the database name, hashed down to MySQL's 32-character limit when longer. */
export function roleName(engine: "postgres" | "mysql", database: string): string {
  if (engine === "postgres" || database.length <= 32) return database;
  return `dbtk_${createHash("sha256").update(database).digest("hex").slice(0, 27)}`;
}

export interface ServerProgramInput {
  server: ServerAddress;
  database: string;
  owner: string;
  createdAt: string;
  expiresAt: string;
}

export function databaseComment(input: Pick<ServerProgramInput, "owner" | "createdAt" | "expiresAt">): string {
  return `dbtk ephemeral database; owner=${input.owner}; created=${input.createdAt}; expires=${input.expiresAt}`;
}

export function serverProgram(input: ServerProgramInput): PulumiFn {
  return async () => {
    const db = new ServerDatabase("database", {
      engine: input.server.engine,
      host: input.server.host,
      port: input.server.port,
      database: input.database,
      role: roleName(input.server.engine, input.database),
      comment: databaseComment(input),
    });
    return {
      engine: input.server.engine,
      host: db.host,
      port: db.port,
      database: db.database,
      user: db.role,
      password: pulumi.secret(db.password),
    };
  };
}
