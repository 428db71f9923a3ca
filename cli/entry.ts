// The CLI's entry (bin/dbtk.mjs): loads only the module of the command it runs. `dbtk --help` (and any
// line naming no known command) gets the command list from the table below, loading no command module.
// Keep COMMANDS in step with buildProgram() in cli/main.ts: tests/automation/cli/lazy-imports.test.ts
// compares the two (names, help terms and descriptions).
import type { Command } from "commander";
import { parseToExitCode, programShell } from "./program.js";

type Register = (program: Command) => void;

interface CommandModule {
  /** Top-level commands the module registers: name → [help term, description]. */
  commands: Record<string, [term: string, description: string]>;
  load(): Promise<Register>;
}

export const COMMANDS: readonly CommandModule[] = [
  {
    commands: { run: ["run [options] <command...>", "run a command against a fresh, migrated, disposable database; tear it down afterwards"] },
    load: async () => (await import("./commands/run.js")).registerRun,
  },
  {
    commands: {
      migrate: ["migrate [options]", "apply pending migrations (Flyway-compatible history)"],
      info: ["info [options]", "show every migration's state (Pending, Success, Failed, Missing, Outdated, Undone, …)"],
      validate: ["validate [options]", "check applied migrations against the files (edited, deleted, out of order, failed, pending)"],
      undo: ["undo [options]", "undo the latest migration, or down to --target, with U<version>__*.sql files"],
      baseline: ["baseline [options]", "record an existing database as being at a version"],
      repair: ["repair [options]", "remove failed entries, realign checksums, mark deleted files"],
    },
    load: async () => (await import("./commands/migrate.js")).registerMigrateCommands,
  },
  {
    commands: {
      tool: ["tool [options] <tool> [command...]", "run a migration tool on its project against a database (connection passed in the environment only)"],
    },
    load: async () => (await import("./commands/tool.js")).registerToolCommands,
  },
  {
    commands: {
      check: ["check [options] [command...]", "migration CI checks: apply/undo/re-apply on a fresh database (default), or --drift of a live database"],
    },
    load: async () => (await import("./commands/check.js")).registerCheckCommands,
  },
  {
    commands: {
      lint: ["lint [options] [paths...]", "check migrations for statements that lock or break a live database; exits 1 on any error-severity finding"],
    },
    load: async () => (await import("./commands/lint.js")).registerLintCommands,
  },
  {
    commands: { up: ["up [options]", "create a migrated disposable database and print its connection (it stays until dbtk down or expiry)"] },
    load: async () => (await import("./commands/up.js")).registerUp,
  },
  {
    commands: { down: ["down [options] <id...>", "destroy ephemeral databases by id (from dbtk up or dbtk ls); destroying one that is gone is not an error"] },
    load: async () => (await import("./commands/down.js")).registerDown,
  },
  {
    commands: { ls: ["ls [options]", "list the ephemeral databases on a target (expired ones and orphan logins are marked; dbtk reap removes them)"] },
    load: async () => (await import("./commands/ls.js")).registerLs,
  },
  {
    commands: {
      reap: ["reap [options]", "destroy expired ephemeral databases whose run is gone (and unexpired ones with --dead) and orphan logins; clean the template cache"],
    },
    load: async () => (await import("./commands/reap.js")).registerReap,
  },
  {
    commands: { purge: ["purge [options]", "remove every dbtk database, pooled clone, orphan login and template on a target (live runs' too)"] },
    load: async () => (await import("./commands/purge.js")).registerPurge,
  },
  {
    commands: {
      "restore-drill": ["restore-drill [options]", "Restore into a scratch copy, validate it against the source, report RTO and RPO, then destroy the copy"],
    },
    load: async () => (await import("./commands/restore-drill.js")).registerRestoreDrill,
  },
  {
    commands: { server: ["server", "the local database servers dbtk starts on demand: status, stop"] },
    load: async () => (await import("./commands/server.js")).registerServer,
  },
  {
    commands: { serve: ["serve [options] [command...]", "a local pool server speaking IntegreSQL's HTTP API: migrated test databases for parallel test workers"] },
    load: async () => (await import("./commands/serve.js")).registerServe,
  },
  {
    commands: {
      "restore-point": ["restore-point", "copies of a database taken before a migration (dbtk migrate --restore-point), restored under the same name"],
    },
    load: async () => (await import("./commands/restore-point.js")).registerRestorePoint,
  },
  {
    commands: {
      metrics: [
        "metrics [options]",
        "Prometheus metrics for a database (DATABASE_URL or --url): pg_stat_database, pg_stat_activity, replication, top pg_stat_statements; MariaDB/MySQL global status and replica lag. Serves /metrics, or prints once",
      ],
    },
    load: async () => (await import("./commands/metrics.js")).registerMetrics,
  },
];

/** The module registering the command that argv names (also `help <command>`), if any. */
function moduleFor(argv: string[]): CommandModule | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith("-"));
  const name = words[0] === "help" ? words[1] : words[0];
  return name === undefined ? undefined : COMMANDS.find((m) => Object.hasOwn(m.commands, name));
}

/** The program for argv: the one command module it names, else every command as a help-only stub. */
export async function programFor(argv: string[]): Promise<Command> {
  const program = programShell();
  const mod = moduleFor(argv);
  if (mod) {
    (await mod.load())(program);
    return program;
  }
  const terms = new Map<string, string>();
  for (const m of COMMANDS) {
    for (const [name, [term, description]] of Object.entries(m.commands)) {
      program.command(name).description(description);
      terms.set(name, term);
    }
  }
  const help = program.createHelp();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd) });
  return program;
}

/** Runs the CLI on argv and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
  return parseToExitCode(await programFor(argv), argv);
}
