// dbtk ls: the ephemeral databases a target holds, with owner, age and expiry.
import type { Command } from "commander";
import { withTarget } from "./shared.js";
import { addTargetOptions, type TargetFlags } from "./target-options.js";

interface LsFlags extends TargetFlags {
  json?: boolean;
  templates?: boolean;
}

export function registerLs(program: Command): void {
  const cmd = program
    .command("ls")
    .description("list the ephemeral databases on a target (expired ones are marked; dbtk reap removes them)")
    .option("--json", "print JSON")
    .option("--templates", "also list the template cache");
  addTargetOptions(cmd).action(async (flags: LsFlags) => {
    await withTarget(flags, () => undefined, async (target, _none, progress, secrets) => {
      if (target.describe) progress.line(`${target.name}: ${await target.describe()}`);
      const now = Date.now();
      const items = (await target.list()).map((m) => ({ ...m, expired: Date.parse(m.expiresAt) <= now }));
      if (flags.json) {
        const templates = flags.templates && target.templates?.list ? await target.templates.list() : undefined;
        process.stdout.write(secrets.redact(JSON.stringify({ target: target.name, databases: items, ...(templates ? { templates } : {}) }, null, 2)) + "\n");
        return;
      }
      const rows = items.map((m) => [m.id, m.state ?? "ready", m.owner, m.createdAt, m.expired ? `${m.expiresAt} (expired)` : m.expiresAt]);
      const head = ["ID", "STATE", "OWNER", "CREATED", "EXPIRES"];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
      const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
      const out = [fmt(head), ...rows.map(fmt)];
      if (rows.length === 0) out.push(`(no ephemeral databases on ${target.name})`);
      process.stdout.write(secrets.redact(out.join("\n")) + "\n");
      if (flags.templates && target.templates?.list) {
        const tpls = await target.templates.list();
        const lines = tpls.map((t) => `${t.name}  ${t.state}  ${(t.sizeBytes / 1048576).toFixed(1)} MB  used ${t.usedAt ?? "-"}`);
        process.stdout.write(`\nTEMPLATES\n${lines.length ? lines.join("\n") : "(none)"}\n`);
      }
    });
  });
}
