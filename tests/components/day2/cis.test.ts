// CIS-style table per cloud at prod, asserted on the provider inputs the components register under Pulumi
// mocks: customer keys with rotation, no public access, TLS enforced (and not undoable through parameters),
// retention, deletion protection, HA, logging and auditing, threat detection, secrets only as secrets.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { DatabaseSpecInput } from "../../../components/spec/index.ts";
import { resolveSpec, validateSpec } from "../../../components/spec/index.ts";
import { T, Tracker, installMocks, isSecretValue, ofType, plain, registered, reset, type Registered } from "../support/harness.ts";

installMocks();
const { AwsRdsDatabase } = await import("../../../components/aws/index.ts");
const { GcpCloudSqlDatabase } = await import("../../../components/gcp/index.ts");
const { AzurePostgresFlexibleServer, AzureSqlDatabase } = await import("../../../components/azure/index.ts");

const workspace = "/subscriptions/s/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/logs";
const entraAdmin = { login: "sg-dba", objectId: "9b1c7e4a-2d3f-4a5b-8c6d-0e1f2a3b4c5d", tenantId: "3f2a9c1e-8b7d-4e6f-a5c4-1d0e9b8a7c6f" };
const azure = { resourceGroupName: "rg", location: "westeurope", keyVaultId: "/vaults/kv" };

type Row = [control: string, holds: (r: Registered[]) => unknown];
const inputs = (r: Registered) => plain<Record<string, any>>(r.inputs);
const all = (records: Registered[], type: string) => ofType(type, records).map(inputs);
const first = (records: Registered[], type: string, where: (i: Record<string, any>) => boolean = () => true) => all(records, type).find(where)!;

async function render(make: (t: Tracker) => unknown): Promise<Registered[]> {
  reset();
  const tracker = new Tracker();
  make(tracker);
  await tracker.settle();
  return [...registered];
}

const tlsUndone = (cloud: "aws" | "gcp" | "azure", engine: DatabaseSpecInput["engine"], parameters: Record<string, string>) =>
  validateSpec(resolveSpec({ name: "orders", engine, parameters }, "prod", cloud), { cloud, environment: "prod" }).find((i) => i.path.startsWith("parameters."));

const tables: { cloud: string; render: () => Promise<Registered[]>; rows: Row[] }[] = [
  {
    cloud: "aws (RDS for PostgreSQL, prod, IAM auth, RDS Proxy, DR replica)",
    render: () =>
      render((t) => new AwsRdsDatabase("orders", {
        environment: "prod",
        region: "us-east-1",
        input: {
          name: "orders",
          engine: "postgres",
          network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"] },
          auth: { iamAuthentication: true },
          pooling: { enabled: true },
          replicas: [{ count: 1 }, { count: 1, region: "us-west-2" }],
        },
      }, { transformations: [t.transformation] })),
    rows: [
      ["storage encrypted with a created customer key", (r) => first(r, T.instance, (i) => !i.replicateSourceDb).storageEncrypted === true && /:key\//.test(first(r, T.instance).kmsKeyId)],
      ["customer keys rotate", (r) => all(r, T.key).every((k) => k.enableKeyRotation === true)],
      ["no public endpoint", (r) => all(r, T.instance).every((i) => i.publiclyAccessible === false)],
      ["TLS enforced (rds.force_ssl=1)", (r) => first(r, T.parameterGroup).parameters.some((p: any) => p.name === "rds.force_ssl" && p.value === "1")],
      ["TLS not undoable through parameters", () => tlsUndone("aws", "postgres", { "rds.force_ssl": "0" })?.message.includes("encryption.inTransitRequired")],
      ["35 days of automated backups", (r) => first(r, T.instance, (i) => !i.replicateSourceDb).backupRetentionPeriod === 35],
      ["the DR replica keeps automated backups", (r) => first(r, T.instance, (i) => i.region === "us-west-2" || String(i.replicateSourceDb).startsWith("arn:")).backupRetentionPeriod === 35],
      ["deletion protection", (r) => first(r, T.instance).deletionProtection === true],
      ["Multi-AZ", (r) => first(r, T.instance, (i) => !i.replicateSourceDb).multiAz === true],
      ["connections and disconnections logged", (r) => ["log_connections", "log_disconnections"].every((n) => first(r, T.parameterGroup).parameters.some((p: any) => p.name === n && p.value === "1"))],
      ["logs exported to CloudWatch", (r) => first(r, T.instance).enabledCloudwatchLogsExports.includes("postgresql")],
      ["every exported log's group kept 365 days under the customer key", (r) => {
        const groups = all(r, "aws:cloudwatch/logGroup:LogGroup");
        const exported = all(r, T.instance).flatMap((i) => i.enabledCloudwatchLogsExports.map((log: string) => `/aws/rds/instance/${i.identifier}/${log}`));
        return exported.every((n) => groups.some((g) => g.name === n && g.retentionInDays === 365 && /:key\//.test(g.kmsKeyId)));
      }],
      ["pgaudit loaded (with pg_stat_statements) and logging DDL and role changes", (r) => { const p = Object.fromEntries(first(r, T.parameterGroup).parameters.map((x: any) => [x.name, x.value])); return p.shared_preload_libraries === "pg_stat_statements,pgaudit" && p["pgaudit.log"] === "ddl,role"; }],
      ["pgaudit not undoable through parameters", () => validateSpec(resolveSpec({ name: "orders", engine: "postgres", parameters: { shared_preload_libraries: "pg_stat_statements" } }, "prod", "aws"), { cloud: "aws", environment: "prod" }).some((i) => i.path === "parameters.shared_preload_libraries" && i.message.includes("observability.pgaudit"))],
      ["no Extended Support (an end-of-life major is refused, not silently paid for)", (r) => first(r, T.instance, (i) => !i.replicateSourceDb).engineLifecycleSupport === "open-source-rds-extended-support-disabled"],
      ["server certificate from the current CA on every instance", (r) => all(r, T.instance).every((i) => i.caCertIdentifier === "rds-ca-rsa2048-g1")],
      ["RDS Proxy requires IAM auth like the database", (r) => first(r, T.proxy).auths[0].iamAuth === "REQUIRED" && first(r, T.proxy).requireTls === true],
      ["master password only as a secret", (r) => isSecretValue(ofType(T.instance, r)[0]!.inputs["password"]) && isSecretValue(ofType(T.secretVersion, r)[0]!.inputs["secretString"])],
    ],
  },
  {
    cloud: "aws (RDS for MySQL 8.4, prod, a replica): logging and auditing",
    render: () =>
      render((t) => new AwsRdsDatabase("shop", {
        environment: "prod",
        region: "us-east-1",
        input: { name: "shop", engine: "mysql", network: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"] }, replicas: [{ count: 1 }] },
      }, { transformations: [t.transformation] })),
    rows: [
      ["TLS enforced (require_secure_transport=1)", (r) => first(r, T.parameterGroup).parameters.some((p: any) => p.name === "require_secure_transport" && p.value === "1")],
      // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Options.AuditPlugin.html (MARIADB_AUDIT_PLUGIN, SERVER_AUDIT_EVENTS)
      ["MariaDB Audit Plugin logging connections, DDL and DCL", (r) => { const o = first(r, "aws:rds/optionGroup:OptionGroup").options[0]; return o.optionName === "MARIADB_AUDIT_PLUGIN" && o.optionSettings.some((x: any) => x.name === "SERVER_AUDIT_EVENTS" && x.value === "CONNECT,QUERY_DDL,QUERY_DCL"); }],
      ["every instance on the audit option group", (r) => { const g = first(r, "aws:rds/optionGroup:OptionGroup"); return all(r, T.instance).every((i) => String(i.optionGroupName).startsWith(g.namePrefix)); }],
      ["audit, error and slow query logs exported to CloudWatch", (r) => all(r, T.instance).every((i) => ["audit", "error", "slowquery"].every((log) => i.enabledCloudwatchLogsExports.includes(log)))],
      ["every exported log's group kept 365 days under the customer key", (r) => {
        const groups = all(r, "aws:cloudwatch/logGroup:LogGroup");
        const exported = all(r, T.instance).flatMap((i) => i.enabledCloudwatchLogsExports.map((log: string) => `/aws/rds/instance/${i.identifier}/${log}`));
        return exported.some((n) => n.endsWith("/audit")) && exported.every((n) => groups.some((g) => g.name === n && g.retentionInDays === 365 && /:key\//.test(g.kmsKeyId)));
      }],
      ["auditing refused, not skipped, on an 8.0 minor without the plugin", () => validateSpec(resolveSpec({ name: "shop", engine: "mysql", engineVersion: "8.0.27", extendedSupport: true }, "prod", "aws"), { cloud: "aws", environment: "prod" }).some((i) => i.path === "observability.pgaudit" && i.message.includes("8.0.28"))],
    ],
  },
  {
    cloud: "gcp (Cloud SQL for PostgreSQL, prod)",
    render: () =>
      render((t) => new GcpCloudSqlDatabase("orders", { environment: "prod", region: "europe-west1", input: { name: "orders", engine: "postgres", network: { vpcId: "projects/p/global/networks/n" } } }, { transformations: [t.transformation] })),
    rows: [
      ["CMEK on the instance", (r) => typeof first(r, "gcp:sql/databaseInstance:DatabaseInstance").encryptionKeyName === "string"],
      ["CMEK rotates", (r) => all(r, "gcp:kms/cryptoKey:CryptoKey").every((k) => typeof k.rotationPeriod === "string")],
      ["no public IP", (r) => all(r, "gcp:sql/databaseInstance:DatabaseInstance").every((i) => i.settings.ipConfiguration.ipv4Enabled === false)],
      ["TLS only", (r) => first(r, "gcp:sql/databaseInstance:DatabaseInstance").settings.ipConfiguration.sslMode === "ENCRYPTED_ONLY"],
      ["35 backups kept", (r) => first(r, "gcp:sql/databaseInstance:DatabaseInstance").settings.backupConfiguration.backupRetentionSettings.retainedBackups === 35],
      ["deletion protection (API and Pulumi)", (r) => first(r, "gcp:sql/databaseInstance:DatabaseInstance").deletionProtection === true && first(r, "gcp:sql/databaseInstance:DatabaseInstance").settings.deletionProtectionEnabled === true],
      ["regional (HA)", (r) => first(r, "gcp:sql/databaseInstance:DatabaseInstance").settings.availabilityType === "REGIONAL"],
      ["connections and disconnections logged", (r) => ["log_connections", "log_disconnections"].every((n) => first(r, "gcp:sql/databaseInstance:DatabaseInstance").settings.databaseFlags.some((f: any) => f.name === n && f.value === "on"))],
      // https://cloud.google.com/sql/docs/postgres/pg-audit (cloudsql.enable_pgaudit, pgaudit.log)
      ["pgaudit on, logging DDL and role changes", (r) => { const f = Object.fromEntries(first(r, "gcp:sql/databaseInstance:DatabaseInstance").settings.databaseFlags.map((x: any) => [x.name, x.value])); return f["cloudsql.enable_pgaudit"] === "on" && f["pgaudit.log"] === "ddl,role"; }],
      ["pgaudit not undoable through parameters", () => validateSpec(resolveSpec({ name: "orders", engine: "postgres", parameters: { "cloudsql.enable_pgaudit": "off" } }, "prod", "gcp"), { cloud: "gcp", environment: "prod" }).some((i) => i.path === "parameters.cloudsql.enable_pgaudit" && i.message.includes("observability.pgaudit"))],
      // node_modules/@pulumi/gcp/types/input.d.ts DatabaseInstanceSettingsPasswordValidationPolicy
      ["password validation policy enforced", (r) => { const p = first(r, "gcp:sql/databaseInstance:DatabaseInstance").settings.passwordValidationPolicy; return p?.enablePasswordPolicy === true && p.minLength >= 16 && p.complexity === "COMPLEXITY_DEFAULT" && p.disallowUsernameSubstring === true; }],
      ["password only as a secret", (r) => isSecretValue(ofType("gcp:sql/user:User", r)[0]!.inputs["password"]) && isSecretValue(ofType("gcp:secretmanager/secretVersion:SecretVersion", r)[0]!.inputs["secretData"])],
    ],
  },
  {
    cloud: "azure (PostgreSQL flexible server, prod)",
    render: () =>
      render((t) => new AzurePostgresFlexibleServer("orders", {
        environment: "prod",
        ...azure,
        input: {
          name: "orders",
          engine: "postgres",
          network: { subnetIds: ["/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/pg"], privateDnsZoneId: "/zones/o.postgres.database.azure.com" },
          observability: { logAnalyticsWorkspaceId: workspace },
        },
      }, { transformations: [t.transformation] })),
    rows: [
      ["customer-managed key (versionless)", (r) => typeof first(r, "azure:postgresql/flexibleServer:FlexibleServer").customerManagedKey.keyVaultKeyId === "string"],
      ["key rotation policy", (r) => all(r, "azure:keyvault/key:Key").every((k) => k.rotationPolicy?.automatic?.timeAfterCreation)],
      ["no public network access", (r) => all(r, "azure:postgresql/flexibleServer:FlexibleServer").every((s) => s.publicNetworkAccessEnabled === false)],
      ["TLS required, 1.2 minimum", (r) => { const p = Object.fromEntries(all(r, "azure:postgresql/flexibleServerConfiguration:FlexibleServerConfiguration").map((c) => [c.name, c.value])); return p.require_secure_transport === "on" && p.ssl_min_protocol_version === "TLSv1.2"; }],
      ["TLS not undoable through parameters", () => tlsUndone("azure", "postgres", { require_secure_transport: "off" })?.message.includes("encryption.inTransitRequired")],
      ["35 days of backups", (r) => first(r, "azure:postgresql/flexibleServer:FlexibleServer").backupRetentionDays === 35],
      ["delete lock", (r) => all(r, "azure:management/lock:Lock").some((l) => l.lockLevel === "CanNotDelete")],
      ["zone-redundant HA", (r) => first(r, "azure:postgresql/flexibleServer:FlexibleServer").highAvailability?.mode === "ZoneRedundant"],
      ["connections, disconnections, checkpoints logged; throttling on", (r) => { const p = Object.fromEntries(all(r, "azure:postgresql/flexibleServerConfiguration:FlexibleServerConfiguration").map((c) => [c.name, c.value])); return ["log_connections", "log_disconnections", "log_checkpoints", "connection_throttle.enable"].every((n) => p[n] === "on"); }],
      // https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-audit (azure.extensions, shared_preload_libraries, pgaudit.log)
      ["pgaudit allow-listed, preloaded and logging DDL and role changes", (r) => { const p = Object.fromEntries(all(r, "azure:postgresql/flexibleServerConfiguration:FlexibleServerConfiguration").map((c) => [c.name, c.value])); return p["azure.extensions"].split(",").includes("PGAUDIT") && p.shared_preload_libraries.split(",").includes("pgaudit") && p["pgaudit.log"] === "ddl,role"; }],
      ["pgaudit not undoable through parameters", () => validateSpec(resolveSpec({ name: "orders", engine: "postgres", parameters: { shared_preload_libraries: "pg_stat_statements" } }, "prod", "azure"), { cloud: "azure", environment: "prod" }).some((i) => i.path === "parameters.shared_preload_libraries" && i.message.includes("observability.pgaudit"))],
      ["logs to Log Analytics", (r) => all(r, "azure:monitoring/diagnosticSetting:DiagnosticSetting").some((d) => d.logAnalyticsWorkspaceId === workspace)],
      ["password only as a secret", (r) => isSecretValue(ofType("azure:postgresql/flexibleServer:FlexibleServer", r)[0]!.inputs["administratorPassword"])],
    ],
  },
  {
    cloud: "azure (SQL Database, prod, Entra admin, geo-secondary)",
    render: () =>
      render((t) => new AzureSqlDatabase("orders", {
        environment: "prod",
        ...azure,
        defender: { vulnerabilityAssessmentStorageContainerPath: "https://scans.blob.core.windows.net/va" },
        replicaSubnetIds: { northeurope: "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v2/subnets/sql" },
        input: {
          name: "orders",
          engine: "sqlserver",
          network: { subnetIds: ["/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/sql"] },
          auth: { iamAuthentication: true, entraAdmin },
          replicas: [{ count: 1, region: "northeurope" }],
          observability: { logAnalyticsWorkspaceId: workspace },
        },
      }, { transformations: [t.transformation] })),
    rows: [
      ["TDE with a customer key", (r) => all(r, "azure:mssql/serverTransparentDataEncryption:ServerTransparentDataEncryption").length === all(r, "azure:mssql/server:Server").length],
      ["no public network access", (r) => all(r, "azure:mssql/server:Server").every((s) => s.publicNetworkAccessEnabled === false)],
      ["TLS 1.2 minimum", (r) => all(r, "azure:mssql/server:Server").every((s) => s.minimumTlsVersion === "1.2")],
      ["Entra-only authentication by default in prod with an Entra admin", (r) => all(r, "azure:mssql/server:Server").every((s) => s.azureadAdministrator?.azureadAuthenticationOnly === true)],
      ["Defender for SQL on every server", (r) => all(r, "azure:mssql/serverSecurityAlertPolicy:ServerSecurityAlertPolicy").filter((p) => p.state === "Enabled").length === all(r, "azure:mssql/server:Server").length],
      ["vulnerability assessment with recurring scans", (r) => all(r, "azure:mssql/serverVulnerabilityAssessment:ServerVulnerabilityAssessment").every((v) => v.recurringScans.enabled === true) && all(r, "azure:mssql/serverVulnerabilityAssessment:ServerVulnerabilityAssessment").length === 2],
      ["auditing on the primary and the geo-secondary", (r) => all(r, "azure:mssql/serverExtendedAuditingPolicy:ServerExtendedAuditingPolicy").length === 2],
      ["delete locks", (r) => all(r, "azure:management/lock:Lock").length >= 2],
      ["admin password only as a secret", (r) => ofType("azure:mssql/server:Server", r).every((s) => isSecretValue(s.inputs["administratorLoginPassword"]))],
    ],
  },
];

beforeEach(() => {
  vi.spyOn(pulumi.log, "warn").mockImplementation(async () => {});
});

describe.each(tables)("CIS at prod: $cloud", ({ render: make, rows }) => {
  let records: Registered[] = [];
  beforeAll(async () => {
    records = await make();
  });
  it.each(rows)("%s", (_control, holds) => {
    expect(holds(records)).toBeTruthy();
  });
});
