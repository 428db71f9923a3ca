// AwsRdsDatabase options under Pulumi mocks: restore, keys, replicas, backup replication, lifecycle.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { awsRenderer } from "./render.ts";
import { T, installMocks, named, ofType, one, plain, registered, reset, value } from "../support/harness.ts";

installMocks();
const { AwsRdsDatabase } = await import("../../../components/aws/index.ts");

const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"], allowedCidrs: ["10.0.0.0/16"] };

const render = awsRenderer(AwsRdsDatabase, network);

const rec = (name: string) => plain<Record<string, any>>(named(name).inputs);
const providerUrn = async (p: aws.Provider) => `${await value(p.urn)}::`;

beforeEach(reset);

describe("restore", () => {
  it("from a snapshot, with the restore inputs ignored after create", async () => {
    const { tracker } = await render({ restore: { mode: "snapshot", snapshotId: "orders-2026-05-01" } });
    expect(rec("orders-instance")).toMatchObject({ snapshotIdentifier: "orders-2026-05-01" });
    expect(rec("orders-instance")).not.toHaveProperty("username");
    expect(tracker.find("orders-instance").opts.ignoreChanges).toEqual(expect.arrayContaining(["snapshotIdentifier", "restoreToPointInTime"]));
  });

  it("to a point in time, or the latest restorable time", async () => {
    await render({ restore: { mode: "point-in-time", sourceId: "orders-old", time: "2026-05-01T08:30:00Z" } });
    expect(rec("orders-instance")["restoreToPointInTime"]).toEqual({ sourceDbInstanceIdentifier: "orders-old", restoreTime: "2026-05-01T08:30:00Z" });
    reset();
    const { tracker } = await render({ restore: { mode: "point-in-time", sourceId: "orders-old", useLatestRestorableTime: true } });
    expect(rec("orders-instance")["restoreToPointInTime"]).toEqual({ sourceDbInstanceIdentifier: "orders-old", useLatestRestorableTime: true });
    expect(tracker.find("orders-instance").opts.ignoreChanges).toContain("restoreToPointInTime");
  });

  it("ignores the restore inputs on a database created empty too, so adding one later never replaces it", async () => {
    const { tracker } = await render({});
    expect(rec("orders-instance")).not.toHaveProperty("snapshotIdentifier");
    expect(tracker.find("orders-instance").opts.ignoreChanges).toEqual(expect.arrayContaining(["snapshotIdentifier", "restoreToPointInTime"]));
  });
});

describe("encryption keys", () => {
  it("creates a rotating key with an alias and uses it for storage, insights and the secret", async () => {
    await render({ encryption: { atRest: { type: "customer-key", create: true, rotationDays: 180 } }, observability: { queryInsights: true } });
    const arn = "arn:aws:kms:us-east-1:123456789012:key/key-orders-key";
    expect(rec("orders-key")).toMatchObject({ enableKeyRotation: true, rotationPeriodInDays: 180, deletionWindowInDays: 7 });
    expect(rec("orders-key-alias")).toEqual({ name: "alias/orders-rds", targetKeyId: "key-orders-key" });
    expect(rec("orders-instance")).toMatchObject({ storageEncrypted: true, kmsKeyId: arn, performanceInsightsKmsKeyId: arn });
    expect(rec("orders-credentials")).toMatchObject({ kmsKeyId: arn });
  });

  it("uses a given key and creates none", async () => {
    const keyId = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    await render({ encryption: { atRest: { type: "customer-key", keyId } } });
    expect(ofType(T.key)).toEqual([]);
    expect(rec("orders-instance")).toMatchObject({ storageEncrypted: true, kmsKeyId: keyId });
  });

  it("provider-managed: encrypted, no key argument", async () => {
    await render({});
    expect(rec("orders-instance").storageEncrypted).toBe(true);
    expect(rec("orders-instance")).not.toHaveProperty("kmsKeyId");
  });
});

describe("replicas", () => {
  it("same region: source by identifier, primary's parameter group and security group", async () => {
    const { db } = await render({ replicas: [{ count: 2, size: { tier: "small" } }], backup: { retentionDays: 3 } }, "staging");
    for (const n of [1, 2]) {
      expect(rec(`orders-replica-${n}`)).toMatchObject({
        identifier: `orders-replica-${n}`,
        replicateSourceDb: "orders",
        instanceClass: "db.t4g.medium",
        parameterGroupName: "orders-postgres17-20260101",
        vpcSecurityGroupIds: ["sg-orders-sg"],
        storageEncrypted: true,
      });
    }
    expect(ofType(T.parameterGroup)).toHaveLength(1);
    expect(await value(db.readerEndpoints)).toEqual([
      "orders-replica-1.c0abcdefgh.us-east-1.rds.amazonaws.com:5432",
      "orders-replica-2.c0abcdefgh.us-east-1.rds.amazonaws.com:5432",
    ]);
  });

  it("cross region through the region's provider: ARN source, key, parameter group, subnets and lag alarm there", async () => {
    const euProvider = new aws.Provider("euw1", { region: "eu-west-1" });
    await render({ replicas: [{ region: "eu-west-1", count: 1 }] }, "prod", {
      regionProviders: { "eu-west-1": euProvider },
      regionalSettings: { "eu-west-1": { subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"], securityGroupIds: ["sg-0eu"], notificationTarget: "arn:aws:sns:eu-west-1:123456789012:alarms" } },
    });
    const eu = await providerUrn(euProvider);
    const replica = named("orders-eu-west-1-1");
    expect(replica.provider?.startsWith(eu)).toBe(true);
    expect(plain(replica.inputs)).toMatchObject({
      replicateSourceDb: "arn:aws:rds:us-east-1:123456789012:db:orders",
      kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/key-orders-key-eu-west-1",
      parameterGroupName: "orders-postgres17-20260101",
      dbSubnetGroupName: "orders-subnets-eu-west-1-a1b2c3",
      vpcSecurityGroupIds: ["sg-0eu"],
      storageEncrypted: true,
    });
    for (const name of ["orders-key-eu-west-1", "orders-key-alias-eu-west-1", "orders-params-postgres17-eu-west-1", "orders-subnets-eu-west-1", "orders-alarm-replica-lag-orders-eu-west-1-1"]) {
      expect(named(name).provider?.startsWith(eu), name).toBe(true);
    }
    expect(rec("orders-params-postgres17-eu-west-1")["parameters"]).toEqual(rec("orders-params-postgres17")["parameters"]);
    expect(rec("orders-alarm-replica-lag-orders-eu-west-1-1")["alarmActions"]).toEqual(["arn:aws:sns:eu-west-1:123456789012:alarms"]);
    // The primary stays on the component's provider.
    expect((named("orders-instance").provider ?? "").startsWith(eu)).toBe(false);
  });

  it("cross region without a provider: the resource-level region argument, the AWS-managed key there by its key ARN", async () => {
    await render({ replicas: [{ region: "ap-southeast-2", count: 1 }] }, "staging");
    expect(rec("orders-ap-southeast-2-1")).toMatchObject({
      region: "ap-southeast-2",
      kmsKeyId: "arn:aws:kms:ap-southeast-2:123456789012:key/mrk-alias-aws-rds",
    });
    expect(rec("orders-ap-southeast-2-1")).not.toHaveProperty("performanceInsightsKmsKeyId");
    expect(rec("orders-params-postgres17-ap-southeast-2")["region"]).toBe("ap-southeast-2");
    expect(ofType(T.key)).toEqual([]);
  });
});

describe("backup replication", () => {
  it("replicates automated backups into the other region with a key there", async () => {
    const usw2 = new aws.Provider("usw2", { region: "us-west-2" });
    await render({ backup: { crossRegionCopy: { region: "us-west-2", retentionDays: 14 } } }, "prod", { regionProviders: { "us-west-2": usw2 } });
    const replication = one(T.backupReplication);
    expect(replication.provider?.startsWith(await providerUrn(usw2))).toBe(true);
    expect(plain(replication.inputs)).toEqual({
      sourceDbInstanceArn: "arn:aws:rds:us-east-1:123456789012:db:orders",
      retentionPeriod: 14,
      kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/key-orders-key-us-west-2",
    });
  });
});

describe("lifecycle", () => {
  it("major upgrade 16 → 17: a new parameter group of the new family, created before the old is removed", async () => {
    const before = await render({ engineVersion: "16" });
    const pg16 = plain<Record<string, unknown>>(one(T.parameterGroup).inputs);
    const opts16 = before.tracker.find("orders-params-postgres16").opts as pulumi.CustomResourceOptions;
    reset();
    const after = await render({ engineVersion: "17", allowMajorVersionUpgrade: true });
    const pg17 = one(T.parameterGroup);
    expect(pg16).toMatchObject({ family: "postgres16", namePrefix: "orders-postgres16-" });
    expect(pg17.name).toBe("orders-params-postgres17");
    expect(plain(pg17.inputs)).toMatchObject({ family: "postgres17", namePrefix: "orders-postgres17-" });
    expect(opts16.deleteBeforeReplace).toBe(false);
    expect((after.tracker.find("orders-params-postgres17").opts as pulumi.CustomResourceOptions).deleteBeforeReplace).toBe(false);
    expect(rec("orders-instance")).toMatchObject({ engineVersion: "17", allowMajorVersionUpgrade: true, parameterGroupName: "orders-postgres17-20260101", applyImmediately: true });
  });

  it("prod applies in the maintenance window unless told otherwise", async () => {
    await render({}, "prod");
    expect(rec("orders-instance")["applyImmediately"]).toBe(false);
    reset();
    await render({}, "prod", { applyImmediately: true });
    expect(rec("orders-instance")["applyImmediately"]).toBe(true);
  });

  it("blue/green updates on request only", async () => {
    await render({ blueGreenUpdates: true }, "staging");
    expect(rec("orders-instance")["blueGreenUpdate"]).toEqual({ enabled: true });
  });
});

describe("managed master password", () => {
  it("lets RDS manage the secret: no generated password, secretArn from RDS, no password in the connection", async () => {
    const { db } = await render({ auth: { managedMasterPassword: true } });
    expect(ofType(T.password)).toEqual([]);
    expect(ofType(T.secret)).toEqual([]);
    expect(rec("orders-instance")).toMatchObject({ manageMasterUserPassword: true });
    expect(rec("orders-instance")).not.toHaveProperty("password");
    expect(await value(db.secretArn)).toBe("arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!orders-AbCd");
    expect(await value(db.connection)).not.toHaveProperty("password");
    expect(registered.map((r) => r.type)).not.toContain(T.secretVersion);
  });
});
