// PostgreSQL snapshot from pg_catalog (not pg_dump: the embedded server is newer than any packaged
// pg_dump). Objects that belong to extensions and the tools' history tables are left out.
import { createHash } from "node:crypto";
import type { Db } from "./db.js";
import { addObject, type Json, type SchemaSnapshot, type SnapshotOptions } from "./types.js";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

const RELKINDS: Record<string, string> = { r: "table", p: "partitioned table", f: "foreign table", v: "view", m: "materialized view", S: "sequence" };
const CONTYPES: Record<string, string> = { p: "primary key", f: "foreign key", u: "unique", c: "check", x: "exclusion", t: "constraint trigger" };

/** "schema.name", quoting neither part: names are compared, not executed. */
const q = (schema: string, name: string) => `${schema}.${name}`;

export async function snapshotPostgres(db: Db, snap: SchemaSnapshot, opts: SnapshotOptions, exclude: Set<string>): Promise<void> {
  const schemaRows = await db.query<{ oid: number; nspname: string; owner: string; acl: string[] | null }>(
    `SELECT n.oid, n.nspname, pg_get_userbyid(n.nspowner) AS owner, n.nspacl::text[] AS acl
       FROM pg_namespace n
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = n.oid AND d.deptype = 'e')
        AND ($1::text[] IS NULL OR n.nspname = ANY($1))`,
    [opts.schemas ? [...opts.schemas] : null],
  );
  const nsp = schemaRows.map((r) => r.oid);
  for (const s of schemaRows) {
    addObject(snap, "schema", s.nspname, {});
    addGrants(snap, `schema ${s.nspname}`, s.acl, s.owner);
  }

  const rels = (
    await db.query<{ oid: number; schema: string; name: string; relkind: string; persistence: string; rls: boolean; owner: string; acl: string[] | null; view: string | null; partkey: string | null }>(
      `SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind, c.relpersistence AS persistence,
              c.relrowsecurity AS rls, pg_get_userbyid(c.relowner) AS owner, c.relacl::text[] AS acl,
              CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS view,
              CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partkey
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relnamespace = ANY($1) AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`,
      [nsp],
    )
  ).filter((r) => !exclude.has(r.name));

  // Sequences owned by an excluded table's column go with it.
  const owners = await db.query<{ seq: number; tbl: string }>(
    `SELECT d.objid AS seq, t.relname AS tbl FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        AND t.relnamespace = ANY($1)`,
    [nsp],
  );
  const ownedBy = new Map(owners.map((o) => [o.seq, o.tbl]));
  const kept = rels.filter((r) => !(r.relkind === "S" && exclude.has(ownedBy.get(r.oid) ?? "")));
  const byOid = new Map(kept.map((r) => [r.oid, r]));
  const tableOids = kept.filter((r) => "rpfm".includes(r.relkind)).map((r) => r.oid);

  const seqs = new Map(
    (
      await db.query<{ seqrelid: number; type: string; start: string; inc: string; min: string; max: string; cache: string; cycle: boolean }>(
        `SELECT seqrelid, format_type(seqtypid, NULL) AS type, seqstart::text AS start, seqincrement::text AS inc,
                seqmin::text AS min, seqmax::text AS max, seqcache::text AS cache, seqcycle AS cycle FROM pg_sequence`,
      )
    ).map((s) => [s.seqrelid, s]),
  );

  for (const r of kept) {
    const name = q(r.schema, r.name);
    const kind = RELKINDS[r.relkind] ?? r.relkind;
    if (r.relkind === "v" || r.relkind === "m") {
      addObject(snap, "view", name, { kind, definition: (r.view ?? "").trim() });
    } else if (r.relkind === "S") {
      const s = seqs.get(r.oid);
      const owned = ownedBy.get(r.oid);
      addObject(snap, "sequence", name, {
        type: s?.type ?? null, start: s?.start ?? null, increment: s?.inc ?? null, min: s?.min ?? null,
        max: s?.max ?? null, cache: s?.cache ?? null, cycle: s?.cycle ?? null, ownedBy: owned ?? null,
      });
    } else {
      addObject(snap, "table", name, { kind, unlogged: r.persistence === "u", rowSecurity: r.rls, partitionKey: r.partkey });
    }
    addGrants(snap, `${r.relkind === "S" ? "sequence" : r.relkind === "v" || r.relkind === "m" ? "view" : "table"} ${name}`, r.acl, r.owner);
  }

  const cols = await db.query<{ rel: number; name: string; type: string; notnull: boolean; dflt: string | null; identity: string; generated: string; collation: string | null; acl: string[] | null }>(
    `SELECT a.attrelid AS rel, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(ad.adbin, ad.adrelid) AS dflt, a.attidentity AS identity, a.attgenerated AS generated,
            CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation, a.attacl::text[] AS acl
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
       LEFT JOIN pg_collation co ON co.oid = a.attcollation
      WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    [tableOids],
  );
  for (const c of cols) {
    const rel = byOid.get(c.rel);
    if (!rel || rel.relkind === "m") continue;
    const name = `${q(rel.schema, rel.name)}.${c.name}`;
    addObject(snap, "column", name, {
      type: c.type,
      nullable: !c.notnull,
      default: c.generated ? null : c.dflt,
      identity: c.identity === "a" ? "always" : c.identity === "d" ? "by default" : null,
      generated: c.generated ? c.dflt : null,
      collation: c.collation,
    });
    addGrants(snap, `column ${name}`, c.acl, rel.owner);
  }

  const cons = await db.query<{ rel: number; name: string; type: string; def: string }>(
    `SELECT conrelid AS rel, conname AS name, contype AS type, pg_get_constraintdef(oid, true) AS def
       FROM pg_constraint WHERE conrelid = ANY($1) AND contype <> 'n'`,
    [tableOids],
  );
  for (const c of cons) {
    const rel = byOid.get(c.rel);
    if (rel) addObject(snap, "constraint", `${q(rel.schema, rel.name)}.${c.name}`, { type: CONTYPES[c.type] ?? c.type, definition: c.def });
  }

  const idx = await db.query<{ rel: number; schema: string; name: string; def: string }>(
    `SELECT i.indrelid AS rel, n.nspname AS schema, c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indrelid = ANY($1)`,
    [tableOids],
  );
  for (const i of idx) if (byOid.has(i.rel)) addObject(snap, "index", q(i.schema, i.name), { definition: i.def });

  const trg = await db.query<{ rel: number; name: string; def: string; enabled: string }>(
    `SELECT tgrelid AS rel, tgname AS name, pg_get_triggerdef(oid, true) AS def, tgenabled AS enabled
       FROM pg_trigger WHERE tgrelid = ANY($1) AND NOT tgisinternal`,
    [tableOids],
  );
  for (const t of trg) {
    const rel = byOid.get(t.rel);
    if (rel) addObject(snap, "trigger", `${q(rel.schema, rel.name)}.${t.name}`, { definition: t.def, enabled: t.enabled });
  }

  const fns = await db.query<{ schema: string; name: string; args: string; result: string | null; kind: string; lang: string; volatile: string; secdef: boolean; src: string | null; owner: string; acl: string[] | null; config: string[] | null }>(
    `SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args,
            pg_get_function_result(p.oid) AS result, p.prokind AS kind, l.lanname AS lang, p.provolatile AS volatile,
            p.prosecdef AS secdef, p.prosrc AS src, pg_get_userbyid(p.proowner) AS owner, p.proacl::text[] AS acl,
            p.proconfig AS config
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
      WHERE p.pronamespace = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`,
    [nsp],
  );
  for (const f of fns) {
    const name = `${q(f.schema, f.name)}(${f.args})`;
    addObject(snap, "function", name, {
      kind: { f: "function", p: "procedure", a: "aggregate", w: "window" }[f.kind] ?? f.kind,
      returns: f.result,
      language: f.lang,
      volatility: { i: "immutable", s: "stable", v: "volatile" }[f.volatile] ?? f.volatile,
      securityDefiner: f.secdef,
      config: f.config ?? [],
      bodySha256: sha256(f.src ?? ""),
    });
    addGrants(snap, `function ${name}`, f.acl, f.owner);
  }

  const types = await db.query<{ schema: string; name: string; typtype: string; labels: string[] | null; base: string | null; notnull: boolean; dflt: string | null; checks: string[] | null }>(
    `SELECT n.nspname AS schema, t.typname AS name, t.typtype,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels,
            CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base,
            t.typnotnull AS notnull, t.typdefault AS dflt,
            (SELECT array_agg(pg_get_constraintdef(c.oid, true) ORDER BY c.conname) FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype <> 'n') AS checks
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typnamespace = ANY($1) AND t.typtype IN ('e', 'd')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')`,
    [nsp],
  );
  for (const t of types) {
    const def: { [k: string]: Json } =
      t.typtype === "e"
        ? { kind: "enum", labels: t.labels ?? [] }
        : { kind: "domain", base: t.base, notNull: t.notnull, default: t.dflt, checks: t.checks ?? [] };
    addObject(snap, "type", q(t.schema, t.name), def);
  }
}

/**
 * One grant object per granted-on object: `grantee: PRIVILEGES` lines, sorted. The owner's own implicit
 * privileges are left out, so two databases migrated by different logins still compare equal.
 */
function addGrants(snap: SchemaSnapshot, on: string, acl: string[] | null, owner: string): void {
  if (!acl) return;
  const lines: string[] = [];
  for (const item of acl) {
    // aclitem text form: grantee=privs/grantor; an empty grantee is PUBLIC.
    const m = /^(.*)=([a-zA-Z*]*)\/(.*)$/.exec(item);
    if (!m) continue;
    const grantee = unquote(m[1] ?? "") || "PUBLIC";
    if (grantee === owner) continue;
    lines.push(`${grantee}: ${privileges(m[2] ?? "")}`);
  }
  if (lines.length) addObject(snap, "grant", on, { privileges: lines.sort() });
}

const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s);

function privileges(code: string): string {
  const names: Record<string, string> = { r: "SELECT", w: "UPDATE", a: "INSERT", d: "DELETE", D: "TRUNCATE", x: "REFERENCES", t: "TRIGGER", X: "EXECUTE", U: "USAGE", C: "CREATE", c: "CONNECT", T: "TEMPORARY", m: "MAINTAIN", s: "SET", A: "ALTER SYSTEM" };
  const out: string[] = [];
  for (let i = 0; i < code.length; i++) {
    const ch = code[i] ?? "";
    if (ch === "*") continue;
    out.push(`${names[ch] ?? ch}${code[i + 1] === "*" ? " WITH GRANT OPTION" : ""}`);
  }
  return out.sort().join(", ");
}
