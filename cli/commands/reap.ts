// dbtk reap: destroy what runs left behind when their guardian could not clean up (a crashed machine) —
// expired databases whose owner is gone (never a live run's), orphan logins, half-made pool clones of dead
// processes, optionally every database of a dead run — and trim the template cache and the pool.
import type { Command } from "commander";
import { reap } from "../../automation/reaper.js";
import { formatMs } from "../../automation/driver/progress.js";
import { cliTemplatePolicy } from "../environment.js";
import { withTarget } from "./shared.js";
import { addTargetOptions, type TargetFlags } from "./target-options.js";

interface ReapFlags extends TargetFlags {
  dryRun?: boolean;
  dead?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerReap(program: Command): void {
  const cmd = program
    .command("reap")
    .description("destroy expired ephemeral databases whose run is gone (and unexpired ones with --dead) and orphan logins; clean the template cache")
    .option("--dry-run", "list what would be destroyed; destroy nothing")
    .option("--dead", "also destroy unexpired databases whose run (a process on this host, by pid and start time) is gone")
    .option("--json", "print the result as JSON")
    .option("-q, --quiet", "no progress lines");
  addTargetOptions(cmd).action(async (flags: ReapFlags) => {
    await withTarget(
      flags,
      () => undefined,
      async (target, _none, progress, secrets) => {
        const t0 = performance.now();
        const result = await reap(target, { dryRun: flags.dryRun === true, dead: flags.dead === true, templates: cliTemplatePolicy() });
        for (const d of result.destroyed) progress.line(`${flags.dryRun ? "would destroy" : "destroyed"} ${d.id} (${d.reason}, owner ${d.owner})`);
        for (const t of result.templatesDropped) progress.line(`dropped template ${t}`);
        for (const f of result.failed) progress.line(`could not destroy ${f.id}: ${f.error}`);
        progress.line(
          `reap ${formatMs(performance.now() - t0)}: ${result.destroyed.length} ${flags.dryRun ? "to destroy" : "destroyed"}, ${result.kept} kept`,
        );
        if (flags.json) process.stdout.write(secrets.redact(JSON.stringify(result, null, 2)) + "\n");
        if (result.failed.length) process.exitCode = 1;
      },
    );
  });
}
