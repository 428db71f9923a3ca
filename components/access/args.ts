// What DatabaseAccess and MysqlDatabaseAccess take and build: the args, their check before anything is
// registered, the generated passwords and the per-login connections.
import * as pulumi from "@pulumi/pulumi";
import { isUnresolved } from "../spec/inputs.js";
import type { ConnectionInfo } from "../spec/types.js";
import { generatedPassword, URL_SAFE_PASSWORD } from "../shared/password.js";
import { AccessResource, type AccessPlan, type AccessSsl } from "./provider.js";
import { roleNames, validateAccessSpec, type AccessEngine, type AccessRole, type AccessSpec } from "./spec.js";

/** One application's login: its name, the access role it is a member of, and its password. */
export interface DatabaseAccessLogin {
  /** The login's name. A plain string: it also names the generated password resource. */
  name: string;
  /** The access role it is a member of: owner, migrator, app or readonly. */
  role: pulumi.Input<AccessRole>;
  /**
   * Its password.
   * @default a generated 32-character password (`<component>-<login>-password`, a RandomPassword child)
   */
  password?: pulumi.Input<string>;
}

export interface DatabaseAccessArgs {
  /**
   * The admin connection: host, port, user, password (and engine) of a login that may create roles — the
   * secret `connection` output of every database component (AwsRdsDatabase, GcpCloudSqlDatabase,
   * Azure…FlexibleServer), or any ConnectionInfo. Kept encrypted in the state; destroy uses it too.
   */
  connection: pulumi.Input<ConnectionInfo>;
  /**
   * TLS to the server: "disable", "require" (encrypted, certificate not checked, as libpq's sslmode=require)
   * or "verify-full" (checked against caCertificate or Node's trusted CAs).
   * @default "disable" for localhost / 127.0.0.1 / ::1, else "require"
   */
  ssl?: pulumi.Input<AccessSsl>;
  /**
   * PEM certificate bundle the server's certificate must chain to with ssl "verify-full" (the RDS or Cloud
   * SQL CA bundle).
   * @default Node's trusted CAs
   */
  caCertificate?: pulumi.Input<string>;
  /**
   * The database the roles apply to; it must exist. A change replaces the access set.
   * @default connection.database
   */
  database?: pulumi.Input<string>;
  /**
   * Prefix of the four role names (`<prefix>_owner`, `_migrator`, `_app`, `_readonly`): lowercase letters,
   * digits and _. A change replaces the access set.
   * @default the component's name
   */
  prefix?: pulumi.Input<string>;
  /**
   * PostgreSQL schemas owned by the owner role, created when missing. A schema removed later stays (with
   * its tables, owned by owner); app and readonly lose access to it.
   * @default ["public"] on PostgreSQL; must be empty on MySQL/MariaDB
   */
  schemas?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * PostgreSQL extensions created in the database (in the admin's default schema). Never dropped: an
   * extension removed from the list stays installed.
   * @default []
   */
  extensions?: pulumi.Input<pulumi.Input<string>[]>;
  /** One login per application, each a member of one role. @default [] */
  logins?: DatabaseAccessLogin[];
  /**
   * PostgreSQL roles that exist outside this set (a monitoring role, an IAM-authenticated user) made
   * members of an access role, e.g. `{ readonly: ["grafana"] }`; a missing one fails the update naming it.
   * @default {}
   */
  members?: pulumi.Input<Partial<Record<AccessRole, string[]>>>;
}

/** Thrown before anything is registered when the known args are invalid; lists every problem. */
export class AccessValidationError extends Error {
  constructor(
    readonly component: string,
    readonly problems: string[],
  ) {
    super(`${component}: invalid args (${problems.length}):\n  ${problems.join("\n  ")}`);
    this.name = "AccessValidationError";
  }
}

const known = <T>(value: pulumi.Input<T> | undefined, placeholder: T): T => (value === undefined || isUnresolved(value) ? placeholder : (value as T));

/** The problems visible now (unresolved values are checked again by the provider once known). */
export function knownProblems(name: string, engine: AccessEngine, args: DatabaseAccessArgs): string[] {
  if (typeof args !== "object" || args === null || args.connection === undefined) return ["connection: is required (the database component's `connection` output)"];
  const listOf = (v: pulumi.Input<pulumi.Input<string>[]> | undefined, dflt: string[]) =>
    known<pulumi.Input<string>[]>(v, dflt).map((s) => known(s, "placeholder"));
  const spec: AccessSpec = {
    database: known(args.database, "placeholder"),
    prefix: known(args.prefix, name),
    schemas: listOf(args.schemas, engine === "postgres" ? ["public"] : []),
    extensions: listOf(args.extensions, []),
    logins: (args.logins ?? []).map((l) => ({ name: l.name, role: known(l.role, "app"), password: known(l.password, "placeholder") })),
  };
  const members = known(args.members, undefined);
  if (members) spec.members = members;
  const problems = validateAccessSpec(spec, { engine });
  if (args.prefix === undefined && problems.some((p) => p.startsWith("prefix:"))) {
    return problems.map((p) => (p.startsWith("prefix:") ? `prefix: the component's name "${name}" is not a role prefix; pass prefix (lowercase letters, digits and _)` : p));
  }
  return problems;
}

const LOCAL_HOSTS = ["localhost", "127.0.0.1", "::1"];

export interface BuiltAccess {
  roles: pulumi.Output<Record<AccessRole, string>>;
  logins: pulumi.Output<Record<string, ConnectionInfo>>;
  database: pulumi.Output<string>;
}

/** The access resource and the generated passwords, children of `parent`. */
export function buildAccess(parent: pulumi.ComponentResource, name: string, engine: AccessEngine, args: DatabaseAccessArgs): BuiltAccess {
  const problems = knownProblems(name, engine, args);
  if (problems.length > 0) throw new AccessValidationError(name, problems);
  const logins = args.logins ?? [];
  const passwords = Object.fromEntries(
    logins.map((l) => [l.name, l.password ?? generatedPassword(parent, `${name}-${l.name}`, URL_SAFE_PASSWORD).result]),
  );
  const connection = pulumi.output(args.connection);
  const database = pulumi.output(args.database ?? connection.database);
  const plan: pulumi.Output<AccessPlan> = pulumi
    .all([database, args.prefix ?? name, args.schemas ?? (engine === "postgres" ? ["public"] : []), args.extensions ?? [], args.members ?? {}, logins.map((l) => l.role)])
    .apply(([db, prefix, schemas, extensions, members, roles]) => ({
      database: db,
      prefix,
      schemas,
      extensions,
      logins: logins.map((l, i) => ({ name: l.name, role: roles[i] as AccessRole })),
      ...(Object.keys(members).length > 0 ? { members } : {}),
    }));
  const resource = new AccessResource(
    name,
    {
      engine,
      connection: pulumi.secret(connection),
      ssl: args.ssl ?? connection.host.apply((h): AccessSsl => (LOCAL_HOSTS.includes(h) ? "disable" : "require")),
      caCertificate: args.caCertificate ?? "",
      plan,
      passwords: pulumi.secret(pulumi.all(passwords)),
    },
    { parent },
  );
  // From the plan, known at preview; through the URN, dependent on the resource.
  const roles = pulumi.all([plan, resource.urn]).apply(([p]) => roleNames(p.prefix));
  const loginConnections = pulumi.all([connection, database, pulumi.all(passwords), roles]).apply(([c, db, pw]) =>
    Object.fromEntries(logins.map((l): [string, ConnectionInfo] => [l.name, { host: c.host, port: c.port, user: l.name, password: pw[l.name], database: db, engine: c.engine }])),
  );
  return { roles, logins: pulumi.secret(loginConnections), database };
}

