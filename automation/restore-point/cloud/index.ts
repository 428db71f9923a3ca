// Cloud restore points: which provider a resource id belongs to (the components' outputs: an RDS `arn`,
// a Cloud SQL `connectionName`, an Azure `databaseId` / `serverId`), and create / list / drop / keep on it.
import { DbtkError } from "../../../core/errors.js";
import { parseRdsArn, rdsCreate, rdsDrop, rdsList } from "./aws.js";
import { azureCreate, azureDrop, azureList, parseAzureId } from "./azure.js";
import { backupRunCreate, backupRunDrop, backupRunList, parseConnectionName } from "./gcp.js";
import type { CloudAccess } from "./http.js";
import { newCloudName, newestFirst, type CloudRestorePoint } from "./types.js";

export type { CloudAccess } from "./http.js";
export type { CloudRestorePoint, WayBack } from "./types.js";

export type CloudProviderName = "aws" | "gcp" | "azure";

interface Provider {
  name: CloudProviderName;
  create(name: string, access: CloudAccess): Promise<CloudRestorePoint>;
  list(access: CloudAccess): Promise<CloudRestorePoint[]>;
  drop(id: string, access: CloudAccess): Promise<void>;
}

/** The provider of a resource id, or an error listing the shapes taken. */
export function cloudResource(resource: string): Provider {
  const rds = parseRdsArn(resource);
  if (rds) return { name: "aws", create: (n, a) => rdsCreate(rds, n, a), list: (a) => rdsList(rds, a), drop: (id, a) => rdsDrop(rds, id, a) };
  const az = parseAzureId(resource);
  if (az) return { name: "azure", create: (n, a) => azureCreate(az, n, a), list: (a) => azureList(az, a), drop: (id, a) => azureDrop(az, id, a) };
  const sql = parseConnectionName(resource);
  if (sql) return { name: "gcp", create: (n, a) => backupRunCreate(sql, n, a), list: (a) => backupRunList(sql, a), drop: (id, a) => backupRunDrop(sql, id, a) };
  throw new DbtkError(
    `options.resource "${resource}" is not a database the components make: use the AwsRdsDatabase's arn (arn:aws:rds:<region>:<account>:db:<id>), ` +
      `the GcpCloudSqlDatabase's connectionName (<project>:<region>:<instance>), the AzureSqlDatabase's databaseId or a flexible server's serverId`,
  );
}

export async function createCloudRestorePoint(resource: string, access: CloudAccess): Promise<CloudRestorePoint> {
  return cloudResource(resource).create(newCloudName(), access);
}

export async function listCloudRestorePoints(resource: string, access: CloudAccess): Promise<CloudRestorePoint[]> {
  return newestFirst(await cloudResource(resource).list(access));
}

export async function dropCloudRestorePoint(resource: string, id: string, access: CloudAccess): Promise<CloudRestorePoint> {
  const p = cloudResource(resource);
  const found = (await p.list(access)).find((x) => x.id === id || x.name === id);
  if (!found) throw new DbtkError(`no restore point "${id}" of ${resource}; list them with \`dbtk restore-point ls\``);
  await p.drop(found.id, access);
  return found;
}

/** Keeps the newest `keep` restore points of the resource, drops the others; returns those dropped. */
export async function pruneCloudRestorePoints(resource: string, keep: number, access: CloudAccess): Promise<CloudRestorePoint[]> {
  const p = cloudResource(resource);
  const old = newestFirst(await p.list(access)).slice(keep);
  for (const x of old) await p.drop(x.id, access);
  return old;
}

/** How to restore: the components' `restore` input on a new database (pulumi up), then point the application at it. */
export function wayBackText(p: CloudRestorePoint): string {
  return `restore: ${JSON.stringify(p.wayBack)}`;
}
