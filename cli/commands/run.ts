// dbtk run [options] -- <command…>: a fresh migrated database for one command, torn down afterwards.
import type { Command } from "commander";
import { addTargetOptions, ttlFrom } from "../../automation/driver/cli-options.js";
import { resolveSource } from "../../automation/driver/migrations.js";
import { poolSizeFrom } from "../../automation/driver/provision.js";
import { runWithDatabase } from "../../automation/driver/run.js";
import { parseDuration } from "../../automation/targets/meta.js";
import { addPoolOptions, addSourceOptions, withTarget, type ProvisionFlags } from "./shared.js";

type RunFlags = ProvisionFlags;

export function registerRun(program: Command): void {
  // Lets `dbtk run node --test` pass `--test` to the command even without `--`.
  program.enablePositionalOptions();
  const cmd = addSourceOptions(
    program
      .command("run")
      .description("run a command against a fresh, migrated, disposable database; tear it down afterwards")
      .argument("<command...>", "the command to run (after --), with DATABASE_URL and PG*/MYSQL_* in its environment"),
  ).option("--ttl <duration>", "expiry; `dbtk reap` removes the database after it if a run dies", "30m");
  addPoolOptions(cmd, "recorded owner (default: the CI job, else user@host; DBTK_OWNER)")
    .option("--json", "print a JSON summary on stdout")
    .option("--show-secrets", "include the password in the JSON summary")
    .option("-q, --quiet", "no progress lines")
    .passThroughOptions();
  addTargetOptions(cmd).action(async (command: string[], flags: RunFlags) => {
    await withTarget(
      flags,
      () => ({
        source: resolveSource({ migrations: flags.migrations, tool: flags.tool, project: flags.project }),
        ttlMs: ttlFrom(flags.ttl, "30m", parseDuration),
        poolSize: poolSizeFrom(flags.pool),
      }),
      async (target, { source, ttlMs, poolSize }, progress, secrets) => {
        const summary = await runWithDatabase({
          target,
          source,
          command,
          ttlMs,
          poolSize,
          templates: flags.template,
          progress,
          showSecrets: flags.showSecrets === true,
          commandStdoutToStderr: flags.json === true,
          ...(flags.owner ? { owner: flags.owner } : {}),
        });
        if (flags.json) {
          const out = JSON.stringify(summary, null, 2);
          process.stdout.write((flags.showSecrets ? out : secrets.redact(out)) + "\n");
        }
        process.exitCode = summary.exitCode;
      },
    );
  });
}
