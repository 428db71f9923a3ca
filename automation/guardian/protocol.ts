// What `dbtk run` tells its guardian, one JSON object per line on the guardian's stdin. The pipe is the
// only channel: the target's recipe holds secrets (admin password, passphrase), which never appear in a
// process's argv or environment. "done" means all is clean; the pipe closing without it means the run died.
import type { ProcessIdentity } from "../../core/process.js";
import type { TargetRecipe } from "../targets/types.js";
import type { RefillWork } from "../templates/refill.js";

export type GuardianMessage =
  /** First: whose databases to sweep (records naming this owner) and how to reopen the target. */
  | { t: "hello"; owner: ProcessIdentity; target: TargetRecipe; log?: string }
  /** A database this run is making or holds (its id is sent before anything is created). */
  | { t: "db"; id: string }
  /** No longer this run's to clean: torn down, or a finished pooled clone handed to the pool. */
  | { t: "release"; id: string }
  /** A template build under this run's lock: dropped if the build is left unfinished. */
  | { t: "template"; key: string }
  /** The command's process group (its leader's pid); 0 once the command has ended. */
  | { t: "group"; pgid: number }
  /** A helper process of the run (a pooler) to kill if the run dies, and its private folder to remove. */
  | { t: "proc"; proc: ProcessIdentity; dir?: string }
  /** The pool refill and template clean-up the run leaves to the guardian (done once the run is done). */
  | ({ t: "refill" } & RefillWork)
  | { t: "done" };

export function encodeMessage(m: GuardianMessage): string {
  return JSON.stringify(m) + "\n";
}

/** One line → a message, or undefined for anything malformed (ignored: the guardian must not crash on it). */
export function parseMessage(line: string): GuardianMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== "object") return undefined;
  const m = v as Record<string, unknown>;
  switch (m.t) {
    case "hello":
      return m.owner && typeof m.owner === "object" && m.target && typeof m.target === "object" ? (m as GuardianMessage) : undefined;
    case "db":
    case "release":
      return typeof m.id === "string" ? (m as GuardianMessage) : undefined;
    case "template":
      return typeof m.key === "string" ? (m as GuardianMessage) : undefined;
    case "group":
      return typeof m.pgid === "number" && Number.isInteger(m.pgid) && m.pgid >= 0 ? (m as GuardianMessage) : undefined;
    case "proc":
      return m.proc && typeof m.proc === "object" && typeof (m.proc as { pid?: unknown }).pid === "number" && (m.dir === undefined || typeof m.dir === "string")
        ? (m as GuardianMessage)
        : undefined;
    case "refill": {
      const p = m.policy as Record<string, unknown> | undefined;
      const ok = typeof m.key === "string" && Number.isInteger(m.poolSize) && (m.poolSize as number) >= 0 && !!p && typeof p === "object";
      return ok && typeof p.maxAgeMs === "number" && typeof p.maxBytes === "number"
        ? { t: "refill", key: m.key as string, poolSize: m.poolSize as number, policy: { maxAgeMs: p.maxAgeMs, maxBytes: p.maxBytes } }
        : undefined;
    }
    case "done":
      return { t: "done" };
    default:
      return undefined;
  }
}
