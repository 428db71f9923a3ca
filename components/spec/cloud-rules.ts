// Per-cloud rules: the limits table (limits.ts) applied to a spec. Every issue here is cloud-specific and
// its message names the cloud or product.
import {
  awsAutoscalingHeadroomPercent, awsKmsRotationDays, awsMasterUsernameMax, awsMinWindowMinutes,
  awsMonitoringIntervals, awsProxyIdleTimeoutMax, azureKeyVaultMinRotationDays, azureLongTermRetention,
  cloudLimits, fixedMaintenanceMinutes, reservedUsernames, tagRules,
} from "./limits.js";
import type { EngineLimits } from "./limits.js";
import { awsFeatureRules, awsOnlyFieldRules } from "./aws-rules.js";
import { displayable, isKnownString } from "./inputs.js";
import { windowPattern } from "./schema.js";
import type { Cloud, DatabaseSpec, Environment, Size } from "./types.js";

/** What a rule sees; `add(..., true)` marks the issue as the chosen cloud's limit. */
export interface RuleContext {
  spec: DatabaseSpec;
  cloud: Cloud;
  environment?: Environment;
  limits: EngineLimits | undefined;
  add(path: string, value: unknown, message: string, cloudSpecific?: boolean): void;
}

/** A value as it appears in messages: strings quoted, objects as short JSON, Outputs as a placeholder. */
export function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const json = JSON.stringify(displayable(value)) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

type Add = (path: string, value: unknown, message: string) => void;

/** A known string that does not match: references still unresolved (Outputs) are left to the provider. */
function malformed(value: unknown, pattern: RegExp): boolean {
  return isKnownString(value) && !pattern.test(value);
}

const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const week = 7 * 1440;

/** Start minute of day and length in minutes of a `hh:mm-hh:mm` window (may cross midnight). */
function parseWindow(window: string): { start: number; length: number } | undefined {
  const m = window.match(windowPattern);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  return { start, length: (end - start + 1440) % 1440 };
}

function overlaps(aStart: number, aLength: number, bStart: number, bLength: number): boolean {
  // Compare on a weekly circle: shift b by a week either way so wrap-around is caught.
  return [-week, 0, week].some((shift) => aStart < bStart + shift + bLength && bStart + shift < aStart + aLength);
}

function majorVersion(spec: DatabaseSpec): string {
  const parts = spec.engineVersion.split(".");
  return spec.engine === "mysql" ? parts.slice(0, 2).join(".") : (parts[0] ?? "");
}

function instanceClasses(spec: DatabaseSpec): { path: string; value: string }[] {
  const sizes: { path: string; size: Size | undefined }[] = [
    { path: "size.instanceClass", size: spec.size },
    ...spec.replicas.map((r, i) => ({ path: `replicas[${i}].size.instanceClass`, size: r.size })),
  ];
  return sizes.flatMap(({ path, size }) => (size && "instanceClass" in size ? [{ path, value: size.instanceClass }] : []));
}

/** Rules driven by the per-engine limits table; the same code for every cloud. */
function limitRules(c: RuleContext, add: Add): void {
  const { spec, limits } = c;
  const label = cloudLimits[c.cloud].label;
  if (!limits) return;
  const { product } = limits;
  if (!limits.versions.includes(majorVersion(spec))) {
    add("engineVersion", spec.engineVersion,
      `${show(spec.engineVersion)} is not a ${spec.engine} version the toolkit supports on ${product}; use one of ${limits.versions.join(", ")}`);
  }
  const { retentionDays: r, pointInTimeRecovery: pitr } = spec.backup;
  const range = limits.retentionDays;
  if (r < range.min || r > range.max) {
    add("backup.retentionDays", r, `${r} is outside ${range.min}–${range.max} days on ${product}; use ${range.min}–${range.max}`);
  } else if (pitr && r < 1) {
    add("backup.retentionDays", r,
      `${r} turns backups and PITR off on ${product}; use 1–${range.max}, or set backup.pointInTimeRecovery false`);
  }
  if (!pitr && !limits.pitrCanBeDisabled && !(c.cloud === "aws" && r === 0)) {
    add("backup.pointInTimeRecovery", false,
      c.cloud === "aws"
        ? `false is not possible on ${product} while automated backups run (retentionDays ${r}); set true, or set backup.retentionDays 0 to turn backups off`
        : `false is not possible on ${product}: PITR is always on; set true`);
  }
  const { sizeGb, maxSizeGb } = spec.storage;
  const hyperscale = c.cloud === "azure" && spec.engine === "sqlserver" && instanceClasses(spec)[0]?.value.startsWith("HS_");
  const maxGb = hyperscale ? 131_072 : limits.storageGb.max;
  const allowed = limits.storageGb.allowed;
  if (sizeGb < limits.storageGb.min || sizeGb > maxGb) {
    add("storage.sizeGb", sizeGb, `${sizeGb} GB is outside ${limits.storageGb.min}–${maxGb} GB on ${product}; use a size in that range`);
  } else if (allowed && !allowed.includes(sizeGb)) {
    const next = allowed.find((gb) => gb > sizeGb);
    add("storage.sizeGb", sizeGb,
      `${sizeGb} GB is not a size ${product} offers; use ${next ?? allowed.at(-1)} (sizes: ${allowed.join(", ")})`);
  }
  if (maxSizeGb !== undefined && maxSizeGb > maxGb) {
    add("storage.maxSizeGb", maxSizeGb, `${maxSizeGb} GB is above the ${maxGb} GB ${product} allows; use ${maxGb} or less`);
  }

  const same = spec.replicas.filter((x) => x.region === undefined).reduce((n, x) => n + x.count, 0);
  const cross = spec.replicas.filter((x) => x.region !== undefined).reduce((n, x) => n + x.count, 0);
  if (limits.replicas.sameRegion + limits.replicas.crossRegion === 0) {
    spec.replicas.forEach((x, i) =>
      add(`replicas[${i}]`, x, c.cloud === "aws" && spec.engine === "sqlserver"
        ? `${show(x)}: read replicas on ${product} need Enterprise Edition, which the toolkit does not provision; remove the replicas (use highAvailability for a Multi-AZ standby)`
        : `${show(x)}: ${product} offers no read replicas; remove them`));
  } else {
    if (same > limits.replicas.sameRegion) {
      add("replicas", same, `${same} replicas in the primary's region exceed the ${limits.replicas.sameRegion} ${product} allows; use at most ${limits.replicas.sameRegion}`);
    }
    if (cross > limits.replicas.crossRegion) {
      add("replicas", cross, `${cross} cross-region replicas exceed the ${limits.replicas.crossRegion} ${product} allows; use at most ${limits.replicas.crossRegion}`);
    }
  }
  if (spec.auth.iamAuthentication && !limits.iamAuthentication) {
    add("auth.iamAuthentication", true, `true is not offered for ${spec.engine} on ${product}; set false and use the master password`);
  }
  if (spec.pooling.enabled && !limits.pooling) {
    add("pooling.enabled", true, `true: ${product} has no managed pooler the toolkit can turn on; set false (run a pooler in your app tier)`);
  }
  const ltr = spec.backup.longTermRetention;
  const keeps = ltr && (ltr.weeklyWeeks !== undefined || ltr.monthlyMonths !== undefined || ltr.yearlyYears !== undefined);
  if (keeps && !limits.longTermRetention) {
    add("backup.longTermRetention", ltr,
      `${show(ltr)}: ${product} has no long-term retention the toolkit can set; raise backup.retentionDays (up to ${range.max} days) or remove backup.longTermRetention`);
  }
  if (spec.blueGreenUpdates === true && !limits.blueGreen) {
    add("blueGreenUpdates", true, c.cloud === "aws"
      ? `true: ${product} does not support Blue/Green deployments; remove it`
      : `true: Blue/Green deployments exist only on AWS RDS, not on ${label}; remove it`);
  }
  const reserved = reservedUsernames[c.cloud];
  const user = spec.auth.masterUsername;
  if (reserved.includes(user.toLowerCase()) || (c.cloud === "azure" && spec.engine === "postgres" && user.startsWith("pg_"))) {
    add("auth.masterUsername", user, `${show(user)} is reserved on ${product}; use another name, e.g. "dbadmin"`);
  }
  const foreign: [string, unknown, Cloud][] = [
    ["network.allowedSecurityGroupIds", spec.network.allowedSecurityGroupIds, "aws"],
    ["auth.managedMasterPassword", spec.auth.managedMasterPassword === true ? true : undefined, "aws"],
    ["auth.entraAdmin", spec.auth.entraAdmin, "azure"],
    ["network.privateDnsZoneId", spec.network.privateDnsZoneId, "azure"],
    ["observability.logAnalyticsWorkspaceId", spec.observability.logAnalyticsWorkspaceId, "azure"],
  ];
  for (const [path, value, owner] of foreign) {
    if (value !== undefined && owner !== c.cloud) {
      add(path, value, `${show(value)} is used only on ${cloudLimits[owner].label}, not on ${label}; remove it`);
    }
  }
  tagChecks(c, add);
}

function tagChecks(c: RuleContext, add: Add): void {
  const rules = tagRules[c.cloud];
  const entries = Object.entries(c.spec.tags);
  const noun = c.cloud === "gcp" ? "GCP labels" : `${cloudLimits[c.cloud].label} tags`;
  if (entries.length > rules.maxTags) {
    add("tags", entries.length, `${entries.length} tags exceed the ${rules.maxTags} allowed for ${noun}; drop some`);
  }
  for (const [key, value] of entries) {
    const path = `tags.${key}`;
    if (key.length > rules.maxKey) add(path, key, `${show(key)} is longer than the ${rules.maxKey} characters allowed for keys of ${noun}; shorten it`);
    if (value.length > rules.maxValue) add(path, value, `${show(value)} is longer than the ${rules.maxValue} characters allowed for values of ${noun}; shorten it`);
    if (c.cloud === "aws" && key.toLowerCase().startsWith("aws:")) {
      add(path, key, `${show(key)}: the "aws:" prefix is reserved for AWS tags; rename the key`);
    }
    if (c.cloud === "gcp" && !/^[a-z][a-z0-9_-]*$/.test(key)) {
      add(path, key, `${show(key)} is not a GCP label key; use lowercase letters, digits, "_" and "-", starting with a letter, e.g. "${key.toLowerCase().replace(/[^a-z0-9_-]/g, "-").replace(/^[^a-z]+/, "") || "team"}"`);
    }
    if (c.cloud === "gcp" && !/^[a-z0-9_-]*$/.test(value)) {
      add(path, value, `${show(value)} is not a GCP label value; use lowercase letters, digits, "_" and "-"`);
    }
    if (c.cloud === "azure" && /[<>%&\\?/]/.test(key)) {
      add(path, key, `${show(key)} contains a character Azure tag names refuse (< > % & \\ ? /); rename the key`);
    }
  }
}

/** Why `value` is refused as an RDS key, with the fix; shared with the regionalSettings check. */
export function awsKeyArnMessage(value: unknown): string {
  const alias = typeof value === "string" && /:alias\//.test(value);
  return alias
    ? `${show(value)} is an alias ARN; AWS RDS stores and reads back the key ARN, so every later \`up\` would plan a replacement. Use the key ARN: aws kms describe-key --key-id ${value} --query KeyMetadata.Arn`
    : `${show(value)} is not an AWS KMS key ARN, which RDS needs; use "arn:aws:kms:<region>:<account>:key/<id>" (aws kms describe-key --key-id <alias or id> --query KeyMetadata.Arn)`;
}

function awsRules(c: RuleContext, add: Add): void {
  const { spec, limits } = c;
  const product = limits?.product ?? "AWS RDS";
  const seconds = spec.observability.enhancedMonitoringSeconds;
  if (!awsMonitoringIntervals.includes(seconds)) {
    add("observability.enhancedMonitoringSeconds", seconds,
      `${seconds} is not an enhanced monitoring interval on AWS RDS; use one of ${awsMonitoringIntervals.join(", ")}`);
  }
  const backup = spec.backup.window ? parseWindow(spec.backup.window) : undefined;
  if (backup && backup.length > 0 && backup.length < awsMinWindowMinutes) {
    add("backup.window", spec.backup.window, `${show(spec.backup.window)} lasts ${backup.length} minutes; AWS RDS needs at least ${awsMinWindowMinutes}`);
  }
  const mw = spec.maintenanceWindow;
  if (mw) {
    const length = mw.durationMinutes ?? 60;
    if (length < awsMinWindowMinutes) {
      add("maintenanceWindow.durationMinutes", length, `${length} is too short on AWS RDS; use ${awsMinWindowMinutes} or more`);
    }
    const start = days.indexOf(mw.day) * 1440 + mw.hour * 60;
    if (backup && backup.length > 0 && days.some((_, d) => overlaps(start, length, d * 1440 + backup.start, backup.length))) {
      add("backup.window", spec.backup.window,
        `${show(spec.backup.window)} overlaps the maintenance window (${mw.day} ${String(mw.hour).padStart(2, "0")}:00 for ${length} min); AWS RDS refuses overlapping windows, move one of them`);
    }
  }
  const { sizeGb, maxSizeGb } = spec.storage;
  // Integer arithmetic: 100 * 1.1 is 110.00000000000001 in floating point.
  const minCeiling = Math.ceil((sizeGb * (100 + awsAutoscalingHeadroomPercent)) / 100);
  if (maxSizeGb !== undefined && maxSizeGb > sizeGb && maxSizeGb < minCeiling) {
    add("storage.maxSizeGb", maxSizeGb,
      `${maxSizeGb} is less than 10% above storage.sizeGb (${sizeGb}) on AWS RDS; use ${minCeiling} or more, or ${sizeGb} to turn autoscaling off`);
  }
  if (spec.replicas.length > 0 && spec.backup.retentionDays === 0 && (limits?.replicas.sameRegion ?? 0) > 0) {
    add("backup.retentionDays", 0, `0: read replicas on ${product} need automated backups on the source; use 1–35`);
  }
  const idle = spec.pooling.idleClientTimeoutSeconds;
  if (idle !== undefined && idle > awsProxyIdleTimeoutMax) {
    add("pooling.idleClientTimeoutSeconds", idle, `${idle} is above the ${awsProxyIdleTimeoutMax} s (8 h) RDS Proxy allows on AWS; use ${awsProxyIdleTimeoutMax} or less`);
  }
  const key = spec.encryption.atRest;
  // RDS (kmsKeyId) and AWS Backup (kmsKeyArn) take ARNs only: a bare key id or "alias/name" fails at deploy,
  // and an alias ARN is read back as the key ARN, so kmsKeyId (which forces replacement) would differ forever.
  if (key.type === "customer-key" && "keyId" in key && malformed(key.keyId, /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/)) {
    add("encryption.atRest.keyId", key.keyId, awsKeyArnMessage(key.keyId));
  }
  if (key.type === "customer-key" && "rotationDays" in key && key.rotationDays !== undefined &&
    (key.rotationDays < awsKmsRotationDays.min || key.rotationDays > awsKmsRotationDays.max)) {
    add("encryption.atRest.rotationDays", key.rotationDays,
      `${key.rotationDays} is outside the ${awsKmsRotationDays.min}–${awsKmsRotationDays.max} days AWS KMS rotates keys; use a value in that range`);
  }
  const net = spec.network;
  if (net.subnetIds && net.subnetIds.length < 2) {
    add("network.subnetIds", net.subnetIds, `${show(net.subnetIds)}: an AWS DB subnet group needs subnets in at least 2 availability zones; list 2 or more`);
  }
  const ids: [string, readonly unknown[] | undefined, RegExp, string][] = [
    ["network.subnetIds", net.subnetIds, /^subnet-[0-9a-f]{8,17}$/, "subnet-0123456789abcdef0"],
    ["network.allowedSecurityGroupIds", net.allowedSecurityGroupIds, /^sg-[0-9a-f]{8,17}$/, "sg-0123456789abcdef0"],
    ["network.vpcId", net.vpcId === undefined ? undefined : [net.vpcId], /^vpc-[0-9a-f]{8,17}$/, "vpc-0123456789abcdef0"],
  ];
  for (const [path, list, pattern, example] of ids) {
    list?.forEach((id, i) => {
      if (malformed(id, pattern)) add(path === "network.vpcId" ? path : `${path}[${i}]`, id, `${show(id)} is not an AWS id of this kind; use e.g. "${example}"`);
    });
  }
  const target = spec.observability.alarms.notificationTarget;
  if (malformed(target, /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/)) {
    add("observability.alarms.notificationTarget", target, `${show(target)} is not an SNS topic ARN on AWS; use "arn:aws:sns:<region>:<account>:<topic>"`);
  }
  for (const { path, value } of instanceClasses(spec)) {
    if (!/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(value)) add(path, value, `${show(value)} is not an AWS RDS instance class; use e.g. "db.r7g.large"`);
  }
  const copy = spec.backup.crossRegionCopy?.retentionDays;
  if (copy !== undefined && copy > 35) {
    add("backup.crossRegionCopy.retentionDays", copy, `${copy} is above the 35 days AWS RDS keeps replicated backups; use 1–35`);
  }
  const maxUser = awsMasterUsernameMax[spec.engine];
  if (spec.auth.masterUsername.length > maxUser) {
    add("auth.masterUsername", spec.auth.masterUsername, `${show(spec.auth.masterUsername)} is longer than the ${maxUser} characters ${product} allows; shorten it`);
  }
}

function gcpRules(c: RuleContext, add: Add): void {
  const { spec, limits } = c;
  const product = limits?.product ?? "GCP Cloud SQL";
  // Cloud SQL for MySQL needs binary logging (our PITR switch) for replicas and for HA.
  if (spec.engine === "mysql" && !spec.backup.pointInTimeRecovery && (spec.replicas.length > 0 || spec.highAvailability)) {
    add("backup.pointInTimeRecovery", false,
      `false: ${product} needs binary logging (point-in-time recovery) for ${spec.replicas.length > 0 ? "read replicas" : "high availability"}; set true`);
  }
  const duration = spec.maintenanceWindow?.durationMinutes;
  if (duration !== undefined && duration !== fixedMaintenanceMinutes) {
    add("maintenanceWindow.durationMinutes", duration, `${duration}: maintenance windows on GCP Cloud SQL last one hour; omit it or use 60`);
  }
  // Cloud SQL keeps one set of backups (stored in the copy region): a second retention cannot be honoured.
  const copyDays = spec.backup.crossRegionCopy?.retentionDays;
  if (copyDays !== undefined && copyDays !== spec.backup.retentionDays) {
    add("backup.crossRegionCopy.retentionDays", copyDays,
      `${copyDays}: GCP Cloud SQL keeps one set of backups, stored in crossRegionCopy.region and kept backup.retentionDays (${spec.backup.retentionDays}); remove it or set it to ${spec.backup.retentionDays}`);
  }
  for (const { path, value } of instanceClasses(spec)) {
    // Enterprise Plus tiers carry an upper-case series letter: db-perf-optimized-N-4.
    if (!/^db-[a-zA-Z0-9-]+$/.test(value)) add(path, value, `${show(value)} is not a GCP Cloud SQL tier; use e.g. "db-custom-2-7680"`);
  }
  const key = spec.encryption.atRest;
  if (key.type === "customer-key" && "keyId" in key && malformed(key.keyId, /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/)) {
    add("encryption.atRest.keyId", key.keyId, `${show(key.keyId)} is not a GCP Cloud KMS key; use "projects/<p>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>"`);
  }
  const target = spec.observability.alarms.notificationTarget;
  if (malformed(target, /^projects\/[^/]+\/notificationChannels\/[^/]+$/)) {
    add("observability.alarms.notificationTarget", target, `${show(target)} is not a GCP notification channel; use "projects/<p>/notificationChannels/<id>"`);
  }
}

function azureRules(c: RuleContext, add: Add): void {
  const { spec, limits } = c;
  const product = limits?.product ?? "Azure";
  const flexible = spec.engine !== "sqlserver";
  const primaryClass = "instanceClass" in spec.size ? spec.size.instanceClass : undefined;
  if (flexible && primaryClass?.startsWith("B_")) {
    if (spec.highAvailability) add("highAvailability", true, `true: Burstable SKU ${show(primaryClass)} has no high availability on ${product}; use a General Purpose SKU (GP_*) or set false`);
    if (spec.replicas.length > 0) add("replicas", spec.replicas, `${show(spec.replicas)}: Burstable SKU ${show(primaryClass)} has no read replicas on ${product}; use a General Purpose SKU (GP_*) or remove them`);
  }
  const sameRegion = spec.replicas.some((r) => r.region === undefined);
  if (!flexible && sameRegion && primaryClass !== undefined && !primaryClass.startsWith("HS_")) {
    add("replicas", spec.replicas, `${show(spec.replicas)}: readable replicas in the primary's region exist only on Hyperscale (HS_*) on ${product}; use an HS_ SKU or give the replicas a region (geo-replication)`);
  }
  if (spec.auth.iamAuthentication && !spec.auth.entraAdmin) {
    add("auth.entraAdmin", undefined, `is missing: Entra ID authentication on ${product} needs an administrator; set auth.entraAdmin { login, objectId }`);
  }
  const net = spec.network;
  if (net.subnetIds && net.subnetIds.length > 1) {
    add("network.subnetIds", net.subnetIds, `${show(net.subnetIds)}: ${product} uses one subnet (delegated subnet or private endpoint) on Azure; list exactly one`);
  }
  if (flexible && net.privateDnsZoneId !== undefined && !net.subnetIds?.length) {
    add("network.subnetIds", undefined, `is missing: a private DNS zone on ${product} needs the delegated subnet; set network.subnetIds to one subnet id`);
  }
  const duration = spec.maintenanceWindow?.durationMinutes;
  if (flexible && duration !== undefined && duration !== fixedMaintenanceMinutes) {
    add("maintenanceWindow.durationMinutes", duration, `${duration}: maintenance windows on ${product} last one hour; omit it or use 60`);
  }
  const key = spec.encryption.atRest;
  if (key.type === "customer-key" && "keyId" in key && malformed(key.keyId, /^https:\/\/[a-z0-9-]+\.(vault\.azure\.net|managedhsm\.azure\.net)\/keys\/[^/]+(\/[0-9a-f]*)?$/i)) {
    add("encryption.atRest.keyId", key.keyId, `${show(key.keyId)} is not an Azure Key Vault key id; use "https://<vault>.vault.azure.net/keys/<name>[/<version>]"`);
  }
  if (key.type === "customer-key" && "rotationDays" in key && key.rotationDays !== undefined && key.rotationDays < azureKeyVaultMinRotationDays) {
    add("encryption.atRest.rotationDays", key.rotationDays, `${key.rotationDays} is below the ${azureKeyVaultMinRotationDays} days Azure Key Vault rotation allows; use ${azureKeyVaultMinRotationDays} or more`);
  }
  const target = spec.observability.alarms.notificationTarget;
  if (malformed(target, /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/actionGroups\/[^/]+$/i)) {
    add("observability.alarms.notificationTarget", target, `${show(target)} is not an Azure action group id; use "/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Insights/actionGroups/<name>"`);
  }
  for (const { path, value } of instanceClasses(spec)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(value)) add(path, value, `${show(value)} is not an Azure SKU name; use e.g. "GP_Standard_D2ds_v4" or "GP_Gen5_2"`);
  }
  const ltr = spec.backup.longTermRetention;
  if (ltr) {
    for (const field of ["weeklyWeeks", "monthlyMonths", "yearlyYears"] as const) {
      const v = ltr[field];
      const max = azureLongTermRetention[field];
      if (v !== undefined && v > max) add(`backup.longTermRetention.${field}`, v, `${v} is above the ${max} Azure long-term retention allows; use 1–${max}`);
    }
    if (ltr.yearlyYears !== undefined && ltr.weekOfYear === undefined) {
      add("backup.longTermRetention.weekOfYear", undefined, "is missing: Azure yearly long-term retention keeps one week's backup; set weekOfYear (1–52)");
    }
  }
  if (spec.backup.crossRegionCopy?.retentionDays !== undefined) {
    add("backup.crossRegionCopy.retentionDays", spec.backup.crossRegionCopy.retentionDays,
      `${spec.backup.crossRegionCopy.retentionDays}: geo-redundant backups on Azure follow backup.retentionDays; remove it`);
  }
}

/** The limits of `c.cloud` applied to `c.spec`. */
export function cloudRules(c: RuleContext): void {
  const add: Add = (path, value, message) => c.add(path, value, message, true);
  limitRules(c, add);
  if (c.cloud === "aws") {
    awsRules(c, add);
    awsFeatureRules(c, add);
  } else {
    awsOnlyFieldRules(c, add, cloudLimits[c.cloud].label);
    if (c.cloud === "gcp") gcpRules(c, add);
    else azureRules(c, add);
  }
}
