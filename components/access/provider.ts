// The dynamic provider behind DatabaseAccess / MysqlDatabaseAccess: it applies the planner's statements
// (spec.ts, sql-postgres.ts, sql-mysql.ts) with the admin connection it is given. Its methods are
// serialized into the stack state and run inside the pulumi-resource-pulumi-nodejs plugin, so:
// - drivers are loaded with `require` at call time, from the plugin's own node_modules (an import would be
//   serialized as a module reference resolved from elsewhere: pulumi/pulumi#5578, #18977);
// - the planner modules are captured by value: they import only each other and export
//   `deploymentOnlyModule`, which makes Pulumi's serializer copy them even from node_modules, where it would
//   otherwise emit `require("@dbtk/components/dist/…")` — a path the package's `exports` does not allow;
// - the admin connection and the login passwords travel as secret inputs, so the state holds them only
//   encrypted.
import * as pulumi from "@pulumi/pulumi";
import type { ConnectionInfo } from "../spec/types.js";
import { assertValidAccessSpec, redactStatement, roleNames, validateAccessSpec, type AccessEngine, type AccessRole, type AccessSpec } from "./spec.js";
import { mysqlApplyStatements, mysqlRemoveStatements } from "./sql-mysql.js";
import { postgresApplyStatements, postgresRemoveStatements } from "./sql-postgres.js";

/** TLS to the server: off, encrypted without checking the certificate, or verified (with caCertificate). */
export type AccessSsl = "disable" | "require" | "verify-full";

/** The spec as stored in state: logins without their passwords (those are in `passwords`, a secret). */
export interface AccessPlan extends Omit<AccessSpec, "logins"> {
  logins: { name: string; role: AccessRole }[];
}

export interface AccessProviderInputs {
  engine: AccessEngine;
  /** The admin connection (secret). */
  connection: ConnectionInfo;
  ssl: AccessSsl;
  /** PEM bundle the server's certificate must chain to (ssl "verify-full"); empty: Node's trusted CAs. */
  caCertificate: string;
  plan: AccessPlan;
  /** Login name → password (secret). */
  passwords: Record<string, string>;
}

export interface AccessProviderOutputs extends AccessProviderInputs {
  roles: Record<AccessRole, string>;
}

// The plugin's sentinel for a value unknown during preview.
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// Drivers resolve from the plugin's node_modules: it runs as `node <node_modules>/@pulumi/pulumi/cmd/
// dynamic-provider`, so require.main sits where the stack's packages are.
function loadDriver(name: string): unknown {
  const errors: string[] = [];
  for (const attempt of [() => require.main?.require(name), () => require(name)]) {
    try {
      const mod: unknown = attempt();
      if (mod) return mod;
    } catch (err) {
      errors.push((err as Error).message.split("\n")[0] ?? "");
    }
  }
  const pkg = name.split("/")[0];
  throw new Error(`DatabaseAccess needs the "${pkg}" package next to @pulumi/pulumi: npm install ${pkg} (${errors.join("; ")})`);
}

function specOf(inputs: AccessProviderInputs): AccessSpec {
  const logins = inputs.plan.logins.map((l) => ({ ...l, password: inputs.passwords[l.name] ?? "" }));
  return { ...inputs.plan, logins };
}

function where(inputs: AccessProviderInputs): string {
  return `${inputs.connection.host}:${inputs.connection.port}`;
}

function tls(inputs: AccessProviderInputs): undefined | { rejectUnauthorized: boolean; ca?: string } {
  if (inputs.ssl === "disable") return undefined;
  if (inputs.ssl === "require") return { rejectUnauthorized: false };
  return inputs.caCertificate ? { rejectUnauthorized: true, ca: inputs.caCertificate } : { rejectUnauthorized: true };
}

/** The server's error, with the failing statement (passwords blanked) and the database named. */
function explain(err: unknown, inputs: AccessProviderInputs, statement?: string): Error {
  const e = err as { message?: string; code?: string; errno?: number };
  const db = inputs.plan.database;
  if (e.code === "3D000" || e.errno === 1049) {
    return new Error(`database: "${db}" does not exist on ${where(inputs)}; create it first (e.g. the cloud component's databaseName) or fix database`);
  }
  const message = String(e.message ?? err);
  // Messages raised by the planner's own checks already name their field.
  if (/^(members|database)[.:[]/.test(message) || !statement) return new Error(message);
  const shown = redactStatement(statement);
  return new Error(`${message} (while running: ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown})`);
}

interface PgClient {
  connect(): Promise<void>;
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}

/** The admin session, connected to the spec's database. */
async function pgConnect(inputs: AccessProviderInputs): Promise<PgClient> {
  const pg = loadDriver("pg") as { Client: new (cfg: object) => PgClient };
  const c = inputs.connection;
  const client = new pg.Client({
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    database: inputs.plan.database,
    ssl: tls(inputs) ?? false,
    application_name: "dbtk-access",
    connectionTimeoutMillis: 30_000,
  });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw explain(err, inputs);
  }
}

/** PostgreSQL: every statement in ONE transaction, connected to the spec's database. */
async function runPostgres(inputs: AccessProviderInputs, statements: string[]): Promise<void> {
  const client = await pgConnect(inputs);
  let current: string | undefined;
  try {
    await client.query("BEGIN");
    for (current of statements) await client.query(current);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw explain(err, inputs, current);
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface MysqlConn {
  query(text: string, params?: unknown[]): Promise<[unknown, unknown]>;
  end(): Promise<void>;
}

async function mysqlConnect(inputs: AccessProviderInputs): Promise<MysqlConn> {
  const mysql = loadDriver("mysql2/promise") as { createConnection: (cfg: object) => Promise<MysqlConn> };
  const c = inputs.connection;
  try {
    return await mysql.createConnection({ host: c.host, port: c.port, user: c.user, password: c.password, ssl: tls(inputs), connectTimeout: 30_000 });
  } catch (err) {
    throw explain(err, inputs);
  }
}

type MysqlPlan = (conn: MysqlConn, flavor: "mariadb" | "mysql") => string[];

/**
 * MySQL/MariaDB run DDL outside transactions: on a failure, re-apply `previous` (an update) and drop the
 * users and roles this attempt made, so nothing is left half-applied.
 */
async function runMysql(inputs: AccessProviderInputs, plan: MysqlPlan, undo?: MysqlPlan, names: string[] = []): Promise<void> {
  const conn = await mysqlConnect(inputs);
  const rows = async (text: string, params?: unknown[]) => (await conn.query(text, params))[0] as Record<string, unknown>[];
  try {
    const [version] = await rows("SELECT VERSION() AS v");
    const flavor = String(version?.v).includes("MariaDB") ? "mariadb" : "mysql";
    const existing = names.length > 0 ? (await rows("SELECT DISTINCT User AS u FROM mysql.user WHERE User IN (?)", [names])).map((r) => String(r.u)) : [];
    let current: string | undefined;
    try {
      for (current of plan(conn, flavor)) await conn.query(current);
    } catch (err) {
      const failure = explain(err, inputs, current);
      if (undo) {
        for (const s of undo(conn, flavor)) await conn.query(s).catch(() => undefined);
        const made = names.filter((n) => !existing.includes(n));
        for (const n of made) await conn.query(`DROP USER IF EXISTS ?@'%'`, [n]).catch(() => undefined);
        for (const n of made) await conn.query("DROP ROLE IF EXISTS ?", [n]).catch(() => undefined);
      }
      throw failure;
    }
  } finally {
    await conn.end().catch(() => undefined);
  }
}

async function apply(news: AccessProviderInputs, olds?: AccessProviderInputs): Promise<void> {
  const desired = specOf(news);
  const previous = olds ? specOf(olds) : undefined;
  if (news.engine === "postgres") {
    await runPostgres(news, postgresApplyStatements(desired, previous));
    return;
  }
  // Users and roles this run may create: those that did not exist before are dropped again if it fails.
  const names = [...Object.values(roleNames(desired.prefix)), ...desired.logins.map((l) => l.name)];
  await runMysql(
    news,
    (_c, flavor) => mysqlApplyStatements(desired, previous, { flavor }),
    (_c, flavor) => (previous ? mysqlApplyStatements(previous, desired, { flavor }) : []),
    names,
  );
}

/** Which of `names` exist on the server, as roles or users. */
async function existingNames(inputs: AccessProviderInputs, names: string[]): Promise<string[]> {
  if (inputs.engine === "postgres") {
    const client = await pgConnect(inputs);
    try {
      return (await client.query("SELECT rolname AS n FROM pg_roles WHERE rolname = ANY($1)", [names])).rows.map((r) => String(r.n));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const conn = await mysqlConnect(inputs);
  try {
    const [rows] = await conn.query("SELECT DISTINCT User AS n FROM mysql.user WHERE User IN (?)", [names]);
    return (rows as Record<string, unknown>[]).map((r) => String(r.n));
  } finally {
    await conn.end().catch(() => undefined);
  }
}

async function remove(props: AccessProviderInputs): Promise<void> {
  const spec = specOf(props);
  if (props.engine === "postgres") await runPostgres(props, postgresRemoveStatements(spec));
  else await runMysql(props, () => mysqlRemoveStatements(spec));
}

function replaceReasons(olds: AccessProviderInputs, news: AccessProviderInputs): string[] {
  const out: string[] = [];
  if (olds.engine !== news.engine) out.push("engine");
  if (olds.connection.host !== news.connection.host || olds.connection.port !== news.connection.port) out.push("connection");
  if (olds.plan.database !== news.plan.database || olds.plan.prefix !== news.plan.prefix) out.push("plan");
  return out;
}

const inputKeys = ["engine", "connection", "ssl", "caCertificate", "plan", "passwords"] as const;

// Key order is not kept through the engine: compare with sorted keys.
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export const accessProvider: pulumi.dynamic.ResourceProvider<AccessProviderInputs, AccessProviderOutputs> = {
  async check(_olds, news) {
    // Unknown during a preview: checked again when known.
    if (JSON.stringify(news).includes(UNKNOWN)) return { inputs: news };
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (news.connection.engine !== news.engine) {
      const e = news.connection.engine;
      const use = e === "postgres" ? "use DatabaseAccess for it" : e === "mysql" ? "use MysqlDatabaseAccess for it" : "SQL Server has no access component yet";
      failures.push({ property: "connection", reason: `connection: is a ${e} server's, not ${news.engine}; ${use}` });
    }
    if (!news.connection.password) {
      failures.push({
        property: "connection",
        reason: "connection.password: absent (RDS manages the master password: auth.managedMasterPassword); pass a connection with the password read from its secret",
      });
    }
    for (const problem of validateAccessSpec(specOf(news), { engine: news.engine })) {
      failures.push({ property: problem.startsWith("logins") ? "passwords" : "plan", reason: problem });
    }
    return { inputs: news, failures };
  },
  async diff(_id, olds, news) {
    const replaces = replaceReasons(olds, news);
    const changes = inputKeys.some((k) => stable(olds[k]) !== stable(news[k]));
    return { changes: changes || replaces.length > 0, replaces, deleteBeforeReplace: true };
  },
  async create(inputs) {
    assertValidAccessSpec(specOf(inputs), { engine: inputs.engine });
    await apply(inputs);
    const c = inputs.connection;
    return { id: `${c.host}:${c.port}/${inputs.plan.database}/${inputs.plan.prefix}`, outs: { ...inputs, roles: roleNames(inputs.plan.prefix) } };
  },
  async update(_id, olds, news) {
    await apply(news, olds);
    return { outs: { ...news, roles: roleNames(news.plan.prefix) } };
  },
  async read(id, props) {
    // Refresh: a role of the set dropped behind our back means the set is gone (the next up re-creates
    // it, adopting what is left); a dropped login leaves the plan, so the next up makes it again.
    if (!props) return {};
    const names = Object.values(roleNames(props.plan.prefix));
    const found = await existingNames(props, [...names, ...props.plan.logins.map((l) => l.name)]);
    if (names.some((n) => !found.includes(n))) return {};
    return { id, props: { ...props, plan: { ...props.plan, logins: props.plan.logins.filter((l) => found.includes(l.name)) } } };
  },
  async delete(_id, props) {
    await remove(props);
  },
};

/** The resource itself: one access set on one database. Its `connection` and `passwords` are secrets. */
export class AccessResource extends pulumi.dynamic.Resource {
  declare readonly roles: pulumi.Output<Record<AccessRole, string>>;

  constructor(name: string, props: { [K in keyof AccessProviderInputs]: pulumi.Input<AccessProviderInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(
      accessProvider,
      name,
      { ...props, roles: undefined },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection", "passwords"] },
      "dbtk",
      "DatabaseAccess",
    );
  }
}
