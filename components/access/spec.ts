// The access set as data: four group roles per database (owner, migrator, app, readonly), the schemas and
// extensions they cover, and one login per application. Pure: no Pulumi, no driver, so the dbtk CLI can
// plan `dbtk run --as app` from it cheaply. The dynamic provider serializes these functions into the stack
// state (see provider.ts): they import nothing but each other.

// Captured by value when the dynamic provider is serialized, even from node_modules (see provider.ts).
export const deploymentOnlyModule = true;

/** The standard role set, from the most to the least privileged. */
export type AccessRole = "owner" | "migrator" | "app" | "readonly";

export const accessRoles: readonly AccessRole[] = ["owner", "migrator", "app", "readonly"];

/** One application's login: a member of exactly one access role. */
export interface AccessLogin {
  /** Login (PostgreSQL role with LOGIN; MySQL/MariaDB user `name`@`%`). */
  name: string;
  /** The access role it is a member of. */
  role: AccessRole;
  /** Its password (written as an escaped literal; never logged). */
  password: string;
}

export interface AccessSpec {
  /** The database the roles apply to; it must exist. PostgreSQL statements run connected to it. */
  database: string;
  /** Role names are `${prefix}_owner`, `${prefix}_migrator`, `${prefix}_app` and `${prefix}_readonly`. */
  prefix: string;
  /**
   * PostgreSQL schemas owned by the owner role, created when missing. No default here (the components
   * default to `["public"]`); empty means the roles get CONNECT only. Must be empty on MySQL/MariaDB.
   */
  schemas: string[];
  /** PostgreSQL extensions created in the database (never dropped). Must be empty on MySQL/MariaDB. */
  extensions: string[];
  /** One login per application, member of one role. */
  logins: AccessLogin[];
  /**
   * Existing roles outside the set (a monitoring role, an IAM-authenticated user) made members of an access
   * role; each must already exist. PostgreSQL only.
   */
  members?: Partial<Record<AccessRole, string[]>>;
}

export type AccessEngine = "postgres" | "mysql";

export interface ValidateAccessOptions {
  /** The engine the spec is for: MySQL/MariaDB take no schemas, extensions or members. @default "postgres" */
  engine?: AccessEngine;
}

/** The four role names of a prefix. */
export function roleNames(prefix: string): Record<AccessRole, string> {
  return { owner: `${prefix}_owner`, migrator: `${prefix}_migrator`, app: `${prefix}_app`, readonly: `${prefix}_readonly` };
}

// PostgreSQL: NAMEDATALEN - 1 bytes (longer names are truncated silently). MySQL/MariaDB: 32-character
// user and role names (MySQL 8's limit; MariaDB's is larger), 64-character database names.
const LIMITS = { postgres: { name: 63, database: 63 }, mysql: { name: 32, database: 64 } } as const;
const LONGEST_SUFFIX = "_readonly".length;
// Role names PostgreSQL reserves (CREATE ROLE refuses them).
const PG_RESERVED = ["public", "none", "current_user", "session_user", "current_role"];

function nameProblem(value: unknown, max: number, engine: AccessEngine, what: string): string | undefined {
  if (typeof value !== "string" || value === "") return `must be a non-empty ${what} name`;
  if (value.includes("\0")) return `"${value.replace(/\0/g, "\\0")}" contains a NUL character`;
  const size = engine === "postgres" ? new TextEncoder().encode(value).length : value.length;
  if (size > max) return `"${value}" is ${size} ${engine === "postgres" ? "bytes" : "characters"} long; the limit is ${max}`;
  // Roles and schemas named pg_… are the server's own; extensions often are (pg_trgm, pg_stat_statements).
  if (engine === "postgres" && (what === "role" || what === "schema") && value.startsWith("pg_")) return `"${value}" starts with pg_, which PostgreSQL reserves`;
  if (engine === "postgres" && what === "role" && PG_RESERVED.includes(value.toLowerCase())) return `"${value}" is reserved by PostgreSQL`;
  return undefined;
}

function listProblems(list: unknown, field: string, check: (v: unknown) => string | undefined): string[] {
  if (!Array.isArray(list)) return [`${field}: must be a list`];
  const problems: string[] = [];
  list.forEach((v, i) => {
    const p = check(v);
    if (p) problems.push(`${field}[${i}]: ${p}`);
    else if (list.indexOf(v) !== i) problems.push(`${field}[${i}]: "${String(v)}" is listed twice (first at ${field}[${list.indexOf(v)}])`);
  });
  return problems;
}

function roleProblem(value: unknown): string | undefined {
  if (typeof value === "string" && (accessRoles as readonly string[]).includes(value)) return undefined;
  return `${JSON.stringify(value)} is not a role; use one of ${accessRoles.join(", ")}`;
}

/** Every problem of `spec` for `engine`, each starting with its field path (`logins[1].role: …`). */
export function validateAccessSpec(spec: AccessSpec, options: ValidateAccessOptions = {}): string[] {
  const engine = options.engine ?? "postgres";
  if (typeof spec !== "object" || spec === null) return ["spec: must be an object with database, prefix, schemas, extensions and logins"];
  const limit = LIMITS[engine];
  const problems: string[] = [];
  const db = nameProblem(spec.database, limit.database, engine, "database");
  if (db) problems.push(`database: ${db}`);

  const maxPrefix = limit.name - LONGEST_SUFFIX;
  if (typeof spec.prefix !== "string" || !/^[a-z][a-z0-9_]*$/.test(spec.prefix) || spec.prefix.length > maxPrefix || spec.prefix.startsWith("pg_")) {
    problems.push(
      `prefix: ${JSON.stringify(spec.prefix)} is not a role prefix; use a lowercase letter then lowercase letters, digits or _ (at most ${maxPrefix} characters, not pg_…), e.g. "orders"`,
    );
  }
  const managed = typeof spec.prefix === "string" ? Object.values(roleNames(spec.prefix)) : [];

  for (const field of ["schemas", "extensions"] as const) {
    const list = spec[field];
    if (engine === "mysql") {
      if (!Array.isArray(list) || list.length > 0) {
        problems.push(`${field}: MySQL and MariaDB have no ${field} inside a database; leave ${field} empty (the grants cover all of database "${spec.database}")`);
      }
      continue;
    }
    problems.push(...listProblems(list, field, (v) => nameProblem(v, limit.name, engine, field === "schemas" ? "schema" : "extension")));
  }

  problems.push(
    ...listProblems(spec.logins, "logins", (v) => (typeof v === "object" && v !== null ? undefined : "must be an object with name, role and password")),
  );
  const logins = Array.isArray(spec.logins) ? spec.logins : [];
  const seen = new Map<string, number>();
  logins.forEach((login, i) => {
    if (typeof login !== "object" || login === null) return;
    const at = `logins[${i}]`;
    const name = nameProblem(login.name, limit.name, engine, "role");
    if (name) problems.push(`${at}.name: ${name}`);
    else if (managed.includes(login.name)) problems.push(`${at}.name: "${login.name}" is one of the access roles' own names; pick another login name`);
    else if (seen.has(login.name)) problems.push(`${at}.name: "${login.name}" is listed twice (first at logins[${seen.get(login.name)}])`);
    else seen.set(login.name, i);
    const role = roleProblem(login.role);
    if (role) problems.push(`${at}.role: ${role}`);
    if (typeof login.password !== "string" || login.password === "") problems.push(`${at}.password: must be a non-empty string`);
    else if (login.password.includes("\0")) problems.push(`${at}.password: contains a NUL character`);
  });

  if (spec.members !== undefined) {
    if (engine === "mysql") {
      problems.push("members: MySQL and MariaDB accounts are not supported as members; grant the role to the account yourself or use logins");
    } else if (typeof spec.members !== "object" || spec.members === null) {
      problems.push("members: must be an object of role → existing role names, e.g. { readonly: [\"grafana\"] }");
    } else {
      for (const [role, list] of Object.entries(spec.members)) {
        const bad = roleProblem(role);
        if (bad) {
          problems.push(`members.${role}: ${bad}`);
          continue;
        }
        problems.push(
          ...listProblems(list, `members.${role}`, (v) => {
            const p = nameProblem(v, limit.name, engine, "role");
            if (p) return p;
            if (managed.includes(v as string) || seen.has(v as string)) return `"${String(v)}" is managed by this spec; members are roles that exist outside it`;
            return undefined;
          }),
        );
      }
    }
  }
  return problems;
}

/** Throws one Error listing every problem (the planners call it before producing any statement). */
export function assertValidAccessSpec(spec: AccessSpec, options: ValidateAccessOptions = {}): void {
  const problems = validateAccessSpec(spec, options);
  if (problems.length > 0) throw new Error(`invalid access spec:\n  ${problems.join("\n  ")}`);
}

/** `(spec)`'s (role, member) pairs, in a stable order. */
export function memberPairs(spec: AccessSpec): [AccessRole, string][] {
  return accessRoles.flatMap((role) => (spec.members?.[role] ?? []).map((m): [AccessRole, string] => [role, m]));
}

/** Statements with every password literal blanked, for error messages. */
export function redactStatement(statement: string): string {
  return statement.replace(/(PASSWORD|IDENTIFIED BY)\s+E?'(?:[^'\\]|''|\\.)*'/gi, "$1 '****'");
}
