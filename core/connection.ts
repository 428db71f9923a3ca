// One description of "a database to connect to" for every layer: the URL parser, the URL forms each
// tool expects, and the redactor that keeps passwords out of anything printed.

export type Engine = "postgres" | "mysql";

export interface DbTarget {
  engine: Engine;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

const enc = encodeURIComponent;
const DEFAULT_PORT: Record<Engine, number> = { postgres: 5432, mysql: 3306 };

/** Host, port, login and database in the shape both node drivers (pg, mysql2) take; an empty database is left out. */
export function driverOptions(t: DbTarget): { host: string; port: number; user: string; password: string; database?: string } {
  return { host: t.host, port: t.port, user: t.user, password: t.password, ...(t.database ? { database: t.database } : {}) };
}

// IPv6 literals need their brackets back inside a URL.
const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host);

/** postgres://… or mysql://… — the usual DATABASE_URL (node drivers, dbmate). */
export function databaseUrl(t: DbTarget): string {
  const scheme = t.engine === "postgres" ? "postgres" : "mysql";
  return `${scheme}://${enc(t.user)}:${enc(t.password)}@${urlHost(t.host)}:${t.port}/${enc(t.database)}`;
}

/** JDBC URL without credentials (Flyway, Liquibase take user/password separately). */
export function jdbcUrl(t: DbTarget): string {
  const scheme = t.engine === "postgres" ? "postgresql" : "mariadb";
  return `jdbc:${scheme}://${urlHost(t.host)}:${t.port}/${t.database}`;
}

/** SQLAlchemy URL (Alembic) with the psycopg 3 / PyMySQL drivers. */
export function sqlalchemyUrl(t: DbTarget): string {
  const scheme = t.engine === "postgres" ? "postgresql+psycopg" : "mysql+pymysql";
  return `${scheme}://${enc(t.user)}:${enc(t.password)}@${urlHost(t.host)}:${t.port}/${enc(t.database)}`;
}

/** What `connectionValue` can give: each part of the connection, or one of its URLs. */
export const CONNECTION_FIELDS = ["url", "jdbc", "host", "port", "user", "password", "database"] as const;
export type ConnectionField = (typeof CONNECTION_FIELDS)[number];

export function connectionValue(t: DbTarget, field: ConnectionField): string {
  switch (field) {
    case "url":
      return databaseUrl(t);
    case "jdbc":
      return jdbcUrl(t);
    case "port":
      return String(t.port);
    default:
      return t[field];
  }
}

/**
 * DATABASE_URL, the JDBC trio (Heroku's names, read by Spring, Flyway and Liquibase setups) and the engine's
 * usual variables: PGHOST… for PostgreSQL; for MySQL both the client's own (MYSQL_TCP_PORT, MYSQL_PWD) and the
 * names the Docker images and most frameworks use (MYSQL_PORT, MYSQL_PASSWORD).
 */
export function connectionEnv(t: DbTarget): Record<string, string> {
  const common = {
    DATABASE_URL: databaseUrl(t),
    JDBC_DATABASE_URL: jdbcUrl(t),
    JDBC_DATABASE_USERNAME: t.user,
    JDBC_DATABASE_PASSWORD: t.password,
  };
  if (t.engine === "postgres") {
    return { ...common, PGHOST: t.host, PGPORT: String(t.port), PGUSER: t.user, PGPASSWORD: t.password, PGDATABASE: t.database };
  }
  return {
    ...common,
    MYSQL_HOST: t.host,
    MYSQL_PORT: String(t.port),
    MYSQL_TCP_PORT: String(t.port),
    MYSQL_USER: t.user,
    MYSQL_PASSWORD: t.password,
    MYSQL_PWD: t.password,
    MYSQL_DATABASE: t.database,
  };
}

/**
 * Parses `NAME=field` mappings (e.g. `SPRING_DATASOURCE_URL=jdbc`); `what` names the option in errors.
 * Returns the mapping in the order given.
 */
export function parseEnvMappings(specs: readonly string[], what: string): Record<string, ConnectionField> {
  const out: Record<string, ConnectionField> = {};
  for (const spec of specs) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(spec);
    if (!m) throw new Error(`${what} "${spec}": expected NAME=FIELD, e.g. SPRING_DATASOURCE_URL=jdbc`);
    const field = m[2] as ConnectionField;
    if (!CONNECTION_FIELDS.includes(field)) {
      throw new Error(`${what} ${m[1]}=${m[2]}: unknown field "${m[2]}"; use one of ${CONNECTION_FIELDS.join(", ")}`);
    }
    out[m[1] as string] = field;
  }
  return out;
}

/** The URL with its password replaced, for messages and logs. */
export function redactedUrl(t: DbTarget): string {
  return databaseUrl({ ...t, password: "****" });
}

// ---------------------------------------------------------------------------------------------------
// Parsing

const SCHEMES: Record<string, Engine> = { "postgres:": "postgres", "postgresql:": "postgres", "mysql:": "mysql", "mariadb:": "mysql" };

export interface ParseUrlOptions {
  /**
   * Where the URL came from, named in every error (an option such as `serverUrl`, a variable such as
   * `$DATABASE_URL`). Errors never repeat the URL itself: it may hold a password.
   */
  what?: string;
  /**
   * A server's admin URL: the login defaults to postgres / root, the database to `postgres` (PostgreSQL)
   * or none (MySQL). Otherwise the URL must name its database.
   */
  admin?: boolean;
}

function decoded(text: string, field: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // decodeURIComponent says only "URI malformed": say where and how to fix it.
    throw new Error(
      `${what}: the ${field} has a "%" that does not start a percent-escape (%XX); write a literal "%" as %25 ` +
        `and other special characters percent-encoded (e.g. "@" as %40, "/" as %2F, ":" as %3A)`,
    );
  }
}

/**
 * Parses postgres://, postgresql://, mysql:// or mariadb:// URLs (user, password and database
 * percent-decoded) into a DbTarget.
 */
export function parseDatabaseUrl(url: string, opts: ParseUrlOptions = {}): DbTarget {
  const what = opts.what ?? "database URL";
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(
      `${what} is not a valid URL; expected postgres://user:password@host:5432/database or mysql://user:password@host:3306/database ` +
        `(percent-encode special characters in the password)`,
    );
  }
  const engine = SCHEMES[u.protocol];
  if (!engine) {
    throw new Error(`${what} has the scheme "${u.protocol.replace(/:$/, "")}"; use postgres:// (or postgresql://) or mysql:// (or mariadb://)`);
  }
  if (!u.hostname) throw new Error(`${what} has no host; expected ${u.protocol}//user:password@host:port/database`);
  const user = decoded(u.username, "user name", what);
  const password = decoded(u.password, "password", what);
  let database = decoded(u.pathname.replace(/^\//, ""), "database name", what);
  if (opts.admin && !database) database = engine === "postgres" ? "postgres" : "";
  else if (!database) throw new Error(`${what} names no database; add /<database> to the URL, e.g. ${u.protocol}//user:password@host/database`);
  return {
    engine,
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port ? Number(u.port) : DEFAULT_PORT[engine],
    user: user || (opts.admin ? (engine === "postgres" ? "postgres" : "root") : ""),
    password,
    database,
  };
}

/** A server's admin URL (postgres://admin:password@host:5432 or mysql://root:password@host:3306). */
export function parseServerUrl(url: string, what = "serverUrl"): DbTarget {
  return parseDatabaseUrl(url, { what, admin: true });
}

// ---------------------------------------------------------------------------------------------------
// Redaction

const MASK = "****";
/** Shorter values are too likely to be ordinary text to blank out everywhere. */
const MIN_SECRET_LENGTH = 4;
/** `scheme://user:password@`: the password of any URL, known secret or not. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+@/gi;

/** The forms a secret takes in printed text: as is, percent-encoded (both hex cases, strict RFC 3986, form `+`), JSON-escaped. */
function forms(secret: string): string[] {
  const pct = encodeURIComponent(secret);
  const strict = pct.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const lower = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  const json = JSON.stringify(secret).slice(1, -1);
  return [...new Set([secret, pct, strict, lower(pct), lower(strict), pct.replace(/%20/g, "+"), json])];
}

/** Blanks every form of each secret and the password of every URL in `text`. */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  const all = new Set<string>();
  for (const s of secrets) if (s && s.length >= MIN_SECRET_LENGTH) for (const f of forms(s)) all.add(f);
  let out = text;
  // Longest first, so a secret containing another is replaced whole.
  for (const f of [...all].sort((a, b) => b.length - a.length)) out = out.split(f).join(MASK);
  return out.replace(URL_CREDENTIALS, `$1${MASK}@`);
}

/** Every secret a process has seen; `redact` blanks them (in all their forms) out of any text before it is printed. */
export class Secrets {
  private readonly values = new Set<string>();

  constructor(values: Iterable<string | undefined> = []) {
    this.add(...values);
  }

  add(...values: Array<string | undefined>): void {
    for (const v of values) if (v) this.values.add(v);
  }

  addConnection(conn: Pick<DbTarget, "password">): void {
    this.add(conn.password);
  }

  /** The URL's password (decoded and as written); an unparsable URL is kept secret whole. */
  addUrl(url: string | undefined): void {
    if (!url) return;
    try {
      const u = new URL(url);
      this.add(u.password);
      this.add(decodeURIComponent(u.password));
    } catch {
      this.add(url);
    }
  }

  redact(text: string): string {
    return redact(text, this.values);
  }
}
