// Flyway's ignoreMigrationPatterns: which validation problems `validate` (and migrate's own validation)
// lets pass. Patterns are `type:state`, type one of versioned, repeatable, *; state one of missing,
// pending, ignored, future, *. Flyway's default is `*:future`; giving patterns replaces the default.
import { MigrationError } from "./errors.js";
import type { ValidationProblem } from "./types.js";

export const DEFAULT_IGNORE_PATTERNS: readonly string[] = ["*:future"];

const TYPES = ["*", "versioned", "repeatable"];
const STATES = ["*", "missing", "pending", "ignored", "future"];

export interface IgnorePattern {
  type: string;
  state: string;
}

/** Parses patterns (each entry may itself be comma-separated, as Flyway's option is). */
export function parseIgnorePatterns(patterns: readonly string[]): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const raw of patterns.flatMap((p) => p.split(","))) {
    const text = raw.trim();
    if (!text) continue;
    const [type = "", state = "", ...rest] = text.toLowerCase().split(":");
    const fix = `write type:state, type one of ${TYPES.join(", ")} and state one of ${STATES.join(", ")} (e.g. *:pending), in options.ignoreMigrationPatterns`;
    if (rest.length > 0 || !TYPES.includes(type) || !STATES.includes(state)) {
      throw new MigrationError("CONFIG", `invalid migration pattern "${text}": ${fix}`);
    }
    out.push({ type, state });
  }
  return out;
}

/** The Flyway state a problem is ignored by, and whether a typed pattern can match it. */
function stateOf(p: ValidationProblem): { state: string; typed: boolean } | undefined {
  switch (p.kind) {
    case "pending":
      return { state: "pending", typed: true };
    // Flyway lets an outdated repeatable pass only with `*:pending` (not `repeatable:pending`).
    case "outdated":
      return { state: "pending", typed: false };
    case "missing":
      return { state: "missing", typed: true };
    case "out-of-order":
      return { state: "ignored", typed: true };
    case "future":
      return { state: "future", typed: true };
    default:
      return undefined; // edited, renamed and failed migrations always fail
  }
}

/** The problems no pattern ignores. */
export function unignored(problems: readonly ValidationProblem[], patterns: readonly IgnorePattern[]): ValidationProblem[] {
  return problems.filter((p) => {
    const s = stateOf(p);
    if (!s) return true;
    const type = p.version === null ? "repeatable" : "versioned";
    return !patterns.some((pat) => (pat.state === "*" || pat.state === s.state) && (pat.type === "*" || (s.typed && pat.type === type)));
  });
}
