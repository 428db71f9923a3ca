// dbtk up: a fresh migrated database that stays until `dbtk down <id>` (or its expiry and `dbtk reap`).
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { connectionEnv, databaseUrl } from "../../core/connection.js";
import { preloadMigrations, resolveSource } from "../../automation/driver/migrations.js";
import { provision } from "../../automation/driver/provision.js";
import { parseDuration } from "../../automation/targets/meta.js";
import { cliTemplatePolicy, owner, toolLocation } from "../environment.js";
import { addPoolOptions, addSourceOptions, withTarget, type ProvisionFlags } from "./shared.js";
import { addTargetOptions, poolSizeFrom, ttlFrom } from "./target-options.js";

interface UpFlags extends ProvisionFlags {
  saveEnv?: string;
}

/** `KEY=value` lines, quoted for POSIX shells when needed. */
function envLines(env: Record<string, string>): string {
  const quote = (v: string) => (/^[\w@%+=:,./-]*$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  return Object.entries(env)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join("\n");
}

export function registerUp(program: Command): void {
  const cmd = addSourceOptions(
    program
      .command("up")
      .description("create a migrated disposable database and print its connection (it stays until dbtk down or expiry)"),
  ).option("--ttl <duration>", "expiry, after which `dbtk reap` removes it", "2h");
  addPoolOptions(cmd, "recorded owner (default: the CI job, else user@host)")
    // Not --env-file: Node 20 reads that flag anywhere on its command line.
    .option("--save-env <file>", "also write the connection variables, password included, to this file (mode 0600)")
    .option("--json", "print JSON instead of KEY=value lines")
    .option("--show-secrets", "print the password (otherwise shown as ****; use --save-env to keep it out of logs)")
    .option("-q, --quiet", "no progress lines");
  addTargetOptions(cmd).action(async (flags: UpFlags) => {
    await withTarget(
      flags,
      () => ({
        source: resolveSource({ migrations: flags.migrations, tool: flags.tool, project: flags.project, ...toolLocation(flags.tool) }),
        ttlMs: ttlFrom(flags.ttl, "2h", parseDuration),
        poolSize: poolSizeFrom(flags.pool),
        templatePolicy: cliTemplatePolicy(),
      }),
      async (target, { source, ttlMs, poolSize, templatePolicy }, progress, secrets) => {
        const prov = await provision({
          target,
          source,
          ttlMs,
          trackPid: false,
          poolSize,
          templatePolicy,
          templates: flags.template,
          progress,
          owner: owner(flags.owner),
        });
        await prov.background;
        const { db } = prov;
        secrets.addConnection(db.connection);
        const env = connectionEnv(db.connection);
        if (flags.saveEnv) {
          // Tighten an existing file before the secret goes in (writeFileSync's mode applies only to new files).
          if (existsSync(flags.saveEnv)) chmodSync(flags.saveEnv, 0o600);
          writeFileSync(flags.saveEnv, envLines(env) + "\n", { mode: 0o600 });
          progress.line(`wrote ${flags.saveEnv} (0600)`);
        }
        const shown = (text: string) => (flags.showSecrets ? text : secrets.redact(text));
        if (flags.json) {
          const { password: _pw, ...conn } = db.connection;
          const out = {
            id: db.id,
            target: db.target,
            engine: db.connection.engine,
            owner: db.owner,
            createdAt: db.createdAt,
            expiresAt: db.expiresAt,
            connection: { ...conn, password: db.connection.password, url: databaseUrl(db.connection) },
            env,
          };
          process.stdout.write(shown(JSON.stringify(out, null, 2)) + "\n");
        } else {
          process.stdout.write(shown(`DBTK_ID=${db.id}\n${envLines(env)}`) + "\n");
        }
        progress.line(`up ${db.id} until ${db.expiresAt}; remove it with: dbtk down ${db.id}${flags.target !== "local" ? ` --target ${flags.target}` : ""}`);
      },
      ({ source }) => preloadMigrations(source, "postgres"),
    );
  });
}
