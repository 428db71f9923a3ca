// AwsRdsDatabase under Pulumi mocks: presets, engines, parenting, providers, secrets, rejection.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { beforeEach, describe, expect, it } from "vitest";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { SpecValidationError, resolveSpec } from "../../../components/spec/index.ts";
import { MOCK_PASSWORD_PREFIX, T, Tracker, installMocks, isSecretValue, named, ofType, one, plain, registered, reset, value } from "../support/harness.ts";

installMocks();
const { AwsRdsDatabase } = await import("../../../components/aws/index.ts");

const subnets = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"];
const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: subnets, allowedCidrs: ["10.0.0.0/16"] };

async function render(input: Partial<DatabaseSpecInput>, environment: Environment = "dev", opts: pulumi.ComponentResourceOptions = {}) {
  const tracker = new Tracker();
  const db = new AwsRdsDatabase(
    "orders",
    { environment, region: "us-east-1", input: { name: "orders", engine: "postgres", network, ...input } as DatabaseSpecInput },
    { ...opts, transformations: [tracker.transformation] },
  );
  await tracker.settle();
  return { db, tracker };
}

const inputs = (type: string) => plain<Record<string, unknown>>(one(type).inputs);
const types = () => registered.filter((r) => r.type !== T.provider).map((r) => r.type).sort();

beforeEach(reset);

describe("presets", () => {
  it("dev: instance, TLS parameter group, network, generated password in Secrets Manager, log groups, a dashboard; nothing else", async () => {
    await render({});
    const logGroup = "aws:cloudwatch/logGroup:LogGroup";
    expect(types()).toEqual(
      [T.component, T.securityGroup, T.ingress, T.subnetGroup, T.parameterGroup, T.password, T.instance, T.secret, T.secretVersion, logGroup, logGroup, "aws:cloudwatch/dashboard:Dashboard"].sort(),
    );
    expect(inputs(T.instance)).toMatchObject({
      identifier: "orders",
      engine: "postgres",
      engineVersion: "17",
      instanceClass: "db.t4g.micro",
      storageType: "gp3",
      storageEncrypted: true,
      allocatedStorage: 20,
      maxAllocatedStorage: 50,
      multiAz: false,
      publiclyAccessible: false,
      skipFinalSnapshot: true,
      backupRetentionPeriod: 1,
      applyImmediately: true,
      parameterGroupName: "orders-postgres17-20260101",
      vpcSecurityGroupIds: ["sg-orders-sg"],
      dbSubnetGroupName: "orders-subnets-a1b2c3",
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      monitoringInterval: 0,
      performanceInsightsEnabled: false,
    });
    expect(inputs(T.parameterGroup)).toMatchObject({ family: "postgres17", namePrefix: "orders-postgres17-" });
    expect(inputs(T.parameterGroup)["parameters"]).toContainEqual({ name: "rds.force_ssl", value: "1", applyMethod: "immediate" });
    expect(inputs(T.ingress)).toMatchObject({ securityGroupId: "sg-orders-sg", cidrIpv4: "10.0.0.0/16", fromPort: 5432, toPort: 5432, ipProtocol: "tcp" });
    expect(inputs(T.securityGroup)).toMatchObject({ vpcId: "vpc-0123456789abcdef0" });
    expect(inputs(T.password)).toMatchObject({ length: 32, special: true, overrideSpecial: "!#$%&*()-_=+[]{}<>:?" });
  });

  it("admits no address at all unless asked (no 0.0.0.0/0)", async () => {
    await render({ network: { ...network, allowedCidrs: [] } });
    expect(ofType(T.ingress)).toEqual([]);
    expect(JSON.stringify(registered.map((r) => plain(r.inputs)))).not.toContain("0.0.0.0/0");
  });

  it("staging: final snapshot, deletion protection, insights, enhanced monitoring role, three alarms", async () => {
    await render({}, "staging");
    expect(inputs(T.instance)).toMatchObject({
      instanceClass: "db.t4g.medium",
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "orders-final-k3x9m2qa",
      deletionProtection: true,
      copyTagsToSnapshot: true,
      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: 7,
      monitoringInterval: 60,
      monitoringRoleArn: "arn:aws:iam::123456789012:role/orders-monitoring-a1b2c3",
      deleteAutomatedBackups: true,
    });
    expect(inputs(T.role)["assumeRolePolicy"]).toContain("monitoring.rds.amazonaws.com");
    expect(inputs(T.attachment)).toEqual({
      role: "orders-monitoring-a1b2c3",
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    });
    expect(ofType(T.alarm).map((a) => plain<Record<string, unknown>>(a.inputs)["metricName"]).sort()).toEqual([
      "CPUUtilization",
      "DatabaseConnections",
      "FreeStorageSpace",
    ]);
    expect(inputs(T.secret)["recoveryWindowInDays"]).toBe(7);
  });

  it("prod: multi-AZ, created rotating key everywhere, a same-region replica with its lag alarm, backups kept", async () => {
    await render({}, "prod");
    const keyArn = "arn:aws:kms:us-east-1:123456789012:key/key-orders-key";
    expect(inputs(T.key)).toMatchObject({ enableKeyRotation: true, rotationPeriodInDays: 365, deletionWindowInDays: 30 });
    expect(inputs(T.alias)).toEqual({ name: "alias/orders-rds", targetKeyId: "key-orders-key" });
    expect(plain(named("orders-instance").inputs)).toMatchObject({
      multiAz: true,
      instanceClass: "db.m7g.large",
      kmsKeyId: keyArn,
      performanceInsightsKmsKeyId: keyArn,
      backupRetentionPeriod: 35,
      deleteAutomatedBackups: false,
      applyImmediately: false,
      maintenanceWindow: "Sun:03:00-Sun:04:00",
      finalSnapshotIdentifier: "orders-final-k3x9m2qa",
    });
    expect(plain(named("orders-replica-1").inputs)).toMatchObject({
      identifier: "orders-replica-1",
      replicateSourceDb: "orders",
      kmsKeyId: keyArn,
      storageEncrypted: true,
      parameterGroupName: "orders-postgres17-20260101",
      skipFinalSnapshot: true,
    });
    expect(inputs(T.secret)).toMatchObject({ kmsKeyId: keyArn, recoveryWindowInDays: 30 });
    const lag = ofType(T.alarm).map((a) => plain<Record<string, any>>(a.inputs)).find((a) => a["metricName"] === "ReplicaLag");
    expect(lag?.["dimensions"]).toEqual({ DBInstanceIdentifier: "orders-replica-1" });
  });
});

describe("engines", () => {
  it("mysql: engine, port, family, secure transport, slow query log, log exports", async () => {
    await render({ engine: "mysql" });
    expect(inputs(T.instance)).toMatchObject({ engine: "mysql", engineVersion: "8.4", port: 3306, enabledCloudwatchLogsExports: ["error", "slowquery", "general"] });
    const pg = inputs(T.parameterGroup);
    expect(pg["family"]).toBe("mysql8.4");
    expect(pg["parameters"]).toEqual(
      expect.arrayContaining([
        { name: "require_secure_transport", value: "1", applyMethod: "immediate" },
        { name: "slow_query_log", value: "1", applyMethod: "immediate" },
        { name: "long_query_time", value: "0.5", applyMethod: "immediate" },
      ]),
    );
  });

  it("sqlserver: sqlserver-se, license included, port 1433, no database name, rds.force_ssl", async () => {
    const { db } = await render({ engine: "sqlserver" });
    const instance = inputs(T.instance);
    expect(instance).toMatchObject({ engine: "sqlserver-se", engineVersion: "16.00", licenseModel: "license-included", port: 1433, instanceClass: "db.t3.xlarge" });
    expect(instance).not.toHaveProperty("dbName");
    expect(inputs(T.parameterGroup)).toMatchObject({ family: "sqlserver-se-16.0", parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }] });
    expect((await value(db.connection)).database).toBe("master");
  });
});

describe("resource tree and providers", () => {
  it("parents every child to the component", async () => {
    const { db, tracker } = await render({ replicas: [{ count: 1 }] }, "prod");
    const children = tracker.resources.filter((r) => r.resource !== db);
    expect(children.length).toBeGreaterThan(10);
    for (const child of children) expect(child.opts.parent, child.name).toBe(db);
    const urn = await value(db.instance.urn);
    expect(urn).toContain("provisioning:aws:RdsDatabase$aws:rds/instance:Instance::orders-instance");
  });

  it("passes the component's aws and random providers to every child", async () => {
    const awsProvider = new aws.Provider("use1", { region: "us-east-1" });
    const randomProvider = new random.Provider("rnd", {});
    await render({}, "staging", { providers: { aws: awsProvider, random: randomProvider } });
    const awsUrn = await value(awsProvider.urn);
    const randomUrn = await value(randomProvider.urn);
    for (const r of registered.filter((x) => x.type.startsWith("aws:"))) expect(r.provider, r.name).toMatch(new RegExp(`^${awsUrn.replace(/[$]/g, "\\$")}::`));
    expect(one(T.password).provider).toMatch(new RegExp(`^${randomUrn}::`));
  });
});

describe("secrets", () => {
  it("keeps the password secret: instance input, secret JSON, connection output; plain outputs never carry it", async () => {
    const { db } = await render({});
    const password = `${MOCK_PASSWORD_PREFIX}orders-password`;
    const instance = one(T.instance);
    expect(isSecretValue(instance.inputs["password"])).toBe(true);
    expect(plain(instance.inputs["password"])).toBe(password);
    const version = one(T.secretVersion);
    expect(isSecretValue(version.inputs["secretString"])).toBe(true);
    expect(JSON.parse(plain<string>(version.inputs["secretString"]))).toEqual({
      username: "dbadmin",
      password,
      engine: "postgres",
      host: "orders.c0abcdefgh.us-east-1.rds.amazonaws.com",
      port: 5432,
      dbname: "app",
      dbInstanceIdentifier: "orders",
    });
    expect(await pulumi.isSecret(db.connection)).toBe(true);
    expect(await value(db.connection)).toEqual({
      host: "orders.c0abcdefgh.us-east-1.rds.amazonaws.com",
      port: 5432,
      user: "dbadmin",
      password,
      database: "app",
      engine: "postgres",
    });
    const plainOutputs = { endpoint: db.endpoint, address: db.address, port: db.port, readerEndpoints: db.readerEndpoints, secretArn: db.secretArn, proxyEndpoint: db.proxyEndpoint, arn: db.arn, resourceId: db.resourceId };
    for (const [key, output] of Object.entries(plainOutputs)) {
      expect(await pulumi.isSecret(output as pulumi.Output<unknown>), key).toBe(false);
      expect(JSON.stringify(await value(output as pulumi.Output<unknown>)) ?? "", key).not.toContain(MOCK_PASSWORD_PREFIX);
    }
    expect(await value(db.endpoint)).toBe("orders.c0abcdefgh.us-east-1.rds.amazonaws.com:5432");
    expect(await value(db.secretArn)).toBe("arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-credentials-a1b2c3-AbCd");
  });
});

describe("rejection before registration", () => {
  it("an invalid spec throws SpecValidationError naming the field; nothing is registered", () => {
    let error: unknown;
    try {
      new AwsRdsDatabase("orders", { environment: "prod", region: "us-east-1", input: { name: "orders", engine: "postgres", network: { ...network, private: false } } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as SpecValidationError).issues.map((i) => i.path)).toContain("network.private");
    expect(registered).toHaveLength(0);
  });

  it("a resolved spec is validated too (bad name)", () => {
    const spec = resolveSpec({ name: "Orders_DB", engine: "postgres" }, "dev", "aws");
    expect(() => new AwsRdsDatabase("orders", { environment: "dev", spec })).toThrow(SpecValidationError);
    try {
      new AwsRdsDatabase("orders", { environment: "dev", spec });
    } catch (err) {
      expect((err as SpecValidationError).issues.map((i) => i.path)).toEqual(["name"]);
    }
    expect(registered).toHaveLength(0);
  });

  it("AWS-specific argument problems are rejected the same way", () => {
    expect(() =>
      new AwsRdsDatabase("orders", { environment: "dev", input: { name: "orders", engine: "postgres", pooling: { enabled: true } } }),
    ).toThrow(/network\.subnetIds/);
    expect(registered).toHaveLength(0);
  });
});
