// validateSpec: structural checks (zod, schema.ts), then rules every cloud shares, prod rules and the
// chosen cloud's limits (cloud-rules.ts). Pure; returns every issue at once.
import type { z } from "zod";
import { cloudRules, show, type RuleContext } from "./cloud-rules.js";
import { engineLimits, reservedDatabaseNames } from "./limits.js";
import { featureRules } from "./feature-rules.js";
import { securityRules } from "./security-rules.js";
import { databaseSpecSchema, environmentSchema, windowPattern } from "./schema.js";
import type { Cloud, DatabaseSpec, Environment, SpecIssue } from "./types.js";

export type { RuleContext };

export interface ValidateOptions {
  cloud: Cloud;
  /** Turns on the prod rules (and the public-CIDR rule's dev exemption). */
  environment?: Environment;
}

function pathOf(segments: readonly PropertyKey[]): string {
  return segments
    .map((s, i) => (typeof s === "number" ? `[${s}]` : `${i === 0 ? "" : "."}${String(s)}`))
    .join("");
}

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let current = root;
  for (const s of segments) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[s];
  }
  return current;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** One zod issue in the toolkit's words: the value found and what to use instead. */
function fromZod(issue: z.core.$ZodIssue, root: unknown): SpecIssue[] {
  const value = valueAt(root, issue.path);
  const at = (message: string, segments = issue.path, v = value): SpecIssue => ({
    path: pathOf(segments),
    value: v,
    message,
  });
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return [at(`is missing; set a ${issue.expected === "int" ? "whole number" : issue.expected}`)];
      if (issue.expected === "int" && typeof value === "number") return [at(`${show(value)} is not a whole number; use an integer`)];
      return [at(`${show(value)} is a ${Array.isArray(value) ? "list" : typeof value}; use a ${issue.expected}`)];
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") return [at(`${show(value)} is too short; use at least ${plural(min, "character")}`)];
      if (issue.origin === "array") return [at(`has too few items; use at least ${min}`)];
      return [at(`${show(value)} is below the minimum; use ${issue.inclusive ? `${min} or more` : `more than ${min}`}`)];
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return [at(`${show(value)} is too long; use at most ${plural(max, "character")}`)];
      if (issue.origin === "array") return [at(`has too many items; use at most ${max}`)];
      return [at(`${show(value)} is above the maximum; use ${issue.inclusive ? `${max} or less` : `less than ${max}`}`)];
    }
    case "invalid_value":
      return [at(`${show(value)} is not allowed; use one of ${issue.values.map((v) => show(v)).join(", ")}`)];
    case "unrecognized_keys":
      return issue.keys.map((key) =>
        at("is not a known field; remove it or fix its spelling", [...issue.path, key], valueAt(value, [key])),
      );
    case "invalid_key": {
      const inner = issue.issues[0]?.message ?? "is not a valid key";
      return [at(`${show(issue.path.at(-1))} ${inner}`)];
    }
    case "invalid_element":
      return [at(`${show(value)} is not valid here`)];
    case "invalid_union": {
      // A reference (string or Output) that is neither: report it as the string it should be.
      const first = issue.errors[0]?.[0];
      if (first) return fromZod({ ...first, path: [...issue.path, ...first.path] } as z.core.$ZodIssue, root);
      return [at(`${show(value)} ${issue.message}`)];
    }
    default:
      // custom, invalid_format and invalid_union carry the schema's own message with the fix.
      return [at(`${show(value)} ${issue.message}`)];
  }
}

function generalRules(c: RuleContext): void {
  const { spec } = c;
  const { storage, backup, restore } = spec;
  if (storage.maxSizeGb !== undefined && storage.maxSizeGb < storage.sizeGb) {
    c.add("storage.maxSizeGb", storage.maxSizeGb,
      `${storage.maxSizeGb} is below storage.sizeGb (${storage.sizeGb}); use ${storage.sizeGb} or more, or omit it to turn autoscaling off`);
  }
  const window = backup.window?.match(windowPattern);
  if (window && window[1] === window[3] && window[2] === window[4]) {
    c.add("backup.window", backup.window, `${show(backup.window)} starts and ends at the same time; give it a length, e.g. "03:00-04:00"`);
  }
  if (backup.crossRegionCopy && backup.retentionDays === 0) {
    c.add("backup.crossRegionCopy", backup.crossRegionCopy,
      "copies automated backups, but backup.retentionDays is 0 (no backups); raise retentionDays or remove crossRegionCopy");
  }
  const atRest = spec.encryption.atRest;
  if (atRest.type === "customer-key") {
    const hasKey = "keyId" in atRest && atRest.keyId !== undefined;
    const creates = "create" in atRest && atRest.create === true;
    if (hasKey === creates) {
      c.add("encryption.atRest", atRest,
        `${show(atRest)} needs exactly one of keyId (an existing key) or create: true (a new key with rotation)`);
    }
    if (hasKey && "rotationDays" in atRest && atRest.rotationDays !== undefined) {
      c.add("encryption.atRest.rotationDays", atRest.rotationDays,
        `${atRest.rotationDays} applies only to keys the toolkit creates; remove it or use create: true instead of keyId`);
    }
  }
  if (restore?.mode === "point-in-time") {
    const latest = restore.useLatestRestorableTime === true;
    if (latest && restore.time !== undefined) {
      c.add("restore.time", restore.time,
        `${show(restore.time)} conflicts with useLatestRestorableTime: true; keep exactly one of them`);
    } else if (!latest && restore.time === undefined) {
      c.add("restore.time", undefined,
        'is missing; set an ISO-8601 UTC time (e.g. "2026-01-31T12:00:00Z") or useLatestRestorableTime: true');
    }
  }
  if (spec.observability.pgStatStatements === true && spec.engine !== "postgres") {
    c.add("observability.pgStatStatements", true,
      `true applies only to PostgreSQL, not ${spec.engine}; remove it (use queryInsights instead)`);
  }
  const reserved = reservedDatabaseNames[spec.engine];
  if (reserved?.includes(spec.databaseName.toLowerCase())) {
    c.add("databaseName", spec.databaseName,
      `${show(spec.databaseName)} is reserved on ${spec.engine}; use another name, e.g. "app"`);
  }
  if (!spec.network.private && c.environment !== "dev") {
    spec.network.allowedCidrs.forEach((cidr, i) => {
      if (cidr === "0.0.0.0/0" || cidr === "::/0") {
        c.add(`network.allowedCidrs[${i}]`, cidr,
          `${show(cidr)} on a public endpoint admits the whole internet (allowed only in dev); list your clients' CIDR blocks or set network.private true`);
      }
    });
  }
}

function prodRules(c: RuleContext): void {
  if (c.environment !== "prod") return;
  const { spec } = c;
  const need = (path: string, value: unknown, ok: boolean, fix: string) => {
    if (!ok) c.add(path, value, `${show(value)} is not allowed in prod; ${fix}`);
  };
  need("network.private", spec.network.private, spec.network.private, "set true (no public endpoint)");
  need("deletionProtection", spec.deletionProtection, spec.deletionProtection, "set true");
  need("encryption.inTransitRequired", spec.encryption.inTransitRequired, spec.encryption.inTransitRequired, "set true (TLS only)");
  need("encryption.atRest.type", spec.encryption.atRest.type, spec.encryption.atRest.type === "customer-key",
    'use "customer-key" with keyId or create: true');
  need("backup.finalSnapshot", spec.backup.finalSnapshot, spec.backup.finalSnapshot, "set true");
  need("backup.pointInTimeRecovery", spec.backup.pointInTimeRecovery, spec.backup.pointInTimeRecovery, "set true");
  need("highAvailability", spec.highAvailability, spec.highAvailability, "set true (standby in another zone)");
  // Where the cloud offers no replicas for this engine, cloud-rules reports any replica; don't demand one.
  const offered = c.limits ? c.limits.replicas.sameRegion + c.limits.replicas.crossRegion > 0 : true;
  const total = spec.replicas.reduce((sum, r) => sum + r.count, 0);
  if (offered && total < 1) {
    c.add("replicas", spec.replicas, `${show(spec.replicas)} has no replica, prod needs at least one; add e.g. [{ count: 1 }]`);
  }
}

/** The environment names, in the order messages list them. */
export const environments: readonly Environment[] = environmentSchema.options;

/**
 * The issue with an environment given as `value` (from untyped code or a misspelt key), or undefined when it
 * is one of the presets. `path` names the field the value came from.
 */
export function environmentIssue(value: unknown, path = "environment"): SpecIssue | undefined {
  if (environmentSchema.safeParse(value).success) return undefined;
  const allowed = environments.map((e) => show(e)).join(", ");
  if (value === undefined) return { path, value, message: `is missing; use one of ${allowed}` };
  const v = String(value).toLowerCase();
  const near = environments.find((e) => v.startsWith(e) || e.startsWith(v));
  return {
    path,
    value,
    message: `${show(value)} is not an environment; use one of ${allowed}${near && v !== "" ? ` (${show(near)}?)` : ""}`,
  };
}

/** Every problem in `spec` for `opts.cloud` (and `opts.environment`), each with path, value and fix. */
export function validateSpec(spec: DatabaseSpec, opts: ValidateOptions): SpecIssue[] {
  const parsed = databaseSpecSchema.safeParse(spec);
  const structural = parsed.success ? [] : parsed.error.issues.flatMap((i) => fromZod(i, spec));
  // An untyped caller's "production" would silently skip the prod rules.
  const badEnvironment = opts.environment === undefined ? undefined : environmentIssue(opts.environment);
  if (badEnvironment) structural.unshift(badEnvironment);
  if (typeof spec !== "object" || spec === null) return structural;
  const broken = structural.map((i) => i.path);
  const covered = (path: string) =>
    broken.some((b) => b === "" || path === b || path.startsWith(`${b}.`) || path.startsWith(`${b}[`) ||
      b.startsWith(`${path}.`) || b.startsWith(`${path}[`));
  const semantic: SpecIssue[] = [];
  const ctx: RuleContext = {
    spec,
    cloud: opts.cloud,
    environment: opts.environment,
    limits: engineLimits(opts.cloud, spec.engine),
    add(path, value, message, cloudSpecific = false) {
      if (!covered(path)) semantic.push(cloudSpecific ? { path, value, message, cloud: opts.cloud } : { path, value, message });
    },
  };
  for (const rule of [generalRules, prodRules, cloudRules, securityRules, featureRules]) {
    try {
      rule(ctx);
    } catch (error) {
      // A malformed spec (already reported above) can break a rule's assumptions; anything else is a bug.
      if (structural.length === 0) throw error;
    }
  }
  return [...structural, ...semantic];
}

/** Issues as lines of `- path: message`. */
export function formatIssues(issues: readonly SpecIssue[]): string {
  return issues.map((i) => `- ${i.path || "(spec)"}: ${i.message}`).join("\n");
}

/** Thrown by `assertValidSpec`; `issues` holds every problem found. */
export class SpecValidationError extends Error {
  readonly issues: SpecIssue[];
  constructor(issues: SpecIssue[]) {
    super(`Invalid database spec (${plural(issues.length, "issue")}):\n${formatIssues(issues)}`);
    this.name = "SpecValidationError";
    this.issues = issues;
  }
}

/** Returns `spec` unchanged when valid; otherwise throws SpecValidationError listing every issue. */
export function assertValidSpec(spec: DatabaseSpec, opts: ValidateOptions): DatabaseSpec {
  const issues = validateSpec(spec, opts);
  if (issues.length > 0) throw new SpecValidationError(issues);
  return spec;
}
