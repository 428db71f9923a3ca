// dbtk serve: a local pool server speaking IntegreSQL's HTTP API, so parallel test workers (vitest/jest
// workers, pytest-xdist, go test -p) each get a migrated database in about a millisecond from IntegreSQL's
// own clients — without Docker or a PostgreSQL of its own. Runs until SIGINT/SIGTERM, then drops every test
// database it made (finalized templates stay in the cache for the next start). With a command after `--`, it
// serves while the command runs (INTEGRESQL_CLIENT_BASE_URL in its environment), then stops.
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { formatMs } from "../../automation/driver/progress.js";
import { parseDuration } from "../../automation/targets/meta.js";
import { signalNumber } from "../../core/errors.js";
import type { PoolServer } from "../../automation/serve/index.js";
import { toolkitDirs } from "../environment.js";
import { interruptible } from "../interruptible.js";
import { usage } from "./usage.js";

interface ServeFlags {
  port: string;
  host: string;
  engine?: string;
  poolSize: string;
  max: string;
  lease: string;
  json?: boolean;
  quiet?: boolean;
}

function whole(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw usage(`${flag} "${value}" must be a whole number from ${min} to ${max}`);
  return n;
}

function engineOf(flag: string | undefined): "postgres" | "mysql" {
  const e = (flag ?? "postgres").toLowerCase();
  if (e === "postgres" || e === "postgresql" || e === "pg") return "postgres";
  if (e === "mysql" || e === "mariadb") return "mysql";
  throw usage(`--engine ${flag}: unknown; use postgres or mysql (mariadb)`);
}

/** What a client process needs: the npm client takes `url`; the Python and Go clients read this variable. */
export const clientEnv = (url: string): Record<string, string> => ({ INTEGRESQL_CLIENT_BASE_URL: `${url}/api` });

/** Runs `command` with the clients' variable; a signal to dbtk goes on to it. Resolves to its exit code. */
function runCommand(command: string[], env: Record<string, string>, signal: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0] as string, command.slice(1), { stdio: ["inherit", "inherit", "inherit"], env: { ...process.env, ...env } });
    const forward = (): void => void child.kill((signal.reason as { signal?: NodeJS.Signals } | undefined)?.signal ?? "SIGTERM");
    signal.addEventListener("abort", forward, { once: true });
    child.on("error", (err) => {
      process.stderr.write(`dbtk serve: ${command[0]}: ${err.message}\n`);
      resolve(127);
    });
    child.on("exit", (code, sig) => {
      signal.removeEventListener("abort", forward);
      resolve(code ?? 128 + signalNumber(sig ?? "SIGTERM"));
    });
  });
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("a local pool server speaking IntegreSQL's HTTP API: migrated test databases for parallel test workers")
    .argument("[command...]", "run this command (after --) with INTEGRESQL_CLIENT_BASE_URL set, then stop; its exit code is dbtk's")
    .option("--port <port>", "port to listen on (IntegreSQL's default; 0: any free port)", "5000")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--engine <engine>", "postgres (default) or mysql (the local MariaDB)")
    .option("--pool-size <n>", "test databases kept ready per template", "4")
    .option("--max <n>", "test databases per template at once; at the limit the oldest handed-out one is recycled", "64")
    .option("--lease <duration>", "a test database not returned (unlock/recreate) within this is recycled", "10m")
    .option("--json", "print {url, env, pid} as JSON on stdout once listening")
    .option("-q, --quiet", "no progress lines")
    .passThroughOptions()
    .action(async (command: string[], flags: ServeFlags) => {
      const port = whole(flags.port, "--port", 0, 65535);
      const poolSize = whole(flags.poolSize, "--pool-size", 0, 256);
      const max = whole(flags.max, "--max", 1, 4096);
      let leaseMs: number;
      try {
        leaseMs = parseDuration(flags.lease, "--lease");
      } catch (err) {
        throw usage((err as Error).message);
      }
      const engine = engineOf(flags.engine);
      const say = (line: string): void => void (flags.quiet || process.stderr.write(`dbtk serve: ${line}\n`));
      const { startPoolServer } = await import("../../automation/serve/index.js");
      await interruptible(
        async (signal) => {
          const t0 = performance.now();
          const srv: PoolServer = await startPoolServer({
            ...toolkitDirs(),
            engine,
            host: flags.host,
            port,
            poolSize,
            max,
            leaseMs,
            signal,
            onServerPhase: (p) => say(`${p.phase} ${formatMs(p.ms)}: ${p.detail}`),
          });
          const env = clientEnv(srv.url);
          if (flags.json) process.stdout.write(`${JSON.stringify({ url: srv.url, env, pid: process.pid })}\n`);
          else if (!command.length) process.stdout.write(`${srv.url}\n`);
          say(`IntegreSQL API on ${srv.url} (${engine}) in ${formatMs(performance.now() - t0)}; clients: url ${srv.url} or INTEGRESQL_CLIENT_BASE_URL=${env.INTEGRESQL_CLIENT_BASE_URL}`);
          if (command.length) {
            process.exitCode = await runCommand(command, env, signal);
          } else {
            say("Ctrl-C or SIGTERM stops it and drops every test database");
            await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
          }
          const t1 = performance.now();
          await srv.close();
          say(`stopped in ${formatMs(performance.now() - t1)}: test databases dropped, finalized templates kept in the cache`);
        },
        { resultReportsInterruption: true },
      );
    });
}
