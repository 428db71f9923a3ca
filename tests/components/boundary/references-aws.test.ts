// AwsRdsDatabase takes references to other resources as Outputs (resources of the same program, a
// StackReference, Promises): they reach the provider args resolved, shape checks skip them, counts still apply.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import type { DatabaseSpecInput } from "../../../components/spec/index.ts";
import { SpecValidationError, resolveSpec } from "../../../components/spec/index.ts";
import { T, Tracker, installMocks, isSecretValue, named, plain, reset, setStackOutputs, typed, value } from "../support/harness.ts";

installMocks();
const { AwsRdsDatabase } = await import("../../../components/aws/index.ts");

const stack = "acme/network/prod";
setStackOutputs(
  stack,
  {
    subnetB: "subnet-0f1e2d3c4b5a69788",
    appSg: "sg-0a1b2c3d4e5f60718",
    drSubnets: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    drKey: "arn:aws:kms:us-west-2:210987654321:key/dr-key",
    drTopic: "arn:aws:sns:us-west-2:210987654321:dr-alarms",
    snapshot: "rds:orders-2026-01-01",
  },
  ["drKey"],
);

const rec = (name: string) => plain<Record<string, any>>(named(name).inputs);

async function settle(create: (t: Tracker) => unknown): Promise<void> {
  const tracker = new Tracker();
  create(tracker);
  await tracker.settle();
}

beforeEach(reset);

describe("AwsRdsDatabase with Output references", () => {
  it("VPC, subnets, security groups, key and topics from resources and a StackReference reach the provider args", async () => {
    let db: InstanceType<typeof AwsRdsDatabase> | undefined;
    await settle((tracker) => {
      const vpc = new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16" });
      const subnetA = new aws.ec2.Subnet("net-a", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24" });
      const appSg = new aws.ec2.SecurityGroup("app", { vpcId: vpc.id });
      const key = new aws.kms.Key("shared-key", {});
      const topic = new aws.sns.Topic("alarms", {});
      const network = new pulumi.StackReference(stack);
      const drSubnets = network.getOutput("drSubnets") as pulumi.Output<string[]>;
      db = new AwsRdsDatabase(
        "orders",
        {
          environment: "prod",
          region: "us-east-1",
          regionalSettings: {
            "us-west-2": {
              subnetIds: [drSubnets.apply((s) => s[0]!), drSubnets.apply((s) => s[1]!)],
              securityGroupIds: [Promise.resolve("sg-0dddddddddddddddd")],
              kmsKeyArn: network.getOutput("drKey"),
              notificationTarget: network.getOutput("drTopic"),
            },
          },
          input: {
            name: "orders",
            engine: "postgres",
            network: { vpcId: vpc.id, subnetIds: [subnetA.id, network.getOutput("subnetB")], allowedSecurityGroupIds: [appSg.id, network.getOutput("appSg")] },
            encryption: { atRest: { type: "customer-key", keyId: key.arn } },
            replicas: [{ count: 1 }, { region: "us-west-2", count: 1 }],
            observability: { alarms: { enabled: true, notificationTarget: topic.arn } },
          },
        },
        { transformations: [tracker.transformation] },
      );
    });
    // "net-id" is no `vpc-…` id: an Output is not shape-checked (the provider checks it at deploy).
    expect(rec("orders-sg")["vpcId"]).toBe("net-id");
    expect(rec("orders-subnets")["subnetIds"]).toEqual(["net-a-id", "subnet-0f1e2d3c4b5a69788"]);
    // Rules for ids known only at deploy are named by position.
    expect(rec("orders-in-sg-ref-0")).toMatchObject({ referencedSecurityGroupId: "sg-app", description: "postgres from sg-app", fromPort: 5432 });
    expect(rec("orders-in-sg-ref-1")).toMatchObject({ referencedSecurityGroupId: "sg-0a1b2c3d4e5f60718" });
    const keyArn = `arn:aws:kms:us-east-1:123456789012:key/key-shared-key`;
    expect(rec("orders-instance")).toMatchObject({ kmsKeyId: keyArn, performanceInsightsKmsKeyId: keyArn });
    expect(plain<Record<string, any>>(typed(T.secret, "orders-credentials").inputs)["kmsKeyId"]).toBe(keyArn);
    const topicArn = plain<string>(rec("orders-alarm-cpu")["alarmActions"][0]);
    expect(topicArn).toMatch(/sns\/topic:Topic\/alarms/);
    expect(rec("orders-alarm-replica-lag-orders-replica-1")["alarmActions"]).toEqual([topicArn]);
    // The cross-region replica: its region's subnets, security group, key (a secret output) and topic.
    expect(rec("orders-subnets-us-west-2")["subnetIds"]).toEqual(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]);
    expect(rec("orders-us-west-2-1")).toMatchObject({
      vpcSecurityGroupIds: ["sg-0dddddddddddddddd"],
      kmsKeyId: "arn:aws:kms:us-west-2:210987654321:key/dr-key",
    });
    expect(isSecretValue(named("orders-us-west-2-1").inputs["kmsKeyId"])).toBe(true);
    expect(rec("orders-alarm-replica-lag-orders-us-west-2-1")["alarmActions"]).toEqual(["arn:aws:sns:us-west-2:210987654321:dr-alarms"]);
    expect(await value(db!.secretRef)).toMatch(/^arn:aws:secretsmanager:us-east-1:/);
  });

  it("a topic known only at deploy goes to a cross-region alarm when its ARN is in that region", async () => {
    await settle((tracker) => {
      const network = new pulumi.StackReference(stack);
      new AwsRdsDatabase(
        "orders",
        {
          environment: "staging",
          region: "us-east-1",
          input: {
            name: "orders",
            engine: "postgres",
            replicas: [{ region: "us-west-2", count: 1 }],
            observability: { alarms: { enabled: true, notificationTarget: network.getOutput("drTopic") } },
          },
        },
        { transformations: [tracker.transformation] },
      );
    });
    expect(rec("orders-alarm-cpu")["alarmActions"]).toEqual(["arn:aws:sns:us-west-2:210987654321:dr-alarms"]);
    expect(rec("orders-alarm-replica-lag-orders-us-west-2-1")["alarmActions"]).toEqual(["arn:aws:sns:us-west-2:210987654321:dr-alarms"]);
  });

  it("a restore source from a StackReference", async () => {
    await settle((tracker) => {
      const snapshot = new pulumi.StackReference(stack).getOutput("snapshot");
      new AwsRdsDatabase(
        "orders",
        { environment: "dev", region: "us-east-1", input: { name: "orders", engine: "postgres", restore: { mode: "snapshot", snapshotId: snapshot } } },
        { transformations: [tracker.transformation] },
      );
    });
    expect(rec("orders-instance")["snapshotIdentifier"]).toBe("rds:orders-2026-01-01");
  });

  it("the input is merged over the preset without copying Outputs (no structuredClone error)", () => {
    const vpcId = pulumi.secret("vpc-0123456789abcdef0");
    const subnetIds = [pulumi.output("subnet-0a1b2c3d4e5f60718"), Promise.resolve("subnet-0f1e2d3c4b5a69788")];
    const spec = resolveSpec({ name: "orders", engine: "postgres", network: { vpcId, subnetIds } }, "prod", "aws");
    expect(spec.network.vpcId).toBe(vpcId);
    expect(spec.network.subnetIds?.[0]).toBe(subnetIds[0]);
    expect(spec.network.subnetIds?.[1]).toBe(subnetIds[1]);
  });

  it("counts Output subnets: one is refused (a DB subnet group and RDS Proxy need two)", () => {
    const subnet = new aws.ec2.Subnet("only", { vpcId: "vpc-0123456789abcdef0", cidrBlock: "10.0.1.0/24" });
    const input: DatabaseSpecInput = { name: "orders", engine: "postgres", network: { subnetIds: [subnet.id] }, pooling: { enabled: true } };
    const error = catchError(() => new AwsRdsDatabase("orders", { environment: "dev", region: "us-east-1", input }));
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as SpecValidationError).issues.map((i) => i.path)).toEqual(["network.subnetIds"]);
    expect(error?.message).toMatch(/<unresolved until deploy>.*at least 2 availability zones/);
  });

  it("still checks the shape of plain strings: the same id as a string is refused", () => {
    const input: DatabaseSpecInput = { name: "orders", engine: "postgres", network: { vpcId: "net-id" }, observability: { alarms: { enabled: true, notificationTarget: "alarms" } } };
    const error = catchError(() => new AwsRdsDatabase("orders", { environment: "dev", region: "us-east-1", input }));
    expect((error as SpecValidationError).issues.map((i) => i.path)).toEqual(["network.vpcId", "observability.alarms.notificationTarget"]);
  });
});

function catchError(fn: () => unknown): Error | undefined {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}
