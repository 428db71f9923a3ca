// Packs the workspace's packages with `npm pack` and installs the tarballs into fresh folders outside the
// repository, as a user would. npm's cache (filled by the root `npm ci`) serves the pinned peers.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export const REPO = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

/** The environment without the npm_* variables `npx vitest` set, so a child npm acts as in a fresh shell. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, ...extra };
}

export async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 540_000 });
  } catch (err) {
    // Compilers print their errors on stdout: keep both streams in the failure.
    const e = err as Error & { stdout?: string; stderr?: string };
    e.message = `${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`;
    throw e;
  }
}

/** The versions the root lock pins, so installs hit npm's cache. */
export function pinned(names: string[]): string[] {
  const lock = JSON.parse(readFileSync(path.join(REPO, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
  return names.map((n) => {
    const v = lock.packages[`node_modules/${n}`]?.version;
    if (!v) throw new Error(`${n} is not in package-lock.json`);
    return `${n}@${v}`;
  });
}

export interface Tarballs {
  dir: string;
  cli: string;
  components: string;
  policy: string;
}

/** `npm pack` of the three packages (built first) into a temp folder. */
export async function packAll(): Promise<Tarballs> {
  await sh("npm", ["run", "build"], REPO);
  const dir = mkdtempSync(path.join(tmpdir(), "dbtk-pack-"));
  const { stdout } = await sh("npm", ["pack", "--json", "--pack-destination", dir, "--workspaces", "--include-workspace-root"], REPO);
  const packed = JSON.parse(stdout) as { name: string; filename: string }[];
  const file = (name: string) => {
    const p = packed.find((x) => x.name === name);
    if (!p) throw new Error(`npm pack did not produce ${name}: ${stdout}`);
    return path.join(dir, p.filename);
  };
  return { dir, cli: file("dbtk"), components: file("@dbtk/components"), policy: file("@dbtk/policy") };
}

/** The files `npm pack --dry-run` would publish for a workspace (or the root with ""). */
export async function packedFiles(workspace: string): Promise<string[]> {
  const args = ["pack", "--dry-run", "--json", ...(workspace ? ["-w", workspace] : [])];
  const { stdout } = await sh("npm", args, REPO);
  return (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path).sort();
}

/** A fresh folder outside the repo with `package.json` (and more files), then `npm install` of `specs`. */
export async function consumer(name: string, manifest: Record<string, unknown>, files: Record<string, string>, specs: string[]): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), `dbtk-${name}-`));
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "0.0.0", private: true, ...manifest }, null, 2));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  await sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...specs], dir);
  return dir;
}
