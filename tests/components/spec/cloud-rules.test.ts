// Each per-cloud rule: a failing case on its cloud (issue with path, cloud and a message naming the cloud),
// a passing fix on the same cloud, and the same failing input passing on clouds without that limit.
import { describe, expect, it } from "vitest";
import {
  resolveSpec,
  validateSpec,
  type Cloud,
  type DatabaseSpecInput,
  type Engine,
  type Environment,
} from "../../../components/spec/index.ts";

type Patch = Omit<DatabaseSpecInput, "name" | "engine">;

interface Case {
  rule: string;
  cloud: Cloud;
  engine?: Engine;
  env?: Environment;
  bad: Patch;
  good: Patch;
  path: string;
  /** What the message must say besides the cloud: the value and the fix. */
  message: RegExp;
  /** Clouds where `bad` must not raise an issue at `path`. */
  passesOn?: Cloud[];
}

const label: Record<Cloud, string> = { aws: "AWS", gcp: "GCP", azure: "Azure" };
const long = (n: number) => "k".repeat(n);
const entra = { login: "dba-group", objectId: "00000000-0000-4000-8000-000000000001" };

const cases: Case[] = [
  // AWS
  { rule: "retention 0 with PITR on", cloud: "aws", bad: { backup: { retentionDays: 0, pointInTimeRecovery: true } }, good: { backup: { retentionDays: 1 } }, path: "backup.retentionDays", message: /^0 turns backups and PITR off on AWS RDS for PostgreSQL; use 1–35/ },
  { rule: "retention above 35", cloud: "aws", bad: { backup: { retentionDays: 36 } }, good: { backup: { retentionDays: 35 } }, path: "backup.retentionDays", message: /36 is outside 0–35 days .*; use 0–35/, passesOn: ["gcp"] },
  { rule: "PITR off while backups run", cloud: "aws", bad: { backup: { retentionDays: 7, pointInTimeRecovery: false } }, good: { backup: { retentionDays: 0, pointInTimeRecovery: false } }, path: "backup.pointInTimeRecovery", message: /false is not possible .* set true, or set backup\.retentionDays 0/, passesOn: ["gcp"] },
  { rule: "storage below 20 GB", cloud: "aws", bad: { storage: { sizeGb: 15, maxSizeGb: 15 } }, good: { storage: { sizeGb: 20, maxSizeGb: 20 } }, path: "storage.sizeGb", message: /15 GB is outside 20–65536 GB/, passesOn: ["gcp"] },
  { rule: "SQL Server storage above 16 TiB", cloud: "aws", engine: "sqlserver", bad: { storage: { sizeGb: 20000, maxSizeGb: 20000 } }, good: { storage: { sizeGb: 16384, maxSizeGb: 16384 } }, path: "storage.sizeGb", message: /20000 GB is outside 20–16384 GB on AWS RDS for SQL Server/, passesOn: ["gcp"] },
  { rule: "autoscaling headroom under 10%", cloud: "aws", bad: { storage: { sizeGb: 100, maxSizeGb: 105 } }, good: { storage: { sizeGb: 100, maxSizeGb: 110 } }, path: "storage.maxSizeGb", message: /105 is less than 10% above storage\.sizeGb \(100\).*use 110 or more/, passesOn: ["gcp"] },
  { rule: "enhanced monitoring interval", cloud: "aws", bad: { observability: { enhancedMonitoringSeconds: 20 } }, good: { observability: { enhancedMonitoringSeconds: 30 } }, path: "observability.enhancedMonitoringSeconds", message: /20 is not an enhanced monitoring interval .* use one of 0, 1, 5, 10, 15, 30, 60/, passesOn: ["gcp", "azure"] },
  { rule: "SQL Server read replicas", cloud: "aws", engine: "sqlserver", bad: { replicas: [{ count: 1 }] }, good: { replicas: [] }, path: "replicas[0]", message: /need Enterprise Edition.*remove the replicas/, passesOn: ["gcp", "azure"] },
  { rule: "replicas without automated backups", cloud: "aws", bad: { backup: { retentionDays: 0, pointInTimeRecovery: false }, replicas: [{ count: 1 }] }, good: { backup: { retentionDays: 1, pointInTimeRecovery: true }, replicas: [{ count: 1 }] }, path: "backup.retentionDays", message: /0: read replicas .* need automated backups .* use 1–35/ },
  { rule: "maintenance window under 30 minutes", cloud: "aws", engine: "sqlserver", bad: { maintenanceWindow: { day: "sun", hour: 3, durationMinutes: 20 } }, good: { maintenanceWindow: { day: "sun", hour: 3, durationMinutes: 30 } }, path: "maintenanceWindow.durationMinutes", message: /20 is too short .* use 30 or more/, passesOn: ["azure"] },
  { rule: "backup window under 30 minutes", cloud: "aws", bad: { backup: { window: "03:00-03:15" } }, good: { backup: { window: "03:00-03:30" } }, path: "backup.window", message: /"03:00-03:15" lasts 15 minutes; .* at least 30/, passesOn: ["gcp", "azure"] },
  { rule: "backup window overlapping maintenance", cloud: "aws", bad: { backup: { window: "02:30-03:30" }, maintenanceWindow: { day: "sun", hour: 3 } }, good: { backup: { window: "01:00-02:00" }, maintenanceWindow: { day: "sun", hour: 3 } }, path: "backup.window", message: /"02:30-03:30" overlaps the maintenance window \(sun 03:00/, passesOn: ["gcp", "azure"] },
  { rule: "backup window crossing midnight into maintenance", cloud: "aws", bad: { backup: { window: "23:45-00:30" }, maintenanceWindow: { day: "mon", hour: 0 } }, good: { backup: { window: "22:00-23:00" }, maintenanceWindow: { day: "mon", hour: 0 } }, path: "backup.window", message: /overlaps the maintenance window/, passesOn: ["gcp"] },
  { rule: "aws: tag prefix", cloud: "aws", bad: { tags: { "aws:owner": "me" } }, good: { tags: { owner: "me" } }, path: "tags.aws:owner", message: /"aws:owner".*reserved .* rename the key/, passesOn: ["azure"] },
  { rule: "tag key over 128", cloud: "aws", bad: { tags: { [long(129)]: "x" } }, good: { tags: { [long(128)]: "x" } }, path: `tags.${long(129)}`, message: /longer than the 128 characters .* shorten it/, passesOn: ["azure"] },
  { rule: "IAM auth on SQL Server", cloud: "aws", engine: "sqlserver", bad: { auth: { iamAuthentication: true } }, good: { auth: { iamAuthentication: false } }, path: "auth.iamAuthentication", message: /true is not offered for sqlserver .* set false/ },
  { rule: "Blue/Green on SQL Server", cloud: "aws", engine: "sqlserver", bad: { blueGreenUpdates: true }, good: { blueGreenUpdates: false }, path: "blueGreenUpdates", message: /does not support Blue\/Green deployments; remove it/ },
  { rule: "KMS key id format", cloud: "aws", bad: { encryption: { atRest: { type: "customer-key", keyId: "projects/p/locations/l/keyRings/r/cryptoKeys/k" } } }, good: { encryption: { atRest: { type: "customer-key", keyId: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } } }, path: "encryption.atRest.keyId", message: /is not an AWS KMS key ARN, which RDS needs; use "arn:aws:kms:/, passesOn: ["gcp"] },
  { rule: "KMS alias name instead of its ARN", cloud: "aws", bad: { encryption: { atRest: { type: "customer-key", keyId: "alias/orders" } } }, good: { encryption: { atRest: { type: "customer-key", keyId: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } } }, path: "encryption.atRest.keyId", message: /"alias\/orders" is not an AWS KMS key ARN/ },
  { rule: "KMS alias ARN instead of the key ARN RDS reads back", cloud: "aws", bad: { encryption: { atRest: { type: "customer-key", keyId: "arn:aws:kms:eu-west-1:123456789012:alias/orders" } } }, good: { encryption: { atRest: { type: "customer-key", keyId: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } } }, path: "encryption.atRest.keyId", message: /alias ARN.*describe-key/ },
  { rule: "KMS rotation period", cloud: "aws", bad: { encryption: { atRest: { type: "customer-key", create: true, rotationDays: 30 } } }, good: { encryption: { atRest: { type: "customer-key", create: true, rotationDays: 90 } } }, path: "encryption.atRest.rotationDays", message: /30 is outside the 90–2560 days/, passesOn: ["gcp", "azure"] },
  { rule: "subnet group needs two subnets", cloud: "aws", bad: { network: { subnetIds: ["subnet-0123456789abcdef0"] } }, good: { network: { subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] } }, path: "network.subnetIds", message: /at least 2 availability zones/, passesOn: ["azure"] },
  { rule: "security group id format", cloud: "aws", bad: { network: { allowedSecurityGroupIds: ["web"] } }, good: { network: { allowedSecurityGroupIds: ["sg-0123456789abcdef0"] } }, path: "network.allowedSecurityGroupIds[0]", message: /"web" is not an AWS id .* "sg-0123456789abcdef0"/ },
  { rule: "SNS topic ARN", cloud: "aws", bad: { observability: { alarms: { notificationTarget: "projects/p/notificationChannels/1" } } }, good: { observability: { alarms: { notificationTarget: "arn:aws:sns:eu-west-1:123456789012:db-alarms" } } }, path: "observability.alarms.notificationTarget", message: /not an SNS topic ARN/, passesOn: ["gcp"] },
  { rule: "instance class format", cloud: "aws", bad: { size: { instanceClass: "db-custom-2-7680" } }, good: { size: { instanceClass: "db.r7g.large" } }, path: "size.instanceClass", message: /not an AWS RDS instance class; use e\.g\. "db\.r7g\.large"/, passesOn: ["gcp"] },
  { rule: "RDS Proxy idle timeout", cloud: "aws", bad: { pooling: { enabled: true, idleClientTimeoutSeconds: 30000 } }, good: { pooling: { enabled: true, idleClientTimeoutSeconds: 28800 } }, path: "pooling.idleClientTimeoutSeconds", message: /30000 is above the 28800 s/, passesOn: ["gcp", "azure"] },
  { rule: "MySQL master user name length", cloud: "aws", engine: "mysql", bad: { auth: { masterUsername: "administrator_user_1" } }, good: { auth: { masterUsername: "dbadmin" } }, path: "auth.masterUsername", message: /longer than the 16 characters AWS RDS for MySQL allows/, passesOn: ["gcp"] },
  { rule: "engine version", cloud: "aws", engine: "mysql", bad: { engineVersion: "5.7" }, good: { engineVersion: "8.4" }, path: "engineVersion", message: /"5\.7" is not a mysql version .* use one of 8\.0, 8\.4/ },
  { rule: "Entra admin outside Azure", cloud: "aws", bad: { auth: { entraAdmin: entra } }, good: {}, path: "auth.entraAdmin", message: /used only on Azure, not on AWS; remove it/, passesOn: ["azure"] },
  // GCP
  { rule: "retention above 365", cloud: "gcp", bad: { backup: { retentionDays: 400 } }, good: { backup: { retentionDays: 365 } }, path: "backup.retentionDays", message: /400 is outside 1–365 days on GCP Cloud SQL for PostgreSQL; use 1–365/ },
  { rule: "retention 0", cloud: "gcp", bad: { backup: { retentionDays: 0, pointInTimeRecovery: false } }, good: { backup: { retentionDays: 1, pointInTimeRecovery: false } }, path: "backup.retentionDays", message: /0 is outside 1–365 days/, passesOn: ["aws"] },
  { rule: "label key not lowercase", cloud: "gcp", bad: { tags: { Team: "core" } }, good: { tags: { team: "core" } }, path: "tags.Team", message: /"Team" is not a GCP label key; .* e\.g\. "team"/, passesOn: ["aws", "azure"] },
  { rule: "label value not lowercase", cloud: "gcp", bad: { tags: { team: "Core Team" } }, good: { tags: { team: "core-team" } }, path: "tags.team", message: /"Core Team" is not a GCP label value/, passesOn: ["aws", "azure"] },
  { rule: "label key over 63", cloud: "gcp", bad: { tags: { [long(64)]: "x" } }, good: { tags: { [long(63)]: "x" } }, path: `tags.${long(64)}`, message: /longer than the 63 characters allowed for keys of GCP labels/, passesOn: ["aws", "azure"] },
  { rule: "MySQL replicas need binary logging", cloud: "gcp", engine: "mysql", bad: { backup: { retentionDays: 7, pointInTimeRecovery: false }, replicas: [{ count: 1 }] }, good: { backup: { retentionDays: 7, pointInTimeRecovery: true }, replicas: [{ count: 1 }] }, path: "backup.pointInTimeRecovery", message: /needs binary logging .* for read replicas; set true/ },
  { rule: "maintenance windows last one hour", cloud: "gcp", bad: { maintenanceWindow: { day: "sat", hour: 2, durationMinutes: 120 } }, good: { maintenanceWindow: { day: "sat", hour: 2 } }, path: "maintenanceWindow.durationMinutes", message: /120: maintenance windows on GCP Cloud SQL last one hour/, passesOn: ["aws"] },
  { rule: "no managed pooler for SQL Server", cloud: "gcp", engine: "sqlserver", bad: { pooling: { enabled: true } }, good: { pooling: { enabled: false } }, path: "pooling.enabled", message: /GCP Cloud SQL for SQL Server has no managed pooler/, passesOn: ["aws"] },
  { rule: "IAM auth on SQL Server", cloud: "gcp", engine: "sqlserver", bad: { auth: { iamAuthentication: true } }, good: {}, path: "auth.iamAuthentication", message: /not offered for sqlserver on GCP/ },
  { rule: "Cloud KMS key format", cloud: "gcp", bad: { encryption: { atRest: { type: "customer-key", keyId: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } } }, good: { encryption: { atRest: { type: "customer-key", keyId: "projects/p/locations/europe-west1/keyRings/db/cryptoKeys/orders" } } }, path: "encryption.atRest.keyId", message: /not a GCP Cloud KMS key/, passesOn: ["aws"] },
  { rule: "tier format", cloud: "gcp", bad: { size: { instanceClass: "db.r7g.large" } }, good: { size: { instanceClass: "db-custom-2-7680" } }, path: "size.instanceClass", message: /not a GCP Cloud SQL tier/, passesOn: ["aws"] },
  { rule: "Blue/Green outside AWS", cloud: "gcp", bad: { blueGreenUpdates: true }, good: {}, path: "blueGreenUpdates", message: /exist only on AWS RDS, not on GCP/, passesOn: ["aws"] },
  // Azure
  { rule: "PITR cannot be turned off", cloud: "azure", bad: { backup: { retentionDays: 7, pointInTimeRecovery: false } }, good: { backup: { retentionDays: 7, pointInTimeRecovery: true } }, path: "backup.pointInTimeRecovery", message: /false is not possible on Azure Database for PostgreSQL flexible server: PITR is always on/, passesOn: ["gcp"] },
  { rule: "PostgreSQL retention below 7", cloud: "azure", bad: { backup: { retentionDays: 3 } }, good: { backup: { retentionDays: 7 } }, path: "backup.retentionDays", message: /3 is outside 7–35 days on Azure Database for PostgreSQL flexible server/, passesOn: ["aws", "gcp"] },
  { rule: "SQL Database retention above 35", cloud: "azure", engine: "sqlserver", bad: { backup: { retentionDays: 40 } }, good: { backup: { retentionDays: 35 } }, path: "backup.retentionDays", message: /40 is outside 1–35 days on Azure SQL Database/, passesOn: ["gcp"] },
  { rule: "PostgreSQL fixed storage sizes", cloud: "azure", bad: { storage: { sizeGb: 100, maxSizeGb: 100 } }, good: { storage: { sizeGb: 128, maxSizeGb: 128 } }, path: "storage.sizeGb", message: /100 GB is not a size .* offers; use 128/, passesOn: ["aws", "gcp"] },
  { rule: "Entra auth needs an administrator", cloud: "azure", bad: { auth: { iamAuthentication: true } }, good: { auth: { iamAuthentication: true, entraAdmin: entra } }, path: "auth.entraAdmin", message: /missing: Entra ID authentication on Azure .* set auth\.entraAdmin/, passesOn: ["aws", "gcp"] },
  { rule: "Burstable has no HA", cloud: "azure", bad: { size: { instanceClass: "B_Standard_B1ms" }, highAvailability: true }, good: { size: { instanceClass: "GP_Standard_D2ds_v4" }, highAvailability: true }, path: "highAvailability", message: /Burstable SKU "B_Standard_B1ms" has no high availability/ },
  { rule: "same-region SQL replicas need Hyperscale", cloud: "azure", engine: "sqlserver", bad: { size: { instanceClass: "GP_Gen5_2" }, replicas: [{ count: 1 }] }, good: { size: { instanceClass: "HS_Gen5_2" }, replicas: [{ count: 1 }] }, path: "replicas", message: /only on Hyperscale \(HS_\*\) on Azure SQL Database/ },
  { rule: "too many PostgreSQL replicas", cloud: "azure", bad: { replicas: [{ count: 3 }, { count: 3 }] }, good: { replicas: [{ count: 3 }, { count: 2 }] }, path: "replicas", message: /6 replicas in the primary's region exceed the 5 Azure Database for PostgreSQL flexible server allows/, passesOn: ["aws", "gcp"] },
  { rule: "no pooler for MySQL", cloud: "azure", engine: "mysql", bad: { pooling: { enabled: true } }, good: {}, path: "pooling.enabled", message: /Azure Database for MySQL flexible server has no managed pooler/, passesOn: ["aws", "gcp"] },
  { rule: "tag name characters", cloud: "azure", bad: { tags: { "team/name": "core" } }, good: { tags: { "team-name": "core" } }, path: "tags.team/name", message: /character Azure tag names refuse/, passesOn: ["aws"] },
  { rule: "one subnet", cloud: "azure", bad: { network: { subnetIds: ["/subscriptions/s/a", "/subscriptions/s/b"] } }, good: { network: { subnetIds: ["/subscriptions/s/a"] } }, path: "network.subnetIds", message: /uses one subnet .* on Azure; list exactly one/ },
  { rule: "private DNS zone needs the delegated subnet", cloud: "azure", bad: { network: { privateDnsZoneId: "/subscriptions/s/zone" } }, good: { network: { privateDnsZoneId: "/subscriptions/s/zone", subnetIds: ["/subscriptions/s/a"] } }, path: "network.subnetIds", message: /private DNS zone .* needs the delegated subnet/ },
  { rule: "yearly LTR needs weekOfYear", cloud: "azure", engine: "sqlserver", bad: { backup: { longTermRetention: { yearlyYears: 5 } } }, good: { backup: { longTermRetention: { yearlyYears: 5, weekOfYear: 1 } } }, path: "backup.longTermRetention.weekOfYear", message: /Azure yearly long-term retention .* set weekOfYear/, passesOn: ["aws", "gcp"] },
  { rule: "LTR ceiling", cloud: "azure", engine: "sqlserver", bad: { backup: { longTermRetention: { monthlyMonths: 121 } } }, good: { backup: { longTermRetention: { monthlyMonths: 120 } } }, path: "backup.longTermRetention.monthlyMonths", message: /121 is above the 120 Azure long-term retention allows/, passesOn: ["aws", "gcp"] },
  { rule: "Key Vault key id", cloud: "azure", bad: { encryption: { atRest: { type: "customer-key", keyId: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } } }, good: { encryption: { atRest: { type: "customer-key", keyId: "https://orders-kv.vault.azure.net/keys/orders/0123abcd" } } }, path: "encryption.atRest.keyId", message: /not an Azure Key Vault key id/, passesOn: ["aws"] },
  { rule: "Key Vault rotation minimum", cloud: "azure", bad: { encryption: { atRest: { type: "customer-key", create: true, rotationDays: 3 } } }, good: { encryption: { atRest: { type: "customer-key", create: true, rotationDays: 7 } } }, path: "encryption.atRest.rotationDays", message: /3 is below the 7 days Azure Key Vault/, passesOn: ["gcp"] },
  { rule: "reserved admin name", cloud: "azure", engine: "mysql", bad: { auth: { masterUsername: "admin" } }, good: { auth: { masterUsername: "dbadmin" } }, path: "auth.masterUsername", message: /"admin" is reserved on Azure Database for MySQL/, passesOn: ["aws", "gcp"] },
  { rule: "pg_ admin prefix", cloud: "azure", bad: { auth: { masterUsername: "pg_owner" } }, good: { auth: { masterUsername: "owner" } }, path: "auth.masterUsername", message: /"pg_owner" is reserved on Azure Database for PostgreSQL/, passesOn: ["aws", "gcp"] },
  { rule: "action group id", cloud: "azure", bad: { observability: { alarms: { enabled: true, notificationTarget: "arn:aws:sns:eu-west-1:123456789012:x" } } }, good: { observability: { alarms: { enabled: true, notificationTarget: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/actionGroups/db" } } }, path: "observability.alarms.notificationTarget", message: /not an Azure action group id/, passesOn: ["aws"] },
  { rule: "long-term retention on Cloud SQL", cloud: "gcp", bad: { backup: { longTermRetention: { monthlyMonths: 12 } } }, good: { backup: { retentionDays: 365 } }, path: "backup.longTermRetention", message: /has no long-term retention the toolkit can set; raise backup\.retentionDays \(up to 365 days\) or remove/, passesOn: ["aws"] },
  { rule: "long-term retention on a flexible server", cloud: "azure", engine: "mysql", bad: { backup: { longTermRetention: { weeklyWeeks: 4 } } }, good: {}, path: "backup.longTermRetention", message: /Azure Database for MySQL flexible server has no long-term retention .*\(up to 35 days\)/, passesOn: ["aws"] },
  { rule: "Log Analytics outside Azure", cloud: "gcp", bad: { observability: { logAnalyticsWorkspaceId: "/subscriptions/s/workspaces/w" } }, good: {}, path: "observability.logAnalyticsWorkspaceId", message: /used only on Azure, not on GCP/, passesOn: ["azure"] },
];

const spec = (c: Case, patch: Patch, cloud: Cloud) =>
  resolveSpec({ name: "orders-db", engine: c.engine ?? "postgres", ...patch }, c.env ?? "dev", cloud);

describe.each(cases)("$cloud: $rule", (c) => {
  it("fails on its cloud with path, value, fix and the cloud named", () => {
    const issues = validateSpec(spec(c, c.bad, c.cloud), { cloud: c.cloud, environment: c.env }).filter((i) => i.path === c.path);
    expect(issues.length).toBeGreaterThan(0);
    const issue = issues.find((i) => c.message.test(i.message));
    expect(issue, issues.map((i) => i.message).join("\n")).toBeDefined();
    expect(issue?.cloud).toBe(c.cloud);
    expect(issue?.message).toContain(label[c.cloud]);
  });

  it("passes on its cloud once fixed", () => {
    expect(validateSpec(spec(c, c.good, c.cloud), { cloud: c.cloud, environment: c.env })).toEqual([]);
  });

  if (c.passesOn?.length) {
    it.each(c.passesOn)("does not apply on %s", (other) => {
      const issues = validateSpec(spec(c, c.bad, other), { cloud: other, environment: c.env });
      expect(issues.filter((i) => i.path === c.path)).toEqual([]);
    });
  }
});

describe("cloud issues name their cloud", () => {
  it("every cloud-specific issue for a badly wrong spec carries the cloud and names it", () => {
    for (const cloud of ["aws", "gcp", "azure"] as const) {
      const bad = resolveSpec(
        {
          name: "orders-db",
          engine: "sqlserver",
          engineVersion: "2017",
          backup: { retentionDays: 500, pointInTimeRecovery: false },
          storage: { sizeGb: 100000, maxSizeGb: 100000 },
          auth: { iamAuthentication: true, masterUsername: "admin" },
          pooling: { enabled: true },
          blueGreenUpdates: true,
          tags: { "aws:Team/X": "Y" },
          replicas: [{ count: 5 }, { count: 5 }],
        },
        "dev",
        cloud,
      );
      const issues = validateSpec(bad, { cloud });
      expect(issues.length).toBeGreaterThan(5);
      for (const issue of issues) {
        expect(issue.cloud).toBe(cloud);
        expect(issue.message).toContain(label[cloud]);
      }
    }
  });
});
