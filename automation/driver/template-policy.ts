// The template cache's limits, on their own: the CLI reads them from its environment at start-up without
// loading the provisioning code.
import { parseDuration } from "../targets/meta.js";

/** How long unused templates and pooled clones are kept, and how much space they may take. */
export interface TemplatePolicy {
  maxAgeMs: number;
  maxBytes: number;
}

export const DEFAULT_TEMPLATE_POLICY: Readonly<TemplatePolicy> = { maxAgeMs: 7 * 86_400_000, maxBytes: 2048 * 1024 * 1024 };

/**
 * The template policy an environment sets (front ends pass their own): DBTK_TEMPLATE_MAX_AGE (default 7d),
 * DBTK_TEMPLATE_MAX_MB (default 2048).
 */
export function templatePolicy(env: Readonly<Record<string, string | undefined>>): TemplatePolicy {
  const maxAgeMs = env.DBTK_TEMPLATE_MAX_AGE ? parseDuration(env.DBTK_TEMPLATE_MAX_AGE, "DBTK_TEMPLATE_MAX_AGE") : DEFAULT_TEMPLATE_POLICY.maxAgeMs;
  const mb = env.DBTK_TEMPLATE_MAX_MB ? Number(env.DBTK_TEMPLATE_MAX_MB) : DEFAULT_TEMPLATE_POLICY.maxBytes / 1024 / 1024;
  if (!Number.isFinite(mb) || mb < 0) throw new Error(`DBTK_TEMPLATE_MAX_MB: "${env.DBTK_TEMPLATE_MAX_MB}" is not a number of megabytes`);
  return { maxAgeMs, maxBytes: mb * 1024 * 1024 };
}
