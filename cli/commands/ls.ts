// dbtk ls: the ephemeral databases a target holds, with state, owner, age and expiry; --all adds the pooled
// clones, the template cache and sizes.
import type { Command } from "commander";
import type { ListedDatabase } from "../../automation/targets/types.js";
import { withTarget } from "./shared.js";
import { addTargetOptions, type TargetFlags } from "./target-options.js";

interface LsFlags extends TargetFlags {
  json?: boolean;
  templates?: boolean;
  all?: boolean;
}

/** `42s`, `17m`, `3h`, `2d`: how long ago `iso` was. */
export function age(iso: string | undefined, now: number): string {
  const t = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(t)) return "-";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? "-" : `${(bytes / 1048576).toFixed(1)} MB`;
}

export function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [fmt(head), ...rows.map(fmt)];
}

export function registerLs(program: Command): void {
  const cmd = program
    .command("ls")
    .description("list the ephemeral databases on a target (expired ones and orphan logins are marked; dbtk reap removes them)")
    .option("--json", "print JSON")
    .option("--all", "also list pooled clones and the template cache, with sizes")
    .option("--templates", "also list the template cache");
  addTargetOptions(cmd).action(async (flags: LsFlags) => {
    await withTarget(flags, () => undefined, async (target, _none, progress, secrets) => {
      if (target.describe) progress.line(`${target.name}: ${await target.describe()}`);
      const now = Date.now();
      const all = flags.all === true;
      const listed = (await target.list(all ? { sizes: true } : {})).map((m) => ({ ...m, expired: Date.parse(m.expiresAt) <= now }));
      // Pooled clones are the cache's, not anyone's database: shown with --all.
      const isPool = (m: ListedDatabase) => m.state === "pool";
      const items = listed.filter((m) => !isPool(m));
      const pool = listed.filter(isPool);
      const listTemplates = all || flags.templates === true ? target.templates?.list?.bind(target.templates) : undefined;
      const templates = listTemplates ? await listTemplates() : undefined;
      if (flags.json) {
        const out = { target: target.name, databases: items, ...(all ? { pool } : {}), ...(templates ? { templates } : {}) };
        process.stdout.write(secrets.redact(JSON.stringify(out, null, 2)) + "\n");
        return;
      }
      const rows = items.map((m) => [
        m.id,
        m.state ?? "ready",
        m.owner,
        age(m.createdAt, now),
        m.expired ? `${m.expiresAt} (expired)` : m.expiresAt,
        ...(all ? [megabytes(m.sizeBytes)] : []),
      ]);
      const out = table(["ID", "STATE", "OWNER", "AGE", "EXPIRES", ...(all ? ["SIZE"] : [])], rows);
      if (rows.length === 0) out.push(`(no ephemeral databases on ${target.name})`);
      if (all) {
        out.push("", "POOL");
        const pr = pool.map((m) => [m.id, m.template?.slice(0, 16) ?? "-", age(m.createdAt, now), m.expiresAt, megabytes(m.sizeBytes)]);
        out.push(...(pr.length ? table(["ID", "TEMPLATE", "AGE", "EXPIRES", "SIZE"], pr) : ["(none)"]));
      } else if (pool.length) {
        out.push(`(+${pool.length} pooled clone${pool.length === 1 ? "" : "s"}: dbtk ls --all)`);
      }
      if (templates) {
        out.push("", "TEMPLATES");
        const tr = templates.map((t) => [t.name, t.state, megabytes(t.sizeBytes), age(t.builtAt, now), t.usedAt ? `${age(t.usedAt, now)} ago` : "-"]);
        out.push(...(tr.length ? table(["NAME", "STATE", "SIZE", "AGE", "USED"], tr) : ["(none)"]));
      }
      process.stdout.write(secrets.redact(out.join("\n")) + "\n");
    });
  });
}
