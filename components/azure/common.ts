// Pieces every Azure component shares: spec resolution + validation, the admin password in Key Vault,
// the customer-managed key with its identity and rights, diagnostics, delete locks, metric alerts and a
// few pure helpers.
import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import { URL_SAFE_PASSWORD, generatedPassword } from "../shared/password.js";
import { alarmThresholds } from "../spec/alarms.js";
import { resolveComponentSpec } from "../spec/component-args.js";
import { isKnownString } from "../spec/inputs.js";
import type { DatabaseSpec, ResourceRef } from "../spec/types.js";
import { SpecValidationError, validateSpec } from "../spec/validate.js";
import type { AzureFlexibleServerArgs, AzureSqlDatabaseArgs } from "./args.js";
import { azureComponentIssues, azureComponentWarnings } from "./checks.js";
import { reportWarnings } from "../shared/warnings.js";

type AnyArgs = AzureSqlDatabaseArgs | AzureFlexibleServerArgs;

/** Resolve, validate for Azure (once) and check the component's own rules; throws before anything is registered. */
export function checkedSpec(args: AnyArgs, component: "sql" | "postgres" | "mysql"): DatabaseSpec {
  const spec = resolveComponentSpec(args, "azure");
  const own = azureComponentIssues(spec, args, component);
  // The engine mismatch makes the generic rules meaningless for this component: report it alone.
  if (own.some((i) => i.path === "engine")) throw new SpecValidationError(own);
  const issues = validateSpec(spec, { cloud: "azure", environment: args.environment });
  if (issues.length > 0) throw new SpecValidationError(issues);
  if (own.length > 0) throw new SpecValidationError(own);
  return spec;
}

/** Log what the spec asks that the component honours only in part (after the component is registered). */
export function reportAzureWarnings(parent: pulumi.Resource, spec: DatabaseSpec, args: AnyArgs, component: "sql" | "postgres" | "mysql"): void {
  reportWarnings(parent, azureComponentWarnings(spec, args, component));
}

/** A Key Vault key id without its version, so a server follows rotations; Outputs are trimmed once known. */
export function versionlessKeyId(keyId: ResourceRef): pulumi.Input<string> {
  const trim = (id: string) => id.replace(/\/[0-9a-f]{32}$/i, "");
  return isKnownString(keyId) ? trim(keyId) : pulumi.output(keyId).apply(trim);
}

/** IPv4 CIDR -> first and last address, as Azure firewall rules take them. */
export function cidrToRange(cidr: string): { start: string; end: string } {
  const [ip, bitsText] = cidr.split("/");
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const octets = (ip ?? "").split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) || !(bits >= 0 && bits <= 32)) {
    throw new Error(`network.allowedCidrs: ${cidr} is not an IPv4 CIDR (Azure firewall rules take IPv4 ranges), e.g. 203.0.113.0/24`);
  }
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const start = base - (base % size);
  const toIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
  return { start: toIp(start), end: toIp(start + size - 1) };
}

/** Key Vault rotation policy for a created key: rotate automatically every `days` days. */
export function keyRotationPolicy(days: number) {
  return { automatic: { timeAfterCreation: `P${days}D` } };
}

interface Ctx {
  name: string;
  spec: DatabaseSpec;
  args: AnyArgs;
  parent: pulumi.Resource;
}

/** A random admin password, stored in Key Vault. The result is a secret output of @pulumi/random. */
export function adminPassword(c: Ctx) {
  const password = generatedPassword(c.parent, c.name, URL_SAFE_PASSWORD);
  const secret = new azure.keyvault.Secret(
    `${c.name}-password`,
    { keyVaultId: c.args.keyVaultId, name: `${c.spec.name}-admin-password`, value: password.result, contentType: "password", tags: { ...c.spec.tags } },
    { parent: c.parent, additionalSecretOutputs: ["value"] },
  );
  return { password: password.result, secret };
}

export interface CustomerKey {
  /** Versioned key id (Azure SQL TDE protector). */
  keyId: pulumi.Input<string>;
  /** Versionless key id, so flexible servers follow rotations. */
  versionlessKeyId: pulumi.Input<string>;
  identity: azure.authorization.UserAssignedIdentity;
  /** Rights the server must wait for. */
  grants: pulumi.Resource[];
}

/** Grant an identity get/wrap/unwrap on a vault, by role assignment or access policy. */
export function grantKeyRights(c: Ctx, suffix: string, vaultId: pulumi.Input<string>, identity: azure.authorization.UserAssignedIdentity): pulumi.Resource {
  if ((c.args.keyVaultAccess ?? "rbac") === "access-policy") {
    return new azure.keyvault.AccessPolicy(
      `${c.name}-key-access-${suffix}`,
      { keyVaultId: vaultId, tenantId: identity.tenantId, objectId: identity.principalId, keyPermissions: ["Get", "WrapKey", "UnwrapKey"] },
      { parent: c.parent },
    );
  }
  return new azure.authorization.Assignment(
    `${c.name}-key-access-${suffix}`,
    {
      scope: vaultId,
      roleDefinitionName: "Key Vault Crypto Service Encryption User",
      principalId: identity.principalId,
      principalType: "ServicePrincipal",
      skipServicePrincipalAadCheck: true,
    },
    { parent: c.parent },
  );
}

/** A key (created with rotation, or the spec's existing one) usable by a user-assigned identity. */
export function customerKey(c: Ctx, suffix = "primary", location = c.args.location, vaultId = c.args.keyVaultId, existingKeyId?: ResourceRef): CustomerKey | undefined {
  const atRest = c.spec.encryption.atRest;
  if (atRest.type !== "customer-key") return undefined;
  const identity = new azure.authorization.UserAssignedIdentity(
    `${c.name}-key-identity-${suffix}`,
    { resourceGroupName: c.args.resourceGroupName, location, tags: { ...c.spec.tags } },
    { parent: c.parent },
  );
  const keyIdGiven = existingKeyId ?? ("keyId" in atRest ? atRest.keyId : undefined);
  const grants = keyIdGiven === undefined || (c.args.grantKeyAccess ?? true) ? [grantKeyRights(c, suffix, vaultId, identity)] : [];
  if (keyIdGiven !== undefined) {
    return { keyId: keyIdGiven, versionlessKeyId: versionlessKeyId(keyIdGiven), identity, grants };
  }
  const key = new azure.keyvault.Key(
    `${c.name}-key-${suffix}`,
    {
      keyVaultId: vaultId,
      name: `${c.spec.name}-${suffix}-cmk`,
      keyType: "RSA",
      keySize: 3072,
      keyOpts: ["wrapKey", "unwrapKey"],
      rotationPolicy: keyRotationPolicy("rotationDays" in atRest && atRest.rotationDays !== undefined ? atRest.rotationDays : 365),
      tags: { ...c.spec.tags },
    },
    // Deleting the key makes the data and every backup encrypted with it unreadable.
    { parent: c.parent, protect: c.spec.deletionProtection },
  );
  return { keyId: key.id, versionlessKeyId: key.versionlessId, identity, grants };
}

/** Diagnostic setting sending logs and metrics to the spec's Log Analytics workspace, when one is given. */
export function diagnostics(
  c: Ctx,
  suffix: string,
  targetResourceId: pulumi.Input<string>,
  logs: { category?: string; categoryGroup?: string }[],
  metrics: string[],
): azure.monitoring.DiagnosticSetting | undefined {
  const workspace = c.spec.observability.logAnalyticsWorkspaceId;
  if (!workspace) return undefined;
  return new azure.monitoring.DiagnosticSetting(
    `${c.name}-diagnostics-${suffix}`,
    {
      name: `${c.spec.name}-${suffix}`,
      targetResourceId,
      logAnalyticsWorkspaceId: workspace,
      logAnalyticsDestinationType: "Dedicated",
      enabledLogs: logs,
      enabledMetrics: metrics.map((category) => ({ category })),
    },
    { parent: c.parent },
  );
}

/** A CanNotDelete management lock: Azure's deletion protection, enforced for every client. */
export function deleteLock(c: Ctx, suffix: string, scope: pulumi.Input<string>): azure.management.Lock | undefined {
  if (!c.spec.deletionProtection) return undefined;
  return new azure.management.Lock(
    `${c.name}-lock-${suffix}`,
    { scope, lockLevel: "CanNotDelete", notes: `deletionProtection of ${c.spec.name} (dbtk)` },
    { parent: c.parent },
  );
}

export interface AlertMetrics {
  /** Metric namespace of the primary and replicas, e.g. Microsoft.DBforPostgreSQL/flexibleServers. */
  namespace: string;
  /** Metric counting client connections or sessions. */
  connections: string;
  /** Replication-lag metric in seconds and the replicas (with their regions) it is read on (flexible servers). */
  lag?: { metric: string; scopes: { id: pulumi.Input<string>; location: string }[] };
}

/**
 * Metric alerts for spec.observability.alarms: CPU and storage always, connections when maxConnections is
 * set, replica lag when replicas exist (same metric names on SQL Database and flexible servers for CPU/storage).
 * Azure takes a multi-resource alert only over resources of one type in one region: one lag alert per region
 * (https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-metric-multiple-time-series-single-rule).
 */
export function metricAlerts(c: Ctx, scope: pulumi.Input<string>, m: AlertMetrics): azure.monitoring.MetricAlert[] {
  const asked = c.spec.observability.alarms;
  if (!asked.enabled) return [];
  const a = alarmThresholds(asked);
  const actions = asked.notificationTarget ? [{ actionGroupId: asked.notificationTarget }] : [];
  const here = c.args.location;
  const rules: { key: string; metricName: string; threshold: number; scopes: pulumi.Input<string>[]; location: string }[] = [
    { key: "cpu", metricName: "cpu_percent", threshold: a.cpuPercent, scopes: [scope], location: here },
    { key: "storage", metricName: "storage_percent", threshold: 100 - a.freeStoragePercent, scopes: [scope], location: here },
  ];
  if (a.maxConnections !== undefined) rules.push({ key: "connections", metricName: m.connections, threshold: a.maxConnections, scopes: [scope], location: here });
  const lag = m.lag;
  for (const location of [...new Set(lag?.scopes.map((s) => s.location) ?? [])]) {
    // The primary's region keeps the alert's original name, so upgrading stacks do not replace it.
    const key = location === here ? "replica-lag" : `replica-lag-${location}`;
    const scopes = lag!.scopes.filter((s) => s.location === location).map((s) => s.id);
    rules.push({ key, metricName: lag!.metric, threshold: a.replicaLagSeconds, scopes, location });
  }
  return rules.map(
    (r) =>
      new azure.monitoring.MetricAlert(
        `${c.name}-alert-${r.key}`,
        {
          resourceGroupName: c.args.resourceGroupName,
          scopes: r.scopes,
          // Alerts over several resources need their type and region spelled out.
          ...(r.scopes.length > 1 ? { targetResourceType: m.namespace, targetResourceLocation: r.location } : {}),
          description: `${c.spec.name}: ${r.metricName} above ${r.threshold}`,
          severity: 2,
          frequency: "PT1M",
          windowSize: "PT5M",
          criterias: [{ metricNamespace: m.namespace, metricName: r.metricName, aggregation: r.key === "cpu" || r.key === "storage" ? "Average" : "Maximum", operator: "GreaterThan", threshold: r.threshold }],
          actions,
          tags: { ...c.spec.tags },
        },
        { parent: c.parent },
      ),
  );
}

export { enginePorts } from "../spec/limits.js";
