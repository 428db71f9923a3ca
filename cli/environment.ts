// Everything the CLI takes from its environment. The library reads no environment: each value is
// passed down as an option from here, so a library user gets the same behaviour only by asking for it.
import path from "node:path";
import { dirsFromEnv, type ToolkitDirs } from "../core/servers/paths.js";
import type { TemplatePolicy } from "../automation/driver/template-policy.js";
import { templatePolicy } from "../automation/driver/template-policy.js";
import type { EngineSettingsInput } from "../automation/engine/settings.js";
import { defaultOwner } from "../automation/targets/meta.js";

const env = (): Readonly<Record<string, string | undefined>> => process.env;

/** DBTK_CACHE_DIR (else $XDG_CACHE_HOME/dbtk) and DBTK_SERVERS_DIR. */
export function toolkitDirs(): ToolkitDirs {
  return dirsFromEnv(env());
}

/** The Pulumi engine's settings: PULUMI_CONFIG_PASSPHRASE(_FILE), PULUMI_BACKEND_URL, PATH, the cache. */
export function engineSettings(): Omit<EngineSettingsInput, "stateDir"> {
  const e = env();
  return {
    ...toolkitDirs(),
    // Set-but-empty is a valid (empty) passphrase: keep it.
    ...(e.PULUMI_CONFIG_PASSPHRASE !== undefined ? { passphrase: e.PULUMI_CONFIG_PASSPHRASE } : {}),
    ...(e.PULUMI_CONFIG_PASSPHRASE_FILE ? { passphraseFile: e.PULUMI_CONFIG_PASSPHRASE_FILE } : {}),
    ...(e.PULUMI_BACKEND_URL ? { backendUrl: e.PULUMI_BACKEND_URL } : {}),
    ...(e.PATH !== undefined ? { path: e.PATH } : {}),
  };
}

/** Where a migration tool runs from: `$DBTK_<TOOL>_BIN`, else the installers' `<cache>/bin`. */
export function toolLocation(tool: string | undefined): { bin?: string; cacheDir?: string } {
  const bin = tool && tool !== "command" ? env()[`DBTK_${tool.toUpperCase()}_BIN`] : undefined;
  const { cacheDir } = toolkitDirs();
  return { ...(bin ? { bin: path.resolve(bin) } : {}), ...(cacheDir ? { cacheDir } : {}) };
}

/** `--owner`, else DBTK_OWNER, the CI job, or user@host. */
export function owner(flag: string | undefined): string {
  return flag ?? defaultOwner(env());
}

/** DBTK_TEMPLATE_MAX_AGE and DBTK_TEMPLATE_MAX_MB. */
export function cliTemplatePolicy(): TemplatePolicy {
  return templatePolicy(env());
}

/** FLYWAY_PLACEHOLDERS_* / DBTK_PLACEHOLDERS_* are read by the migrate command itself (placeholdersFromEnv). */
export function environment(): Readonly<Record<string, string | undefined>> {
  return env();
}

/**
 * Test hook for crash tests: with DBTK_PAUSE_AT=create (or drop) the process says so on stderr and waits
 * while a database is half made (half dropped), until killed, so a test can SIGKILL it in a known state.
 * `create:2` pauses at the second creation (a pooled clone being filled after the run's own database).
 */
export function pauseHook(): { onCreating?: (id: string) => Promise<void>; onDropping?: (id: string) => Promise<void> } {
  const m = /^(create|drop)(?::(\d+))?$/.exec(env().DBTK_PAUSE_AT ?? "");
  if (!m) return {};
  const at = Number(m[2] ?? 1);
  let seen = 0;
  const pause = async (id: string): Promise<void> => {
    if (++seen !== at) return;
    process.stderr.write(`dbtk: paused at ${m[1]} of ${id} (DBTK_PAUSE_AT)\n`);
    await new Promise<never>(() => setInterval(() => undefined, 60_000));
  };
  return m[1] === "create" ? { onCreating: pause } : { onDropping: pause };
}

/**
 * The guardian's settings: the variables a stack target's tools need (no secrets: those go over its pipe),
 * and DBTK_GUARDIAN_LOG, a file it appends its actions to.
 */
export function guardianOptions(): { env: Record<string, string | undefined>; log?: string } {
  const e = env();
  return { env: { PATH: e.PATH, HOME: e.HOME, TMPDIR: e.TMPDIR }, ...(e.DBTK_GUARDIAN_LOG ? { log: e.DBTK_GUARDIAN_LOG } : {}) };
}

/** GITHUB_STEP_SUMMARY: the file GitHub renders on a job's page (the query report appends Markdown to it). */
export function stepSummaryFile(): string | undefined {
  return env().GITHUB_STEP_SUMMARY || undefined;
}

/** PATH, for tools looked up on it (pgbouncer). */
export function pathEnv(): { path?: string } {
  const p = env().PATH;
  return p ? { path: p } : {};
}

/**
 * Credentials and endpoint overrides for cloud restore points, by provider. AWS: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_ENDPOINT_URL_RDS (else AWS_ENDPOINT_URL). Google Cloud:
 * a bearer token in DBTK_GCP_ACCESS_TOKEN, else CLOUDSDK_AUTH_ACCESS_TOKEN or GOOGLE_OAUTH_ACCESS_TOKEN
 * (`gcloud auth print-access-token`), DBTK_GCP_SQLADMIN_ENDPOINT. Azure: DBTK_AZURE_ACCESS_TOKEN, else
 * AZURE_ACCESS_TOKEN (`az account get-access-token --query accessToken -o tsv`), DBTK_AZURE_ENDPOINT.
 */
export function cloudCredentials(provider: "aws" | "gcp" | "azure"): {
  endpoint?: string;
  token?: string;
  aws?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
} {
  const e = env();
  const endpoint = provider === "aws" ? (e.AWS_ENDPOINT_URL_RDS ?? e.AWS_ENDPOINT_URL) : provider === "gcp" ? e.DBTK_GCP_SQLADMIN_ENDPOINT : e.DBTK_AZURE_ENDPOINT;
  const token = provider === "gcp" ? (e.DBTK_GCP_ACCESS_TOKEN ?? e.CLOUDSDK_AUTH_ACCESS_TOKEN ?? e.GOOGLE_OAUTH_ACCESS_TOKEN) : provider === "azure" ? (e.DBTK_AZURE_ACCESS_TOKEN ?? e.AZURE_ACCESS_TOKEN) : undefined;
  const aws =
    provider === "aws" && e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY, ...(e.AWS_SESSION_TOKEN ? { sessionToken: e.AWS_SESSION_TOKEN } : {}) }
      : undefined;
  return { ...(endpoint ? { endpoint } : {}), ...(token ? { token } : {}), ...(aws ? { aws } : {}) };
}
