// Pieces several commands share: the ephemeral-target command body, its pool and source flags.
import type { Command } from "commander";
import { Secrets } from "../../core/connection.js";
import type { Progress } from "../../automation/driver/progress.js";
import type { Target } from "../../automation/targets/types.js";
import { cliWording } from "../wording.js";
import { guarded, openTargetFromFlags, type TargetFlags } from "./target-options.js";

/** Where `run`/`up` get their migrations: the built-in runner's folder or a team's tool. */
export function addSourceOptions(cmd: Command): Command {
  return cmd
    .option("--migrations <dir>", "migrations folder for the built-in runner (V1__name.sql …)")
    .option("--tool <name>", "run the team's migration tool instead: flyway, liquibase, alembic, dbmate")
    .option("--project <dir>", "the tool's project folder (with --tool)");
}

/** What `run` and `up` both parse: target, migrations source, expiry, pool and output flags. */
export interface ProvisionFlags extends TargetFlags {
  migrations?: string;
  tool?: string;
  project?: string;
  ttl?: string;
  pool?: string;
  /** False with --no-template. */
  template: boolean;
  owner?: string;
  json?: boolean;
  showSecrets?: boolean;
  quiet?: boolean;
}

/** Template-pool options `run`/`up` share. */
export function addPoolOptions(cmd: Command, owner: string): Command {
  return cmd
    .option("--pool <n>", "pre-made clones kept ready per template (default 2, DBTK_POOL_SIZE)")
    .option("--no-template", "migrate each database in place instead of cloning a migrated template")
    .option("--owner <name>", owner);
}

/** Progress lines on stderr (`dbtk: <text>`), in the CLI's terms, secrets blanked. */
export function stderrProgress(secrets: Secrets, opts: { quiet?: boolean; write?: (s: string) => void } = {}): Progress {
  const write = opts.write ?? ((s: string) => void process.stderr.write(s));
  return {
    secrets,
    line(text) {
      if (!opts.quiet) write(`dbtk: ${secrets.redact(cliWording(text))}\n`);
    },
  };
}

/**
 * Body of an ephemeral-target command: `prepare` checks the flags before anything is opened, then `body`
 * runs with the target, which is closed afterwards. Errors come out redacted; progress goes to stderr.
 * `whileServerInits` runs when the local server has to make its data directory first.
 */
export async function withTarget<P>(
  flags: TargetFlags & { quiet?: boolean },
  prepare: () => P,
  body: (target: Target, prepared: P, progress: Progress, secrets: Secrets) => Promise<void>,
  whileServerInits?: (prepared: P) => void,
): Promise<void> {
  const secrets = new Secrets();
  await guarded(secrets, async () => {
    const prepared = prepare();
    const progress = stderrProgress(secrets, { quiet: flags.quiet === true });
    const onInit = whileServerInits && (() => whileServerInits(prepared));
    const target = await openTargetFromFlags(flags, secrets, progress, onInit);
    try {
      await body(target, prepared, progress, secrets);
    } finally {
      await target.close();
    }
  });
}
