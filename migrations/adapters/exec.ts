// Runs a migration tool with the connection in its environment, captures its output and scrubs every
// form of the password from it before anything is returned, thrown or shown.
import { existsSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { redact, type DbTarget } from "../../core/connection.js";
import { cacheDir } from "../../core/servers/paths.js";
import { MigrationToolError, type ToolName, type ToolResult, type ToolRunOptions } from "./types.js";

/** The tool's executable: `opts.bin`, else the wrapper the installers put at `<cacheDir>/bin/<name>`. */
export function installedBin(name: string, installer: string, opts: Pick<ToolRunOptions, "bin" | "cacheDir"> = {}): string {
  if (opts.bin) return opts.bin;
  const bin = path.join(cacheDir(opts), "bin", name);
  if (!existsSync(bin)) {
    throw new Error(`${name} is not installed (looked for ${bin}): run ${installer}, or pass options.bin`);
  }
  return bin;
}

/** An argument that is, or embeds (as `=pw`, `:pw@`, URL credentials), the password. */
function carriesSecret(arg: string, password: string): boolean {
  if (/\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:[^@\s/]+@/i.test(arg)) return true;
  if (!password) return false;
  return [password, encodeURIComponent(password)].some(
    (p) => arg === p || arg.includes(`=${p}`) || arg.includes(`:${p}@`),
  );
}

export interface RunSpec {
  tool: ToolName;
  target: DbTarget;
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** What the run was for, used in the error message ("flyway migrate"). */
  what: string;
}

/** Runs the tool; throws MigrationToolError (scrubbed output tail included) on a non-zero exit. */
export async function runTool(spec: RunSpec, opts: ToolRunOptions = {}): Promise<ToolResult> {
  const secrets = [spec.target.password];
  const argv = [spec.file, ...spec.args];
  for (const a of argv) {
    // A guard for adapters and user-given args alike: the command line is visible to every local user.
    if (carriesSecret(a, spec.target.password)) {
      throw new Error(`${spec.what}: refusing to put the database password on the command line; pass it in the environment`);
    }
  }
  const child = execa(spec.file, spec.args, {
    cwd: spec.cwd,
    env: { ...spec.env, ...opts.env },
    extendEnv: true,
    all: true,
    reject: false,
    stdin: "ignore",
    stripFinalNewline: true,
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  if (child.pid !== undefined) opts.onSpawn?.(child.pid, argv);
  const res = await child;
  const output = redact(String(res.all ?? ""), secrets);
  const result: ToolResult = { tool: spec.tool, command: argv, exitCode: res.exitCode ?? 1, output };
  if (res.exitCode !== 0) {
    const tail = output.split("\n").slice(-30).join("\n");
    const why = res.failed && res.exitCode === undefined ? redact(res.shortMessage ?? "", secrets) : `exit code ${res.exitCode}`;
    throw new MigrationToolError(`${spec.what} failed (${why}) on ${spec.target.engine} database "${spec.target.database}":\n${tail}`, result);
  }
  return result;
}
