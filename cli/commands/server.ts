// dbtk server status|stop: the local servers the toolkit starts on demand (embedded PostgreSQL, MariaDB, and
// the restore drill's sources) — whether each runs, on which pid and port, which version, for how long —
// and a clean stop. Data stays; the next command that needs a server starts it again.
import { existsSync } from "node:fs";
import path from "node:path";
import { Option, type Command } from "commander";
import { serversDir } from "../../core/servers/paths.js";
import type { LocalServerStatus } from "../../core/servers/status.js";
import { formatMs } from "../../automation/driver/progress.js";
import { toolkitDirs } from "../environment.js";
import { usage } from "./usage.js";

type Engine = "postgres" | "mysql";

interface ServerFlags {
  engine?: string;
  json?: boolean;
}

/** The local servers' folders under the servers directory: the targets' and the restore drills'. */
const SERVERS: ReadonlyArray<{ name: string; engine: Engine }> = [
  { name: "postgres", engine: "postgres" },
  { name: "mariadb", engine: "mysql" },
  { name: "drill-postgres", engine: "postgres" },
  { name: "drill-mariadb", engine: "mysql" },
];

function engineFilter(flags: ServerFlags): Engine | undefined {
  const e = flags.engine?.toLowerCase();
  if (e === undefined) return undefined;
  if (e === "postgres" || e === "postgresql" || e === "pg") return "postgres";
  if (e === "mysql" || e === "mariadb") return "mysql";
  throw usage(`--engine ${flags.engine}: unknown; use postgres or mysql (mariadb)`);
}

/** The servers to look at: every known folder that exists (the two target servers always), for the engine asked. */
function selected(flags: ServerFlags): Array<{ name: string; engine: Engine; rootDir: string }> {
  const engine = engineFilter(flags);
  const dir = serversDir(toolkitDirs());
  return SERVERS.filter((s) => !engine || s.engine === engine)
    .map((s) => ({ ...s, rootDir: path.join(dir, s.name) }))
    .filter((s) => !s.name.startsWith("drill-") || existsSync(s.rootDir));
}

function line(name: string, s: LocalServerStatus): string {
  if (!s.running) return `${name.padEnd(15)} ${s.initialised ? "stopped" : "not created"}${s.version ? `  ${s.version}` : ""}  ${s.dataDir}`;
  const parts = [
    `${name.padEnd(15)} running`,
    `pid ${s.pid}`,
    s.port ? `port ${s.port}` : "port ?",
    s.version ?? "version ?",
    s.uptimeSeconds !== undefined ? `up ${formatMs(s.uptimeSeconds * 1000)}` : "",
    s.answering ? "" : "(not answering the admin login)",
    s.dataDir,
  ];
  const extra = s.extraPids?.length ? `\n${" ".repeat(16)}also on this data directory: pid ${s.extraPids.join(", ")} (run dbtk server stop)` : "";
  return parts.filter(Boolean).join("  ") + extra;
}

export function registerServer(program: Command): void {
  const server = program
    .command("server")
    .description("the local database servers dbtk starts on demand: status, stop");
  const engineOption = () =>
    new Option("--engine <engine>", "only this engine's servers: postgres or mysql (mariadb)");

  server
    .command("status")
    .description("show whether each local server runs: pid, port, version, uptime, data directory")
    .addOption(engineOption())
    .option("--json", "print JSON")
    .action(async (flags: ServerFlags) => {
      const { localServerStatus } = await import("../../core/servers/status.js");
      const list = await Promise.all(selected(flags).map(async (s) => ({ name: s.name, ...(await localServerStatus(s.engine, s.rootDir)) })));
      if (flags.json) process.stdout.write(`${JSON.stringify({ servers: list }, null, 2)}\n`);
      else process.stdout.write(list.map((s) => line(s.name, s)).join("\n") + "\n");
    });

  server
    .command("stop")
    .description("stop the local servers (fast shutdown; data stays, the next command starts them again)")
    .addOption(engineOption())
    .option("--json", "print JSON")
    .action(async (flags: ServerFlags) => {
      const { localServerStatus, stopLocalServer } = await import("../../core/servers/status.js");
      const results: Array<{ name: string; engine: Engine; pid?: number; stopped: boolean; ms: number }> = [];
      for (const s of selected(flags)) {
        const before = await localServerStatus(s.engine, s.rootDir);
        const t0 = performance.now();
        const stopped = before.running ? await stopLocalServer(s.engine, s.rootDir) : false;
        results.push({ name: s.name, engine: s.engine, ...(before.pid ? { pid: before.pid } : {}), stopped, ms: Math.round(performance.now() - t0) });
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ servers: results }, null, 2)}\n`);
        return;
      }
      for (const r of results) {
        process.stdout.write(r.stopped ? `${r.name}: stopped (pid ${r.pid}, ${formatMs(r.ms)})\n` : `${r.name}: not running\n`);
      }
    });
}
