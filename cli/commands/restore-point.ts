// dbtk restore-point ls | create | restore <id> | drop <id>, and migrate's --restore-point flags: a copy of
// the database taken before a migration, swapped back under the same name when it fails.
import type { Command } from "commander";
import { parseDatabaseUrl, redactedUrl, type DbTarget } from "../../core/connection.js";
import { DbtkError } from "../../core/errors.js";
import type { MigrateResult, RunnerOptions } from "../../migrations/runner/types.js";
import type { GuardedMigrateOutcome, RestorePoint, RestorePointOptions } from "../../automation/restore-point/index.js";
import type { CloudAccess, CloudRestorePoint } from "../../automation/restore-point/cloud/index.js";
import { cloudCredentials, environment } from "../environment.js";
import { usage, warnUrlFlag } from "./usage.js";

export interface RestorePointFlags {
  restorePoint?: boolean;
  keep?: string;
  restoreOnFailure?: boolean;
  terminateSessions?: boolean;
  sessionWait?: string;
  /** A cloud database (a component's output): its restore point is a snapshot through the provider's API. */
  resource?: string;
}

const SESSIONS_HELP =
  "PostgreSQL copies and swaps need no other session on the database: by default dbtk waits for them to end " +
  "(--session-wait, default 30 s) and then fails naming them; --terminate-sessions ends them instead";

/** The session flags of every command that copies or swaps. */
export function addSessionOptions(cmd: Command): Command {
  return cmd
    .option("--terminate-sessions", "end other sessions on the database instead of waiting for them (PostgreSQL)")
    .option("--session-wait <seconds>", "how long to wait for other sessions to end (default 30)");
}

/** migrate's flags: --restore-point [--keep <n>] [--restore-on-failure]. */
export function addRestorePointOptions(cmd: Command): Command {
  return addSessionOptions(
    cmd
      .option("--restore-point", "take a restore point (a copy of the database) before applying anything pending")
      .option("--keep <n>", "with --restore-point: keep the newest n restore points of the database, drop older ones")
      .option(
        "--restore-on-failure",
        "with --restore-point: when the run fails, put the restore point back. Writes made to the database since it was taken are LOST",
      )
      .option("--resource <id>", "with --restore-point: snapshot this cloud database through its provider's API instead (an RDS arn, a Cloud SQL connectionName, an Azure flexible serverId)"),
  ).addHelpText("after", `\nRestore points: ${SESSIONS_HELP}. See \`dbtk restore-point --help\`.`);
}

function wording(message: string): string {
  return message.replace(/\(sessions: "terminate"\)/g, "(--terminate-sessions), or wait longer (--session-wait)");
}

/** Library errors in the CLI's words. */
function reworded<T>(p: Promise<T>): Promise<T> {
  return p.catch((err: unknown) => {
    if (err instanceof Error) err.message = wording(err.message);
    throw err;
  });
}

function keepCount(flags: RestorePointFlags): number | undefined {
  if (flags.keep === undefined) return undefined;
  const n = Number(flags.keep);
  if (!Number.isInteger(n) || n < 1) throw usage(`--keep "${flags.keep}" is not a positive whole number: use e.g. --keep 3`);
  return n;
}

function sessionOptions(flags: RestorePointFlags): RestorePointOptions {
  let waitMs: number | undefined;
  if (flags.sessionWait !== undefined) {
    const s = Number(flags.sessionWait);
    if (!Number.isFinite(s) || s < 0) throw usage(`--session-wait "${flags.sessionWait}" is not a number of seconds: use e.g. --session-wait 60`);
    waitMs = s * 1000;
  }
  const pause = /^restore-point:(copying|swapping)$/.exec(environment().DBTK_PAUSE_AT ?? "")?.[1];
  return {
    // Crash tests: DBTK_PAUSE_AT=restore-point:copying|swapping holds the process there until killed.
    ...(pause
      ? {
          onStep: async (step: string) => {
            if (step !== pause) return;
            process.stderr.write(`dbtk: paused at ${step} (DBTK_PAUSE_AT)\n`);
            await new Promise<never>(() => setInterval(() => undefined, 60_000));
          },
        }
      : {}),
    sessions: flags.terminateSessions ? "terminate" : "wait",
    ...(waitMs !== undefined ? { waitMs } : {}),
    onProgress: (m) => process.stderr.write(`dbtk: ${wording(m)}\n`),
  };
}

/** Checks migrate's restore-point flags (usage errors) and says whether the run is guarded. */
export function guarded(flags: RestorePointFlags): boolean {
  if (!flags.restorePoint) {
    const stray = flags.keep !== undefined ? "--keep" : flags.restoreOnFailure ? "--restore-on-failure" : flags.terminateSessions ? "--terminate-sessions" : undefined;
    if (stray) throw usage(`${stray} needs --restore-point: add it, e.g. dbtk migrate --restore-point ${stray}`);
    if (flags.resource) throw usage("--resource needs --restore-point: add it, e.g. dbtk migrate --restore-point --resource <id>");
    return false;
  }
  if (flags.resource && flags.restoreOnFailure) {
    throw usage(
      "--restore-on-failure cannot put a cloud snapshot back in place: drop it; a failed run prints the components' restore input for a new database",
    );
  }
  if (flags.resource && /\/Microsoft\.Sql\//i.test(flags.resource)) {
    throw usage(
      "an Azure SQL database copy is consistent as of when it completes, so a migration must not run meanwhile: take it first with " +
        "`dbtk restore-point create --resource <databaseId>`, wait until `dbtk restore-point ls --resource <databaseId>` shows it Online, then migrate",
    );
  }
  keepCount(flags);
  sessionOptions(flags);
  return true;
}

/** migrate with a restore point; a failure carries `restorePointOutcome` for the JSON error. */
/** What a cloud-guarded run did: the snapshot it requested and those `--keep` dropped. */
export interface CloudOutcome {
  cloudRestorePoint?: CloudRestorePoint;
  pruned: CloudRestorePoint[];
}

/** migrate after a cloud snapshot (when anything is pending); a failure names the components' restore input. */
async function migrateAfterSnapshot(opts: RunnerOptions, resource: string, keep: number | undefined): Promise<MigrateResult & { restorePointOutcome: CloudOutcome }> {
  const { info } = await import("../../migrations/runner/admin.js");
  const { migrate } = await import("../../migrations/runner/migrate.js");
  const outcome: CloudOutcome = { pruned: [] };
  const { onProgress: _quiet, ...quiet } = opts;
  if (opts.dryRun || (await info(quiet)).pending === 0) return { ...(await migrate(opts)), restorePointOutcome: outcome };
  const { access, lib: c } = await cloud(resource);
  const p = await c.createCloudRestorePoint(resource, access);
  outcome.cloudRestorePoint = p;
  process.stderr.write(`dbtk: restore point ${p.id} of ${resource} requested (${p.status})\n`);
  if (keep !== undefined) outcome.pruned = await c.pruneCloudRestorePoints(resource, keep, access);
  try {
    return { ...(await migrate(opts)), restorePointOutcome: outcome };
  } catch (err) {
    process.stderr.write(`dbtk: restore point ${p.id} kept; the way back is a new database from the components' ${c.wayBackText(p)}\n`);
    if (err !== null && typeof err === "object") Object.assign(err, { restorePointOutcome: outcome });
    throw err;
  }
}

export async function migrateGuarded(opts: RunnerOptions, flags: RestorePointFlags): Promise<MigrateResult & { restorePointOutcome: GuardedMigrateOutcome | CloudOutcome }> {
  const keep = keepCount(flags);
  if (flags.resource) return migrateAfterSnapshot(opts, flags.resource, keep);
  const { migrateWithRestorePoint } = await import("../../automation/restore-point/index.js");
  return reworded(
    migrateWithRestorePoint(opts, {
      ...(keep !== undefined ? { keep } : {}),
      ...(flags.restoreOnFailure ? { restoreOnFailure: true } : {}),
      restorePoint: sessionOptions(flags),
    }),
  );
}

/** What a failed guarded run did with its restore point, for the JSON error (empty when unguarded). */
export function restorePointJson(err: unknown): { restorePoint?: GuardedMigrateOutcome | CloudOutcome } {
  const o = (err as { restorePointOutcome?: GuardedMigrateOutcome | CloudOutcome } | undefined)?.restorePointOutcome;
  return o ? { restorePoint: o } : {};
}

interface Flags extends RestorePointFlags {
  url?: string;
  resource?: string;
  json?: boolean;
  sizes?: boolean;
  migrations?: string;
}

function target(flags: Flags): DbTarget {
  const url = flags.url ?? environment().DATABASE_URL;
  if (!url) throw usage("no database: set DATABASE_URL to postgres://user:password@host/db or mysql://… (or pass --url)");
  let t: DbTarget;
  try {
    t = parseDatabaseUrl(url, { what: flags.url ? "--url" : "DATABASE_URL" });
  } catch (err) {
    throw usage((err as Error).message);
  }
  if (flags.url) warnUrlFlag(t);
  return t;
}

function print(flags: Flags, value: unknown, human: string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}

const mb = (b?: number) => (b === undefined ? "" : `${(b / 1048576).toFixed(1)} MB`);

function table(points: RestorePoint[], sizes: boolean): string {
  const head = ["ID", "Database", "Taken", "Version before", "State", ...(sizes ? ["Size"] : [])];
  const rows = points.map((p) => [p.id, p.source, p.createdAt.replace("T", " ").slice(0, 19), p.versionBefore ?? "none", p.state, ...(sizes ? [mb(p.sizeBytes)] : [])]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

/** Runs a subcommand; with --json a failure is also printed as { ok: false, error } on stdout. */
function action<A extends unknown[]>(run: (flags: Flags, ...args: A) => Promise<void>): (...args: [...A, Flags, Command]) => Promise<void> {
  // Commander calls an action with the arguments, the options, then the command.
  return async (...all) => {
    const flags = all[all.length - 2] as Flags;
    const args = all.slice(0, -2) as unknown[] as A;
    try {
      await reworded(run(flags, ...args));
    } catch (err) {
      const e = err as Error & { exitCode?: number };
      if (flags.json) {
        const code = e.exitCode === 2 ? "USAGE" : "ERROR";
        process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message: e.message } }, null, 2)}\n`);
      }
      throw err;
    }
  };
}

const lib = () => import("../../automation/restore-point/index.js");
const cloudLib = () => import("../../automation/restore-point/cloud/index.js");

const CREDENTIALS = {
  aws: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)",
  gcp: "set DBTK_GCP_ACCESS_TOKEN (e.g. $(gcloud auth print-access-token))",
  azure: "set DBTK_AZURE_ACCESS_TOKEN (e.g. $(az account get-access-token --query accessToken -o tsv))",
};

/** The cloud resource's provider and its credentials from the environment (a usage error when missing). */
async function cloud(resource: string): Promise<{ access: CloudAccess; lib: Awaited<ReturnType<typeof cloudLib>> }> {
  const m = await cloudLib();
  let provider: "aws" | "gcp" | "azure";
  try {
    provider = m.cloudResource(resource).name;
  } catch (err) {
    throw usage((err as Error).message.replace("options.resource", "--resource"));
  }
  const access = cloudCredentials(provider);
  if (provider === "aws" ? !access.aws : !access.token) throw usage(`no credentials for ${resource}: ${CREDENTIALS[provider]}`);
  return { access, lib: m };
}

function cloudTable(points: CloudRestorePoint[]): string {
  const head = ["ID", "Taken", "Status", "Way back (the components' restore input)"];
  const rows = points.map((p) => [p.id, p.createdAt?.replace("T", " ").slice(0, 19) ?? "", p.status, JSON.stringify(p.wayBack)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

const RESOURCE_HELP = "a cloud database instead of --url: an AwsRdsDatabase's arn, a GcpCloudSqlDatabase's connectionName, an AzureSqlDatabase's databaseId or a flexible server's serverId";

export function registerRestorePoint(program: Command): void {
  const rp = program
    .command("restore-point")
    .description("copies of a database taken before a migration (dbtk migrate --restore-point), restored under the same name")
    .addHelpText(
      "after",
      `\nA restore point is a copy of the database on the same server: PostgreSQL CREATE DATABASE … TEMPLATE, MariaDB/MySQL a copy of every table ` +
        `(taken under table locks: writers wait while it runs), views, routines and triggers into a new schema. Restoring swaps the copy in under ` +
        `the database's name and drops what it replaced: every write made since the point was taken is LOST.\n${SESSIONS_HELP}.`,
    );
  const common = (c: Command) =>
    c.option("--url <url>", "database URL (default: $DATABASE_URL)").option("--resource <id>", RESOURCE_HELP).option("--json", "machine-readable output on stdout");

  common(rp.command("ls").description("list the database's restore points (and leftovers of interrupted ones)"))
    .option("--sizes", "show each one's size (slower)")
    .action(
      action(async (flags) => {
        if (flags.resource) {
          const { access, lib: m } = await cloud(flags.resource);
          const points = await m.listCloudRestorePoints(flags.resource, access);
          print(flags, { ok: true, resource: flags.resource, restorePoints: points }, points.length ? cloudTable(points) : `no restore points of ${flags.resource}`);
          return;
        }
        const t = target(flags);
        const points = await (await lib()).listRestorePoints(t, { sizes: !!flags.sizes });
        print(flags, { ok: true, database: t.database, restorePoints: points }, points.length ? table(points, !!flags.sizes) : `no restore points of ${t.database}`);
      }),
    );

  addSessionOptions(common(rp.command("create").description("take a restore point of the database now")))
    .option("--keep <n>", "keep the newest n restore points of the database, drop older ones")
    .option("--migrations <dir>", "migrations directory, to record the version (default: ./migrations when present)")
    .action(
      action(async (flags) => {
        const keep = keepCount(flags);
        if (flags.resource) {
          const { access, lib: c } = await cloud(flags.resource);
          const p = await c.createCloudRestorePoint(flags.resource, access);
          const pruned = keep !== undefined ? await c.pruneCloudRestorePoints(flags.resource, keep, access) : [];
          print(flags, { ok: true, restorePoint: p, pruned }, `restore point ${p.id} of ${flags.resource} requested (${p.status}); way back: ${c.wayBackText(p)}`);
          return;
        }
        const t = target(flags);
        const m = await lib();
        const { info } = await import("../../migrations/runner/admin.js");
        const version = await info({ target: t, dir: flags.migrations ?? "./migrations" }).then(
          (r) => r.currentVersion,
          () => null,
        );
        const p = await m.takeRestorePoint(t, version, sessionOptions(flags));
        const pruned = keep !== undefined ? await m.pruneRestorePoints(t, keep, sessionOptions(flags)) : [];
        print(flags, { ok: true, restorePoint: p, pruned }, `restore point ${p.id} of ${redactedUrl(t)} taken in ${Math.round(p.ms)} ms (version ${p.versionBefore ?? "none"})`);
      }),
    );

  addSessionOptions(common(rp.command("restore").description("put restore point <id> back under the database's name (writes made since are LOST)")))
    .argument("<id>", "the restore point (see dbtk restore-point ls)")
    .action(
      action(async (flags, id: string) => {
        if (flags.resource) {
          // A cloud snapshot comes back as a new database, made by the components from their restore input.
          const { access, lib: c } = await cloud(flags.resource);
          const p = (await c.listCloudRestorePoints(flags.resource, access)).find((x) => x.id === id || x.name === id);
          if (!p) throw new DbtkError(`no restore point "${id}" of ${flags.resource}; list them with \`dbtk restore-point ls --resource ${flags.resource}\``);
          const how =
            `dbtk does not overwrite a cloud database in place: create a new one from ${p.id} with the component's restore input\n` +
            `  ${c.wayBackText(p)}\n(a new resource name or stack), \`pulumi up\`, check it, then point the application at it.`;
          print(flags, { ok: true, restorePoint: p, restore: p.wayBack }, how);
          return;
        }
        const t = target(flags);
        const r = await (await lib()).restoreRestorePoint(t, id, sessionOptions(flags));
        print(flags, { ok: true, restored: r }, `restored ${r.database} from ${r.id} (taken ${r.createdAt}, version ${r.versionBefore ?? "none"}) in ${Math.round(r.ms)} ms`);
      }),
    );

  common(rp.command("drop").description("drop restore point <id>"))
    .argument("<id>", "the restore point (see dbtk restore-point ls)")
    .action(
      action(async (flags, id: string) => {
        if (flags.resource) {
          const { access, lib: c } = await cloud(flags.resource);
          const p = await c.dropCloudRestorePoint(flags.resource, id, access);
          print(flags, { ok: true, dropped: p }, `dropped restore point ${p.id} of ${flags.resource}`);
          return;
        }
        const t = target(flags);
        const p = await (await lib()).dropRestorePoint(t, id);
        print(flags, { ok: true, dropped: p }, `dropped restore point ${p.id} of ${p.source}`);
      }),
    );
}
