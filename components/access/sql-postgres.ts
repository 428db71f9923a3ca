// The PostgreSQL statements of an access set. Run them as an admin (a superuser, or a CREATEROLE login as on
// RDS / Cloud SQL / Azure), connected to `spec.database`, in ONE transaction: everything is idempotent, so
// re-running an apply converges, and a failing statement leaves nothing half-applied.
//
// owner     NOLOGIN; owns the schemas, and (through `SET role` on migrator logins) what migrations create.
// migrator  NOLOGIN; member of owner. Its logins (and owner's) start their sessions in this database as
//           the owner role (`ALTER ROLE … IN DATABASE … SET role`), so their tables belong to owner and the
//           default privileges below apply to them.
// app       CONNECT; USAGE on the schemas; SELECT/INSERT/UPDATE/DELETE on tables, USAGE/SELECT on
//           sequences, EXECUTE on functions — existing ones and, by default privileges, future ones.
// readonly  CONNECT; USAGE; SELECT on tables and sequences, existing and future.
// PUBLIC loses CONNECT/TEMPORARY on the database and CREATE on the schemas.
import { accessRoles, assertValidAccessSpec, memberPairs, roleNames, type AccessRole, type AccessSpec } from "./spec.js";

// Captured by value when the dynamic provider is serialized, even from node_modules (see provider.ts).
export const deploymentOnlyModule = true;

/** A double-quoted identifier. */
export function pgIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string literal, whatever standard_conforming_strings says. */
export function pgLiteral(value: string): string {
  const quoted = value.replace(/'/g, "''");
  return value.includes("\\") ? `E'${quoted.replace(/\\/g, "\\\\")}'` : `'${quoted}'`;
}

/** A DO block, dollar-quoted with a tag that the body does not contain. */
function doBlock(body: string): string {
  let tag = "$dbtk$";
  for (let i = 1; body.includes(tag); i++) tag = `$dbtk${i}$`;
  return `DO ${tag} BEGIN ${body} END ${tag}`;
}

const roleExists = (name: string) => `EXISTS (SELECT FROM pg_roles WHERE rolname = ${pgLiteral(name)})`;
const schemaExists = (name: string) => `EXISTS (SELECT FROM pg_namespace WHERE nspname = ${pgLiteral(name)})`;
const notSuperuser = "NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)";
const isMember = (role: string, member: string) =>
  `EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = ${pgLiteral(role)} AND u.rolname = ${pgLiteral(member)})`;
const raise = (message: string) => `RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = ${message};`;

/** Refuses to run connected to another database than the spec's. */
function rightDatabase(database: string): string {
  return doBlock(
    `IF current_database() <> ${pgLiteral(database)} THEN ${raise(
      `${pgLiteral(`database: these statements are for database "${database}" but the session is connected to `)} || quote_ident(current_database())`,
    )} END IF;`,
  );
}

/** A non-superuser admin (RDS, Cloud SQL, Azure) must be a member to act as these roles. */
function adminJoins(roles: string[]): string {
  return doBlock(`IF ${notSuperuser} THEN ${roles.map((r) => `IF ${roleExists(r)} THEN GRANT ${pgIdent(r)} TO CURRENT_USER; END IF;`).join(" ")} END IF;`);
}

function tablePrivileges(role: AccessRole): { tables: string; sequences: string; functions: boolean } | undefined {
  if (role === "app") return { tables: "SELECT, INSERT, UPDATE, DELETE", sequences: "USAGE, SELECT", functions: true };
  if (role === "readonly") return { tables: "SELECT", sequences: "SELECT", functions: false };
  return undefined;
}

function schemaGrants(schema: string, names: Record<AccessRole, string>): string[] {
  const s = pgIdent(schema);
  const owner = pgIdent(names.owner);
  const out = [`CREATE SCHEMA IF NOT EXISTS ${s} AUTHORIZATION ${owner}`, `ALTER SCHEMA ${s} OWNER TO ${owner}`, `REVOKE CREATE ON SCHEMA ${s} FROM PUBLIC`];
  for (const role of ["app", "readonly"] as const) {
    const p = tablePrivileges(role)!;
    const to = pgIdent(names[role]);
    const defaults = `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${s} GRANT`;
    // What exists now, then what the owner role creates later.
    out.push(...postgresRoleGrants(role, schema, names[role]));
    out.push(`${defaults} ${p.tables} ON TABLES TO ${to}`, `${defaults} ${p.sequences} ON SEQUENCES TO ${to}`);
    if (p.functions) out.push(`${defaults} EXECUTE ON FUNCTIONS TO ${to}`);
  }
  return out;
}

/**
 * One role's rights on what already exists in `schema`, given to `to` (a role or login): the same lists
 * the access set grants. `dbtk run --as app` gives them to a run's second login.
 */
export function postgresRoleGrants(role: "app" | "readonly", schema: string, to: string): string[] {
  const p = tablePrivileges(role)!;
  const [s, t] = [pgIdent(schema), pgIdent(to)];
  return [
    `GRANT USAGE ON SCHEMA ${s} TO ${t}`,
    `GRANT ${p.tables} ON ALL TABLES IN SCHEMA ${s} TO ${t}`,
    `GRANT ${p.sequences} ON ALL SEQUENCES IN SCHEMA ${s} TO ${t}`,
    ...(p.functions ? [`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${s} TO ${t}`] : []),
  ];
}

/** A schema left out of the spec: app and readonly lose it; the schema and its tables stay, owned by owner. */
function schemaRevokes(schema: string, names: Record<AccessRole, string>): string {
  const s = pgIdent(schema);
  const from = `${pgIdent(names.app)}, ${pgIdent(names.readonly)}`;
  const defaults = `ALTER DEFAULT PRIVILEGES FOR ROLE ${pgIdent(names.owner)} IN SCHEMA ${s} REVOKE ALL ON`;
  const body = [
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${from};`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${from};`,
    `REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA ${s} FROM ${from};`,
    `${defaults} TABLES FROM ${from};`,
    `${defaults} SEQUENCES FROM ${from};`,
    `${defaults} FUNCTIONS FROM ${from};`,
    `REVOKE ALL ON SCHEMA ${s} FROM ${from};`,
  ];
  return doBlock(`IF ${schemaExists(schema)} THEN ${body.join(" ")} END IF;`);
}

function loginStatements(spec: AccessSpec, names: Record<AccessRole, string>): string[] {
  const out: string[] = [];
  for (const login of spec.logins) {
    const l = pgIdent(login.name);
    out.push(doBlock(`IF NOT ${roleExists(login.name)} THEN CREATE ROLE ${l} LOGIN; END IF;`));
    out.push(`ALTER ROLE ${l} WITH LOGIN PASSWORD ${pgLiteral(login.password)}`);
    // A login moved to another role leaves the old one (drift included: whatever membership it has).
    const others = accessRoles.filter((r) => r !== login.role).map((r) => names[r]);
    out.push(doBlock(others.map((r) => `IF ${isMember(r, login.name)} THEN REVOKE ${pgIdent(r)} FROM ${l}; END IF;`).join(" ")));
    out.push(`GRANT ${pgIdent(names[login.role])} TO ${l}`);
    const inDb = `ALTER ROLE ${l} IN DATABASE ${pgIdent(spec.database)}`;
    out.push(login.role === "owner" || login.role === "migrator" ? `${inDb} SET role = ${pgLiteral(names.owner)}` : `${inDb} RESET role`);
  }
  return out;
}

function previousFits(desired: AccessSpec, previous: AccessSpec | undefined): AccessSpec | undefined {
  if (!previous) return undefined;
  if (previous.database !== desired.database || previous.prefix !== desired.prefix) {
    throw new Error(
      `previous: it is for database "${previous.database}" and prefix "${previous.prefix}", not "${desired.database}"/"${desired.prefix}"; remove it with postgresRemoveStatements first`,
    );
  }
  return previous;
}

/**
 * The statements that make the server match `desired`; `previous` (the spec applied last time, same
 * database and prefix) lets them revoke what was removed: logins dropped, schemas' grants revoked,
 * external members revoked. Extensions are never dropped (that can take user data with it).
 */
export function postgresApplyStatements(desired: AccessSpec, previous?: AccessSpec): string[] {
  assertValidAccessSpec(desired);
  const prev = previousFits(desired, previous);
  const names = roleNames(desired.prefix);
  const db = pgIdent(desired.database);
  const q = (r: AccessRole) => pgIdent(names[r]);
  const out = [rightDatabase(desired.database)];
  out.push(doBlock(accessRoles.map((r) => `IF NOT ${roleExists(names[r])} THEN CREATE ROLE ${q(r)} NOLOGIN; END IF;`).join(" ")));
  out.push(adminJoins([names.owner]));
  out.push(`GRANT ${q("owner")} TO ${q("migrator")}`);

  out.push(`REVOKE CONNECT, TEMPORARY ON DATABASE ${db} FROM PUBLIC`);
  // The admin keeps its way in (a no-op for the database's owner or a superuser).
  out.push(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO CURRENT_USER`);
  out.push(`GRANT CONNECT, TEMPORARY, CREATE ON DATABASE ${db} TO ${q("owner")}`);
  out.push(`GRANT CONNECT ON DATABASE ${db} TO ${q("migrator")}, ${q("app")}, ${q("readonly")}`);

  for (const schema of desired.schemas) out.push(...schemaGrants(schema, names));
  for (const ext of desired.extensions) out.push(`CREATE EXTENSION IF NOT EXISTS ${pgIdent(ext)}`);

  for (const [role, member] of memberPairs(desired)) {
    const field = `members.${role}[${desired.members?.[role]?.indexOf(member)}]`;
    const missing = `${field}: role "${member}" does not exist on the server; create it first or remove it from members.${role}`;
    out.push(doBlock(`IF NOT ${roleExists(member)} THEN ${raise(pgLiteral(missing))} END IF;`));
    out.push(`GRANT ${q(role)} TO ${pgIdent(member)}`);
  }
  out.push(...loginStatements(desired, names));

  if (prev) {
    const keep = new Set(memberPairs(desired).map(([r, m]) => `${r}\0${m}`));
    for (const [role, member] of memberPairs(prev)) {
      if (keep.has(`${role}\0${member}`)) continue;
      out.push(doBlock(`IF ${isMember(names[role], member)} THEN REVOKE ${q(role)} FROM ${pgIdent(member)}; END IF;`));
    }
    for (const schema of prev.schemas) if (!desired.schemas.includes(schema)) out.push(schemaRevokes(schema, names));
    const logins = new Set(desired.logins.map((l) => l.name));
    for (const login of prev.logins) if (!logins.has(login.name)) out.push(`DROP ROLE IF EXISTS ${pgIdent(login.name)}`);
  }
  return out;
}

/**
 * The statements that remove the access set: logins and the four roles dropped, their grants and default
 * privileges revoked (DROP OWNED), external members' memberships gone with the roles. User data is never
 * dropped: whatever the roles own in this database (the schemas, the tables migrations made) is first
 * handed to the admin running the statements (REASSIGN OWNED … TO CURRENT_USER). Extensions and the
 * PUBLIC revocations stay. Run connected to `spec.database`, in one transaction.
 */
export function postgresRemoveStatements(spec: AccessSpec): string[] {
  assertValidAccessSpec(spec);
  const names = roleNames(spec.prefix);
  const order: string[] = [...spec.logins.map((l) => l.name), names.migrator, names.app, names.readonly, names.owner];
  const out = [rightDatabase(spec.database), adminJoins(order)];
  for (const role of order) {
    const r = pgIdent(role);
    out.push(doBlock(`IF ${roleExists(role)} THEN REASSIGN OWNED BY ${r} TO CURRENT_USER; DROP OWNED BY ${r}; DROP ROLE ${r}; END IF;`));
  }
  return out;
}
