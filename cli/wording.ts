// Library messages name the caller's options as the API spells them (`options.serverUrl`, `spec.region`);
// the CLI says the same in its own terms: flags, or the environment variables it reads.

type Rule = [RegExp, string | ((match: string, ...groups: string[]) => string)];

// Whole phrases first: where the CLI's fix reads differently from the library's.
const PHRASES: Rule[] = [
  [/the URL given by options\.serverUrl/g, "the URL given by --server-url or DBTK_SERVER_URL"],
  [
    /pass it in options\.placeholders \(([^:()]+): <value>\)/g,
    (_m, name: string) =>
      `pass --placeholder ${name}=<value>${name.startsWith("flyway:") ? "" : ` (or set FLYWAY_PLACEHOLDERS_${name.toUpperCase()})`}`,
  ],
  [/(\w+) is not installed \(looked for ([^)]*)\): run (\S+), or pass options\.bin/g, (_m, tool: string, where: string, installer: string) =>
    `${tool} is not installed (looked for ${where}): run ${installer}, or set DBTK_${tool.toUpperCase()}_BIN`],
  [/pass it as options\.args \(e\.g\. \["\.\/migrate\.sh"\]\)/g, "pass it after `--` (e.g. `dbtk tool command --project . -- ./migrate.sh`)"],
  [/pass options\.passphrase \("" for an empty one\) or options\.passphraseFile/g,
    'set PULUMI_CONFIG_PASSPHRASE (PULUMI_CONFIG_PASSPHRASE="" for an empty one) or PULUMI_CONFIG_PASSPHRASE_FILE'],
  [/ as rootDir or options\.serversDir/g, ", or set DBTK_SERVERS_DIR"],
  [/pass options\.serverUrl, e\.g\. /g, "pass --server-url "],
];

/** options.* / spec.* → the flag (or variable) a CLI user sets. */
export const OPTION_WORDS: Readonly<Record<string, string>> = {
  "options.serverUrl": "--server-url",
  "options.engine": "--engine",
  "options.via": "--engine",
  "options.target": "--target",
  "options.migrations": "--migrations",
  "options.dir": "--migrations",
  "options.tool": "--tool",
  "options.project": "--project",
  "options.createdb": "--createdb",
  "options.dbName": "--db-name",
  "options.as": "--as",
  "options.migrate": "--migrate",
  "options.hash": "--hash",
  "options.superuser": "--superuser",
  "options.pooler": "--pooler",
  "options.poolerMode": "--pooler-mode",
  "options.baseline": "--baseline",
  "options.reportJson": "--report-json",
  "options.ttl": "--ttl",
  "options.outOfOrder": "--out-of-order",
  "options.placeholders": "--placeholder",
  "options.ignoreMigrationPatterns": "--ignore-migration-patterns",
  "options.validateMigrationNaming": "--validate-migration-naming",
  "options.command": "the command after `--`",
  "options.args": "the command after `--`",
  "options.bin": "DBTK_<TOOL>_BIN",
  "options.serversDir": "DBTK_SERVERS_DIR",
  "options.cacheDir": "DBTK_CACHE_DIR",
  "options.passphrase": "PULUMI_CONFIG_PASSPHRASE",
  "options.passphraseFile": "PULUMI_CONFIG_PASSPHRASE_FILE",
  "spec.region": "--region",
  "spec.project": "--project",
  "spec.resourceGroupName": "--resource-group",
  "spec.keyVaultId": "--key-vault-id",
};

const NAME = /\b(?:options|spec)\.[A-Za-z]+\b/g;

/** A library message in the CLI's terms. */
export function cliWording(text: string): string {
  let out = text;
  for (const [re, to] of PHRASES) out = typeof to === "string" ? out.replace(re, to) : out.replace(re, to);
  return out.replace(NAME, (name) => OPTION_WORDS[name] ?? name);
}
