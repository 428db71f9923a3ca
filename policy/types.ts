// The engine-free shapes the guardrail rules work on: a stack's resources as plain data, and violations.

/** One resource as the rules see it: its type, name and properties (outputs in a stack check). */
export interface PolicyResourceView {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  /** URNs each property was computed from (`password` ← a random.RandomPassword, `serverId` ← a server). */
  propertyDependencies?: Record<string, string[]>;
  /**
   * Top-level properties whose values are secrets, when the caller knows it (tests under Pulumi mocks do;
   * the policy engine unwraps secrets before a validation runs, so there it is undefined).
   */
  secretProps?: ReadonlySet<string>;
}

/** Settings every rule takes from the pack configuration. */
export interface RuleConfig {
  /** Environments the rule applies to; a resource's environment comes from its tags, then the stack's. */
  environments?: string[];
  /** db-storage-encrypted / db-replicas-encrypted: environments that need a customer-managed key. */
  customerKeyEnvironments?: string[];
  /** db-backup-retention: minimum automated-backup retention in days. */
  minRetentionDays?: number;
}

export interface RuleViolation {
  /** The resource in violation; omitted for stack-wide findings. */
  urn?: string;
  message: string;
}

/** What a rule can ask about the stack. */
export interface RuleContext {
  readonly resources: readonly PolicyResourceView[];
  readonly config: RuleConfig;
  /** dev | staging | prod | … from the resource's `environment` tag/label, the stack tag, else `prod`. */
  environmentOf(r: PolicyResourceView): string;
  /** True when the rule's `environments` include the resource's environment (all when unset). */
  applies(r: PolicyResourceView): boolean;
  /** True when `r` must use a customer-managed key (its environment is in customerKeyEnvironments). */
  needsCustomerKey(r: PolicyResourceView): boolean;
  /**
   * Runs `fn` for each resource of the given types the rule applies to. A property unknown during preview
   * skips that resource (the engine cannot know it yet) instead of failing the whole rule.
   */
  each(types: readonly string[], fn: (r: PolicyResourceView) => void, opts?: { allEnvironments?: boolean }): void;
  report(r: PolicyResourceView | undefined, message: string): void;
}

export type EnforcementLevel = "advisory" | "mandatory" | "disabled";

export interface RuleDefinition {
  /** Policy name, e.g. `db-storage-encrypted`. */
  name: string;
  description: string;
  remediationSteps: string;
  severity: "low" | "medium" | "high" | "critical";
  enforcementLevel: EnforcementLevel;
  /** Defaults of the rule's configuration (the pack config overrides them). */
  defaults: RuleConfig;
  check(ctx: RuleContext): void;
}

/** A violation from the pure evaluator: the policy, its effective level, the resource and the message. */
export interface Violation extends RuleViolation {
  policy: string;
  enforcementLevel: Exclude<EnforcementLevel, "disabled">;
}

/** Pack configuration as in `--policy-pack-config`: per policy, a level or `{ enforcementLevel, ...config }`. */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & RuleConfig)>;
