// References to other resources in a spec or in component args: a plain string, or a Pulumi Output /
// Promise from another resource or a StackReference. Like AWS CDK with unresolved tokens, shape checks
// (`vpc-…`, ARN formats) run on known strings only; unresolved values pass through to the provider args.
import * as pulumi from "@pulumi/pulumi";

/**
 * The id, ARN or self-link of another resource. A plain string is checked for shape when the spec is
 * validated; an Output or Promise (e.g. `vpc.id`, `stack.getOutput("subnetId")`) is passed to the
 * provider untouched and checked there.
 */
export type ResourceRef = pulumi.Input<string>;

/** True for a value known only at deploy time: a Pulumi Output or a Promise. */
export function isUnresolved(value: unknown): value is pulumi.Output<unknown> | PromiseLike<unknown> {
  if (pulumi.Output.isInstance(value)) return true;
  // An Output's proxy answers `then` with undefined, so only real thenables get here.
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** True for a known string; the shape checks of references apply only then. */
export function isKnownString(value: unknown): value is string {
  return typeof value === "string";
}

/** True for `{}`-style objects (not arrays, Outputs, Promises or class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A deep copy of plain objects and arrays; anything else (Outputs, Promises, primitives) is kept by
 * reference. structuredClone cannot copy an Output ("could not be cloned") and must not: it has to reach
 * the provider as the same Output to keep its dependencies.
 */
export function cloneSpecValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => cloneSpecValue(v)) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = cloneSpecValue(v);
  return out as T;
}

/** Placeholder for an unresolved value in messages (an Output's own toJSON is a warning text). */
export const UNRESOLVED = "<unresolved until deploy>";

/** `value` with every unresolved part replaced by UNRESOLVED, safe to JSON.stringify. */
export function displayable(value: unknown): unknown {
  if (isUnresolved(value)) return UNRESOLVED;
  if (Array.isArray(value)) return value.map(displayable);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, displayable(v)]));
  return value;
}
