// Runs a migration tool with the connection in its environment, captures its output and scrubs every
// form of the password from it before anything is returned, thrown or shown.
import { existsSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { cacheDir } from "../../automation/servers/paths.js";
import type { DbTarget } from "../connection.js";
import { MigrationToolError, type ToolName, type ToolResult, type ToolRunOptions } from "./types.js";

/** Replaces the password (plain, URL-encoded) and any `user:secret@` URL credentials with ****. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join("****");
  }
  return out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+@/gi, "$1****@");
}

/** Where the installers put a tool's wrapper: `$DBTK_<NAME>_BIN`, else `<cache>/bin/<name>`. */
export function installedBin(name: string, installer: string): string {
  const override = process.env[`DBTK_${name.toUpperCase()}_BIN`];
  const bin = override || path.join(cacheDir(), "bin", name);
  if (!existsSync(bin)) {
    throw new Error(`${name} is not installed (looked for ${bin}): run ${installer}, or set DBTK_${name.toUpperCase()}_BIN`);
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
  const output = scrub(String(res.all ?? ""), secrets);
  const result: ToolResult = { tool: spec.tool, command: argv, exitCode: res.exitCode ?? 1, output };
  if (res.exitCode !== 0) {
    const tail = output.split("\n").slice(-30).join("\n");
    const why = res.failed && res.exitCode === undefined ? scrub(res.shortMessage ?? "", secrets) : `exit code ${res.exitCode}`;
    throw new MigrationToolError(`${spec.what} failed (${why}) on ${spec.target.engine} database "${spec.target.database}":\n${tail}`, result);
  }
  return result;
}
