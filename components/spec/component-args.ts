// Checks of the arguments every component shares (environment, spec or input), run before the spec is
// resolved: an untyped caller's `environment: "production"` or `enviroment: "prod"` is reported by name with
// the allowed values, not as a TypeError from deep inside the preset lookup.
import { isPlainObject } from "./inputs.js";
import { resolveSpec } from "./presets.js";
import type { Cloud, DatabaseSpec, Environment, SpecIssue, SpecSource } from "./types.js";
import { SpecValidationError, environmentIssue } from "./validate.js";

/** The arguments every component takes besides its cloud's own. */
export type ComponentSpecArgs = { environment: Environment } & SpecSource;

/** Edit distance, to recognise a misspelt argument name. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Problems with `environment` and `spec`/`input` in a component's arguments; empty when they are usable. */
export function componentArgIssues(args: unknown): SpecIssue[] {
  if (!isPlainObject(args)) {
    return [{ path: "(args)", value: args, message: "are missing; pass { environment, input } or { environment, spec }" }];
  }
  const issues: SpecIssue[] = [];
  const wrong = environmentIssue(args["environment"]);
  if (wrong) {
    const misspelt = args["environment"] === undefined
      ? Object.keys(args).find((k) => k !== "environment" && distance(k.toLowerCase(), "environment") <= 3)
      : undefined;
    issues.push(misspelt ? { ...wrong, message: `${wrong.message}; rename "${misspelt}" to "environment"` } : wrong);
  }
  const hasSpec = args["spec"] !== undefined;
  const hasInput = args["input"] !== undefined;
  if (hasSpec === hasInput) {
    issues.push({
      path: hasSpec ? "input" : "spec",
      value: undefined,
      message: hasSpec
        ? "is given together with spec; pass one of them"
        : "is missing; pass input (a partial spec laid over the environment's preset) or spec (a resolved DatabaseSpec)",
    });
  }
  return issues;
}

/**
 * The spec a component renders: `args.spec`, or `args.input` resolved over the environment's preset for
 * `cloud`. Throws SpecValidationError for unusable arguments; does not validate the spec itself.
 */
export function resolveComponentSpec(args: ComponentSpecArgs, cloud: Cloud): DatabaseSpec {
  const issues = componentArgIssues(args);
  if (issues.length > 0) throw new SpecValidationError(issues);
  return args.spec ?? resolveSpec(args.input, args.environment, cloud);
}
