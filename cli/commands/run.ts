// dbtk run [options] -- <command…>: a fresh migrated database for one command, torn down afterwards.
// The CLI owns the process's signals: SIGINT/SIGTERM abort the run (the command gets the signal, the
// database is torn down, exit 130/143); a second one exits at once and leaves the clean-up to the guardian
// (a detached watcher that also acts when dbtk is SIGKILLed), or to `dbtk reap` with --no-guardian.
import type { Command } from "commander";
import { parseEnvMappings } from "../../core/connection.js";
import { preloadMigrations, resolveSource } from "../../automation/driver/migrations.js";
import type { RunRequest, RunSummary } from "../../automation/driver/run.js";
import type { Progress } from "../../automation/driver/progress.js";
import type { RunRole } from "../../automation/targets/run-roles.js";
import type { Target } from "../../automation/targets/types.js";
import { parseDuration } from "../../automation/targets/meta.js";
import { DbtkError } from "../../core/errors.js";
import { cliTemplatePolicy, environment, guardianOptions, owner, pathEnv, stepSummaryFile, toolkitDirs, toolLocation } from "../environment.js";
import { interruptible } from "../interruptible.js";
import { addPoolOptions, addSourceOptions, withTarget, type ProvisionFlags } from "./shared.js";
import { addTargetOptions, poolSizeFrom, ttlFrom } from "./target-options.js";

interface RunFlags extends ProvisionFlags {
  /** False with --no-guardian. */
  guardian: boolean;
  timeout?: string;
  env: string[];
  createdb?: boolean;
  migrate?: string;
  hash: string[];
  superuser?: boolean;
  dbName?: string;
  report?: boolean;
  reportJson?: string;
  baseline?: string;
  maxQueryMs?: string;
  pooler?: string;
  poolerMode?: string;
  as?: string;
}

/** With `dbtk serve` running on the local server, the run's database comes from its pool (not with --db-name). */
async function servedTarget(target: Target, flags: RunFlags, progress: Progress): Promise<Target> {
  if (flags.dbName !== undefined || flags.as !== undefined || flags.template === false) return target;
  const { withRunningPoolServer } = await import("../../automation/serve/served-target.js");
  const served = withRunningPoolServer(target, toolkitDirs());
  if (served.url) progress.line(`template and database from dbtk serve at ${served.url}`);
  return served.target;
}

/** Runs with SIGINT/SIGTERM handlers installed for exactly as long as the run. */
async function runInterruptible(req: Omit<RunRequest, "signal" | "onId">): Promise<RunSummary> {
  let id: string | undefined;
  // A second signal: stop waiting; the guardian (else `dbtk reap`) removes what is left.
  const onSecond = (sig: NodeJS.Signals): void => {
    const heir = req.guardian ? "the guardian" : "dbtk reap";
    req.progress.line(`${sig} again: exiting without teardown${id ? ` (${id} is left to ${heir})` : ""}`);
  };
  const { runWithDatabase } = await import("../../automation/driver/run.js");
  return interruptible((signal) => runWithDatabase({ ...req, signal, onId: (created) => (id = created) }), { onSecond, resultReportsInterruption: true });
}

/** --report and --pooler flags → the run's options; usage errors (exit 2) name the flag. */
function observeFlags(flags: RunFlags): Pick<RunRequest, "report" | "pooler"> {
  const out: Pick<RunRequest, "report" | "pooler"> = {};
  const maxQueryMs = flags.maxQueryMs === undefined ? undefined : Number(flags.maxQueryMs);
  if (maxQueryMs !== undefined && !(Number.isFinite(maxQueryMs) && maxQueryMs > 0)) {
    throw new DbtkError(`--max-query-ms ${flags.maxQueryMs}: not a number of milliseconds; use e.g. --max-query-ms 200`, 2);
  }
  if (flags.report || flags.reportJson || flags.baseline || maxQueryMs !== undefined) {
    const summaryFile = stepSummaryFile();
    out.report = {
      ...(flags.reportJson ? { jsonFile: flags.reportJson } : {}),
      ...(flags.baseline ? { baselineFile: flags.baseline } : {}),
      ...(maxQueryMs !== undefined ? { maxQueryMs } : {}),
      ...(summaryFile ? { markdownFile: summaryFile } : {}),
    };
  }
  if (flags.poolerMode !== undefined && flags.pooler === undefined) throw new DbtkError("--pooler-mode: needs --pooler pgbouncer", 2);
  if (flags.pooler !== undefined) {
    out.pooler = { kind: flags.pooler, ...(flags.poolerMode !== undefined ? { mode: flags.poolerMode } : {}), ...toolLocation("pgbouncer"), ...pathEnv() };
  }
  return out;
}

export function registerRun(program: Command): void {
  // Lets `dbtk run node --test` pass `--test` to the command even without `--`.
  program.enablePositionalOptions();
  const cmd = addSourceOptions(
    program
      .command("run")
      .description("run a command against a fresh, migrated, disposable database; tear it down afterwards")
      .argument("<command...>", "the command to run (after --), with DATABASE_URL and PG*/MYSQL_* in its environment"),
  )
    .option("--ttl <duration>", "lease: renewed while the run lives; `dbtk reap` removes the database after it if the run and its guardian die", "30m")
    .option("--timeout <duration>", "stop the command after this long (SIGTERM, then SIGKILL), tear down, exit 124 as timeout(1)")
    .option("--env <NAME=FIELD>", "also export the connection under NAME; FIELD: url, jdbc, host, port, user, password, database (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--migrate <command>", "any migration tool's command line (run by sh in --project, default .) builds the template; later runs clone it")
    .option("--hash <path>", "with --migrate: a file or folder whose contents key the template (repeatable; default the project folder)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--createdb", "the run's login may create and drop databases of its own (MySQL: named <database>_…)")
    .option("--superuser", "the run's login is a superuser (local targets only)")
    .option("--db-name <name>", "give the database this fixed name (PostgreSQL; refused if taken); its login keeps the run's id")
    .option("--as <role>", "run the command as a second login with only this role's rights on what the migrations made: app (DML) or readonly")
    .option("--no-guardian", "start no watcher process: a killed run's database then waits for `dbtk reap`")
    .option("--report", "after the command, report what it did to its database (statements, scans, unused indexes; also $GITHUB_STEP_SUMMARY)")
    .option("--report-json <file>", "write the query report as JSON (implies --report)")
    .option("--baseline <file>", "compare with a JSON report: calls or mean time grown too much fails the run with exit 3 (implies --report)")
    .option("--max-query-ms <ms>", "any statement slower than this on average fails the run with exit 3 (implies --report)")
    .option("--pooler <name>", "put a connection pooler between the command and its database: pgbouncer (PostgreSQL)")
    .option("--pooler-mode <mode>", "with --pooler: transaction (default) or session");
  addPoolOptions(cmd, "recorded owner (default: the CI job, else user@host; DBTK_OWNER)")
    .option("--json", "print a JSON summary on stdout")
    .option("--show-secrets", "include the password in the JSON summary")
    .option("-q, --quiet", "no progress lines")
    .passThroughOptions();
  addTargetOptions(cmd).action(async (command: string[], flags: RunFlags) => {
    await withTarget(
      flags,
      () => ({
        source: resolveSource({
          migrations: flags.migrations,
          tool: flags.tool,
          project: flags.project,
          ...toolLocation(flags.tool),
          ...(flags.migrate !== undefined ? { migrate: flags.migrate } : {}),
          ...(flags.hash.length ? { hash: flags.hash } : {}),
        }),
        ttlMs: ttlFrom(flags.ttl, "30m", parseDuration),
        poolSize: poolSizeFrom(flags.pool),
        templatePolicy: cliTemplatePolicy(),
        timeoutMs: flags.timeout === undefined ? undefined : parseDuration(flags.timeout, "--timeout"),
        envMap: parseEnvMappings(flags.env, "--env"),
        observe: observeFlags(flags),
      }),
      async (target, { source, ttlMs, poolSize, templatePolicy, timeoutMs, envMap, observe }, progress, secrets) => {
        const summary = await runInterruptible({
          target: await servedTarget(target, flags, progress),
          source,
          command,
          ttlMs,
          poolSize,
          templatePolicy,
          templates: flags.template,
          progress,
          env: environment(),
          showSecrets: flags.showSecrets === true,
          commandStdoutToStderr: flags.json === true,
          owner: owner(flags.owner),
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          envMap,
          privileges: { createdb: flags.createdb === true, superuser: flags.superuser === true },
          ...(flags.dbName !== undefined ? { dbName: flags.dbName } : {}),
          ...(flags.as !== undefined ? { as: flags.as as RunRole } : {}),
          ...(flags.guardian === false ? {} : { guardian: guardianOptions() }),
          ...(observe.report ? { report: { ...observe.report, print: (text: string) => void process.stderr.write(secrets.redact(text) + "\n") } } : {}),
          ...(observe.pooler ? { pooler: observe.pooler } : {}),
        });
        if (flags.json) {
          const out = JSON.stringify(summary, null, 2);
          process.stdout.write((flags.showSecrets ? out : secrets.redact(out)) + "\n");
        }
        process.exitCode = summary.exitCode;
      },
      ({ source }) => preloadMigrations(source, "postgres"),
    );
  });
}
