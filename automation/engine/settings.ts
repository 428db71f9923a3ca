// Where the engine lives and how every Pulumi CLI call is configured: the binary built by
// tools/install-pulumi.sh, the backend, the passphrase secrets provider, PULUMI_HOME and the per-stack
// workspace directories.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { redact } from "../../core/connection.js";
import { cacheDir } from "../../core/servers/paths.js";

export interface EngineSettingsInput {
  /** The user's own backend (`file://…`, `s3://…`, `https://api.pulumi.com`); default a file backend under stateDir. */
  backendUrl?: string;
  /** Secrets passphrase; "" is a valid (empty) passphrase. Default: passphraseFile, else generated (default backend only). */
  passphrase?: string;
  /** File holding the secrets passphrase (the CLI passes PULUMI_CONFIG_PASSPHRASE_FILE). */
  passphraseFile?: string;
  /** The toolkit's cache: the Pulumi CLI is `<cacheDir>/bin/pulumi`. Default `~/.cache/dbtk`. */
  cacheDir?: string;
  /** Local directory for the default file backend and the workspaces. Default `<cacheDir>/pulumi-state`. */
  stateDir?: string;
  /**
   * PATH the engine's processes search, after the CLI's own directory (the CLI passes its PATH). Default:
   * node's directory and the system directories.
   */
  path?: string;
}

const SYSTEM_PATH = ["/usr/local/bin", "/usr/bin", "/bin"];

export interface EngineSettings {
  /** Absolute path of the pulumi binary. */
  pulumiBin: string;
  /** Root for PulumiCommand.get: the binary is `<root>/bin/pulumi`. */
  pulumiRoot: string;
  backendUrl: string;
  /** True when the backend is our default file backend under stateDir. */
  defaultBackend: boolean;
  stateDir: string;
  /** One subdirectory per stack, never shared (#8186, #6287). */
  workRoot: string;
  pulumiHome: string;
  /** Environment for every CLI call (the passphrase included, possibly empty). */
  env: Record<string, string>;
  /** Values to blank out of any text we print. */
  secrets: string[];
}

/** The toolkit's node_modules (the one holding the single @pulumi/pulumi copy). */
export function toolkitNodeModules(): string {
  const entry = createRequire(import.meta.url).resolve("@pulumi/pulumi");
  const marker = `${path.sep}node_modules${path.sep}`;
  return entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1);
}

/** `<cacheDir>/bin/pulumi`, or an error naming the installer. */
export function findPulumi(dirs: { cacheDir?: string } = {}): { bin: string; root: string } {
  const root = cacheDir(dirs);
  const bin = path.join(root, "bin", "pulumi");
  const plugin = path.join(root, "bin", "pulumi-resource-pulumi-nodejs");
  if (!existsSync(bin)) {
    throw new Error(`the Pulumi CLI is not installed at ${bin}: run tools/install-pulumi.sh (it builds pulumi from Go modules)`);
  }
  if (!existsSync(plugin)) {
    throw new Error(
      `the dynamic-provider plugin is missing at ${plugin} (without it the engine tries a download: #9396): run tools/install-pulumi.sh`,
    );
  }
  return { bin, root };
}

function defaultPassphrase(stateDir: string): string {
  // A private passphrase per state directory, so secrets in the default backend are really encrypted.
  const file = path.join(stateDir, "passphrase");
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(24).toString("base64url"), { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return readFileSync(file, "utf8").trim();
}

export function resolveSettings(input: EngineSettingsInput, extraEnv: Record<string, string> = {}): EngineSettings {
  const { bin, root } = findPulumi(input);
  const stateDir = path.resolve(input.stateDir ?? path.join(cacheDir(input), "pulumi-state"));
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const defaultBackend = !input.backendUrl;
  const backendUrl = input.backendUrl ?? `file://${path.join(stateDir, "backend")}`;
  if (defaultBackend) mkdirSync(path.join(stateDir, "backend"), { recursive: true, mode: 0o700 });

  const env: Record<string, string> = {
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_BACKEND_URL: backendUrl,
    // Ephemeral stacks: no per-update backup copies piling up in a file backend.
    PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "true",
    // The dynamic-provider launcher next to the CLI, and its node_modules (#9396, #5578).
    PATH: [path.dirname(bin), input.path ?? [path.dirname(process.execPath), ...SYSTEM_PATH].join(path.delimiter)].join(path.delimiter),
    DBTK_NODE_MODULES: toolkitNodeModules(),
    ...extraEnv,
  };
  const secrets: string[] = [];
  if (input.passphrase !== undefined) {
    // Explicit, even when empty: an unset variable and "" are different things to the CLI (#6893).
    env.PULUMI_CONFIG_PASSPHRASE = input.passphrase;
  } else if (input.passphraseFile) {
    env.PULUMI_CONFIG_PASSPHRASE_FILE = input.passphraseFile;
  } else if (defaultBackend) {
    env.PULUMI_CONFIG_PASSPHRASE = defaultPassphrase(stateDir);
  } else {
    throw new Error(
      `backend ${redact(backendUrl)} needs the passphrase its stacks were made with: pass options.passphrase ("" for an empty one) or options.passphraseFile`,
    );
  }
  if (env.PULUMI_CONFIG_PASSPHRASE) secrets.push(env.PULUMI_CONFIG_PASSPHRASE);
  const workRoot = path.join(stateDir, "workspaces");
  mkdirSync(workRoot, { recursive: true });
  linkNodeModules(workRoot);
  return {
    pulumiBin: bin,
    pulumiRoot: root,
    backendUrl,
    defaultBackend,
    stateDir,
    workRoot,
    pulumiHome: path.join(cacheDir(input), "pulumi-home"),
    env,
    secrets,
  };
}

// The plugin runs in the workspace directory: a node_modules link above it lets `require` from there
// resolve the toolkit's packages too (#5578).
function linkNodeModules(workRoot: string): void {
  const link = path.join(workRoot, "node_modules");
  const target = toolkitNodeModules();
  try {
    if (existsSync(link) && realpathSync(link) === realpathSync(target)) return;
  } catch {
    // A dangling link is replaced below.
  }
  try {
    rmSync(link, { force: true });
    symlinkSync(target, link, "dir");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
}

/**
 * Exactly one copy of @pulumi/pulumi (#12942): a provider package with its own nested copy would register
 * resources with an SDK the engine never started ("Program run without the Pulumi engine").
 */
export function assertSinglePulumiSdk(packages: string[], from: string = import.meta.url): void {
  const req = createRequire(from);
  const ours = realpathSync(req.resolve("@pulumi/pulumi"));
  for (const pkg of packages) {
    let pkgEntry: string;
    try {
      pkgEntry = req.resolve(pkg);
    } catch {
      continue;
    }
    const theirs = realpathSync(createRequire(pkgEntry).resolve("@pulumi/pulumi"));
    if (theirs !== ours) {
      throw new Error(
        `two copies of @pulumi/pulumi: ${pkg} uses ${path.dirname(theirs)}, the program ${path.dirname(ours)}; run npm dedupe (one copy is required: pulumi/pulumi#12942)`,
      );
    }
  }
}

/** Provider plugins a cloud program needs: the npm SDK's version is the plugin's version. */
export function providerPlugins(kind: "aws" | "gcp" | "azure"): { name: string; version: string }[] {
  const nm = toolkitNodeModules();
  return [kind, "random"].map((name) => {
    const pkg = JSON.parse(readFileSync(path.join(nm, "@pulumi", name, "package.json"), "utf8")) as { version: string };
    return { name, version: pkg.version };
  });
}

/**
 * The plugins neither in PULUMI_HOME/plugins nor on PATH. Without them the CLI would try to download
 * them at `up` time, which fails slowly where the download site is unreachable.
 */
export function missingPlugins(plugins: { name: string; version: string }[], pulumiHome: string, pathEnv: string): string[] {
  const onPath = (bin: string) => pathEnv.split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, bin)));
  return plugins
    .filter((p) => !existsSync(path.join(pulumiHome, "plugins", `resource-${p.name}-v${p.version}`)) && !onPath(`pulumi-resource-${p.name}`))
    .map((p) => `${p.name} v${p.version}`);
}
