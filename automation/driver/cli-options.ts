// Options every ephemeral-database command shares (--target, --engine, --server-url), and the wrapper
// that turns any failure into a redacted message with an exit code.
import { Option, type Command } from "commander";
import { describeTargets, openTarget, targetNames, type TargetOptions } from "../targets/registry.js";
import type { Target } from "../targets/types.js";
import { DbtkError, safeMessage, Secrets } from "./progress.js";

export interface TargetFlags {
  target: string;
  engine?: string;
  serverUrl?: string;
  backendUrl?: string;
  verbose?: boolean;
}

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--target <name>", `where databases come from: ${targetNames.join(", ")}`).default(process.env.DBTK_TARGET ?? "local"))
    .addOption(
      new Option(
        "--engine <engine>",
        "postgres or mysql (mariadb); for --target server: `direct` makes databases with plain SQL instead of a Pulumi stack",
      ),
    )
    .addOption(new Option("--server-url <url>", "admin URL of an existing server for --target server (default DBTK_SERVER_URL)"))
    .addOption(new Option("--backend-url <url>", "Pulumi backend for stack targets (default PULUMI_BACKEND_URL, else a local file backend)"))
    .addOption(new Option("-v, --verbose", "also show the Pulumi engine's output (stack targets)"))
    .addHelpText("after", `\nTargets:\n${describeTargets()}\n`);
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

/** `--engine` takes one value or a comma list (e.g. `mysql,direct`). */
export function targetOptions(flags: TargetFlags, secrets: Secrets): TargetOptions {
  const out: TargetOptions = {};
  for (const part of (flags.engine ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const e = ENGINES[part];
    if (!e) throw new DbtkError(`--engine ${part}: unknown; use postgres, mysql (or mariadb), or direct (plain SQL on --target server)`, 2);
    Object.assign(out, e);
  }
  const url = flags.serverUrl ?? process.env.DBTK_SERVER_URL;
  if (url) {
    try {
      const u = new URL(url);
      secrets.add(decodeURIComponent(u.password), u.password, url);
    } catch {
      secrets.add(url); // unparsable: don't let any of it be echoed
    }
    out.serverUrl = url;
  }
  secrets.add(process.env.PULUMI_CONFIG_PASSPHRASE, process.env.PULUMI_ACCESS_TOKEN);
  const backend = flags.backendUrl ?? process.env.PULUMI_BACKEND_URL;
  if (backend) out.backendUrl = backend;
  return out;
}

/** Opens the target; `progress` receives the engine's output only with --verbose. */
export async function openTargetFromFlags(flags: TargetFlags, secrets: Secrets, progress?: { line(text: string): void }): Promise<Target> {
  return openTarget(flags.target, {
    ...targetOptions(flags, secrets),
    ...(flags.verbose && progress ? { onProgress: (line: string) => progress.line(line) } : {}),
  });
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
