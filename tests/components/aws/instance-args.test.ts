// Pure instance arguments, alarm definitions, IAM documents and component checks (no Pulumi runtime).
import { describe, expect, it } from "vitest";
import { awsComponentIssues, foreignRegions } from "../../../components/aws/checks.ts";
import { RESTORE_IGNORE_CHANGES, primaryInstanceArgs, replicaInstanceArgs, type InstanceBehaviour } from "../../../components/aws/instance-args.ts";
import { alarmDefinitions, estimatedMaxConnections, estimatedMemoryGib, topicRegion } from "../../../components/aws/mapping-alarms.ts";
import { awsManagedRdsKeyAliasArn, dbUserArn, parseArn, proxySecretPolicy, rdsConnectPolicyDocument } from "../../../components/aws/mapping-iam.ts";
import { environmentBehaviour, replicaPlan } from "../../../components/aws/mapping.ts";
import { resolveSpec, type DatabaseSpecInput, type Environment } from "../../../components/spec/index.ts";

const spec = (input: Partial<DatabaseSpecInput> = {}, env: Environment = "dev") =>
  resolveSpec({ name: "orders", engine: "postgres", ...input } as DatabaseSpecInput, env, "aws");
const behaviour = (env: Environment): InstanceBehaviour => ({ ...environmentBehaviour(env), performanceInsightsRetentionDays: 7 });
const refs = { parameterGroupName: "pg", securityGroupIds: ["sg-1"], subnetGroupName: "subnets" };

describe("primary instance arguments", () => {
  it("dev: small, encrypted gp3, private, TLS group, no final snapshot, applied at once", () => {
    const args = primaryInstanceArgs(spec(), behaviour("dev"), refs, { password: "pw" });
    expect(args).toMatchObject({
      identifier: "orders",
      engine: "postgres",
      engineVersion: "17",
      instanceClass: "db.t4g.micro",
      allocatedStorage: 20,
      maxAllocatedStorage: 50,
      storageType: "gp3",
      storageEncrypted: true,
      multiAz: false,
      publiclyAccessible: false,
      username: "dbadmin",
      password: "pw",
      dbName: "app",
      port: 5432,
      skipFinalSnapshot: true,
      deleteAutomatedBackups: true,
      applyImmediately: true,
      copyTagsToSnapshot: true,
      parameterGroupName: "pg",
      vpcSecurityGroupIds: ["sg-1"],
      dbSubnetGroupName: "subnets",
      allowMajorVersionUpgrade: false,
    });
    expect(args).not.toHaveProperty("finalSnapshotIdentifier");
    expect(args).not.toHaveProperty("kmsKeyId");
    expect(args).not.toHaveProperty("blueGreenUpdate");
  });

  it("prod: multi-AZ, final snapshot <name>-final, backups kept, maintenance window, changes wait", () => {
    const args = primaryInstanceArgs(spec({}, "prod"), behaviour("prod"), { ...refs, kmsKeyArn: "arn:key" }, { password: "pw" });
    expect(args).toMatchObject({
      multiAz: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "orders-final",
      deleteAutomatedBackups: false,
      backupRetentionPeriod: 35,
      backupWindow: "01:00-02:00",
      maintenanceWindow: "Sun:03:00-Sun:04:00",
      applyImmediately: false,
      deletionProtection: true,
      kmsKeyId: "arn:key",
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: "arn:key",
      performanceInsightsRetentionPeriod: 7,
    });
  });

  it("public only when the spec says so", () => {
    const args = primaryInstanceArgs(spec({ network: { private: false } }), behaviour("dev"), refs, {});
    expect(args.publiclyAccessible).toBe(true);
  });

  it("restores take user and database from the source and keep the restore inputs", () => {
    const snap = primaryInstanceArgs(spec({ restore: { mode: "snapshot", snapshotId: "snap-1" } }), behaviour("dev"), refs, { password: "pw" });
    expect(snap).toMatchObject({ snapshotIdentifier: "snap-1", password: "pw" });
    expect(snap).not.toHaveProperty("username");
    expect(snap).not.toHaveProperty("dbName");
    const pitr = primaryInstanceArgs(
      spec({ restore: { mode: "point-in-time", sourceId: "orders-old", time: "2026-03-01T00:00:00Z" } }),
      behaviour("dev"),
      refs,
      {},
    );
    expect(pitr.restoreToPointInTime).toEqual({ sourceDbInstanceIdentifier: "orders-old", restoreTime: "2026-03-01T00:00:00Z" });
    expect(RESTORE_IGNORE_CHANGES).toEqual(["snapshotIdentifier", "restoreToPointInTime"]);
  });

  it("managed master password replaces the password and uses the customer key", () => {
    const args = primaryInstanceArgs(spec({ auth: { managedMasterPassword: true } }), behaviour("dev"), refs, {
      managedSecretKmsKeyArn: "arn:key",
    });
    expect(args).toMatchObject({ manageMasterUserPassword: true, masterUserSecretKmsKeyId: "arn:key" });
    expect(args).not.toHaveProperty("password");
  });

  it("blue/green and major upgrades", () => {
    expect(primaryInstanceArgs(spec({ blueGreenUpdates: true }), behaviour("dev"), refs, {}).blueGreenUpdate).toEqual({ enabled: true });
    expect(primaryInstanceArgs(spec({ allowMajorVersionUpgrade: true }), behaviour("dev"), refs, {}).allowMajorVersionUpgrade).toBe(true);
  });

  it("sqlserver: license included, no database created", () => {
    const args = primaryInstanceArgs(spec({ engine: "sqlserver" }), behaviour("dev"), refs, {});
    expect(args).toMatchObject({ engine: "sqlserver-se", engineVersion: "16.00", licenseModel: "license-included", port: 1433 });
    expect(args).not.toHaveProperty("dbName");
  });

  it("enhanced monitoring needs the role", () => {
    const s = spec({ observability: { enhancedMonitoringSeconds: 30 } });
    expect(primaryInstanceArgs(s, behaviour("dev"), { ...refs, monitoringRoleArn: "arn:role" }, {})).toMatchObject({
      monitoringInterval: 30,
      monitoringRoleArn: "arn:role",
    });
  });
});

describe("replica arguments", () => {
  it("replicates from the given source, no final snapshot, no engine or credentials", () => {
    const s = spec({ replicas: [{ count: 1 }] }, "staging");
    const [plan] = replicaPlan(s, "us-east-1");
    const args = replicaInstanceArgs(s, plan!, "orders", behaviour("staging"), refs);
    expect(args).toMatchObject({ identifier: "orders-replica-1", replicateSourceDb: "orders", skipFinalSnapshot: true, storageEncrypted: true, multiAz: false });
    for (const key of ["engine", "engineVersion", "username", "password", "dbName", "allocatedStorage"]) expect(args).not.toHaveProperty(key);
  });
});

describe("alarms", () => {
  it("none when alarms are off", () => {
    expect(alarmDefinitions(spec(), "db.t4g.micro", [])).toEqual([]);
  });

  it("CPU, free storage in bytes, connections and one ReplicaLag per replica", () => {
    const s = spec({ observability: { alarms: { enabled: true, cpuPercent: 70, freeStoragePercent: 20, replicaLagSeconds: 30 } }, storage: { sizeGb: 100 } });
    const plans = replicaPlan({ ...s, replicas: [{ count: 1 }, { region: "eu-west-1", count: 1 }] }, "us-east-1");
    const defs = alarmDefinitions(s, "db.m7g.large", plans);
    expect(defs.map((d) => [d.metricName, d.comparisonOperator, d.threshold, d.dbInstanceIdentifier, d.region])).toEqual([
      ["CPUUtilization", "GreaterThanThreshold", 70, "orders", undefined],
      ["FreeStorageSpace", "LessThanThreshold", 20 * 1024 ** 3, "orders", undefined],
      ["DatabaseConnections", "GreaterThanThreshold", Math.floor(estimatedMaxConnections("postgres", "db.m7g.large") * 0.8), "orders", undefined],
      ["ReplicaLag", "GreaterThanThreshold", 30, "orders-replica-1", undefined],
      ["ReplicaLag", "GreaterThanThreshold", 30, "orders-eu-west-1-1", "eu-west-1"],
    ]);
  });

  it("estimates memory and max_connections like RDS's formulas", () => {
    expect(estimatedMemoryGib("db.t4g.micro")).toBe(1);
    expect(estimatedMemoryGib("db.m7g.large")).toBe(8);
    expect(estimatedMemoryGib("db.r7g.2xlarge")).toBe(64);
    expect(estimatedMaxConnections("postgres", "db.t4g.micro")).toBe(112);
    expect(estimatedMaxConnections("postgres", "db.r7g.16xlarge")).toBe(5000);
    expect(topicRegion("arn:aws:sns:eu-west-1:123456789012:alarms")).toBe("eu-west-1");
    expect(topicRegion("projects/x/notificationChannels/1")).toBeUndefined();
  });
});

describe("IAM documents", () => {
  const arn = "arn:aws:rds:eu-central-1:123456789012:db:orders";

  it("builds the rds-db:connect ARN from the instance ARN and DbiResourceId", () => {
    expect(dbUserArn(arn, "db-ABC", "app_user")).toBe("arn:aws:rds-db:eu-central-1:123456789012:dbuser:db-ABC/app_user");
    expect(dbUserArn("arn:aws-cn:rds:cn-north-1:1:db:x", "db-X", "u")).toBe("arn:aws-cn:rds-db:cn-north-1:1:dbuser:db-X/u");
  });

  it("grants connect for several users and instances", () => {
    expect(rdsConnectPolicyDocument({ arn, resourceId: "db-ABC" }, "app")).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "rds-db:connect", Resource: "arn:aws:rds-db:eu-central-1:123456789012:dbuser:db-ABC/app" }],
    });
    const doc = rdsConnectPolicyDocument([{ arn, resourceId: "db-A" }, { arn, resourceId: "db-B" }], ["app", "report"]);
    expect(doc.Statement[0]!.Resource).toHaveLength(4);
  });

  it("rejects bad user names and non-ARNs, naming them", () => {
    expect(() => dbUserArn(arn, "db-A", "bad/user")).toThrow(/dbUser: "bad\/user"/);
    expect(() => rdsConnectPolicyDocument({ arn, resourceId: "db-A" }, [])).toThrow(/at least one/);
    expect(() => parseArn("orders")).toThrow(/"orders" is not an ARN/);
  });

  it("lets the proxy read the secret and decrypt it only through Secrets Manager", () => {
    const secret = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-AbCd";
    expect(proxySecretPolicy(secret).Statement).toEqual([{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secret }]);
    expect(proxySecretPolicy(secret, "arn:aws:kms:eu-central-1:123456789012:key/k").Statement[1]).toEqual({
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: "arn:aws:kms:eu-central-1:123456789012:key/k",
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-central-1.amazonaws.com" } },
    });
  });

  it("points at the AWS-managed RDS key in another region", () => {
    expect(awsManagedRdsKeyAliasArn(arn, "us-west-2")).toBe("arn:aws:kms:us-west-2:123456789012:alias/aws/rds");
  });
});

describe("component checks", () => {
  it("passes the presets", () => {
    for (const env of ["dev", "staging", "prod"] as const) expect(awsComponentIssues(spec({}, env), { primaryRegion: "us-east-1" })).toEqual([]);
  });

  it("names the field for pooling without subnets, a copy to the same region, a missing regional key", () => {
    const s = spec({
      pooling: { enabled: true },
      encryption: { atRest: { type: "customer-key", keyId: "arn:aws:kms:us-east-1:123456789012:key/k" } },
      replicas: [{ region: "eu-west-1", count: 1 }],
      backup: { crossRegionCopy: { region: "us-east-1" } },
    });
    const issues = awsComponentIssues(s, { primaryRegion: "us-east-1" });
    expect(issues.map((i) => i.path)).toEqual(["network.subnetIds", "backup.crossRegionCopy.region", "encryption.atRest.keyId"]);
    expect(issues[2]!.message).toContain('regionalSettings["eu-west-1"].kmsKeyArn');
    expect(
      awsComponentIssues(s, { primaryRegion: "us-east-1", regionalSettings: { "eu-west-1": { kmsKeyArn: "arn:aws:kms:eu-west-1:1:key/k" } } }).map((i) => i.path),
    ).not.toContain("encryption.atRest.keyId");
  });

  it("refuses blue/green with cross-region replicas", () => {
    const s = spec({ blueGreenUpdates: true, replicas: [{ region: "eu-west-1", count: 1 }] });
    expect(awsComponentIssues(s, { primaryRegion: "us-east-1" }).map((i) => i.path)).toEqual(["blueGreenUpdates"]);
  });

  it("lists the regions other than the primary's", () => {
    const s = spec({ replicas: [{ region: "eu-west-1", count: 2 }, { count: 1 }], backup: { crossRegionCopy: { region: "us-west-2" } } });
    expect(foreignRegions(s, "us-east-1")).toEqual(["eu-west-1", "us-west-2"]);
  });
});
