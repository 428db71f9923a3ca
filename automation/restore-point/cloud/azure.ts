// Azure Resource Manager: Azure SQL a database copy (PUT database, createMode Copy); PostgreSQL and MySQL
// flexible servers an on-demand backup (PUT …/backups/{name}). Resources come from the components'
// `databaseId` (SQL) and `serverId` (flexible) outputs.
import { DbtkError } from "../../../core/errors.js";
import { bearer, send, type CloudAccess, type HttpRequest } from "./http.js";
import { isOurs, newestFirst, type CloudRestorePoint } from "./types.js";

export type AzureKind = "azure-sql" | "azure-postgres-flexible" | "azure-mysql-flexible";

export interface AzureResource {
  kind: AzureKind;
  /** The database id (SQL) or server id (flexible). */
  id: string;
  /** SQL: the server's id and the database's name. */
  serverId: string;
  database?: string;
}

/**
 * API versions. SQL: the GA 2021-11-01 (@azure/arm-sql 10.0.0 speaks 2022-08-01-preview; the Database
 * shape is the same); PostgreSQL: @azure/arm-postgresql-flexible 9.0.0's; MySQL: the REST reference's GA
 * version with Backups_Put (@azure/arm-mysql-flexible 3.1.0 predates it).
 */
export const API_VERSION: Record<AzureKind, string> = {
  "azure-sql": "2021-11-01",
  "azure-postgres-flexible": "2025-08-01",
  "azure-mysql-flexible": "2023-12-30",
};

const SQL_RE = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Sql\/servers\/[^/]+)\/databases\/([^/]+)$/i;
const FLEX_RE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DBfor(PostgreSQL|MySQL)\/flexibleServers\/[^/]+$/i;

export function parseAzureId(id: string): AzureResource | undefined {
  const sql = SQL_RE.exec(id);
  if (sql) return { kind: "azure-sql", id, serverId: sql[1] as string, database: sql[2] as string };
  const flex = FLEX_RE.exec(id);
  if (flex) return { kind: (flex[1] as string).toLowerCase() === "postgresql" ? "azure-postgres-flexible" : "azure-mysql-flexible", id, serverId: id };
  return undefined;
}

/** The copy's body by ARM's names (checked against @azure/arm-sql's Database type). */
export interface SqlCopyBody {
  location: string;
  tags: Record<string, string>;
  properties: { createMode: "Copy"; sourceDatabaseId: string };
}

const SOURCE_TAG = "dbtk-restore-point-of";

export function armRequest(r: AzureResource, method: HttpRequest["method"], path: string, access: CloudAccess, body?: unknown): HttpRequest {
  const endpoint = (access.endpoint ?? "https://management.azure.com").replace(/\/+$/, "");
  return {
    method,
    url: `${endpoint}${path}?api-version=${API_VERSION[r.kind]}`,
    headers: bearer(access.token, "Azure Resource Manager"),
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  };
}

export function sqlCopyBody(r: AzureResource, location: string): SqlCopyBody {
  return { location, tags: { [SOURCE_TAG]: r.database ?? "" }, properties: { createMode: "Copy", sourceDatabaseId: r.id } };
}

interface ArmItem {
  id?: string;
  name?: string;
  tags?: Record<string, string>;
  properties?: { status?: string; creationDate?: string; completedTime?: string; backupType?: string; provisioningState?: string };
}

function point(r: AzureResource, x: ArmItem): CloudRestorePoint {
  const name = x.name ?? "";
  const created = x.properties?.creationDate ?? x.properties?.completedTime;
  const at = created ? { time: created } : {};
  return {
    id: name,
    name,
    provider: r.kind,
    source: r.id,
    ...(created ? { createdAt: created } : {}),
    status: x.properties?.status ?? x.properties?.provisioningState ?? (x.properties?.completedTime ? "Succeeded" : "unknown"),
    // A copy is a database: a new one is restored from it; a flexible server from its backup's time.
    wayBack: r.kind === "azure-sql" ? { mode: "point-in-time", sourceId: x.id ?? `${r.serverId}/databases/${name}`, ...at } : { mode: "point-in-time", sourceId: r.serverId, ...at },
  };
}

const collection = (r: AzureResource) => (r.kind === "azure-sql" ? `${r.serverId}/databases` : `${r.serverId}/backups`);

export async function azureList(r: AzureResource, access: CloudAccess): Promise<CloudRestorePoint[]> {
  const res = await send(`Azure list of ${collection(r)}`, armRequest(r, "GET", collection(r), access), access.signal);
  const items = (JSON.parse(res.body || "{}") as { value?: ArmItem[] }).value ?? [];
  return newestFirst(items.filter((x) => isOurs(x.name) && (r.kind !== "azure-sql" || x.tags?.[SOURCE_TAG] === r.database)).map((x) => point(r, x)));
}

export async function azureCreate(r: AzureResource, name: string, access: CloudAccess): Promise<CloudRestorePoint> {
  let body: SqlCopyBody | undefined;
  if (r.kind === "azure-sql") {
    const src = await send(`Azure SQL get ${r.id}`, armRequest(r, "GET", r.id, access), access.signal);
    const location = (JSON.parse(src.body) as { location?: string }).location;
    if (!location) throw new DbtkError(`Azure SQL: database ${r.id} has no location in its description`);
    body = sqlCopyBody(r, location);
  }
  const res = await send(`Azure ${r.kind === "azure-sql" ? "SQL database copy" : "on-demand backup"} ${name}`, armRequest(r, "PUT", `${collection(r)}/${name}`, access, body), access.signal);
  const made = res.body ? (JSON.parse(res.body) as ArmItem) : {};
  return point(r, { ...made, name, ...(body ? { tags: body.tags } : {}) });
}

export async function azureDrop(r: AzureResource, id: string, access: CloudAccess): Promise<void> {
  if (r.kind === "azure-mysql-flexible") {
    throw new DbtkError(`Azure MySQL flexible server backups cannot be deleted through this API version: ${id} expires with the server's backup retention`);
  }
  await send(`Azure delete ${id}`, armRequest(r, "DELETE", `${collection(r)}/${id}`, access), access.signal);
}
