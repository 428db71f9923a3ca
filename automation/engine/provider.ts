// The dynamic provider behind ServerDatabase: one database plus its own login on a shared PostgreSQL or
// MySQL/MariaDB server. Its methods are serialized into the stack state and run later inside the
// pulumi-resource-pulumi-nodejs plugin, so they capture nothing but each other (#13960), load drivers
// themselves with `require` at call time (an ESM import would be serialized as a `require` that resolves
// from the plugin's working directory, not ours: #5578, #18977), and read the admin URL from the
// environment, so no admin credential is stored in the state and a rotated admin password still works.
import * as pulumi from "@pulumi/pulumi";

/** Environment variable the engine passes to the plugin: the server's admin URL. */
export const SERVER_URL_ENV = "DBTK_ENGINE_SERVER_URL";

export interface ServerDatabaseInputs {
  engine: "postgres" | "mysql";
  /** Server address as the stack was created against (delete refuses another server). */
  host: string;
  port: number;
  database: string;
  role: string;
  /** Database comment: who made it and when it expires (PostgreSQL; MariaDB 10.5+). */
  comment: string;
}

export interface ServerDatabaseOutputs extends ServerDatabaseInputs {
  password: string;
}

type Sql = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

// Drivers resolve from the toolkit's node_modules: the plugin is `node <node_modules>/@pulumi/pulumi/cmd/
// dynamic-provider`, so require.main sits inside it whatever the plugin's working directory is.
function loadDriver(name: string): unknown {
  const errors: string[] = [];
  const attempts = [
    () => require.main?.require(name),
    () => (process.env.DBTK_NODE_MODULES ? require(`${process.env.DBTK_NODE_MODULES}/${name}`) : undefined),
    () => require(name),
  ];
  for (const attempt of attempts) {
    try {
      const mod: unknown = attempt();
      if (mod) return mod;
    } catch (err) {
      errors.push((err as Error).message.split("\n")[0] ?? "");
    }
  }
  throw new Error(`the dynamic provider cannot load "${name}" (${errors.join("; ")}); set DBTK_NODE_MODULES`);
}

function adminUrl(props: ServerDatabaseInputs): string {
  const raw = process.env.DBTK_ENGINE_SERVER_URL;
  if (!raw) {
    throw new Error(
      `DBTK_ENGINE_SERVER_URL is not set: manage stack "${props.database}" through dbtk (dbtk down ${props.database}) so the server's admin URL reaches the provider`,
    );
  }
  // Not core's parser: this code is serialized into the state and can import nothing. Only host and port
  // are read; the drivers take the URL as is.
  const url = new URL(raw);
  const port = Number(url.port || (props.engine === "postgres" ? 5432 : 3306));
  if (url.hostname !== props.host || port !== props.port) {
    throw new Error(
      `database "${props.database}" lives on ${props.host}:${props.port} but the server URL points at ${url.hostname}:${port}; use the server it was created on`,
    );
  }
  return raw;
}

function checkName(kind: string, value: string, max: number): void {
  if (!/^[a-z][a-z0-9_]*$/.test(value) || value.length > max) {
    throw new Error(`${kind} "${value}" is not a safe identifier: lowercase letters, digits and _ only, at most ${max} characters`);
  }
}

async function withAdmin<T>(props: ServerDatabaseInputs, fn: (sql: Sql, version: number) => Promise<T>): Promise<T> {
  const url = adminUrl(props);
  if (props.engine === "postgres") {
    const pg = loadDriver("pg") as { Client: new (cfg: object) => PgClient };
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const sql: Sql = async (text, params) => (await client.query(text, params)).rows;
      const [row] = await sql("select current_setting('server_version_num')::int as v");
      return await fn(sql, Number(row?.v));
    } finally {
      await client.end();
    }
  }
  const mysql = loadDriver("mysql2/promise") as { createConnection: (uri: string) => Promise<MysqlConn> };
  const conn = await mysql.createConnection(url);
  try {
    const sql: Sql = async (text, params) => {
      const [rows] = await conn.query(text, params);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    };
    return await fn(sql, 0);
  } finally {
    await conn.end();
  }
}

interface PgClient {
  connect(): Promise<void>;
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
interface MysqlConn {
  query(text: string, params?: unknown[]): Promise<[unknown, unknown]>;
  end(): Promise<void>;
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

// Idempotent and adopting: after an interrupted `up` left a pending create, re-running it takes over what
// the first attempt made (names are deterministic and unique), so a later destroy removes everything.
async function createOnServer(props: ServerDatabaseInputs, password: string): Promise<void> {
  checkName("database", props.database, 63);
  checkName("role", props.role, props.engine === "mysql" ? 32 : 63);
  await withAdmin(props, async (sql) => {
    const db = props.database;
    const role = props.role;
    if (props.engine === "postgres") {
      const exists = (await sql("select 1 from pg_roles where rolname = $1", [role])).length > 0;
      const verb = exists ? "ALTER" : "CREATE";
      await sql(
        `${verb} ROLE "${role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${lit(password)}`,
      );
      // A non-superuser admin (RDS, Cloud SQL) must be a member to hand the database to the role.
      const [me] = await sql("select rolsuper from pg_roles where rolname = current_user");
      if (!me?.rolsuper) await sql(`GRANT "${role}" TO CURRENT_USER`);
      const dbExists = (await sql("select 1 from pg_database where datname = $1", [db])).length > 0;
      if (!dbExists) await sql(`CREATE DATABASE "${db}" OWNER "${role}"`);
      else await sql(`ALTER DATABASE "${db}" OWNER TO "${role}"`);
      await sql(`COMMENT ON DATABASE "${db}" IS ${lit(props.comment)}`);
      // PUBLIC may connect to every database by default: only the owner may connect to this one.
      await sql(`REVOKE ALL ON DATABASE "${db}" FROM PUBLIC`);
      return;
    }
    await sql(`CREATE USER IF NOT EXISTS '${role}'@'%' IDENTIFIED BY ?`, [password]);
    await sql(`ALTER USER '${role}'@'%' IDENTIFIED BY ?`, [password]);
    try {
      await sql(`CREATE DATABASE IF NOT EXISTS \`${db}\` COMMENT ?`, [props.comment]);
    } catch (err) {
      // MySQL has no database comments (MariaDB 10.5+ has).
      if ((err as { errno?: number }).errno !== 1064) throw err;
      await sql(`CREATE DATABASE IF NOT EXISTS \`${db}\``);
    }
    await sql(`GRANT ALL PRIVILEGES ON \`${db}\`.* TO '${role}'@'%'`);
  });
}

async function dropFromServer(props: ServerDatabaseInputs): Promise<void> {
  checkName("database", props.database, 63);
  checkName("role", props.role, props.engine === "mysql" ? 32 : 63);
  await withAdmin(props, async (sql, version) => {
    const db = props.database;
    const role = props.role;
    if (props.engine === "postgres") {
      if (version >= 130000) {
        await sql(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      } else {
        await sql("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [db]);
        await sql(`DROP DATABASE IF EXISTS "${db}"`);
      }
      await sql(`DROP ROLE IF EXISTS "${role}"`);
      return;
    }
    // MySQL's FORCE: end the login's sessions, whose open transactions would block DROP DATABASE.
    const sessions = await sql("select ID as id from information_schema.PROCESSLIST where USER = ?", [role]);
    for (const s of sessions) await sql("KILL ?", [s.id]).catch(() => undefined);
    await sql(`DROP DATABASE IF EXISTS \`${db}\``);
    await sql(`DROP USER IF EXISTS '${role}'@'%'`);
  });
}

async function existsOnServer(props: ServerDatabaseInputs): Promise<boolean> {
  return withAdmin(props, async (sql) => {
    const rows =
      props.engine === "postgres"
        ? await sql("select 1 from pg_database where datname = $1", [props.database])
        : await sql("select 1 from information_schema.SCHEMATA where SCHEMA_NAME = ?", [props.database]);
    return rows.length > 0;
  });
}

const replaceKeys = ["engine", "host", "port", "database", "role"] as const;

export const serverDatabaseProvider: pulumi.dynamic.ResourceProvider<ServerDatabaseInputs, ServerDatabaseOutputs> = {
  async create(inputs) {
    const password = require("node:crypto").randomBytes(24).toString("base64url") as string;
    await createOnServer(inputs, password);
    return { id: inputs.database, outs: { ...inputs, password } };
  },
  async diff(_id, olds, news) {
    const replaces = replaceKeys.filter((k) => olds[k] !== news[k]);
    return { changes: replaces.length > 0 || olds.comment !== news.comment, replaces, deleteBeforeReplace: true };
  },
  async update(_id, olds, news) {
    await createOnServer(news, olds.password);
    return { outs: { ...news, password: olds.password } };
  },
  async read(id, props) {
    // Refresh: a database dropped behind our back leaves the state.
    if (!props || !(await existsOnServer(props))) return {};
    return { id, props };
  },
  async delete(_id, props) {
    await dropFromServer(props);
  },
};

export interface ServerDatabaseArgs {
  engine: pulumi.Input<"postgres" | "mysql">;
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  database: pulumi.Input<string>;
  role: pulumi.Input<string>;
  comment: pulumi.Input<string>;
}

/** An ephemeral database and its own least-privilege login on a shared server; the password is a secret. */
export class ServerDatabase extends pulumi.dynamic.Resource {
  declare readonly database: pulumi.Output<string>;
  declare readonly role: pulumi.Output<string>;
  declare readonly host: pulumi.Output<string>;
  declare readonly port: pulumi.Output<number>;
  declare readonly password: pulumi.Output<string>;

  constructor(name: string, args: ServerDatabaseArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      serverDatabaseProvider,
      name,
      { ...args, password: undefined },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "password"] },
      "dbtk",
      "ServerDatabase",
    );
  }
}
