// Helpers the rules share: property access that survives preview unknowns, environments from tags,
// and the links between a database and the resources around it (parameter groups, locks, alarms…).
import type { PolicyResourceView, RuleConfig, RuleContext, RuleDefinition, RuleViolation } from "./types.js";

/** The policy engine throws this (an internal class) when a rule reads a value unknown during preview. */
export function isUnknownValueError(err: unknown): boolean {
  return err instanceof Error && (err.constructor.name === "UnknownValueError" || /can't be known during preview/.test(err.message));
}

/** `fn()`, or `fallback` when it reads a value unknown during preview. */
export function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (err) {
    if (isUnknownValueError(err)) return fallback;
    throw err;
  }
}

/** A nested property by dotted path (`settings.ipConfiguration.sslMode`); undefined when absent. */
export function get(props: unknown, path: string): unknown {
  let cur: unknown = props;
  for (const key of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v)) ? Number(v) : undefined);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const ALIASES: Record<string, string> = { production: "prod", prd: "prod", stage: "staging", stg: "staging", development: "dev" };

/** The `environment` (or `env`) tag / label of a resource, normalised (production → prod). */
export function environmentTag(r: PolicyResourceView): string | undefined {
  for (const path of ["tags", "tagsAll", "labels", "userLabels", "settings.userLabels"]) {
    const tags = safe(() => get(r.props, path), undefined);
    if (typeof tags !== "object" || tags === null) continue;
    for (const [k, v] of Object.entries(tags)) {
      if (/^(environment|env)$/i.test(k) && typeof v === "string" && v) return ALIASES[v.toLowerCase()] ?? v.toLowerCase();
    }
  }
  return undefined;
}

/** True when `from.props[prop]` was computed from `to` (engine-provided dependency). */
export function dependsOn(from: PolicyResourceView, prop: string, to: PolicyResourceView): boolean {
  return (from.propertyDependencies?.[prop] ?? []).includes(to.urn);
}

const AZURE_PROVIDER_PATH: Record<string, string> = {
  "azure:mssql/server:Server": "microsoft.sql/servers",
  "azure:postgresql/flexibleServer:FlexibleServer": "microsoft.dbforpostgresql/flexibleservers",
  "azure:mysql/flexibleServer:FlexibleServer": "microsoft.dbformysql/flexibleservers",
};

/**
 * The ARM id path of an Azure database resource, without the subscription (`/resourcegroups/rg/providers/…`),
 * lower-cased, built from its outputs; undefined while unknown.
 */
export function azureIdSuffix(r: PolicyResourceView): string | undefined {
  return safe(() => {
    if (r.type === "azure:mssql/database:Database") {
      const server = str(r.props.serverId);
      const name = str(r.props.name);
      return server && name ? `${server}/databases/${name}`.toLowerCase().replace(/^\/subscriptions\/[^/]+/, "") : undefined;
    }
    const provider = AZURE_PROVIDER_PATH[r.type];
    const name = str(r.props.name);
    const rg = str(r.props.resourceGroupName);
    return provider && name && rg ? `/resourcegroups/${rg}/providers/${provider}/${name}`.toLowerCase() : undefined;
  }, undefined);
}

/** True when the ARM id `id` names `r` (same resource group, provider and name; subscription ignored). */
export function azureIdIs(id: unknown, r: PolicyResourceView): boolean {
  const suffix = azureIdSuffix(r);
  return typeof id === "string" && !!suffix && id.toLowerCase().replace(/^\/subscriptions\/[^/]+/, "") === suffix;
}

/** True when the ARM scope `scope` is `r` or contains it (a lock on the resource group covers the server). */
export function azureScopeCovers(scope: unknown, r: PolicyResourceView): boolean {
  const suffix = azureIdSuffix(r);
  if (typeof scope !== "string" || !suffix) return false;
  const s = scope.toLowerCase().replace(/^\/subscriptions\/[^/]+/, "").replace(/\/$/, "");
  return s === "" || suffix === s || suffix.startsWith(`${s}/`);
}

/** The server an Azure SQL database lives on, when it is in the stack. */
export function mssqlServerOf(db: PolicyResourceView, all: readonly PolicyResourceView[]): PolicyResourceView | undefined {
  return all.find((s) => s.type === "azure:mssql/server:Server" && (dependsOn(db, "serverId", s) || safe(() => azureIdIs(db.props.serverId, s), false)));
}

/** Builds the context a rule runs in; violations go to `sink`. */
export function makeContext(
  rule: RuleDefinition,
  resources: readonly PolicyResourceView[],
  overrides: RuleConfig,
  stackTags: ReadonlyMap<string, string>,
  sink: (v: RuleViolation) => void,
): RuleContext {
  const config: RuleConfig = { ...rule.defaults, ...overrides };
  const stackEnv = stackTags.get("environment") ?? stackTags.get("env");
  const environmentOf = (r: PolicyResourceView) => {
    const e = environmentTag(r) ?? stackEnv?.toLowerCase() ?? "prod";
    return ALIASES[e] ?? e;
  };
  const applies = (r: PolicyResourceView) => !config.environments || config.environments.includes(environmentOf(r));
  const ctx: RuleContext = {
    resources,
    config,
    environmentOf,
    applies,
    needsCustomerKey: (r) => (config.customerKeyEnvironments ?? []).includes(environmentOf(r)),
    each(types, fn, opts) {
      for (const r of resources) {
        if (!types.includes(r.type)) continue;
        try {
          if (!opts?.allEnvironments && !applies(r)) continue;
          fn(r);
        } catch (err) {
          if (!isUnknownValueError(err)) throw err;
        }
      }
    },
    report(r, message) {
      sink(r ? { urn: r.urn, message } : { message });
    },
  };
  return ctx;
}
