// dbtk purge: remove every dbtk database, pooled clone, orphan login and template on a target — a reset.
// It asks first on a terminal; elsewhere it needs --yes (exit 2 without it, nothing touched).
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { formatMs } from "../../automation/driver/progress.js";
import { purge, purgePlan } from "../../automation/reaper.js";
import { DbtkError } from "../../core/errors.js";
import { megabytes } from "./ls.js";
import { withTarget } from "./shared.js";
import { addTargetOptions, type TargetFlags } from "./target-options.js";

interface PurgeFlags extends TargetFlags {
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export function registerPurge(program: Command): void {
  const cmd = program
    .command("purge")
    .description("remove every dbtk database, pooled clone, orphan login and template on a target (live runs' too)")
    .option("-y, --yes", "do not ask (required without a terminal)")
    .option("--dry-run", "list what would be removed; remove nothing")
    .option("--json", "print the result as JSON")
    .option("-q, --quiet", "no progress lines");
  addTargetOptions(cmd).action(async (flags: PurgeFlags) => {
    await withTarget(
      flags,
      () => {
        if (!flags.yes && !flags.dryRun && !process.stdin.isTTY) {
          throw new DbtkError("purge removes every dbtk database on the target and asks first; without a terminal, pass --yes", 2);
        }
      },
      async (target, _none, progress, secrets) => {
        const t0 = performance.now();
        const plan = await purgePlan(target);
        const live = plan.databases.filter((d) => d.state !== "pool");
        const pooled = plan.databases.length - live.length;
        const bytes = plan.databases.reduce((s, d) => s + (d.sizeBytes ?? 0), 0);
        const what = `${live.length} database${live.length === 1 ? "" : "s"}, ${pooled} pooled clone${pooled === 1 ? "" : "s"}, ${plan.templates.length} template${plan.templates.length === 1 ? "" : "s"} (${megabytes(bytes)} without templates)`;
        for (const d of plan.databases) progress.line(`${flags.dryRun ? "would remove" : "to remove"} ${d.id} (${d.state ?? "ready"}, owner ${d.owner})`);
        for (const t of plan.templates) progress.line(`${flags.dryRun ? "would remove" : "to remove"} template ${t}`);
        if (!flags.dryRun && !flags.yes) {
          if (!(await confirm(`dbtk: remove ${what} on ${target.name}? [y/N] `))) {
            progress.line("purge: nothing removed");
            process.exitCode = 1;
            return;
          }
        }
        const result = flags.dryRun ? plan : await purge(target);
        for (const f of result.failed) progress.line(`could not remove ${f.id}: ${f.error}`);
        progress.line(`purge ${formatMs(performance.now() - t0)}: ${flags.dryRun ? "would remove" : "removed"} ${what}`);
        if (flags.json) process.stdout.write(secrets.redact(JSON.stringify(result, null, 2)) + "\n");
        if (result.failed.length) process.exitCode = 1;
      },
    );
  });
}
