// Runs the rules on plain data, without the policy engine: what the pack does, for tests and tooling.
import { makeContext } from "./context.js";
import { rules as allRules } from "./rules/index.js";
import type { EnforcementLevel, PackConfig, PolicyResourceView, RuleConfig, RuleDefinition, Violation } from "./types.js";

/** The level and the settings one policy gets from a pack config entry. */
export function ruleSettings(rule: RuleDefinition, config: PackConfig = {}): { level: EnforcementLevel; overrides: RuleConfig } {
  const entry = config[rule.name] ?? config.all;
  if (typeof entry === "string") return { level: entry, overrides: {} };
  const { enforcementLevel, ...overrides } = entry ?? {};
  return { level: enforcementLevel ?? rule.enforcementLevel, overrides };
}

export interface EvaluateOptions {
  config?: PackConfig;
  stackTags?: ReadonlyMap<string, string> | Record<string, string>;
  /** Only these policies (by name). Default all. */
  only?: string[];
}

/** Every violation of the pack on `resources`, with each policy's effective enforcement level. */
export function evaluate(resources: readonly PolicyResourceView[], opts: EvaluateOptions = {}): Violation[] {
  const tags = opts.stackTags instanceof Map ? opts.stackTags : new Map(Object.entries(opts.stackTags ?? {}));
  const out: Violation[] = [];
  for (const rule of allRules) {
    if (opts.only && !opts.only.includes(rule.name)) continue;
    const { level, overrides } = ruleSettings(rule, opts.config);
    if (level === "disabled") continue;
    const ctx = makeContext(rule, resources, overrides, tags, (v) => out.push({ policy: rule.name, enforcementLevel: level, ...v }));
    rule.check(ctx);
  }
  return out;
}
