// The guardian's side: read what the run says until the pipe closes. "done" → only the pool refill the run
// left to it, if any. Anything else (the run died) → kill the command's process group (TERM, then KILL after
// a second), drop every database the run was told of or that names the run as its owner, and any template
// build it left unfinished.
import { appendFileSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { liveness, type ProcessIdentity } from "../../core/process.js";
import type { Target, TargetRecipe } from "../targets/types.js";
import type { RefillWork } from "../templates/refill.js";
import { parseMessage } from "./protocol.js";

export interface GuardState {
  owner?: ProcessIdentity;
  recipe?: TargetRecipe;
  log?: string;
  ids: Set<string>;
  templates: Set<string>;
  pgid: number;
  /** Helper processes (a pooler) and their folders. */
  procs: Array<{ proc: ProcessIdentity; dir?: string }>;
  /** The pool refill the run left to the guardian. */
  refill?: RefillWork;
}

/** A command still running this long after the run handed its refill over: the refill starts beside it. */
export const REFILL_BESIDE_MS = 5000;

export interface GuardOptions {
  /** Called when the run is found dead, before the clean-up starts (the entry arms its deadline here). */
  onAbandoned?: () => void;
  /** Called when the run is done and a refill is left to do (the entry arms its deadline here too). */
  onDone?: () => void;
  /** Default {@link REFILL_BESIDE_MS}. */
  refillBesideMs?: number;
}

/** Reads messages until the pipe closes; returns what happened and the clean-up's report. */
export async function guard(input: Readable, opts: GuardOptions = {}): Promise<{ outcome: "done" | "cleaned" | "nothing"; report: string[] }> {
  const st: GuardState = { ids: new Set(), templates: new Set(), pgid: 0, procs: [] };
  const lines = createInterface({ input, crlfDelay: Infinity });
  // Once the run is done — after its teardown, so the clone's checkpoints do not hold up the run's DROP —
  // or beside a long command, where the clone costs nobody a wait.
  let refilling: Promise<void> | undefined;
  let beside: NodeJS.Timeout | undefined;
  const startRefill = (): Promise<void> => {
    clearTimeout(beside);
    if (!refilling && st.refill && st.recipe) {
      refilling = refillPool(st.recipe, st.refill, st.log);
    }
    return refilling ?? Promise.resolve();
  };
  for await (const line of lines) {
    const m = parseMessage(line);
    if (!m) continue;
    if (m.t === "done") {
      lines.close();
      if (st.refill) opts.onDone?.();
      await startRefill();
      return { outcome: "done", report: [] };
    }
    if (m.t === "refill") {
      const { t: _t, ...work } = m;
      st.refill = work;
      clearTimeout(beside);
      beside = setTimeout(() => void startRefill(), opts.refillBesideMs ?? REFILL_BESIDE_MS);
    }
    if (m.t === "hello") {
      st.owner = m.owner;
      st.recipe = m.target;
      if (m.log) st.log = m.log;
    } else if (m.t === "db") st.ids.add(m.id);
    else if (m.t === "release") st.ids.delete(m.id);
    else if (m.t === "template") st.templates.add(m.key);
    else if (m.t === "group") st.pgid = m.pgid;
    else if (m.t === "proc") st.procs.push({ proc: m.proc, ...(m.dir ? { dir: m.dir } : {}) });
  }
  // The run died: a refill already under way finishes (its clones are the guardian's); none starts.
  clearTimeout(beside);
  if (!st.recipe) return { outcome: "nothing", report: [] };
  opts.onAbandoned?.();
  const report = await cleanUp(st);
  writeLog(st.log, report);
  await refilling;
  return { outcome: "cleaned", report };
}

function writeLog(log: string | undefined, lines: string[]): void {
  if (!log || lines.length === 0) return;
  try {
    appendFileSync(log, lines.map((l) => `${new Date().toISOString()} guardian ${process.pid}: ${l}\n`).join(""));
  } catch {
    // A log is a convenience; cleaning up is the job.
  }
}

/** Tops the pool up and cleans the template cache, on a target of its own; never throws (best effort, as in a run). */
async function refillPool(recipe: TargetRecipe, work: RefillWork, log: string | undefined): Promise<void> {
  const t0 = Date.now();
  let target: Target | undefined;
  let line: string;
  try {
    target = await openRecipe(recipe);
    const { refill } = await import("../templates/refill.js");
    const made = target.templates ? await refill(target.templates, work) : 0;
    line = `refilled the pool of template ${work.key.slice(0, 16)}: ${made} clone${made === 1 ? "" : "s"} made in ${Date.now() - t0} ms`;
  } catch (err) {
    // The next run's refill, or reap, finishes it.
    line = `refill of template ${work.key.slice(0, 16)} failed: ${(err as Error).message}`;
  } finally {
    await target?.close().catch(() => undefined);
  }
  writeLog(log, [line]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * True while a running process is in group `pgid`. Zombies do not count: the run's orphans are reparented
 * to an init that may never reap them (some containers' pid 1), and a zombie holds nothing.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    return true; // no /proc: the signal's answer is all we have
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name: state, ppid, pgrp.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // ESRCH: the group is empty.
  }
}

/** TERM to the whole group, KILL to what is left after `graceMs`; resolves once the group is empty (or gives up). */
export async function stopGroup(pgid: number, graceMs = 1000): Promise<void> {
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, "SIGTERM");
  const t0 = Date.now();
  while (groupAlive(pgid) && Date.now() - t0 < graceMs) await sleep(25);
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, "SIGKILL");
  for (let i = 0; i < 40 && groupAlive(pgid); i++) await sleep(25);
}

/** Kills the run's helper processes (still the same process: identity, not just the pid) and removes their folders. */
async function stopHelpers(st: GuardState, report: string[]): Promise<void> {
  for (const { proc, dir } of st.procs) {
    if (liveness(proc) === "alive") {
      try {
        process.kill(proc.pid, "SIGKILL");
        report.push(`killed helper process ${proc.pid}`);
      } catch {
        // gone meanwhile
      }
    }
    if (dir && path.basename(dir).startsWith("dbtk-")) rmSync(dir, { recursive: true, force: true });
  }
}

async function openRecipe(recipe: TargetRecipe): Promise<Target> {
  if (recipe.kind === "sql") {
    // The plain-SQL target on the admin login: connects, starts nothing.
    const { directTarget, sqlServerFor } = await import("../targets/server.js");
    return directTarget(recipe.name, sqlServerFor(recipe.admin));
  }
  const { openTarget } = await import("../targets/registry.js");
  return openTarget(recipe.name, recipe.options);
}

async function attempt<T>(what: string, report: string[], fn: () => Promise<T>, tries = 3): Promise<T | undefined> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries) {
        report.push(`${what} failed: ${(err as Error).message}`);
        return undefined;
      }
      await sleep(250 * i);
    }
  }
}

/** Drops every database the run named or that names the run as its owner (pooled clones excepted). */
async function sweep(st: GuardState, target: Target, report: string[]): Promise<void> {
  const listed = await attempt("list", report, () => target.list());
  const present = new Set((listed ?? []).map((m) => m.id));
  const ids = new Set([...st.ids].filter((id) => !listed || present.has(id)));
  if (st.owner) {
    // Also what the run had not named yet (a claimed pooled clone, a clone being filled).
    const { ownedBy } = await import("../targets/meta.js");
    for (const m of listed ?? []) if (m.state !== "pool" && ownedBy(m, st.owner)) ids.add(m.id);
  }
  await Promise.all(
    [...ids].map(async (id) => {
      const ok = await attempt(`drop ${id}`, report, async () => (await target.destroy(id), true));
      if (ok) report.push(`dropped ${id}`);
    }),
  );
}

export async function cleanUp(st: GuardState): Promise<string[]> {
  const report: string[] = [];
  const t0 = Date.now();
  // The group goes first (nothing keeps using the database); the target opens meanwhile.
  const opening = st.recipe ? attempt("open target", report, () => openRecipe(st.recipe as TargetRecipe)) : Promise.resolve(undefined);
  if (st.pgid > 0) {
    await stopGroup(st.pgid);
    report.push(`stopped process group ${st.pgid}`);
  }
  await stopHelpers(st, report);
  const target = await opening;
  if (!target) return report;
  try {
    await sweep(st, target, report);
    for (const key of st.templates) {
      const dropped = await attempt(`template ${key.slice(0, 8)}`, report, async () => (await target.templates?.abandonBuild?.(key)) ?? false);
      if (dropped) report.push(`dropped unfinished template ${key.slice(0, 16)}`);
    }
    report.push(`clean-up took ${Date.now() - t0} ms`);
    // A creation the dead run left running on the server (a large clone) may commit after the first
    // sweep: look once more.
    await sleep(1000);
    await sweep(st, target, report);
  } finally {
    await target.close().catch(() => undefined);
  }
  return report;
}
