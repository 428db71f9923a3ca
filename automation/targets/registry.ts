// Target names → factories. `local` is the default; `server` and the clouds go through the Pulumi engine,
// `--engine direct` picks the plain-SQL implementation for `server`.
import type { DbTarget } from "../../migrations/connection.js";
import { localMariadbTarget, localPostgresTarget } from "./local.js";
import { directServerTarget, parseServerUrl } from "./server.js";
import type { CloneStrategy } from "./sql-postgres.js";
import type { Target } from "./types.js";

export interface TargetOptions {
  /** Database engine; `server` reads it from the URL's scheme. */
  engine?: DbTarget["engine"];
  /** `pulumi` (default for server and clouds) or `direct` (plain SQL on the server). */
  via?: "pulumi" | "direct";
  /** Admin URL of an existing server (`server` target); default DBTK_SERVER_URL. */
  serverUrl?: string;
  /** Local server directory (local targets); default under DBTK_SERVERS_DIR. */
  rootDir?: string;
  strategy?: CloneStrategy;
  /** Pulumi backend for stack targets (default: a file backend under the cache). */
  backendUrl?: string;
  /** Engine output, one line at a time (already redacted by the engine). */
  onProgress?: (line: string) => void;
}

interface Entry {
  description: string;
  open(opts: TargetOptions): Promise<Target>;
}

async function stackTarget(kind: "server" | "aws" | "gcp" | "azure", opts: TargetOptions, engine: DbTarget["engine"]): Promise<Target> {
  const { createStackTarget } = await import("../engine/index.js");
  return createStackTarget({
    kind,
    engine,
    ...(opts.serverUrl ? { serverUrl: opts.serverUrl } : {}),
    ...(opts.backendUrl ? { backendUrl: opts.backendUrl } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
}

function serverUrl(opts: TargetOptions): string {
  const url = opts.serverUrl ?? process.env.DBTK_SERVER_URL;
  if (!url) {
    throw new Error(
      "target server needs the admin URL of an existing server: pass --server-url postgres://admin:password@host:5432/postgres " +
        "(or mysql://admin:password@host:3306), or set DBTK_SERVER_URL",
    );
  }
  return url;
}

const TARGETS: Record<string, Entry> = {
  local: {
    description: "embedded PostgreSQL on this machine, started on demand and reused (default; --engine mysql: local MariaDB)",
    open: (o) => (o.engine === "mysql" ? localMariadbTarget(o) : localPostgresTarget(o)),
  },
  "local-mariadb": {
    description: "a local MariaDB server on this machine, started on demand and reused",
    open: (o) => {
      if (o.engine === "postgres") throw new Error("target local-mariadb is MySQL/MariaDB; for PostgreSQL use --target local");
      return localMariadbTarget(o);
    },
  },
  server: {
    description: "an existing PostgreSQL or MySQL/MariaDB server (--server-url / DBTK_SERVER_URL): a new database and login per run",
    open: async (o) => {
      const url = serverUrl(o);
      const admin = parseServerUrl(url);
      if (o.engine && o.engine !== admin.engine) {
        throw new Error(`--engine ${o.engine} does not match the server URL, which is ${admin.engine === "postgres" ? "postgres://" : "mysql://"}`);
      }
      if (o.via === "direct") return directServerTarget({ url, ...(o.strategy ? { strategy: o.strategy } : {}) });
      return stackTarget("server", { ...o, serverUrl: url }, admin.engine);
    },
  },
  aws: { description: "a database on AWS RDS through a Pulumi stack", open: (o) => cloud("aws", o) },
  gcp: { description: "a database on Google Cloud SQL through a Pulumi stack", open: (o) => cloud("gcp", o) },
  azure: { description: "a database on Azure through a Pulumi stack", open: (o) => cloud("azure", o) },
};

function cloud(kind: "aws" | "gcp" | "azure", o: TargetOptions): Promise<Target> {
  if (o.via === "direct") throw new Error(`--engine direct works with --target server only; ${kind} goes through Pulumi`);
  return stackTarget(kind, o, o.engine ?? "postgres");
}

export const targetNames: readonly string[] = Object.keys(TARGETS);

export function describeTargets(): string {
  return Object.entries(TARGETS)
    .map(([n, e]) => `  ${n.padEnd(14)} ${e.description}`)
    .join("\n");
}

/** Opens the named target; an unknown name gets an error listing the valid ones. */
export async function openTarget(name: string, opts: TargetOptions = {}): Promise<Target> {
  const entry = Object.hasOwn(TARGETS, name) ? TARGETS[name] : undefined;
  if (!entry) throw new Error(`unknown target "${name}": use one of ${targetNames.join(", ")}`);
  return entry.open(opts);
}
