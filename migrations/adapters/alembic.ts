// Alembic through the venv wrapper tools/install-alembic.sh installs. The URL goes in DBTK_DATABASE_URL,
// which the project's env.py reads (see examples/migrations/alembic/env.py); never `-x url=` on argv.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { sqlalchemyUrl, type DbTarget } from "../../core/connection.js";
import { installedBin, runTool } from "./exec.js";
import { historyRows } from "./history.js";
import type { MigrateOptions, MigrationTool, ToolRunOptions } from "./types.js";

function iniFile(project: string): string {
  const p = path.resolve(project);
  const ini = existsSync(p) && statSync(p).isFile() ? p : path.join(p, "alembic.ini");
  if (!existsSync(ini)) throw new Error(`alembic project ${p}: no alembic.ini; pass the project directory or its .ini file`);
  return ini;
}

function run(target: DbTarget, project: string, command: string[], opts: ToolRunOptions) {
  const ini = iniFile(project);
  return runTool(
    {
      tool: "alembic",
      target,
      file: installedBin("alembic", "tools/install-alembic.sh", opts),
      args: ["-c", ini, ...command, ...(opts.args ?? [])],
      env: { DBTK_DATABASE_URL: sqlalchemyUrl(target), PYTHONUNBUFFERED: "1" },
      cwd: path.dirname(ini),
      what: `alembic ${command.join(" ")}`,
    },
    opts,
  );
}

export const alembic: MigrationTool = {
  name: "alembic",
  historyTables: ["alembic_version"],
  migrate(target: DbTarget, project: string, opts: MigrateOptions = {}) {
    return run(target, project, ["upgrade", opts.to ?? "head"], opts);
  },
  undoAll(target: DbTarget, project: string, opts: ToolRunOptions = {}) {
    return run(target, project, ["downgrade", "base"], opts);
  },
  async applied(target: DbTarget) {
    const rows = await historyRows<{ version_num: string }>(target, "alembic_version", "SELECT version_num FROM alembic_version");
    return rows.length ? rows.map((r) => r.version_num).sort().join(",") : undefined;
  },
};
