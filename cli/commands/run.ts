// dbtk run [options] -- <command…>: a fresh migrated database for one command, torn down afterwards.
import type { Command } from "commander";
import { addTargetOptions, guarded, openTargetFromFlags, ttlFrom, type TargetFlags } from "../../automation/driver/cli-options.ts";
import { resolveSource } from "../../automation/driver/migrations.ts";
import { Secrets, stderrProgress } from "../../automation/driver/progress.ts";
import { poolSizeFrom } from "../../automation/driver/provision.ts";
import { runWithDatabase } from "../../automation/driver/run.ts";
import { parseDuration } from "../../automation/targets/meta.ts";

interface RunFlags extends TargetFlags {
  migrations?: string;
  tool?: string;
  project?: string;
  ttl?: string;
  json?: boolean;
  showSecrets?: boolean;
  pool?: string;
  template: boolean;
  quiet?: boolean;
  owner?: string;
}

export function registerRun(program: Command): void {
  // Lets `dbtk run node --test` pass `--test` to the command even without `--`.
  program.enablePositionalOptions();
  const cmd = program
    .command("run")
    .description("run a command against a fresh, migrated, disposable database; tear it down afterwards")
    .argument("<command...>", "the command to run (after --), with DATABASE_URL and PG*/MYSQL_* in its environment")
    .option("--migrations <dir>", "migrations folder for the built-in runner (V1__name.sql …)")
    .option("--tool <name>", "run the team's migration tool instead: flyway, liquibase, alembic, dbmate")
    .option("--project <dir>", "the tool's project folder (with --tool)")
    .option("--ttl <duration>", "expiry; `dbtk reap` removes the database after it if a run dies", "30m")
    .option("--pool <n>", "pre-made clones kept ready per template (default 2, DBTK_POOL_SIZE)")
    .option("--no-template", "migrate each database in place instead of cloning a migrated template")
    .option("--owner <name>", "recorded owner (default: the CI job, else user@host; DBTK_OWNER)")
    .option("--json", "print a JSON summary on stdout")
    .option("--show-secrets", "include the password in the JSON summary")
    .option("-q, --quiet", "no progress lines")
    .passThroughOptions();
  addTargetOptions(cmd).action(async (command: string[], flags: RunFlags) => {
    const secrets = new Secrets();
    await guarded(secrets, async () => {
      const source = resolveSource({ migrations: flags.migrations, tool: flags.tool, project: flags.project });
      const ttlMs = ttlFrom(flags.ttl, "30m", parseDuration);
      const poolSize = poolSizeFrom(flags.pool);
      const progress = stderrProgress(secrets, { quiet: flags.quiet === true });
      const target = await openTargetFromFlags(flags, secrets, progress);
      try {
        const summary = await runWithDatabase({
          target,
          source,
          command,
          ttlMs,
          poolSize,
          templates: flags.template,
          progress,
          showSecrets: flags.showSecrets === true,
          ...(flags.owner ? { owner: flags.owner } : {}),
        });
        if (flags.json) {
          const out = JSON.stringify(summary, null, 2);
          process.stdout.write((flags.showSecrets ? out : secrets.redact(out)) + "\n");
        }
        process.exitCode = summary.exitCode;
      } finally {
        await target.close();
      }
    });
  });
}
