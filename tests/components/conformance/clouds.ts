// The conformance suite's view of each cloud: how to render a spec input there (with the placement every
// cloud needs: network ids, regions, vaults) and how to read the cross-cloud promises back from the
// provider inputs the mocks captured. Import only after installMocks().
import type * as pulumi from "@pulumi/pulumi";
import { AwsRdsDatabase } from "../../../components/aws/index.ts";
import { AzureMysqlFlexibleServer, AzurePostgresFlexibleServer, AzureSqlDatabase } from "../../../components/azure/index.ts";
import { GcpCloudSqlDatabase } from "../../../components/gcp/index.ts";
import type { Cloud, DatabaseSpec, DatabaseSpecInput, Engine, Environment } from "../../../components/spec/index.ts";
import { Tracker, isSecretValue, ofType, plain, registered, type Registered } from "../support/harness.ts";

export interface Rendered {
  /** The resolved spec the component rendered. */
  spec: DatabaseSpec;
  connection: pulumi.Output<unknown>;
  /** Every registration of this render. */
  records: Registered[];
}

export const AZURE_WORKSPACE = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/logs";

/** Cloud-specific placement, merged into the shared input: only ids and places, never a promise. */
function placed(cloud: Cloud, input: DatabaseSpecInput): DatabaseSpecInput {
  const network = { ...(input.network ?? {}) };
  const observability = { ...(input.observability ?? {}) };
  if (cloud === "aws") {
    network.vpcId ??= "vpc-0123456789abcdef0";
    network.subnetIds ??= ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"];
  }
  if (cloud === "gcp") network.vpcId ??= "projects/acme/global/networks/main";
  if (cloud === "azure") {
    observability.logAnalyticsWorkspaceId ??= AZURE_WORKSPACE;
    // A private server's subnet: delegated (flexible, with its DNS zone) or for the private endpoint (SQL).
    if (network.private !== false && !network.subnetIds) {
      const kind = input.engine === "postgres" ? "postgres" : input.engine === "mysql" ? "mysql" : "sql";
      network.subnetIds = [`/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/${kind}`];
      if (kind !== "sql") network.privateDnsZoneId ??= `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/db.${kind}.database.azure.com`;
    }
  }
  return { ...input, network, observability };
}

/** The component (its class name) and args the suite renders `input` with on `cloud` (also used by tests/provider). */
export function componentArgs(cloud: Cloud, environment: Environment, input: DatabaseSpecInput) {
  const full = placed(cloud, input);
  if (cloud === "aws") return { component: "AwsRdsDatabase", args: { environment, region: "us-east-1", input: full } } as const;
  if (cloud === "gcp") return { component: "GcpCloudSqlDatabase", args: { environment, region: "europe-west1", input: full } } as const;
  const args = {
    environment,
    resourceGroupName: "rg-db",
    location: "westeurope",
    keyVaultId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-db/providers/Microsoft.KeyVault/vaults/kv-db",
    input: full,
  };
  const component = input.engine === "sqlserver" ? "AzureSqlDatabase" : input.engine === "postgres" ? "AzurePostgresFlexibleServer" : "AzureMysqlFlexibleServer";
  return { component, args } as const;
}

/** Construct the cloud's component for `input`; throws (before registering anything) when the spec is refused. */
export function construct(cloud: Cloud, environment: Environment, input: DatabaseSpecInput, tracker?: Tracker): { spec: DatabaseSpec; connection: pulumi.Output<unknown> } {
  const name = `${input.name}-${cloud}`;
  const opts = tracker ? { transformations: [tracker.transformation] } : {};
  const c = componentArgs(cloud, environment, input);
  if (c.component === "AwsRdsDatabase") return new AwsRdsDatabase(name, c.args, opts);
  if (c.component === "GcpCloudSqlDatabase") return new GcpCloudSqlDatabase(name, c.args, opts);
  if (c.component === "AzureSqlDatabase") return new AzureSqlDatabase(name, c.args, opts);
  if (c.component === "AzurePostgresFlexibleServer") return new AzurePostgresFlexibleServer(name, c.args, opts);
  return new AzureMysqlFlexibleServer(name, c.args, opts);
}

export async function render(cloud: Cloud, environment: Environment, input: DatabaseSpecInput): Promise<Rendered> {
  const before = registered.length;
  const tracker = new Tracker();
  const component = construct(cloud, environment, input, tracker);
  await tracker.settle();
  return { spec: component.spec, connection: component.connection, records: registered.slice(before) };
}

/** The promises, as the provider inputs show them. */
export interface Observed {
  encryptedAtRest: boolean;
  customerKey: boolean;
  tlsRequired: boolean;
  backupsOn: boolean;
  retentionDays: number | undefined;
  pitr: boolean;
  publicEndpoint: boolean;
  deletionProtected: boolean;
  passwordSecret: boolean;
  /** Slow-query threshold in ms as configured; 0 for "every statement"; undefined when nothing records slow queries. */
  slowQueryMs: number | undefined;
}

type Inputs = Record<string, any>;
const inputsOf = (r: Registered): Inputs => plain<Inputs>(r.inputs);
function first(records: Registered[], type: string, where: (i: Inputs) => boolean = () => true): Registered {
  const found = ofType(type, records).find((r) => where(inputsOf(r)));
  if (!found) throw new Error(`no ${type} registered`);
  return found;
}
const secondsToMs = (s: string | undefined) => (s === undefined ? undefined : Math.round(Number(s) * 1000));

function observeAws(records: Registered[], engine: Engine, spec: DatabaseSpec): Observed {
  const raw = first(records, "aws:rds/instance:Instance", (i) => i["replicateSourceDb"] === undefined);
  const inst = inputsOf(raw);
  const params = Object.fromEntries(
    ofType("aws:rds/parameterGroup:ParameterGroup", records).flatMap((g) => (inputsOf(g)["parameters"] ?? []) as { name: string; value: string }[]).map((p) => [p.name, p.value]),
  );
  const retention = inst["backupRetentionPeriod"] as number | undefined;
  const versions = ofType("aws:secretsmanager/secretVersion:SecretVersion", records);
  return {
    encryptedAtRest: inst["storageEncrypted"] === true,
    customerKey: typeof inst["kmsKeyId"] === "string" && inst["kmsKeyId"] !== "",
    tlsRequired: engine === "mysql" ? params["require_secure_transport"] === "1" : params["rds.force_ssl"] === "1",
    backupsOn: (retention ?? 0) > 0,
    retentionDays: retention,
    // RDS point-in-time restore is the automated backups' transaction logs: on whenever backups are.
    pitr: (retention ?? 0) > 0,
    publicEndpoint: inst["publiclyAccessible"] === true,
    deletionProtected: inst["deletionProtection"] === true,
    passwordSecret: (isSecretValue(raw.inputs["password"]) || inst["manageMasterUserPassword"] === true) && versions.every((v) => isSecretValue(v.inputs["secretString"])),
    slowQueryMs:
      engine === "postgres" ? (params["log_min_duration_statement"] === undefined ? undefined : Number(params["log_min_duration_statement"]))
      : engine === "mysql" ? (params["slow_query_log"] === "1" ? secondsToMs(params["long_query_time"]) : undefined)
      // SQL Server: Performance Insights records every statement's latency; it has no threshold of its own.
      : inst["performanceInsightsEnabled"] === true ? spec.observability.slowQueryMs : undefined,
  };
}

function observeGcp(records: Registered[], engine: Engine, spec: DatabaseSpec): Observed {
  const inst = inputsOf(first(records, "gcp:sql/databaseInstance:DatabaseInstance", (i) => i["masterInstanceName"] === undefined));
  const s = inst["settings"] as Inputs;
  const backup = s["backupConfiguration"] as Inputs;
  const flags = Object.fromEntries(((s["databaseFlags"] ?? []) as { name: string; value: string }[]).map((f) => [f.name, f.value]));
  const user = first(records, "gcp:sql/user:User");
  const version = first(records, "gcp:secretmanager/secretVersion:SecretVersion");
  return {
    // Cloud SQL encrypts every disk and backup; the only choice is the key.
    encryptedAtRest: true,
    customerKey: typeof inst["encryptionKeyName"] === "string",
    tlsRequired: ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"].includes(s["ipConfiguration"]["sslMode"]),
    backupsOn: backup["enabled"] === true,
    retentionDays: backup["backupRetentionSettings"]?.["retainedBackups"],
    pitr: backup["pointInTimeRecoveryEnabled"] === true || backup["binaryLogEnabled"] === true,
    publicEndpoint: s["ipConfiguration"]["ipv4Enabled"] === true,
    deletionProtected: inst["deletionProtection"] === true && s["deletionProtectionEnabled"] === true,
    passwordSecret: isSecretValue(user.inputs["password"]) && isSecretValue(version.inputs["secretData"]),
    slowQueryMs:
      engine === "postgres" ? (flags["log_min_duration_statement"] === undefined ? undefined : Number(flags["log_min_duration_statement"]))
      : engine === "mysql" ? (flags["slow_query_log"] === "on" ? secondsToMs(flags["long_query_time"]) : undefined)
      // SQL Server: Query Insights records query latency; it has no threshold of its own.
      : s["insightsConfig"]?.["queryInsightsEnabled"] === true ? spec.observability.slowQueryMs : undefined,
  };
}

function locked(records: Registered[], serverId: string): boolean {
  return ofType("azure:management/lock:Lock", records).some((l) => inputsOf(l)["scope"] === serverId && inputsOf(l)["lockLevel"] === "CanNotDelete");
}

function observeAzureSql(records: Registered[], spec: DatabaseSpec): Observed {
  const rawServer = first(records, "azure:mssql/server:Server");
  const server = inputsOf(rawServer);
  const db = inputsOf(first(records, "azure:mssql/database:Database", (i) => i["createMode"] !== "Secondary"));
  const serverId = String(db["serverId"]);
  const tde = ofType("azure:mssql/serverTransparentDataEncryption:ServerTransparentDataEncryption", records).find((t) => inputsOf(t)["serverId"] === serverId);
  const retention = db["shortTermRetentionPolicy"]?.["retentionDays"] as number | undefined;
  const diag = ofType("azure:monitoring/diagnosticSetting:DiagnosticSetting", records).find((d) => String(inputsOf(d)["targetResourceId"]).endsWith(`/databases/${spec.databaseName}`));
  const queryStore = ((diag && inputsOf(diag)["enabledLogs"]) ?? []).some((l: { category?: string }) => l.category === "QueryStoreRuntimeStatistics");
  return {
    encryptedAtRest: db["transparentDataEncryptionEnabled"] === true,
    customerKey: tde !== undefined && typeof inputsOf(tde)["keyVaultKeyId"] === "string",
    // Azure SQL Database encrypts every connection; the knob is the oldest TLS version it accepts.
    tlsRequired: server["minimumTlsVersion"] === "1.2",
    backupsOn: (retention ?? 0) > 0,
    retentionDays: retention,
    pitr: (retention ?? 0) > 0,
    publicEndpoint: ofType("azure:mssql/server:Server", records).some((s) => inputsOf(s)["publicNetworkAccessEnabled"] !== false),
    deletionProtected: locked(records, serverId),
    passwordSecret: isSecretValue(rawServer.inputs["administratorLoginPassword"]) && isSecretValue(first(records, "azure:keyvault/secret:Secret").inputs["value"]),
    // Query Store records every query's runtime; its statistics reach Log Analytics through diagnostics.
    slowQueryMs: queryStore ? spec.observability.slowQueryMs : undefined,
  };
}

function observeAzureFlexible(records: Registered[], engine: Engine): Observed {
  const serverType = engine === "postgres" ? "azure:postgresql/flexibleServer:FlexibleServer" : "azure:mysql/flexibleServer:FlexibleServer";
  const configType = engine === "postgres" ? "azure:postgresql/flexibleServerConfiguration:FlexibleServerConfiguration" : "azure:mysql/flexibleServerConfiguration:FlexibleServerConfiguration";
  const raw = first(records, serverType, (i) => i["createMode"] !== "Replica");
  const server = inputsOf(raw);
  const params = Object.fromEntries(ofType(configType, records).map((c) => [inputsOf(c)["name"], String(inputsOf(c)["value"])]));
  const retention = server["backupRetentionDays"] as number | undefined;
  const serverId = records.filter((r) => r.type === "azure:management/lock:Lock").map((l) => String(inputsOf(l)["scope"]))[0] ?? "";
  return {
    // Flexible servers encrypt storage and backups always; the only choice is the key.
    encryptedAtRest: true,
    customerKey: typeof server["customerManagedKey"]?.["keyVaultKeyId"] === "string",
    tlsRequired: String(params["require_secure_transport"]).toLowerCase() === "on",
    backupsOn: (retention ?? 0) > 0,
    retentionDays: retention,
    pitr: (retention ?? 0) > 0,
    publicEndpoint: engine === "postgres" ? server["publicNetworkAccessEnabled"] !== false : server["publicNetworkAccess"] !== "Disabled",
    deletionProtected: serverId.includes(engine === "postgres" ? "DBforPostgreSQL" : "DBforMySQL") && locked(records, serverId),
    passwordSecret: isSecretValue(raw.inputs["administratorPassword"]) && isSecretValue(first(records, "azure:keyvault/secret:Secret").inputs["value"]),
    slowQueryMs:
      engine === "postgres" ? (params["log_min_duration_statement"] === undefined ? undefined : Number(params["log_min_duration_statement"]))
      : params["slow_query_log"] === "ON" ? secondsToMs(params["long_query_time"]) : undefined,
  };
}

export function observe(cloud: Cloud, r: Rendered): Observed {
  const engine = r.spec.engine;
  if (cloud === "aws") return observeAws(r.records, engine, r.spec);
  if (cloud === "gcp") return observeGcp(r.records, engine, r.spec);
  return engine === "sqlserver" ? observeAzureSql(r.records, r.spec) : observeAzureFlexible(r.records, engine);
}

/** Long-term retention as kept, in the spec's units: whole weeks, months and years a recovery point is sure to outlive. */
export type ObservedRetention = Partial<Record<"weeklyWeeks" | "monthlyMonths" | "yearlyYears", number>>;

// The longest week, month and year: days of AWS Backup's lifecycle cover that many whole units at least.
const longest = { weeklyWeeks: 7, monthlyMonths: 31, yearlyYears: 366 } as const;
const awsRule = { weekly: "weeklyWeeks", monthly: "monthlyMonths", yearly: "yearlyYears" } as const;

export function observeLongTermRetention(cloud: Cloud, r: Rendered): ObservedRetention {
  if (cloud === "aws") {
    const plans = ofType("aws:backup/plan:Plan", r.records);
    const selected = ofType("aws:backup/selection:Selection", r.records).some((s) => String(inputsOf(s)["resources"]?.[0]).includes(`:db:${r.spec.name}`));
    if (plans.length !== 1 || !selected) return {};
    const rules = inputsOf(plans[0]!)["rules"] as { ruleName: keyof typeof awsRule; schedule?: string; lifecycle: { deleteAfter: number } }[];
    return Object.fromEntries(
      rules.filter((x) => x.schedule).map((x) => [awsRule[x.ruleName], Math.floor(x.lifecycle.deleteAfter / longest[awsRule[x.ruleName]])]),
    );
  }
  if (cloud === "azure" && r.spec.engine === "sqlserver") {
    const db = inputsOf(first(r.records, "azure:mssql/database:Database", (i) => i["createMode"] !== "Secondary"));
    const policy = (db["longTermRetentionPolicy"] ?? {}) as Record<string, string>;
    const units = { weeklyWeeks: ["weeklyRetention", "W"], monthlyMonths: ["monthlyRetention", "M"], yearlyYears: ["yearlyRetention", "Y"] } as const;
    // ISO 8601 durations: P8W, P12M, P7Y.
    return Object.fromEntries(
      Object.entries(units).flatMap(([kind, [field, unit]]) => {
        const v = policy[field];
        return v?.startsWith("P") && v.endsWith(unit) ? [[kind, Number(v.slice(1, -1))]] : [];
      }),
    );
  }
  return {};
}
