// One description of "a database to connect to", shared by the runner, the tool adapters and the
// ephemeral-database driver, with the URL forms each tool expects.

export interface DbTarget {
  engine: "postgres" | "mysql";
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

const enc = encodeURIComponent;

/** Host, port, login and database in the shape both node drivers (pg, mysql2) take; an empty database is left out. */
export function driverOptions(t: DbTarget): { host: string; port: number; user: string; password: string; database?: string } {
  return { host: t.host, port: t.port, user: t.user, password: t.password, ...(t.database ? { database: t.database } : {}) };
}

/** postgres://… or mysql://… — the usual DATABASE_URL (node drivers, dbmate). */
export function databaseUrl(t: DbTarget): string {
  const scheme = t.engine === "postgres" ? "postgres" : "mysql";
  return `${scheme}://${enc(t.user)}:${enc(t.password)}@${t.host}:${t.port}/${enc(t.database)}`;
}

/** JDBC URL without credentials (Flyway, Liquibase take user/password separately). */
export function jdbcUrl(t: DbTarget): string {
  const scheme = t.engine === "postgres" ? "postgresql" : "mariadb";
  return `jdbc:${scheme}://${t.host}:${t.port}/${t.database}`;
}

/** SQLAlchemy URL (Alembic) with the psycopg 3 / PyMySQL drivers. */
export function sqlalchemyUrl(t: DbTarget): string {
  const scheme = t.engine === "postgres" ? "postgresql+psycopg" : "mysql+pymysql";
  return `${scheme}://${enc(t.user)}:${enc(t.password)}@${t.host}:${t.port}/${enc(t.database)}`;
}

/** DATABASE_URL plus the engine's usual client variables (PGHOST… or MYSQL_…). */
export function connectionEnv(t: DbTarget): Record<string, string> {
  const common = { DATABASE_URL: databaseUrl(t) };
  if (t.engine === "postgres") {
    return { ...common, PGHOST: t.host, PGPORT: String(t.port), PGUSER: t.user, PGPASSWORD: t.password, PGDATABASE: t.database };
  }
  return {
    ...common,
    MYSQL_HOST: t.host,
    MYSQL_TCP_PORT: String(t.port),
    MYSQL_USER: t.user,
    MYSQL_PWD: t.password,
    MYSQL_DATABASE: t.database,
  };
}

/** The URL with its password replaced, for messages and logs. */
export function redactedUrl(t: DbTarget): string {
  return databaseUrl({ ...t, password: "****" });
}

/**
 * Parses postgres://, postgresql://, mysql:// or mariadb:// URLs into a DbTarget. The error never
 * repeats the URL (it may hold a password); `what` names where it came from (e.g. "--url").
 */
export function targetFromUrl(url: string, what = "database URL"): DbTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`${what} is not a URL: expected postgres://user:password@host:5432/database or mysql://…`);
  }
  const scheme = u.protocol.replace(/:$/, "");
  const engine = scheme === "postgres" || scheme === "postgresql" ? "postgres" : scheme === "mysql" || scheme === "mariadb" ? "mysql" : undefined;
  if (!engine) throw new Error(`${what}: unsupported scheme "${scheme}": use postgres:// or mysql:// (mariadb://)`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
  if (!u.hostname || !database) throw new Error(`${what}: needs a host and a database name, e.g. ${scheme}://user:password@host/database`);
  return {
    engine,
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port ? Number(u.port) : engine === "postgres" ? 5432 : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database,
  };
}
