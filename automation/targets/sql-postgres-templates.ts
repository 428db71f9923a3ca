// The record a PostgreSQL template database carries in its comment, and how listings read it back.
import { TEMPLATE_RE } from "./meta.js";
import type { TemplateInfo } from "./sql.js";

export interface TemplateRecord {
  dbtk: 1;
  kind: "template";
  key: string;
  state: "building" | "ready";
  builtAt?: string;
  usedAt?: string;
  migrations?: number;
}

/** Every template database and login (`$1`: the template name pattern), paired by name. */
export const LIST_TEMPLATES = `
  select coalesce(d.datname, r.rolname) as name, coalesce(shobj_description(d.oid, 'pg_database'), shobj_description(r.oid, 'pg_authid')) as m,
         d.oid is not null as has_db
    from pg_database d full join pg_roles r on r.rolname = d.datname
   where coalesce(d.datname, r.rolname) ~ $1`;

/** A stored comment as a record; a foreign or unreadable one reads as an unfinished build's. */
export function parseTemplateRecord(text: string | null): Partial<TemplateRecord> {
  try {
    return JSON.parse(text ?? "{}") as Partial<TemplateRecord>;
  } catch {
    return {};
  }
}

/** What a listing says of template `name`; `orphan` when only its login is left. */
export function templateInfo(name: string, rec: Partial<TemplateRecord>, hasDatabase = true): Omit<TemplateInfo, "sizeBytes"> {
  return {
    key: rec.key ?? (TEMPLATE_RE.exec(name)?.[1] as string),
    name,
    state: !hasDatabase ? "orphan" : rec.state === "ready" ? "ready" : "building",
    ...(rec.builtAt ? { builtAt: rec.builtAt } : {}),
    ...(rec.usedAt ? { usedAt: rec.usedAt } : {}),
    ...(rec.migrations !== undefined ? { migrations: rec.migrations } : {}),
  };
}
