// The cloud drill: `pulumi up` of the drill program (the component in its restore mode) on a throw-away
// stack, validation of the copy against the source, RTO/RPO, then destroy and stack removal — always.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { PulumiFn } from "@pulumi/pulumi/automation/index.js";
import type { DbTarget } from "../../core/connection.js";
import { PulumiEngine } from "../engine/pulumi-engine.js";
import { resolveSettings, type EngineSettingsInput } from "../engine/settings.js";
import type { StackEngine } from "../engine/stack-engine.js";
import { TAGS } from "../engine/target.js";
import { defaultOwner } from "../targets/meta.js";
import { collectChecks, compareChecks, openSession, type DrillSession } from "./checks.js";
import { drillProgram, type CloudDrillSpec, type DrillConnection } from "./cloud-program.js";
import type { DrillReport, DrillValidation } from "./types.js";

/** One throw-away stack holding the scratch copy. */
export interface DrillStack {
  readonly name: string;
  /** Creates the copy; resolves to the program's outputs (plain values, secrets unwrapped). */
  up(): Promise<Record<string, unknown>>;
  /** Destroys every resource and removes the stack; must be safe to call after a failed `up`. */
  destroy(): Promise<void>;
}

/** Makes the drill's stack; `tags` (owner, expiry) go on it so a crashed drill's copy can be found. */
export type DrillStackFactory = (
  stackName: string,
  program: PulumiFn,
  config: Record<string, string>,
  tags: Record<string, string>,
) => Promise<DrillStack>;

/** Provider configuration the drill stack needs, from the drill spec. */
export function drillStackConfig(d: CloudDrillSpec): Record<string, string> {
  const c: Record<string, string> = {};
  if (d.cloud === "aws" && d.region) c["aws:region"] = d.region;
  if (d.cloud === "gcp") {
    if (d.region) c["gcp:region"] = d.region;
    if (d.project) c["gcp:project"] = d.project;
  }
  if (d.cloud === "azure" && d.region) c["azure:location"] = d.region;
  return c;
}

/** Tags a drill stack carries (owner, expiry), so a crashed drill's copy can be found and removed. */
export function drillStackTags(now = Date.now(), ttlMs = 4 * 3600_000, owner = defaultOwner()): Record<string, string> {
  return {
    [TAGS.owner]: owner.slice(0, 256),
    [TAGS.expiresAt]: new Date(now + ttlMs).toISOString(),
    "dbtk:purpose": "restore-drill",
  };
}

/**
 * The real factory: the toolkit's Pulumi engine (Automation API, one workspace per stack, pending
 * operations recovered before destroy, the stack removed after it).
 */
export function automationStackFactory(engine: EngineSettingsInput | StackEngine = {}): DrillStackFactory {
  let resolved: StackEngine | undefined = "up" in engine ? engine : undefined;
  return async (stackName, program, config, tags) => {
    resolved ??= new PulumiEngine(resolveSettings(engine as EngineSettingsInput));
    const e = resolved;
    return {
      name: stackName,
      up: async () => {
        const out = await e.up({ stack: stackName, program, config, tags });
        return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value]));
      },
      destroy: async () => {
        await e.destroy({ stack: stackName, rebuild: () => program });
      },
    };
  };
}

export interface CloudDrillOptions {
  spec: CloudDrillSpec;
  /** The source, to take the expected values from. Without it only the copy's readiness is proven. */
  source?: DbTarget;
  validation?: DrillValidation;
  stackFactory?: DrillStackFactory;
  /** Engine settings for the default stack factory (backend, passphrase, cache directory, PATH). */
  engine?: EngineSettingsInput;
  /** Recorded on the stack (default user@host). */
  owner?: string;
  /** How long the copy may take to answer after `up` (DNS, security groups). Default 10 min. */
  connectTimeoutMs?: number;
  onProgress?: (message: string) => void;
}

function connectionTarget(out: unknown): DbTarget {
  const c = out as Partial<DrillConnection> | undefined;
  if (!c?.host || !c.port || !c.user || !c.database || !c.engine) {
    throw new Error("the drill stack exported no usable `connection` output (host, port, user, database, engine)");
  }
  if (c.engine === "sqlserver") throw new Error("SQL Server copies cannot be validated: the toolkit has no SQL Server driver");
  if (c.password === undefined) {
    throw new Error("the copy's master password is managed by the cloud (secret ARN); give the drill a login it can use");
  }
  return { engine: c.engine, host: c.host, port: c.port, user: c.user, password: c.password, database: c.database };
}

async function waitForAnswer(t: DbTarget, timeoutMs: number): Promise<DrillSession> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const s = await openSession(t);
      await s.query("SELECT 1");
      return s;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(2000);
  }
  throw new Error(`the restored copy at ${t.host}:${t.port} did not answer within ${timeoutMs} ms (${last})`);
}

/** Runs the drill on a cloud; the stack is destroyed and removed whatever happens. */
export async function runCloudDrill(o: CloudDrillOptions): Promise<DrillReport> {
  const d = o.spec;
  const progress = o.onProgress ?? (() => undefined);
  const validation = o.validation ?? {};
  const startedAt = new Date().toISOString();
  const stackName = `${d.name}-${randomBytes(3).toString("hex")}`;
  const r = d.restore;
  const report: DrillReport = {
    target: d.cloud,
    engine: d.engine,
    method: r.mode,
    ok: false,
    restorePoint: r.mode === "snapshot" ? `snapshot ${r.snapshotId}` : (r.time ?? "latest restorable time"),
    rtoSeconds: 0,
    rpoBasis: "restore point minus the last transaction replayed into the copy (PostgreSQL only)",
    checks: [],
    scratch: { id: `stack ${stackName}`, destroyed: false },
    startedAt,
    finishedAt: startedAt,
  };
  const factory = o.stackFactory ?? automationStackFactory(o.engine);
  let stack: DrillStack | undefined;
  try {
    let expected: Map<string, string> | undefined;
    if (o.source) {
      const src = await openSession(o.source);
      try {
        expected = await collectChecks(src, validation);
      } finally {
        await src.close();
      }
    }
    stack = await factory(stackName, drillProgram(d), drillStackConfig(d), drillStackTags(Date.now(), undefined, o.owner));
    progress(`pulumi up ${stackName}: ${d.cloud} ${r.mode} restore of ${r.mode === "snapshot" ? r.snapshotId : r.sourceId}`);
    const t0 = performance.now();
    const outputs = await stack.up();
    const target = connectionTarget(outputs.connection);
    const copy = await waitForAnswer(target, o.connectTimeoutMs ?? 600_000);
    report.rtoSeconds = (performance.now() - t0) / 1000;
    try {
      if (expected) report.checks = await compareChecks(copy, expected, validation);
      else report.checks = [{ name: "copy answers queries", expected: "1", actual: "1", ok: true }];
      if (target.engine === "postgres" && r.mode === "point-in-time" && r.time) {
        const [row] = await copy.query("SELECT extract(epoch FROM ($1::timestamptz - pg_last_xact_replay_timestamp()))::text AS s", [r.time]);
        if (row?.s !== null && row?.s !== undefined) report.rpoSeconds = Number(row.s);
      }
    } finally {
      await copy.close();
    }
  } catch (err) {
    report.error = (err as Error).message;
  } finally {
    if (stack) {
      progress(`destroying ${stackName}`);
      try {
        await stack.destroy();
        report.scratch.destroyed = true;
      } catch (err) {
        report.error = [report.error, `destroy failed, remove stack ${stackName} by hand: ${(err as Error).message}`].filter(Boolean).join("; ");
      }
    } else {
      report.scratch.destroyed = true;
    }
  }
  report.finishedAt = new Date().toISOString();
  report.ok = !report.error && report.scratch.destroyed && report.checks.length > 0 && report.checks.every((c) => c.ok);
  return report;
}
