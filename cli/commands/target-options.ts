// Options every ephemeral-database command shares (--target, --engine, --server-url), the values they and
// the environment give, and the wrapper that turns any failure into a redacted message with an exit code.
import { Option, type Command } from "commander";
import { parseServerUrl, Secrets } from "../../core/connection.js";
import { DbtkError } from "../../core/errors.js";
import type { ServerPhase } from "../../core/servers/index.js";
import { formatMs } from "../../automation/driver/progress.js";
import { DEFAULT_POOL_SIZE } from "../../automation/driver/provision.js";
import { describeTargets, openTarget, targetNames, type TargetOptions } from "../../automation/targets/registry.js";
import type { Target } from "../../automation/targets/types.js";
import { engineSettings, environment, pauseHook, toolkitDirs } from "../environment.js";
import { cliWording } from "../wording.js";

export interface TargetFlags {
  target: string;
  engine?: string;
  serverUrl?: string;
  backendUrl?: string;
  verbose?: boolean;
}

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--target <name>", `where databases come from: ${targetNames.join(", ")}`).default(environment().DBTK_TARGET ?? "local"))
    .addOption(
      new Option(
        "--engine <engine>",
        "postgres or mysql (mariadb); for --target server: `direct` makes databases with plain SQL instead of a Pulumi stack",
      ),
    )
    .addOption(new Option("--server-url <url>", "admin URL of an existing server for --target server (default DBTK_SERVER_URL)"))
    .addOption(new Option("--backend-url <url>", "Pulumi backend for stack targets (default PULUMI_BACKEND_URL, else a local file backend)"))
    .addOption(new Option("-v, --verbose", "also show the Pulumi engine's output (stack targets)"))
    .addHelpText("after", `\nTargets:\n${cliWording(describeTargets())}\n`);
}

const ENGINES: Record<string, Pick<TargetOptions, "engine" | "via">> = {
  postgres: { engine: "postgres" },
  postgresql: { engine: "postgres" },
  pg: { engine: "postgres" },
  mysql: { engine: "mysql" },
  mariadb: { engine: "mysql" },
  direct: { via: "direct" },
  pulumi: { via: "pulumi" },
};

/** The target's options from the flags and the environment; every secret among them goes into `secrets`. */
export function targetOptions(flags: TargetFlags, secrets: Secrets): TargetOptions {
  const out: TargetOptions = { ...toolkitDirs(), ...engineSettings(), ...pauseHook() };
  for (const part of (flags.engine ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const e = ENGINES[part];
    if (!e) throw new DbtkError(`--engine ${part}: unknown; use postgres, mysql (or mariadb), or direct (plain SQL on --target server)`, 2);
    Object.assign(out, e);
  }
  const env = environment();
  const url = flags.serverUrl ?? env.DBTK_SERVER_URL;
  if (url) {
    secrets.addUrl(url);
    // Checked here, when it is used, so a bad URL names where it came from (flag or variable): a usage error.
    if (flags.target === "server" || flags.serverUrl) {
      try {
        parseServerUrl(url, flags.serverUrl ? "--server-url" : "DBTK_SERVER_URL");
      } catch (err) {
        throw new DbtkError((err as Error).message, 2);
      }
    }
    out.serverUrl = url;
  } else if (flags.target === "server") {
    throw new DbtkError(
      "target server needs the admin URL of an existing server: pass --server-url postgres://admin:password@host:5432/postgres " +
        "(or mysql://admin:password@host:3306), or set DBTK_SERVER_URL",
    );
  }
  secrets.add(env.PULUMI_CONFIG_PASSPHRASE, env.PULUMI_ACCESS_TOKEN);
  const backend = flags.backendUrl ?? env.PULUMI_BACKEND_URL;
  if (backend) out.backendUrl = backend;
  return out;
}

/**
 * Opens the target; `progress` receives the local server's start (`server start 1.9 s (…)`) when it had to
 * be started, and the engine's output only with --verbose.
 */
export async function openTargetFromFlags(
  flags: TargetFlags,
  secrets: Secrets,
  progress?: { line(text: string): void },
  onServerInitStart?: () => void,
): Promise<Target> {
  return openTarget(flags.target, {
    ...targetOptions(flags, secrets),
    ...(onServerInitStart ? { onServerInitStart } : {}),
    ...(progress ? { onServerPhase: (p: ServerPhase) => progress.line(`${p.phase} ${formatMs(p.ms)} (${p.detail})`) } : {}),
    ...(flags.verbose && progress ? { onProgress: (line: string) => progress.line(line) } : {}),
  });
}

/** The error's message in the CLI's terms, secrets blanked (and the cause's message, where drivers often hide it). */
export function safeMessage(err: unknown, secrets: Secrets): string {
  const e = err as Error & { cause?: unknown };
  let msg = e?.message ?? String(err);
  if (e?.cause instanceof Error && !msg.includes(e.cause.message)) msg += `: ${e.cause.message}`;
  return secrets.redact(cliWording(msg));
}

/** Runs a command body; any error comes out redacted, with its exit code (default 1). */
export async function guarded(secrets: Secrets, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const code = err instanceof DbtkError ? err.exitCode : 1;
    throw new DbtkError(safeMessage(err, secrets), code);
  }
}

/** A duration flag's value in ms, or an error naming the flag. */
export function ttlFrom(value: string | undefined, fallback: string, parse: (t: string, what: string) => number): number {
  try {
    return parse(value ?? fallback, "--ttl");
  } catch (err) {
    throw new DbtkError((err as Error).message, 2);
  }
}

/** `--pool`, else DBTK_POOL_SIZE, else the default (2). */
export function poolSizeFrom(value: string | number | undefined): number {
  const raw = value ?? environment().DBTK_POOL_SIZE;
  if (raw === undefined || raw === "") return DEFAULT_POOL_SIZE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new DbtkError(`pool size "${raw}" must be a whole number from 0 to 64 (--pool / DBTK_POOL_SIZE)`, 2);
  return n;
}
