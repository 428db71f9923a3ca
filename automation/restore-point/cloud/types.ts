// Cloud restore points: a manual snapshot / backup / copy taken through the provider's API, named
// `dbtk-rp-<time>-<random>` so they sort by time and are told apart from the provider's own.
import { newId } from "../../targets/meta.js";

/** How to get the data back: the components' `restore` input (DatabaseSpec.restore), for a new database. */
export type WayBack =
  | { mode: "snapshot"; snapshotId: string }
  | { mode: "point-in-time"; sourceId: string; time?: string };

export interface CloudRestorePoint {
  /** What to pass to drop (the snapshot's or copy's name; Cloud SQL: the backup run's id). */
  id: string;
  /** The `dbtk-rp-…` name it was given (Cloud SQL: in the run's description); sorts by time. */
  name: string;
  provider: "aws-rds" | "gcp-cloudsql" | "azure-sql" | "azure-postgres-flexible" | "azure-mysql-flexible";
  /** The resource it is of (ARN, connection name, Azure resource id). */
  source: string;
  /** ISO time, when the provider says (a snapshot still being made may not yet). */
  createdAt?: string;
  /** The provider's status (creating, available, SUCCESSFUL, …). */
  status: string;
  wayBack: WayBack;
}

export const CLOUD_PREFIX = "dbtk-rp-";
export const newCloudName = (now = Date.now()): string => newId(now).replace(/^dbtk_/, CLOUD_PREFIX).replace(/_/g, "-");
export const isOurs = (name: string | undefined): name is string => !!name && name.startsWith(CLOUD_PREFIX);

/** Newest first (names carry the time). */
export const newestFirst = <T extends { name: string }>(xs: T[]): T[] => [...xs].sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
