// dbtk tool: runs a project's own migration tool (Flyway, Liquibase, Alembic, dbmate, or any command)
// against a database, handing it the connection through its environment only.
import type { Command } from "commander";
import { parseServerUrl, redact, type DbTarget } from "../../core/connection.js";
import { TOOL_NAMES } from "../../automation/driver/migrations.js";
import type { getTool } from "../../migrations/index.js";
import { environment, toolLocation } from "../environment.js";
import { usage, warnUrlFlag } from "./usage.js";

export interface UrlFlags {
  url?: string;
  urlEnv?: string;
}

/**
 * The database URL from --url or the environment variable --url-env names (default DATABASE_URL).
 * The environment is the safer place: a command line is visible to every local user.
 */
export function databaseFromFlags(f: UrlFlags, opts: { required: boolean; needDatabase?: boolean } = { required: true }): DbTarget | undefined {
  const envName = f.urlEnv ?? "DATABASE_URL";
  const raw = f.url ?? environment()[envName];
  if (!raw) {
    if (!opts.required) return undefined;
    throw usage(`no database URL: set $${envName} (or pass --url-env <VAR>) to postgres://user:password@host:5432/db or mysql://…`);
  }
  const what = f.url ? "--url" : `$${envName}`;
  let t: DbTarget;
  try {
    t = parseServerUrl(raw, what);
  } catch (err) {
    throw usage((err as Error).message);
  }
  if (opts.needDatabase !== false && !t.database) throw usage(`${what} names no database; add /<database> to the URL`);
  if (f.url) warnUrlFlag(t, "--url", `$${envName} (or the variable --url-env names)`);
  return t;
}

/** Runs `fn`; any error leaves with every form of the given passwords scrubbed from its message. */
export async function scrubbed<T>(passwords: () => string[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    e.message = redact(e.message, passwords());
    throw e;
  }
}

interface ToolFlags extends UrlFlags {
  project: string;
  to?: string;
  undoAll?: boolean;
  applied?: boolean;
}

export function registerToolCommands(program: Command): void {
  program
    .command("tool")
    .description("run a migration tool on its project against a database (connection passed in the environment only)")
    .argument("<tool>", `one of ${TOOL_NAMES.join(", ")}`)
    .argument("[command...]", "for the command tool: the command and its arguments, after --")
    .requiredOption("--project <dir>", "the tool's project: migrations dir, changelog, alembic.ini dir, or the command's working dir")
    .option("--url <url>", "database URL (prefer --url-env: a command line is visible to other users)")
    .option("--url-env <var>", "environment variable holding the database URL", "DATABASE_URL")
    .option("--to <position>", "migrate up to this version / revision / changeset count only")
    .option("--undo-all", "revert every applied migration (Liquibase, Alembic, dbmate)")
    .option("--applied", "print the position the database is at and exit")
    .action(async (name: string, cmd: string[], f: ToolFlags) => {
      let tool: ReturnType<typeof getTool>;
      try {
        tool = (await import("../../migrations/adapters/index.js")).getTool(name);
      } catch (err) {
        throw usage((err as Error).message);
      }
      const where = toolLocation(tool.name);
      let target: DbTarget | undefined;
      await scrubbed(
        () => (target ? [target.password] : []),
        async () => {
          target = databaseFromFlags(f)!;
          if (f.applied) {
            if (!tool.applied) throw new Error(`${tool.name} cannot report its position`);
            process.stdout.write(`${(await tool.applied(target, f.project)) ?? "(nothing applied)"}\n`);
            return;
          }
          if (f.undoAll) {
            if (!tool.undoAll) throw new Error(`${tool.name} has no undo; use a tool that has (liquibase, alembic, dbmate) or the built-in runner's U files`);
            const res = await tool.undoAll(target, f.project, { ...where, ...(cmd.length ? { args: cmd } : {}) });
            if (res.output) process.stdout.write(res.output + "\n");
            return;
          }
          const res = await tool.migrate(target, f.project, { ...where, ...(cmd.length ? { args: cmd } : {}), ...(f.to !== undefined ? { to: f.to } : {}) });
          if (res.output) process.stdout.write(res.output + "\n");
        },
      );
    });
}
