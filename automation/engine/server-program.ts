// The inline program of a `server` stack: one ServerDatabase (database + its own login) on a shared
// PostgreSQL or MySQL/MariaDB server, and the connection as stack outputs (password secret).
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation/index.js";
import { parseServerUrl, type Engine } from "../../core/connection.js";
import { ServerDatabase } from "./provider.js";

export interface ServerAddress {
  engine: "postgres" | "mysql";
  host: string;
  port: number;
  /** Admin login (name only; its password never enters the program). */
  user: string;
}

/** The server an admin URL points at, checked against the engine the stack is for. */
export function serverAddress(serverUrl: string, engine: Engine): ServerAddress & { password: string } {
  const t = parseServerUrl(serverUrl, "options.serverUrl");
  if (t.engine !== engine) {
    throw new Error(`options.serverUrl is a ${t.engine} server but options.engine is "${engine}": pass a ${engine} server URL or engine "${t.engine}"`);
  }
  return { engine, host: t.host, port: t.port, user: t.user, password: t.password };
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
