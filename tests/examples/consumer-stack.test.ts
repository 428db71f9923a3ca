// examples/consumer-stack evaluated under Pulumi mocks with its Pulumi.yaml defaults: it reaches the
// components through the public entry point only, and renders a prod PostgreSQL on AWS with a replica, an
// app role allowed to log in as orders_app on both instances, and secret master credentials.
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { T, installMocks, isSecretValue, named, ofType, one, plain, registered, reset, typed, value } from "../components/support/harness.ts";
import { configOf, runProgram } from "../components/support/program.ts";

installMocks("consumer-stack", "prod");

const dir = new URL("../../examples/consumer-stack/", import.meta.url);
const config = configOf(new URL("Pulumi.yaml", dir).pathname);

interface Outputs {
  engineVersion: string;
  endpoint: pulumi.Output<string>;
  readerEndpoints: pulumi.Output<string[]>;
  secretRef: pulumi.Output<string>;
  appRoleArn: pulumi.Output<string>;
  connection: pulumi.Output<Record<string, unknown>>;
}

const run = (extra: Record<string, string> = {}) => runProgram<Outputs>(new URL("index.ts", dir), { ...config, ...extra });
const rec = (name: string) => plain<Record<string, any>>(named(name).inputs);

beforeEach(reset);

describe("examples/consumer-stack", () => {
  it("imports the components through the package's public entry point only", () => {
    const source = readFileSync(new URL("index.ts", dir), "utf8");
    const imports = [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    expect(imports).toEqual(["@pulumi/aws", "@pulumi/pulumi", "@dbtk/components", "@dbtk/components/aws"]);
    const project = parse(readFileSync(new URL("Pulumi.yaml", dir), "utf8")) as Record<string, any>;
    expect(project).toMatchObject({ name: "consumer-stack", main: "index.ts", runtime: { name: "nodejs", options: { typescript: false, nodeargs: "--import tsx" } } });
  });

  it("renders a prod PostgreSQL with a replica in the configured network", async () => {
    const out = await run();
    expect(one(T.component).name).toBe("orders");
    expect(rec("orders-instance")).toMatchObject({
      identifier: "orders",
      engine: "postgres",
      engineVersion: out.engineVersion,
      instanceClass: "db.r7g.xlarge",
      multiAz: true,
      deletionProtection: true,
      storageEncrypted: true,
      kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/key-orders-key",
      iamDatabaseAuthenticationEnabled: true,
      publiclyAccessible: false,
      backupRetentionPeriod: 35,
      tags: { team: "orders", "cost-center": "cc-4521" },
    });
    expect(rec("orders-replica-1")).toMatchObject({ replicateSourceDb: "orders", instanceClass: "db.r7g.xlarge" });
    expect(rec("orders-subnets")["subnetIds"]).toEqual(["subnet-0e85a6c1b3f7d9405", "subnet-0f96b7d2c4a8e0516"]);
    expect(rec("orders-sg")["vpcId"]).toBe("vpc-0f5b3c9e7d1a46802");
    const ingress = ofType(T.ingress).map((r) => plain<Record<string, unknown>>(r.inputs));
    expect(ingress).toEqual([expect.objectContaining({ referencedSecurityGroupId: "sg-0b2c3d4e5f6071829", fromPort: 5432, toPort: 5432 })]);
    expect(plain<Record<string, any>>(one(T.backupPlan).inputs)["rules"]).toEqual([expect.objectContaining({ ruleName: "monthly", lifecycle: { deleteAfter: 372 } })]);
    expect(await value(out.endpoint)).toBe("orders.c0abcdefgh.us-east-1.rds.amazonaws.com:5432");
    // host:port, like endpoint (ManagedDatabase).
    expect(await value(out.readerEndpoints)).toEqual(["orders-replica-1.c0abcdefgh.us-east-1.rds.amazonaws.com:5432"]);
  });

  it("lets the app role connect as orders_app to the primary and the replica", async () => {
    const out = await run();
    const policy = plain<Record<string, any>>(typed(T.rolePolicy, "orders-connect-orders-app").inputs);
    expect(policy["role"]).toBe("orders-app-id");
    expect(JSON.parse(policy["policy"])).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "rds-db:connect",
          Resource: [
            "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ORDERS/orders_app",
            "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ORDERSREPLICA1/orders_app",
          ],
        },
      ],
    });
    expect(await value(out.appRoleArn)).toMatch(/^arn:aws:iam::123456789012:role\/orders-app/);
  });

  it("keeps the master password secret in the inputs and the outputs", async () => {
    const out = await run();
    expect(isSecretValue(named("orders-instance").inputs["password"])).toBe(true);
    expect(await pulumi.isSecret(out.connection)).toBe(true);
    expect(await pulumi.isSecret(out.endpoint)).toBe(false);
    expect(await value(out.connection)).toMatchObject({ host: "orders.c0abcdefgh.us-east-1.rds.amazonaws.com", port: 5432, user: "dbadmin", database: "app", engine: "postgres" });
  });

  it("sends the alarms to alarmTopic when it is set", async () => {
    await run({ "consumer-stack:alarmTopic": "arn:aws:sns:us-east-1:210987654321:orders-db-alarms" });
    expect(rec("orders-alarm-cpu")["alarmActions"]).toEqual(["arn:aws:sns:us-east-1:210987654321:orders-db-alarms"]);
  });

  it("stops before any resource when a required key is missing", async () => {
    const { ["consumer-stack:vpcId"]: _dropped, ...rest } = config;
    await expect(runProgram(new URL("index.ts", dir), rest)).rejects.toThrow(/consumer-stack:vpcId/);
    expect(registered).toHaveLength(0);
  });
});
