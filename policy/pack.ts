// The rules as CrossGuard stack policies: each gets the stack's resources (outputs, dependencies), its
// configuration (environments, thresholds) and the stack tags, and reports through the engine.
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { makeContext } from "./context.js";
import { rules } from "./rules/index.js";
import type { PolicyResourceView, RuleConfig, RuleDefinition } from "./types.js";

const stringList = { type: "array", items: { type: "string" } } as const;

/** JSON schema of a rule's configuration, with its defaults (enforcementLevel is implicit). */
export function configSchema(rule: RuleDefinition): PolicyConfigSchema {
  const d = rule.defaults;
  return {
    properties: {
      environments: {
        ...stringList,
        description: "Environments (resource tag / stack tag `environment`) this policy applies to; omit for all.",
        ...(d.environments ? { default: d.environments } : {}),
      },
      ...(d.customerKeyEnvironments
        ? { customerKeyEnvironments: { ...stringList, description: "Environments that need a customer-managed key.", default: d.customerKeyEnvironments } }
        : {}),
      ...(d.minRetentionDays !== undefined
        ? { minRetentionDays: { type: "integer", minimum: 1, maximum: 365, description: "Minimum backup retention in days.", default: d.minRetentionDays } }
        : {}),
    },
  };
}

/** The engine's view of a resource, as the rules read it (props stay behind the engine's unknown-checking proxy). */
export function toView(r: PolicyResource): PolicyResourceView {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.props,
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, deps]) => [k, deps.map((d) => d.urn)])),
  };
}

export function toPolicy(rule: RuleDefinition): StackValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    remediationSteps: rule.remediationSteps,
    severity: rule.severity,
    enforcementLevel: rule.enforcementLevel,
    configSchema: configSchema(rule),
    validateStack: (args, reportViolation) => {
      const overrides = args.getConfig<RuleConfig>();
      const ctx = makeContext(rule, args.resources.map(toView), overrides, args.stackTags, (v) => reportViolation(v.message, v.urn));
      rule.check(ctx);
    },
  };
}

export const policies: StackValidationPolicy[] = rules.map(toPolicy);
