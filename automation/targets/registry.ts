// Target names → factories. `local` is the default; `server` and the clouds go through the Pulumi engine,
// `via: "direct"` picks the plain-SQL implementation for `server`.
import { parseServerUrl, type DbTarget } from "../../core/connection.js";
import type { EngineSettingsInput } from "../engine/settings.js";
import type { LocalTargetOptions } from "./local.js";
import type { Target } from "./types.js";

/**
 * Local targets take the directories and the SQL options, stack targets the engine settings (backend,
 * passphrase, cache, PATH). Nothing comes from the environment: the CLI passes what it reads there.
 */
export interface TargetOptions extends LocalTargetOptions, Omit<EngineSettingsInput, "stateDir"> {
  /** Database engine; `server` reads it from the URL's scheme. */
  engine?: DbTarget["engine"];
  /** `pulumi` (default for server and clouds) or `direct` (plain SQL on the server). */
  via?: "pulumi" | "direct";
  /** Admin URL of an existing server (`server` target). */
  serverUrl?: string;
  /** Engine output, one line at a time (already redacted by the engine). */
  onProgress?: (line: string) => void;
}

interface Entry {
  description: string;
  open(opts: TargetOptions): Promise<Target>;
}

async function stackTarget(kind: "server" | "aws" | "gcp" | "azure", opts: TargetOptions, engine: DbTarget["engine"]): Promise<Target> {
  const { createStackTarget } = await import("../engine/index.js");
  const { serverUrl, backendUrl, passphrase, passphraseFile, cacheDir, path, onProgress } = opts;
  return createStackTarget({
    kind,
    engine,
    ...(serverUrl ? { serverUrl } : {}),
    ...(backendUrl ? { backendUrl } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(passphraseFile ? { passphraseFile } : {}),
    ...(cacheDir ? { cacheDir } : {}),
    ...(path ? { path } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
}

function serverUrl(opts: TargetOptions): string {
  if (!opts.serverUrl) {
    throw new Error(
      "target server needs the admin URL of an existing server: pass options.serverUrl, e.g. postgres://admin:password@host:5432/postgres " +
        "or mysql://admin:password@host:3306",
    );
  }
  return opts.serverUrl;
}

const TARGETS: Record<string, Entry> = {
  local: {
    description: "embedded PostgreSQL on this machine, started on demand and reused (default; options.engine mysql: local MariaDB)",
    // Loaded on use, so naming the targets (the CLI's help) loads no driver.
    open: async (o) => {
      const local = await import("./local.js");
      return o.engine === "mysql" ? local.localMariadbTarget(o) : local.localPostgresTarget(o);
    },
  },
  "local-mariadb": {
    description: "a local MariaDB server on this machine, started on demand and reused",
    open: async (o) => {
      if (o.engine === "postgres") throw new Error("target local-mariadb is MySQL/MariaDB; for PostgreSQL use options.target local");
      return (await import("./local.js")).localMariadbTarget(o);
    },
  },
  server: {
    description: "an existing PostgreSQL or MySQL/MariaDB server (options.serverUrl): a new database and login per run",
    open: async (o) => {
      const url = serverUrl(o);
      const admin = parseServerUrl(url, "options.serverUrl");
      if (o.engine && o.engine !== admin.engine) {
        throw new Error(`options.engine ${o.engine} does not match the server URL, which is ${admin.engine === "postgres" ? "postgres://" : "mysql://"}`);
      }
      if (o.via === "direct") return (await import("./server.js")).directServerTarget({ ...o, url });
      return stackTarget("server", { ...o, serverUrl: url }, admin.engine);
    },
  },
  aws: { description: "a database on AWS RDS through a Pulumi stack", open: (o) => cloud("aws", o) },
  gcp: { description: "a database on Google Cloud SQL through a Pulumi stack", open: (o) => cloud("gcp", o) },
  azure: { description: "a database on Azure through a Pulumi stack", open: (o) => cloud("azure", o) },
};

function cloud(kind: "aws" | "gcp" | "azure", o: TargetOptions): Promise<Target> {
  if (o.via === "direct") throw new Error(`options.via direct works with options.target server only; ${kind} goes through Pulumi`);
  return stackTarget(kind, o, o.engine ?? "postgres");
}

export const targetNames: readonly string[] = Object.keys(TARGETS);

export function describeTargets(): string {
  return Object.entries(TARGETS)
    .map(([n, e]) => `  ${n.padEnd(14)} ${e.description}`)
    .join("\n");
}

/**
 * Opens the named target; an unknown name gets an error listing the valid ones. A target that cannot say
 * how to reopen it more cheaply gets the name and options themselves as its recipe (functions dropped).
 */
export async function openTarget(name: string, opts: TargetOptions = {}): Promise<Target> {
  const entry = Object.hasOwn(TARGETS, name) ? TARGETS[name] : undefined;
  if (!entry) throw new Error(`unknown target "${name}": use one of ${targetNames.join(", ")}`);
  const target = await entry.open(opts);
  target.recipe ??= { kind: "open", name, options: JSON.parse(JSON.stringify(opts)) as Record<string, unknown> };
  return target;
}
