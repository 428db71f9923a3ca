// The guardrails as pure checks: our components (rendered under Pulumi mocks) pass every policy in every
// environment, and hand-written bad resources fail each policy with a message naming the resource and fix.
import { describe, expect, it } from "vitest";
import { evaluate } from "../../policy/evaluate.ts";
import { T } from "../../policy/resource-types.ts";
import { rules } from "../../policy/rules/index.ts";
import type { PolicyResourceView } from "../../policy/types.ts";
import { flavours, render } from "./components.ts";

function res(type: string, name: string, props: Record<string, unknown>, extra: Partial<PolicyResourceView> = {}): PolicyResourceView {
  return { type, name, urn: `urn:pulumi:prod::app::${type}::${name}`, props, secretProps: new Set(), ...extra };
}

/** Messages of one policy on `resources`. */
const findings = (policy: string, resources: PolicyResourceView[], stackTags: Record<string, string> = {}) =>
  evaluate(resources, { only: [policy], stackTags }).map((v) => v.message);

const prod = { tags: { environment: "prod" } };
const kv = "https://kv.vault.azure.net/keys/k";
const awsPg = (props: Record<string, unknown> = {}) =>
  res(T.rdsInstance, "orders", {
    identifier: "orders", engine: "postgres", engineVersion: "17", storageEncrypted: true, kmsKeyId: "arn:aws:kms:us-east-1:1:key/k",
    backupRetentionPeriod: 14, publiclyAccessible: false, deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "orders-final",
    parameterGroupName: "orders-pg", enabledCloudwatchLogsExports: ["postgresql"], engineLifecycleSupport: "open-source-rds-extended-support-disabled", ...prod, ...props,
  });
const pgGroup = (params: Record<string, string>) =>
  res(T.rdsParameterGroup, "orders-pg", { name: "orders-pg", family: "postgres17", parameters: Object.entries(params).map(([name, value]) => ({ name, value })) });
const gcpPg = (settings: Record<string, unknown> = {}, props: Record<string, unknown> = {}) =>
  res(T.sqlInstance, "orders", {
    name: "orders", project: "p", databaseVersion: "POSTGRES_17", encryptionKeyName: "projects/p/locations/l/keyRings/r/cryptoKeys/k",
    settings: {
      userLabels: { environment: "prod" }, ipConfiguration: { ipv4Enabled: false, sslMode: "ENCRYPTED_ONLY" },
      backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, backupRetentionSettings: { retainedBackups: 14 } },
      deletionProtectionEnabled: true, finalBackupConfig: { enabled: true }, databaseFlags: [{ name: "log_min_duration_statement", value: "200" }], ...settings,
    },
    ...props,
  });
const pgFlex = (props: Record<string, unknown> = {}) =>
  res(T.pgFlexible, "orders", { name: "orders", resourceGroupName: "rg", publicNetworkAccessEnabled: false, delegatedSubnetId: "/s/db", backupRetentionDays: 14, customerManagedKey: { keyVaultKeyId: kv }, ...prod, ...props });
const flexId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders";

describe("our components pass every policy", () => {
  for (const environment of ["prod", "staging", "dev", "ci"] as const) {
    it.each(flavours)(`%s at the ${environment} preset`, async (flavour) => {
      const resources = await render(flavour, environment);
      expect(resources.length).toBeGreaterThan(3);
      expect(evaluate(resources).map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
    });
  }

  it("the dev preset deployed to a prod-tagged stack breaks the prod guardrails", async () => {
    const byPolicy = async (flavour: (typeof flavours)[number]) => new Set(evaluate(await render(flavour, "dev", "prod")).map((v) => v.policy));
    expect(await byPolicy("aws-postgres")).toEqual(new Set(["db-storage-encrypted", "db-backup-retention", "db-deletion-protection", "db-monitoring-wired", "db-no-extended-support", "db-pgaudit"]));
    expect(await byPolicy("gcp-postgres")).toEqual(new Set(["db-storage-encrypted", "db-backup-retention", "db-deletion-protection", "db-monitoring-wired", "db-pgaudit", "db-password-policy"]));
    // Azure's minimum retention is 7 days, and the diagnostic setting (workspace given) counts as monitoring.
    expect(await byPolicy("azure-postgres")).toEqual(new Set(["db-storage-encrypted", "db-deletion-protection", "db-pgaudit"]));
  });
});

describe("our prod components keep the promises the raw-resource rules check", () => {
  const entraAdmin = { login: "dba", objectId: "55555555-5555-4555-8555-555555555555" };
  const secondary = { replicas: [{ region: "northeurope", count: 1 }] };

  it.each([
    ["azure-sqlserver with an Entra admin and a geo-secondary", "azure-sqlserver", { input: { auth: { entraAdmin }, ...secondary } }],
    ["gcp-postgres with a read and a DR replica", "gcp-postgres", { input: { replicas: [{ count: 1 }, { region: "europe-west4", count: 1 }] } }],
    ["azure-postgres with a read replica", "azure-postgres", { input: { replicas: [{ count: 1 }] } }],
    ["aws-postgres with a read replica", "aws-postgres", { input: { replicas: [{ count: 1 }] } }],
    ["aws-mysql with a read replica and one in another region", "aws-mysql", { input: { replicas: [{ count: 1 }, { region: "us-west-2", count: 1 }] } }],
  ] as const)("%s passes every policy", async (_, flavour, extra) => {
    const resources = await render(flavour, "prod", "prod", extra);
    expect(evaluate(resources).map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
  });

  it("the rules read what the components render: opting out of a prod promise is reported", async () => {
    const policies = async (flavour: (typeof flavours)[number], extra: Parameters<typeof render>[3]) => evaluate(await render(flavour, "prod", "prod", extra)).map((v) => v.policy);
    const noAudit = { input: { observability: { pgaudit: false } } };
    expect(await policies("aws-postgres", noAudit)).toEqual(["db-pgaudit"]);
    expect(await policies("gcp-postgres", noAudit)).toEqual(["db-pgaudit"]);
    expect(await policies("azure-postgres", noAudit)).toEqual(["db-pgaudit"]);
    expect(await policies("aws-mysql", noAudit)).toEqual(["db-mysql-audit"]);
    expect(await policies("gcp-mysql", { args: { passwordValidation: { enabled: false } } })).toEqual(["db-password-policy"]);
    expect(await policies("azure-sqlserver", { input: { auth: { entraAdmin }, ...secondary }, args: { entraOnlyAuthentication: false } })).toEqual(["db-sql-entra-only", "db-sql-entra-only"]);
  });
});

describe("each policy fails on bad resources", () => {
  it("db-storage-encrypted: unencrypted storage; provider-managed key in prod", () => {
    expect(findings("db-storage-encrypted", [awsPg({ storageEncrypted: false })])).toEqual([expect.stringMatching(/^orders: storage is not encrypted \(storageEncrypted: false\)/)]);
    expect(findings("db-storage-encrypted", [awsPg({ kmsKeyId: undefined })])).toEqual([expect.stringMatching(/AWS-managed key; prod needs a customer-managed KMS key/)]);
    expect(findings("db-storage-encrypted", [gcpPg({}, { encryptionKeyName: "" })])).toEqual([expect.stringMatching(/Google-managed key/)]);
    expect(findings("db-storage-encrypted", [pgFlex({ customerManagedKey: undefined })])).toEqual([expect.stringMatching(/customerManagedKey.keyVaultKeyId/)]);
    const db = res(T.mssqlDatabase, "app", { name: "app", serverId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql1", transparentDataEncryptionEnabled: false, ...prod });
    expect(findings("db-storage-encrypted", [db])).toEqual([expect.stringMatching(/transparent data encryption is off/), expect.stringMatching(/service-managed key/)]);
    // In dev the provider key is fine.
    expect(findings("db-storage-encrypted", [awsPg({ kmsKeyId: undefined, tags: { environment: "dev" } })])).toEqual([]);
  });

  it("db-tls-required: force_ssl off, default group on an old engine, weak sslMode / TLS version, require_secure_transport off", () => {
    expect(findings("db-tls-required", [awsPg(), pgGroup({ "rds.force_ssl": "0" })])).toEqual(["orders: parameter group orders-pg has rds.force_ssl = 0; set it to 1"]);
    expect(findings("db-tls-required", [awsPg(), pgGroup({ "rds.force_ssl": "1" })])).toEqual([]);
    expect(findings("db-tls-required", [awsPg({ parameterGroupName: undefined, engineVersion: "14" })])).toEqual([expect.stringMatching(/default parameter group, which does not force TLS/)]);
    expect(findings("db-tls-required", [gcpPg({ ipConfiguration: { ipv4Enabled: false, sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" } })])).toEqual([expect.stringMatching(/sslMode is ALLOW_UNENCRYPTED_AND_ENCRYPTED/)]);
    expect(findings("db-tls-required", [res(T.mssqlServer, "sql", { minimumTlsVersion: "1.0", ...prod })])).toEqual(['sql: minimumTlsVersion is 1.0; set "1.2"']);
    const config = res(T.pgFlexibleConfig, "tls", { name: "require_secure_transport", value: "off", serverId: flexId });
    expect(findings("db-tls-required", [pgFlex(), config])).toEqual(["orders: server parameter require_secure_transport is off; set it to on"]);
  });

  it("db-backup-retention: too short, off, and the threshold comes from config", () => {
    expect(findings("db-backup-retention", [awsPg({ backupRetentionPeriod: 3 })])).toEqual(["orders: backups are kept 3 day(s); prod needs at least 7"]);
    expect(findings("db-backup-retention", [gcpPg({ backupConfiguration: { enabled: false } })])).toEqual([expect.stringMatching(/automated backups are off/)]);
    expect(findings("db-backup-retention", [pgFlex({ backupRetentionDays: 5, tags: { environment: "staging" } })])).toEqual([expect.stringMatching(/kept 5 day\(s\); staging/)]);
    const strict = evaluate([awsPg()], { only: ["db-backup-retention"], config: { "db-backup-retention": { minRetentionDays: 30 } } });
    expect(strict.map((v) => v.message)).toEqual(["orders: backups are kept 14 day(s); prod needs at least 30"]);
  });

  it("db-pitr-enabled: retention 0 on AWS, PITR / binary log off on Cloud SQL", () => {
    expect(findings("db-pitr-enabled", [awsPg({ backupRetentionPeriod: 0 })])).toEqual([expect.stringMatching(/turns point-in-time recovery off/)]);
    expect(findings("db-pitr-enabled", [gcpPg({ backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: false } })])).toEqual([expect.stringMatching(/pointInTimeRecoveryEnabled/)]);
    const mysql = gcpPg({ backupConfiguration: { enabled: true } }, { databaseVersion: "MYSQL_8_0" });
    expect(findings("db-pitr-enabled", [mysql])).toEqual([expect.stringMatching(/binaryLogEnabled/)]);
  });

  it("db-no-public-endpoint: public instances, servers, IPs, world-open firewall and security-group rules", () => {
    expect(findings("db-no-public-endpoint", [awsPg({ publiclyAccessible: true })])).toEqual(["orders: publiclyAccessible is true; set it to false"]);
    const open = gcpPg({ ipConfiguration: { ipv4Enabled: true, sslMode: "ENCRYPTED_ONLY", authorizedNetworks: [{ value: "0.0.0.0/0" }] } });
    expect(findings("db-no-public-endpoint", [open])).toEqual([expect.stringMatching(/public IPv4 address .* open to 0.0.0.0\/0/)]);
    expect(findings("db-no-public-endpoint", [res(T.mssqlServer, "sql", { ...prod })])).toEqual([expect.stringMatching(/^sql: publicNetworkAccessEnabled is not false/)]);
    expect(findings("db-no-public-endpoint", [res(T.mysqlFlexible, "my", { publicNetworkAccess: "Enabled" })])).toEqual([expect.stringMatching(/publicNetworkAccess: "Disabled"/)]);
    expect(findings("db-no-public-endpoint", [res(T.pgFlexibleFirewall, "all", { startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" })])).toEqual([expect.stringMatching(/the whole internet/)]);
    const sg = res(T.sgIngressRule, "db-in", { cidrIpv4: "0.0.0.0/0", fromPort: 5432, toPort: 5432, ipProtocol: "tcp" });
    expect(findings("db-no-public-endpoint", [sg])).toEqual([expect.stringMatching(/admits 0.0.0.0\/0 on database port 5432/)]);
    expect(findings("db-no-public-endpoint", [{ ...sg, props: { ...sg.props, fromPort: 443, toPort: 443 } }])).toEqual([]);
  });

  it("db-deletion-protection: no protection or final snapshot in prod; Azure needs a CanNotDelete lock", () => {
    expect(findings("db-deletion-protection", [awsPg({ deletionProtection: false, skipFinalSnapshot: true })])).toEqual([
      "orders: deletionProtection is not true; no final snapshot (skipFinalSnapshot is not false)",
    ]);
    const gcp = gcpPg({ deletionProtectionEnabled: false, finalBackupConfig: undefined });
    expect(findings("db-deletion-protection", [gcp])).toEqual([expect.stringMatching(/deletionProtectionEnabled .* no final backup/)]);
    expect(findings("db-deletion-protection", [pgFlex()])).toEqual(["orders: no CanNotDelete management lock on the server"]);
    const rgLock = res(T.lock, "rg-lock", { lockLevel: "CanNotDelete", scope: "/subscriptions/s/resourceGroups/rg" });
    expect(findings("db-deletion-protection", [pgFlex(), rgLock])).toEqual([]);
    expect(findings("db-deletion-protection", [awsPg({ deletionProtection: false, tags: { environment: "staging" } })])).toEqual([]);
  });

  it("db-replicas-encrypted: an unencrypted replica, a replica without the customer key", () => {
    const replica = res(T.rdsInstance, "orders-replica", { replicateSourceDb: "orders", storageEncrypted: false, ...prod });
    expect(findings("db-replicas-encrypted", [awsPg(), replica])).toEqual([
      expect.stringMatching(/^replica orders-replica: storage is not encrypted/),
      expect.stringMatching(/^replica orders-replica: uses the AWS-managed key/),
    ]);
    expect(findings("db-replicas-encrypted", [gcpPg({}, { masterInstanceName: "orders", encryptionKeyName: undefined })])).toEqual([expect.stringMatching(/^replica orders: uses the Google-managed key/)]);
    expect(findings("db-replicas-encrypted", [pgFlex({ createMode: "Replica", customerManagedKey: undefined })])).toEqual([expect.stringMatching(/^replica orders: uses the service-managed key/)]);
    // The primary's own check does not double-report the replica.
    expect(findings("db-storage-encrypted", [replica])).toEqual([]);
  });

  it("db-no-plaintext-password: a literal, not secret, not generated", () => {
    expect(findings("db-no-plaintext-password", [awsPg({ password: "hunter2hunter2" })])).toEqual([expect.stringMatching(/^orders: password is not a secret/)]);
    expect(findings("db-no-plaintext-password", [awsPg({ password: "x" })].map((r) => ({ ...r, secretProps: new Set(["password"]) })))).toEqual([]);
    // As the engine sees it (secrets unwrapped): a value computed from no resource is a literal.
    const engineView = (deps: string[]) => ({ ...pgFlex({ administratorPassword: "p4ss" }), secretProps: undefined, propertyDependencies: { administratorPassword: deps } });
    expect(findings("db-no-plaintext-password", [engineView([])])).toEqual([expect.stringMatching(/administratorPassword is a literal value/)]);
    expect(findings("db-no-plaintext-password", [engineView(["urn:pulumi:prod::app::random:index/randomPassword:RandomPassword::pw"])])).toEqual([]);
    expect(findings("db-no-plaintext-password", [awsPg({ manageMasterUserPassword: true })])).toEqual([]);
  });

  it("db-slow-query-logging: threshold unset, log export missing, no Query Store diagnostics", () => {
    expect(findings("db-slow-query-logging", [awsPg({ enabledCloudwatchLogsExports: [] }), pgGroup({ "rds.force_ssl": "1" })])).toEqual([
      'orders: enabledCloudwatchLogsExports lacks "postgresql", so slow statements never reach CloudWatch Logs',
      "orders: parameter group orders-pg has log_min_duration_statement = (unset); set log_min_duration_statement to a threshold in ms",
    ]);
    expect(findings("db-slow-query-logging", [awsPg(), pgGroup({ log_min_duration_statement: "-1" })])).toHaveLength(1);
    expect(findings("db-slow-query-logging", [gcpPg({ databaseFlags: [] })])).toEqual([expect.stringMatching(/log_min_duration_statement is not set/)]);
    expect(findings("db-slow-query-logging", [pgFlex()])).toEqual([expect.stringMatching(/log_min_duration_statement is not set/)]);
    const db = res(T.mssqlDatabase, "app", { name: "app", serverId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql1", ...prod });
    expect(findings("db-slow-query-logging", [db])).toEqual([expect.stringMatching(/no diagnostic setting sends Query Store/)]);
  });

  it("db-monitoring-wired: no alarm for the database (an alarm on another one does not count)", () => {
    const other = res(T.metricAlarm, "cpu", { dimensions: { DBInstanceIdentifier: "billing" } });
    expect(findings("db-monitoring-wired", [awsPg(), other])).toEqual([expect.stringMatching(/^orders: no alarm or diagnostic setting/)]);
    expect(findings("db-monitoring-wired", [awsPg(), { ...other, props: { dimensions: { DBInstanceIdentifier: "orders" } } }])).toEqual([]);
    expect(findings("db-monitoring-wired", [pgFlex()])).toHaveLength(1);
    const alert = res(T.metricAlert, "cpu", { scopes: [flexId] });
    expect(findings("db-monitoring-wired", [pgFlex(), alert])).toEqual([]);
  });

  it("db-key-arn: an alias ARN as an RDS key fails; the key ARN passes", () => {
    const alias = "arn:aws:kms:us-west-2:123456789012:alias/aws/rds";
    expect(findings("db-key-arn", [awsPg({ kmsKeyId: alias })])[0]).toMatch(/orders: kmsKeyId is the alias ARN .*key ARN/);
    expect(findings("db-key-arn", [res(T.rdsBackupReplication, "copy", { kmsKeyId: alias, ...prod })])[0]).toMatch(/copy: kmsKeyId is the alias ARN/);
    expect(findings("db-key-arn", [awsPg()])).toEqual([]);
  });

  it("db-connections-logged: PostgreSQL without connection logging fails on each cloud", () => {
    expect(findings("db-connections-logged", [awsPg(), pgGroup({ "rds.force_ssl": "1" })])[0]).toMatch(/log_connections, log_disconnections off/);
    expect(findings("db-connections-logged", [awsPg(), pgGroup({ log_connections: "1", log_disconnections: "1" })])).toEqual([]);
    expect(findings("db-connections-logged", [gcpPg()])[0]).toMatch(/log_connections, log_disconnections are not on/);
    expect(findings("db-connections-logged", [pgFlex()])[0]).toMatch(/log_checkpoints, connection_throttle.enable are not on/);
  });

  it("db-sql-defender: an Azure SQL server without an enabled security alert policy fails", () => {
    const server = res(T.mssqlServer, "orders-primary", { name: "orders-primary", resourceGroupName: "rg", ...prod });
    expect(findings("db-sql-defender", [server])[0]).toMatch(/orders-primary: no enabled Defender for SQL/);
    const policy = res(T.mssqlSecurityAlertPolicy, "defender", { serverName: "orders-primary", resourceGroupName: "rg", state: "Enabled" });
    expect(findings("db-sql-defender", [server, policy])).toEqual([]);
  });

  it("db-log-retention: an exported log without a log group (or one kept forever) fails; a group with retention passes", () => {
    const group = (retentionInDays?: number) => res(T.logGroup, "orders-log", { name: "/aws/rds/instance/orders/postgresql", ...(retentionInDays ? { retentionInDays } : {}) });
    expect(findings("db-log-retention", [awsPg()])[0]).toMatch(/orders: no log group with a retention for \/aws\/rds\/instance\/orders\/postgresql/);
    expect(findings("db-log-retention", [awsPg(), group()])).toHaveLength(1);
    expect(findings("db-log-retention", [awsPg(), group(365)])).toEqual([]);
  });

  it("db-no-extended-support: a prod PostgreSQL primary enrolled (or left to RDS's default) fails; opted out passes", () => {
    expect(findings("db-no-extended-support", [awsPg({ engineLifecycleSupport: undefined })])[0]).toMatch(/orders: engineLifecycleSupport is unset/);
    expect(findings("db-no-extended-support", [awsPg({ engineLifecycleSupport: "open-source-rds-extended-support" })])[0]).toMatch(/open-source-rds-extended-support;/);
    expect(findings("db-no-extended-support", [awsPg({ engineLifecycleSupport: "open-source-rds-extended-support-disabled" })])).toEqual([]);
    expect(findings("db-no-extended-support", [awsPg({ engine: "sqlserver-se" })])).toEqual([]);
  });

  it("db-pgaudit: a PostgreSQL primary without pgaudit loaded, or logging nothing, fails on each cloud", () => {
    expect(findings("db-pgaudit", [awsPg(), pgGroup({ shared_preload_libraries: "pg_stat_statements" })])).toEqual([
      "orders: pgaudit records nothing — parameter group orders-pg: shared_preload_libraries is \"pg_stat_statements\", pgaudit.log is unset (none); add pgaudit to shared_preload_libraries (apply-method pending-reboot) and set pgaudit.log = ddl,role",
    ]);
    expect(findings("db-pgaudit", [awsPg({ parameterGroupName: undefined })])[0]).toMatch(/orders: .*default parameter group does not load pgaudit/);
    expect(findings("db-pgaudit", [awsPg(), pgGroup({ shared_preload_libraries: "pg_stat_statements,pgaudit", "pgaudit.log": "ddl,role" })])).toEqual([]);
    const gcpFlags = (flags: Record<string, string>) => gcpPg({ databaseFlags: Object.entries(flags).map(([name, value]) => ({ name, value })) });
    expect(findings("db-pgaudit", [gcpFlags({ "cloudsql.enable_pgaudit": "on" })])).toEqual([
      "orders: pgaudit records nothing — database flags: pgaudit.log is unset (none); set settings.databaseFlags cloudsql.enable_pgaudit = on and pgaudit.log = ddl,role",
    ]);
    expect(findings("db-pgaudit", [gcpFlags({ "pgaudit.log": "all" })])[0]).toMatch(/cloudsql.enable_pgaudit is unset/);
    expect(findings("db-pgaudit", [gcpFlags({ "cloudsql.enable_pgaudit": "on", "pgaudit.log": "ddl,role" })])).toEqual([]);
    expect(findings("db-pgaudit", [gcpPg({}, { databaseVersion: "MYSQL_8_0" })])).toEqual([]);
    const param = (name: string, value: string) => res(T.pgFlexibleConfig, name, { name, value, serverId: flexId });
    expect(findings("db-pgaudit", [pgFlex(), param("pgaudit.log", "none")])[0]).toMatch(
      /^orders: pgaudit records nothing — server parameters: shared_preload_libraries is unset, pgaudit.log is "none"; add FlexibleServerConfiguration/,
    );
    expect(findings("db-pgaudit", [pgFlex(), param("shared_preload_libraries", "pg_stat_statements,pgaudit"), param("pgaudit.log", "ddl,role")])).toEqual([]);
    // Replicas follow their primary; dev is not held to it.
    expect(findings("db-pgaudit", [pgFlex({ createMode: "Replica" }), awsPg({ parameterGroupName: undefined, tags: { environment: "dev" } })])).toEqual([]);
  });

  it("db-password-policy: a Cloud SQL PostgreSQL or MySQL primary without an enabled password validation policy fails", () => {
    expect(findings("db-password-policy", [gcpPg()])).toEqual([
      'orders: no settings.passwordValidationPolicy, so built-in users may get weak or reused passwords; set settings.passwordValidationPolicy { enablePasswordPolicy: true, minLength: 16, complexity: "COMPLEXITY_DEFAULT" }',
    ]);
    expect(findings("db-password-policy", [gcpPg({ passwordValidationPolicy: { enablePasswordPolicy: false } }, { databaseVersion: "MYSQL_8_4" })])[0]).toMatch(/enablePasswordPolicy is false/);
    expect(findings("db-password-policy", [gcpPg({ passwordValidationPolicy: { enablePasswordPolicy: true, minLength: 16 } })])).toEqual([]);
    expect(findings("db-password-policy", [gcpPg({}, { databaseVersion: "SQLSERVER_2022_STANDARD" }), gcpPg({}, { masterInstanceName: "orders-primary" })])).toEqual([]);
  });

  const sqlServer = (props: Record<string, unknown> = {}) => res(T.mssqlServer, "sql1", { name: "sql1", resourceGroupName: "rg", ...prod, ...props });
  const sqlServerId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql1";

  it("db-sql-auditing: a server with no auditing, or auditing to Azure Monitor that no diagnostic setting delivers, fails", () => {
    expect(findings("db-sql-auditing", [sqlServer()])).toEqual([
      "sql1: no enabled server auditing policy (mssql.ServerExtendedAuditingPolicy) in this stack; audit it with ServerExtendedAuditingPolicy and a diagnostic setting on its master database",
    ]);
    const audit = (props: Record<string, unknown>) => res(T.mssqlServerAudit, "audit", { serverId: sqlServerId, ...props });
    expect(findings("db-sql-auditing", [sqlServer(), audit({ enabled: false, storageEndpoint: "https://a.blob.core.windows.net/" })])[0]).toMatch(/no enabled server auditing policy/);
    expect(findings("db-sql-auditing", [sqlServer(), audit({ storageEndpoint: "https://a.blob.core.windows.net/" })])).toEqual([]);
    expect(findings("db-sql-auditing", [sqlServer(), audit({ logMonitoringEnabled: true })])[0]).toMatch(/no diagnostic setting on its master database sends SQLSecurityAuditEvents/);
    const master = res(T.diagnosticSetting, "master", { targetResourceId: `${sqlServerId}/databases/master`, enabledLogs: [{ category: "SQLSecurityAuditEvents" }] });
    expect(findings("db-sql-auditing", [sqlServer(), audit({ logMonitoringEnabled: true }), master])).toEqual([]);
    // The policy on another server does not count.
    expect(findings("db-sql-auditing", [sqlServer(), audit({ serverId: sqlServerId.replace("sql1", "sql2"), storageEndpoint: "https://a" })])).toHaveLength(1);
  });

  it("db-sql-entra-only: a server with an Entra administrator that still accepts SQL logins fails", () => {
    const admin = (only?: boolean) => ({ azureadAdministrator: { loginUsername: "dba", objectId: "55555555-5555-4555-8555-555555555555", ...(only === undefined ? {} : { azureadAuthenticationOnly: only }) } });
    expect(findings("db-sql-entra-only", [sqlServer(admin())])).toEqual([
      "sql1: azureadAdministrator is set but azureadAuthenticationOnly is unset (false), so SQL logins (administratorLogin and its password) still work; set azureadAdministrator.azureadAuthenticationOnly: true",
    ]);
    expect(findings("db-sql-entra-only", [sqlServer(admin(false))])[0]).toMatch(/azureadAuthenticationOnly is false/);
    expect(findings("db-sql-entra-only", [sqlServer(admin(true)), sqlServer()])).toEqual([]);
  });

  it("db-mysql-audit: an RDS for MySQL primary without the MariaDB Audit Plugin, or not exporting its log, fails", () => {
    const mysql = (props: Record<string, unknown> = {}) =>
      awsPg({ engine: "mysql", engineVersion: "8.4", parameterGroupName: undefined, optionGroupName: "orders-audit", enabledCloudwatchLogsExports: ["error", "audit"], ...props });
    const group = (options: unknown[]) => res(T.rdsOptionGroup, "orders-audit", { name: "orders-audit", engineName: "mysql", majorEngineVersion: "8.4", options });
    const plugin = (events?: string) => ({ optionName: "MARIADB_AUDIT_PLUGIN", optionSettings: events ? [{ name: "SERVER_AUDIT_EVENTS", value: events }] : [] });
    expect(findings("db-mysql-audit", [mysql(), group([plugin("CONNECT,QUERY_DDL,QUERY_DCL")])])).toEqual([]);
    expect(findings("db-mysql-audit", [mysql(), group([plugin()])])).toEqual([]); // RDS's default CONNECT,QUERY
    expect(findings("db-mysql-audit", [mysql(), group([])])).toEqual([
      'orders: nothing audits it — option group orders-audit has no MARIADB_AUDIT_PLUGIN; attach an option group with MARIADB_AUDIT_PLUGIN (SERVER_AUDIT_EVENTS = CONNECT,QUERY_DDL,QUERY_DCL) and export "audit"',
    ]);
    expect(findings("db-mysql-audit", [mysql(), group([plugin("CONNECT")])])[0]).toMatch(/SERVER_AUDIT_EVENTS "CONNECT" records no schema changes/);
    expect(findings("db-mysql-audit", [mysql({ optionGroupName: "default:mysql-8-4" })])[0]).toMatch(/option group default:mysql-8-4 has no MARIADB_AUDIT_PLUGIN/);
    expect(findings("db-mysql-audit", [mysql({ optionGroupName: undefined, enabledCloudwatchLogsExports: ["error"] })])[0]).toMatch(
      /the default option group has no MARIADB_AUDIT_PLUGIN, enabledCloudwatchLogsExports has no "audit"/,
    );
    // A group managed in another stack is trusted; PostgreSQL, replicas and dev are not this rule's.
    expect(findings("db-mysql-audit", [mysql({ optionGroupName: "shared-audit" })])).toEqual([]);
    expect(findings("db-mysql-audit", [awsPg()])).toEqual([]);
    expect(findings("db-mysql-audit", [mysql({ optionGroupName: undefined, replicateSourceDb: "orders" })])).toEqual([]);
    expect(findings("db-mysql-audit", [mysql({ optionGroupName: undefined, tags: { environment: "dev" } })])).toEqual([]);
  });

  it("every policy has a failing case above", () => {
    expect(rules.map((r) => r.name).sort()).toEqual([
      "db-backup-retention", "db-connections-logged", "db-deletion-protection", "db-key-arn", "db-log-retention", "db-monitoring-wired", "db-mysql-audit", "db-no-extended-support", "db-no-plaintext-password", "db-no-public-endpoint",
      "db-password-policy", "db-pgaudit", "db-pitr-enabled", "db-replicas-encrypted", "db-slow-query-logging", "db-sql-auditing", "db-sql-defender", "db-sql-entra-only", "db-storage-encrypted", "db-tls-required",
    ]);
  });
});

describe("environments, enforcement levels and preview unknowns", () => {
  const bare = (tags?: Record<string, string>) => awsPg({ tags, deletionProtection: false });

  it("takes the environment from the resource tag, then the stack tag, else prod; production means prod", () => {
    expect(findings("db-deletion-protection", [bare({ environment: "dev" })], { environment: "prod" })).toEqual([]);
    expect(findings("db-deletion-protection", [bare({})], { environment: "staging" })).toEqual([]);
    expect(findings("db-deletion-protection", [bare({})])).toHaveLength(1);
    expect(findings("db-deletion-protection", [bare({ Environment: "Production" })])).toHaveLength(1);
  });

  it("pack config sets levels per policy (or all) and the environments a policy covers", () => {
    const r = [awsPg({ deletionProtection: false, enabledCloudwatchLogsExports: [] })];
    const levels = (config: Parameters<typeof evaluate>[1]) => evaluate(r, config).map((v) => `${v.policy}=${v.enforcementLevel}`);
    expect(levels({})).toEqual(["db-deletion-protection=mandatory", "db-slow-query-logging=advisory", "db-monitoring-wired=advisory"]);
    expect(levels({ config: { "db-slow-query-logging": "mandatory", "db-monitoring-wired": { enforcementLevel: "disabled" } } })).toEqual([
      "db-deletion-protection=mandatory",
      "db-slow-query-logging=mandatory",
    ]);
    expect(levels({ config: { all: "advisory" } })).toEqual(["db-deletion-protection=advisory", "db-slow-query-logging=advisory", "db-monitoring-wired=advisory"]);
    const dev = [awsPg({ deletionProtection: false, tags: { environment: "dev" } })];
    expect(evaluate(dev, { only: ["db-deletion-protection"] })).toEqual([]);
    expect(evaluate(dev, { only: ["db-deletion-protection"], config: { "db-deletion-protection": { environments: ["dev", "prod"] } } })).toHaveLength(1);
  });

  it("skips a resource whose properties are unknown during preview and checks the others", () => {
    class UnknownValueError extends Error {}
    const unknown = new Proxy({ storageEncrypted: true, tags: { environment: "prod" } } as Record<string, unknown>, {
      get(target, key) {
        if (key === "kmsKeyId" || key === "storageEncrypted") throw new UnknownValueError(`string value at .${String(key)} can't be known during preview`);
        return target[key as string];
      },
    });
    const pending = res(T.rdsInstance, "pending", unknown);
    expect(findings("db-storage-encrypted", [pending, awsPg({ storageEncrypted: false })])).toEqual([expect.stringMatching(/^orders: storage is not encrypted/)]);
  });
});
