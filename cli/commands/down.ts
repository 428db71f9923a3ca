// dbtk down <id…>: destroys ephemeral databases (and their logins) made by run or up.
import type { Command } from "commander";
import { DbtkError } from "../../core/errors.js";
import { formatMs } from "../../automation/driver/progress.js";
import { ID_RE } from "../../automation/targets/meta.js";
import { withTarget } from "./shared.js";
import { addTargetOptions, type TargetFlags } from "./target-options.js";

interface DownFlags extends TargetFlags {
  json?: boolean;
  quiet?: boolean;
}

export function registerDown(program: Command): void {
  const cmd = program
    .command("down")
    .description("destroy ephemeral databases by id (from dbtk up or dbtk ls); destroying one that is gone is not an error")
    .argument("<id...>", "ids such as dbtk_mwvrlml0_37dwtgqh6d")
    .option("--json", "print what was destroyed as JSON")
    .option("-q, --quiet", "no progress lines");
  addTargetOptions(cmd).action(async (ids: string[], flags: DownFlags) => {
    await withTarget(
      flags,
      () => {
        for (const id of ids) {
          if (!ID_RE.test(id)) throw new DbtkError(`"${id}" is not an ephemeral database id (dbtk_<time>_<random>); see dbtk ls`, 2);
        }
      },
      async (target, _none, progress, secrets) => {
        const known = new Set((await target.list()).map((m) => m.id));
        const results: Array<{ id: string; found: boolean; ms: number }> = [];
        for (const id of ids) {
          const t0 = performance.now();
          await target.destroy(id);
          const ms = performance.now() - t0;
          results.push({ id, found: known.has(id), ms });
          progress.line(known.has(id) ? `down ${id} ${formatMs(ms)}` : `down ${id}: not found on ${target.name} (nothing to do)`);
        }
        if (flags.json) process.stdout.write(secrets.redact(JSON.stringify({ target: target.name, destroyed: results }, null, 2)) + "\n");
      },
    );
  });
}
