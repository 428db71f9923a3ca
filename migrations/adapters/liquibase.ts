// Liquibase 4.33 through the wrapper tools/install-liquibase.sh installs. The connection goes in
// LIQUIBASE_COMMAND_URL / _USERNAME / _PASSWORD; the project is a changelog file or a directory holding one.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { jdbcUrl, type DbTarget } from "../../core/connection.js";
import { installedBin, runTool } from "./exec.js";
import { historyRows } from "./history.js";
import type { MigrateOptions, MigrationTool, ToolRunOptions } from "./types.js";

const CHANGELOGS = ["changelog.yaml", "changelog.yml", "changelog.xml", "changelog.json", "changelog.sql",
  "db.changelog-master.yaml", "db.changelog-master.yml", "db.changelog-master.xml", "db.changelog-master.json"];

/** The changelog's directory (the search path) and its name relative to it. */
export function findChangelog(project: string): { dir: string; file: string } {
  const p = path.resolve(project);
  if (existsSync(p) && statSync(p).isFile()) return { dir: path.dirname(p), file: path.basename(p) };
  const file = CHANGELOGS.find((f) => existsSync(path.join(p, f)));
  if (!file) throw new Error(`liquibase project ${p}: no changelog found (looked for ${CHANGELOGS.join(", ")}); pass the changelog file as the project`);
  return { dir: p, file };
}

function env(target: DbTarget): Record<string, string> {
  return {
    LIQUIBASE_COMMAND_URL: jdbcUrl(target),
    LIQUIBASE_COMMAND_USERNAME: target.user,
    LIQUIBASE_COMMAND_PASSWORD: target.password,
    LIQUIBASE_ANALYTICS_ENABLED: "false",
    LIQUIBASE_SHOW_BANNER: "false",
  };
}

async function appliedCount(target: DbTarget): Promise<number> {
  const rows = await historyRows<{ n: unknown }>(target, "databasechangelog", "SELECT COUNT(*) AS n FROM databasechangelog");
  return Number(rows[0]?.n ?? 0);
}

function run(target: DbTarget, project: string, command: string[], what: string, opts: ToolRunOptions) {
  const { dir, file } = findChangelog(project);
  return runTool(
    {
      tool: "liquibase",
      target,
      file: installedBin("liquibase", "tools/install-liquibase.sh", opts),
      args: [`--search-path=${dir}`, ...command, `--changelog-file=${file}`, ...(opts.args ?? [])],
      env: env(target),
      cwd: dir,
      what,
    },
    opts,
  );
}

export const liquibase: MigrationTool = {
  name: "liquibase",
  historyTables: ["databasechangelog", "databasechangeloglock"],
  async migrate(target: DbTarget, project: string, opts: MigrateOptions = {}) {
    if (opts.to === undefined) return run(target, project, ["update"], "liquibase update", opts);
    // `to` is a total changeset count (what applied() returns); update-count takes the number still to run.
    const pending = Number(opts.to) - (await appliedCount(target));
    if (!Number.isInteger(pending)) throw new Error(`liquibase: "to" must be a changeset count, got "${opts.to}"`);
    return run(target, project, ["update-count", `--count=${Math.max(pending, 0)}`], "liquibase update-count", opts);
  },
  async undoAll(target: DbTarget, project: string, opts: ToolRunOptions = {}) {
    const n = await appliedCount(target);
    return run(target, project, ["rollback-count", `--count=${n}`], "liquibase rollback-count", opts);
  },
  async applied(target: DbTarget) {
    const n = await appliedCount(target);
    return n > 0 ? String(n) : undefined;
  },
};
