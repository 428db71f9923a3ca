// Cloud SQL: an on-demand backup run (backupRuns.insert / list / delete, Cloud SQL Admin API v1). The
// instance comes from the component's `connectionName` output, `project:region:instance`.
import { DbtkError } from "../../../core/errors.js";
import { bearer, send, type CloudAccess, type HttpRequest } from "./http.js";
import { isOurs, type CloudRestorePoint } from "./types.js";

export interface CloudSqlInstance {
  connectionName: string;
  project: string;
  instance: string;
}

/** `project:region:instance`; a domain-scoped project (`example.com:proj`) keeps its colon. */
export function parseConnectionName(name: string): CloudSqlInstance | undefined {
  const parts = name.split(":");
  if (parts.length < 3 || parts.some((p) => !p) || name.startsWith("arn:")) return undefined;
  return { connectionName: name, project: parts.slice(0, -2).join(":"), instance: parts.at(-1) as string };
}

/** The request body by the API's names (checked against @googleapis/sqladmin's Schema$BackupRun). */
export interface BackupRunBody {
  description: string;
  kind: "sql#backupRun";
}

interface BackupRun {
  id?: string;
  description?: string;
  status?: string;
  startTime?: string;
  enqueuedTime?: string;
}

function base(db: CloudSqlInstance, access: CloudAccess): string {
  const endpoint = (access.endpoint ?? "https://sqladmin.googleapis.com").replace(/\/+$/, "");
  return `${endpoint}/v1/projects/${encodeURIComponent(db.project)}/instances/${encodeURIComponent(db.instance)}/backupRuns`;
}

export function backupRunRequest(db: CloudSqlInstance, op: { insert: BackupRunBody } | { list: true } | { delete: string }, access: CloudAccess): HttpRequest {
  const headers = bearer(access.token, "Cloud SQL");
  if ("insert" in op) return { method: "POST", url: base(db, access), headers, body: JSON.stringify(op.insert) };
  if ("list" in op) return { method: "GET", url: `${base(db, access)}?maxResults=500`, headers };
  return { method: "DELETE", url: `${base(db, access)}/${encodeURIComponent(op.delete)}`, headers };
}

function point(db: CloudSqlInstance, r: BackupRun): CloudRestorePoint {
  const id = String(r.id ?? "");
  const created = r.startTime ?? r.enqueuedTime;
  return {
    id,
    name: r.description ?? id,
    provider: "gcp-cloudsql",
    source: db.connectionName,
    ...(created ? { createdAt: created } : {}),
    status: r.status ?? "unknown",
    wayBack: { mode: "snapshot", snapshotId: `${db.instance}/${id}` },
  };
}

export async function backupRunList(db: CloudSqlInstance, access: CloudAccess): Promise<CloudRestorePoint[]> {
  const res = await send(`Cloud SQL backupRuns.list of ${db.connectionName}`, backupRunRequest(db, { list: true }, access), access.signal);
  const items = (JSON.parse(res.body || "{}") as { items?: BackupRun[] }).items ?? [];
  return items.filter((r) => isOurs(r.description)).map((r) => point(db, r));
}

export async function backupRunCreate(db: CloudSqlInstance, name: string, access: CloudAccess): Promise<CloudRestorePoint> {
  await send(`Cloud SQL backupRuns.insert on ${db.connectionName}`, backupRunRequest(db, { insert: { description: name, kind: "sql#backupRun" } }, access), access.signal);
  // The insert answers with an operation; the run (and its id) is found by the name it was given.
  const made = (await backupRunList(db, access)).find((p) => p.name === name);
  if (!made) throw new DbtkError(`Cloud SQL accepted backup run "${name}" on ${db.connectionName} but does not list it yet: see it with \`dbtk restore-point ls\``);
  return made;
}

export async function backupRunDrop(db: CloudSqlInstance, id: string, access: CloudAccess): Promise<void> {
  await send(`Cloud SQL backupRuns.delete ${id}`, backupRunRequest(db, { delete: id }, access), access.signal);
}
