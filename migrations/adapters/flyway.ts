// Flyway (open-source command line) through the wrapper tools/install-flyway.sh installs. The
// connection goes in FLYWAY_URL / FLYWAY_USER / FLYWAY_PASSWORD. The open-source edition has no undo.
import path from "node:path";
import { jdbcUrl, type DbTarget } from "../../core/connection.js";
import { installedBin, runTool } from "./exec.js";
import { historyRows } from "./history.js";
import type { MigrateOptions, MigrationTool } from "./types.js";

export function flywayEnv(target: DbTarget, project: string): Record<string, string> {
  return {
    FLYWAY_URL: jdbcUrl(target),
    FLYWAY_USER: target.user,
    FLYWAY_PASSWORD: target.password,
    FLYWAY_LOCATIONS: `filesystem:${path.resolve(project)}`,
  };
}

export const flyway: MigrationTool = {
  name: "flyway",
  historyTables: ["flyway_schema_history"],
  migrate(target: DbTarget, project: string, opts: MigrateOptions = {}) {
    return runTool(
      {
        tool: "flyway",
        target,
        file: installedBin("flyway", "tools/install-flyway.sh", opts),
        args: ["migrate", ...(opts.to ? [`-target=${opts.to}`] : []), ...(opts.args ?? [])],
        env: flywayEnv(target, project),
        cwd: path.resolve(project),
        what: "flyway migrate",
      },
      opts,
    );
  },
  async applied(target: DbTarget) {
    const rows = await historyRows<{ version: string }>(
      target,
      "flyway_schema_history",
      "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1",
    );
    return rows[0]?.version;
  },
};
