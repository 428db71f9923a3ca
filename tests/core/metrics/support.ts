// Real servers with a little traffic for the exporter's tests: embedded PostgreSQL (pg_stat_statements
// preloaded) and MariaDB from Debian, each in a private directory.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import type { DbTarget } from "../../../core/connection.ts";
import { startLocalMariadb, startLocalPostgres, type ServerHandle } from "../../../core/servers/index.ts";

export interface Servers {
  /** The `shop` database on PostgreSQL, after the workload. */
  pg: DbTarget;
  /** MariaDB, after the workload. */
  mysql: DbTarget;
  stop(): Promise<void>;
}

const target = (s: ServerHandle, database: string): DbTarget => ({
  engine: s.engine,
  host: s.host,
  port: s.port,
  user: s.user,
  password: s.password,
  database,
});

/** Commits, a rollback, reads that hit shared buffers, a few distinct statements. */
async function pgWorkload(admin: DbTarget): Promise<DbTarget> {
  const a = new pg.Client({ ...admin, database: "postgres" });
  await a.connect();
  await a.query("drop database if exists shop with (force)");
  await a.query("create database shop");
  await a.end();
  const shop = { ...admin, database: "shop" };
  const c = new pg.Client(shop);
  await c.connect();
  await c.query("create extension if not exists pg_stat_statements");
  await c.query("create table orders (id serial primary key, total numeric not null)");
  for (let i = 0; i < 20; i++) await c.query("insert into orders (total) values ($1)", [i * 1.5]);
  for (let i = 0; i < 10; i++) await c.query("select count(*), sum(total) from orders where total > $1", [i]);
  await c.query("begin");
  await c.query("delete from orders");
  await c.query("rollback");
  await c.end();
  return shop;
}

async function mysqlWorkload(admin: DbTarget): Promise<void> {
  const c = await mysql.createConnection({ host: admin.host, port: admin.port, user: admin.user, password: admin.password });
  await c.query("create database if not exists shop");
  await c.query("create table if not exists shop.orders (id int auto_increment primary key, total decimal(10,2))");
  for (let i = 0; i < 10; i++) await c.query("insert into shop.orders (total) values (?)", [i]);
  await c.query("select count(*) from shop.orders");
  await c.end();
}

export async function startServers(prefix: string): Promise<Servers> {
  const root = mkdtempSync(path.join(tmpdir(), `dbtk-${prefix}-`));
  // Servers run as their own OS user when we are root: the directory must be reachable by it.
  chmodSync(root, 0o755);
  const [p, m] = await Promise.all([startLocalPostgres({ rootDir: path.join(root, "pg") }), startLocalMariadb({ rootDir: path.join(root, "maria") })]);
  const servers = { pg: await pgWorkload(target(p, "postgres")), mysql: target(m, "") };
  await mysqlWorkload(servers.mysql);
  return {
    ...servers,
    async stop() {
      await Promise.all([p.stop(), m.stop()]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export type ParsedFamily = ReturnType<typeof parsePrometheusTextFormat>[number];

/** The exposition parsed by an independent parser, by metric name (throws on malformed text). */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
}
