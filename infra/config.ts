// Stack configuration of the database program, under the `db:` namespace. Parsing is pure (a getter
// of raw strings in, typed config out) so every rejection can be tested without a Pulumi runtime.
//
// | key                          | type                     | default                  |
// |------------------------------|--------------------------|--------------------------|
// | db:cloud                     | aws, gcp, azure          | aws                      |
// | db:environment               | dev, staging, prod       | required                 |
// | db:engine                    | postgres, mysql, sqlserver | required               |
// | db:name                      | lowercase name           | <project>-<stack>        |
// | db:version                   | engine major version     | the engine's default     |
// | db:vpcId                     | string                   | -                        |
// | db:subnetIds                 | list of strings          | -                        |
// | db:allowedCidrs              | list of strings          | -                        |
// | db:allowedSecurityGroupIds   | list of strings          | -                        |
// | db:alarmTopic                | string (SNS topic ARN …) | -                        |
// | db:overrides                 | object (DatabaseSpec fields, merged over the preset) | - |
// | db:regions                   | object: region → RegionConfig (fields per cloud: regionFields) | - |
// The dedicated keys win over the same fields given in db:overrides.
import type { Cloud, DatabaseSpecInput, Engine, Environment, SpecIssue } from "@dbtk/components/spec";

export const CONFIG_NAMESPACE = "db";

/** A wrong or missing configuration value; the message names the key and the command that fixes it. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface DbConfig {
  cloud: Cloud;
  environment: Exclude<Environment, "ci">;
  engine: Engine;
  name: string;
  version?: string;
  vpcId?: string;
  subnetIds?: string[];
  allowedCidrs?: string[];
  allowedSecurityGroupIds?: string[];
  alarmTopic?: string;
  overrides: Record<string, unknown>;
  /** Per-region settings (db:regions), checked against the fields the cloud reads. */
  regions: Record<string, RegionConfig>;
}

/** Reads the raw string of `db:<key>`; objects and lists arrive as JSON text. */
export type RawConfigGetter = (key: string) => string | undefined;

const CLOUDS = ["aws", "gcp", "azure"] as const;
const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
const ENGINES = ["postgres", "mysql", "sqlserver"] as const;

const full = (key: string) => `${CONFIG_NAMESPACE}:${key}`;

/** The allowed value closest to a wrong one ("production" → "prod"), for the fix command. */
function suggestion<T extends string>(value: string, allowed: readonly T[]): T {
  const v = value.toLowerCase();
  return allowed.find((a) => v.startsWith(a) || a.startsWith(v)) ?? allowed[0]!;
}

function oneOf<T extends string>(get: RawConfigGetter, key: string, allowed: readonly T[], fallback?: T): T {
  const raw = get(key);
  if (raw === undefined || raw === "") {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(
      full(key),
      `${full(key)} is not set; set it with pulumi config set ${full(key)} ${allowed[0]} (one of ${allowed.join(", ")})`,
    );
  }
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(
    full(key),
    `${full(key)}: "${raw}" is not one of ${allowed.join(", ")}; set it with pulumi config set ${full(key)} ${suggestion(raw, allowed)}`,
  );
}

function json(get: RawConfigGetter, key: string, example: string): unknown {
  const raw = get(key);
  if (raw === undefined || raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ConfigError(full(key), `${full(key)}: "${raw}" is not valid JSON/YAML structure; set it like ${example}`);
  }
}

function stringList(get: RawConfigGetter, key: string, example: string): string[] | undefined {
  const value = json(get, key, `pulumi config set --path '${full(key)}[0]' ${example}`);
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string" && v !== "")) {
    throw new ConfigError(
      full(key),
      `${full(key)}: ${JSON.stringify(value)} is not a list of strings; set items with pulumi config set --path '${full(key)}[0]' ${example}`,
    );
  }
  return value as string[];
}

function object(get: RawConfigGetter, key: string, example: string): Record<string, unknown> | undefined {
  const value = json(get, key, example);
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(full(key), `${full(key)}: ${JSON.stringify(value)} is not an object; set fields like ${example}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Settings for a region other than the primary's (`db:regions.<region>`), in the same words on every cloud;
 * each cloud reads the fields listed in REGION_FIELDS.
 */
export interface RegionConfig {
  /** AWS: subnets of the replicas' DB subnet group there. Azure SQL Database: the one subnet for the secondary's private endpoint. */
  subnetIds?: string[];
  /** AWS: security groups of the replicas there. */
  securityGroupIds?: string[];
  /**
   * A customer key in that region: AWS KMS key ARN (replicas, backup copies), GCP Cloud KMS key (replicas),
   * Azure Key Vault key id (geo-backup key of a flexible server).
   */
  keyId?: string;
  /** Azure flexible servers: Key Vault in the backup region to create the geo-backup key in. */
  keyVaultId?: string;
  /** AWS: SNS topic in that region for the replicas' alarms. */
  notificationTarget?: string;
}

type RegionField = keyof RegionConfig;
const LIST_FIELDS: ReadonlySet<RegionField> = new Set(["subnetIds", "securityGroupIds"]);

/** Fields each cloud (and engine, on Azure) reads from db:regions, with an example value. */
export function regionFields(cloud: Cloud, engine: Engine): Partial<Record<RegionField, string>> {
  if (cloud === "aws") {
    return {
      subnetIds: "subnet-0123456789abcdef0",
      securityGroupIds: "sg-0123456789abcdef0",
      keyId: "arn:aws:kms:<region>:<account>:key/<id>",
      notificationTarget: "arn:aws:sns:<region>:<account>:<topic>",
    };
  }
  if (cloud === "gcp") return { keyId: "projects/<p>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>" };
  return engine === "sqlserver"
    ? { subnetIds: "/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>" }
    : {
        keyId: "https://<vault>.vault.azure.net/keys/<name>",
        keyVaultId: "/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<vault>",
      };
}

function regions(get: RawConfigGetter, cloud: Cloud, engine: Engine): Record<string, RegionConfig> {
  const fields = regionFields(cloud, engine);
  const [firstField, firstExample] = Object.entries(fields)[0] ?? ["keyId", "..."];
  const setting = (field: string) => `${full("regions")}.<region>.${field}${LIST_FIELDS.has(field as RegionField) ? "[0]" : ""}`;
  const example = `pulumi config set --path '${setting(firstField)}' ${firstExample}`;
  const value = object(get, "regions", example) ?? {};
  for (const [region, settings] of Object.entries(value)) {
    const at = `${full("regions")}.${region}`;
    if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
      throw new ConfigError(full("regions"), `${at}: ${JSON.stringify(settings)} is not an object; set fields like ${example}`);
    }
    for (const [field, v] of Object.entries(settings)) {
      if (!(field in fields)) {
        const where = cloud === "azure" ? `azure for ${engine}` : cloud;
        throw new ConfigError(full("regions"), `${at}.${field} is not a setting on ${where}; use ${Object.keys(fields).join(", ")}`);
      }
      const list = LIST_FIELDS.has(field as RegionField);
      const ok = list ? Array.isArray(v) && v.every((s) => typeof s === "string" && s !== "") : typeof v === "string" && v !== "";
      if (!ok) {
        throw new ConfigError(full("regions"), `${at}.${field}: ${JSON.stringify(v)} should be ${list ? "a list of strings" : "a string"}; set it like pulumi config set --path '${at}.${field}${list ? "[0]" : ""}' ${fields[field as RegionField]}`);
      }
      if (cloud === "azure" && field === "subnetIds" && (v as string[]).length !== 1) {
        throw new ConfigError(full("regions"), `${at}.subnetIds: ${JSON.stringify(v)} should list exactly one subnet (the secondary's private endpoint) on azure`);
      }
    }
  }
  return value as Record<string, RegionConfig>;
}

/** Parses and checks the `db:` keys. `defaultName` is used when db:name is unset. */
export function parseDbConfig(get: RawConfigGetter, defaultName: string): DbConfig {
  const environment = oneOf(get, "environment", ENVIRONMENTS);
  const engine = oneOf(get, "engine", ENGINES);
  const cloud = oneOf(get, "cloud", CLOUDS, "aws");
  const optional = (key: string) => {
    const v = get(key);
    return v === undefined || v === "" ? undefined : v;
  };
  const version = optional("version");
  const vpcId = optional("vpcId");
  const alarmTopic = optional("alarmTopic");
  const subnetIds = stringList(get, "subnetIds", "subnet-0123456789abcdef0");
  const allowedCidrs = stringList(get, "allowedCidrs", "10.0.0.0/16");
  const allowedSecurityGroupIds = stringList(get, "allowedSecurityGroupIds", "sg-0123456789abcdef0");
  return {
    cloud,
    environment,
    engine,
    name: optional("name") ?? defaultName,
    ...(version ? { version } : {}),
    ...(vpcId ? { vpcId } : {}),
    ...(subnetIds ? { subnetIds } : {}),
    ...(allowedCidrs ? { allowedCidrs } : {}),
    ...(allowedSecurityGroupIds ? { allowedSecurityGroupIds } : {}),
    ...(alarmTopic ? { alarmTopic } : {}),
    overrides: object(get, "overrides", `pulumi config set --path '${full("overrides")}.storage.sizeGb' 100`) ?? {},
    regions: regions(get, cloud, engine),
  };
}

/** The spec input the configuration describes: overrides, then the dedicated keys on top. */
export function specInput(config: DbConfig): DatabaseSpecInput {
  const o = config.overrides as DatabaseSpecInput & Record<string, unknown>;
  const network = { ...(o.network ?? {}) };
  if (config.vpcId) network.vpcId = config.vpcId;
  if (config.subnetIds) network.subnetIds = config.subnetIds;
  if (config.allowedCidrs) network.allowedCidrs = config.allowedCidrs;
  if (config.allowedSecurityGroupIds) network.allowedSecurityGroupIds = config.allowedSecurityGroupIds;
  const observability = { ...(o.observability ?? {}) };
  if (config.alarmTopic) observability.alarms = { ...(observability.alarms ?? {}), notificationTarget: config.alarmTopic };
  return {
    ...o,
    name: config.name,
    engine: config.engine,
    ...(config.version ? { engineVersion: config.version } : {}),
    network,
    observability,
  };
}

// Spec fields that have their own key; everything else is set through db:overrides.
const KEY_FOR_PATH: [prefix: string, key: string][] = [
  ["name", "name"],
  ["engineVersion", "version"],
  ["engine", "engine"],
  ["network.vpcId", "vpcId"],
  ["network.subnetIds", "subnetIds"],
  ["network.allowedCidrs", "allowedCidrs"],
  ["network.allowedSecurityGroupIds", "allowedSecurityGroupIds"],
  ["observability.alarms.notificationTarget", "alarmTopic"],
];

/** The configuration key a spec issue comes from: its dedicated key, else db:overrides.<path>. */
export function configKeyFor(issue: SpecIssue, config: DbConfig): string {
  for (const [prefix, key] of KEY_FOR_PATH) {
    const matches = issue.path === prefix || issue.path.startsWith(`${prefix}.`) || issue.path.startsWith(`${prefix}[`);
    const dedicated = key === "name" || key === "engine" || (config as unknown as Record<string, unknown>)[key] !== undefined;
    if (matches && dedicated) return full(key);
  }
  return `${full("overrides")}.${issue.path}`;
}

/** Spec issues as one message in configuration terms. */
export function describeSpecIssues(issues: readonly SpecIssue[], config: DbConfig): string {
  const lines = issues.map((i) => `- ${configKeyFor(i, config)}: ${i.message}`);
  return `The database configuration of this stack is not valid:\n${lines.join("\n")}`;
}
