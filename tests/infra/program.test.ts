// The infra program (infra/index.ts) evaluated under Pulumi mocks with each Pulumi.<env>.yaml's config.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { T, installMocks, isSecretValue, named, ofType, one, plain, registered, reset, typed, value } from "../components/support/harness.ts";
import { runInfra, stackConfig } from "../components/support/program.ts";

installMocks("db-provisioning", "dev");

const root = fileURLToPath(new URL("../../", import.meta.url));
const runStack = runInfra;

const rec = (name: string) => plain<Record<string, any>>(named(name).inputs);

beforeEach(reset);

describe("Pulumi.yaml", () => {
  it("runs infra/index.ts as ESM TypeScript through tsx", () => {
    const project = parse(readFileSync(`${root}Pulumi.yaml`, "utf8")) as Record<string, any>;
    expect(project).toMatchObject({ main: "infra/index.ts", runtime: { name: "nodejs", options: { typescript: false, nodeargs: "--import tsx" } } });
  });
});

describe("stacks", () => {
  it("dev: one private postgres instance in the configured VPC, outputs with a secret connection", async () => {
    const out = await runStack(stackConfig("dev"));
    expect(out.cloud).toBe("aws");
    expect(ofType(T.instance)).toHaveLength(1);
    expect(rec("orders-dev-instance")).toMatchObject({ identifier: "orders-dev", engine: "postgres", publiclyAccessible: false, tags: { team: "orders", environment: "dev" } });
    expect(rec("orders-dev-subnets")["subnetIds"]).toEqual(["subnet-0a41c2e7d9b3f5061", "subnet-0b52d3f8e0c4a6172"]);
    expect(rec("orders-dev-sg")["vpcId"]).toBe("vpc-0d3f1a7c5b9e24680");
    expect(rec("orders-dev-in-10-40-0-0-16")["cidrIpv4"]).toBe("10.40.0.0/16");
    expect(rec("orders-dev-params-postgres17")["parameters"]).toContainEqual({ name: "log_min_duration_statement", value: "1000", applyMethod: "immediate" });
    expect(await value(out.endpoint)).toBe("orders-dev.c0abcdefgh.us-east-1.rds.amazonaws.com:5432");
    expect(await value(out.port)).toBe(5432);
    expect(await value(out.secretRef)).toMatch(/^arn:aws:secretsmanager:us-east-1:/);
    expect(await pulumi.isSecret(out.connection)).toBe(true);
    expect(await pulumi.isSecret(out.endpoint)).toBe(false);
    expect(isSecretValue(named("orders-dev-instance").inputs["password"])).toBe(true);
  });

  it("staging: IAM auth, RDS Proxy, access from the app security group only", async () => {
    await runStack(stackConfig("staging"));
    expect(rec("orders-staging-instance")).toMatchObject({ iamDatabaseAuthenticationEnabled: true, deletionProtection: true });
    expect(plain(one(T.targetGroup).inputs)).toMatchObject({ connectionPoolConfig: { maxConnectionsPercent: 80 } });
    expect(rec("orders-staging-in-sg-0a1b2c3d4e5f60718")).toMatchObject({ referencedSecurityGroupId: "sg-0a1b2c3d4e5f60718", fromPort: 5432 });
    expect(ofType(T.ingress).map((r) => plain<Record<string, unknown>>(r.inputs)["cidrIpv4"]).filter(Boolean)).toEqual([]);
  });

  it("prod: a us-west-2 provider for the cross-region replica and the backup copy, alarms to the topic", async () => {
    await runStack(stackConfig("prod"));
    const provider = typed(T.provider, "aws-us-west-2");
    expect(plain(provider.inputs)).toMatchObject({ region: "us-west-2" });
    const replica = named("orders-prod-us-west-2-1");
    expect(replica.provider).toContain("pulumi:providers:aws::aws-us-west-2::");
    expect(plain(replica.inputs)).toMatchObject({
      replicateSourceDb: "arn:aws:rds:us-east-1:123456789012:db:orders-prod",
      kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/key-orders-prod-key-us-west-2",
      vpcSecurityGroupIds: ["sg-0c3d4e5f60718293a"],
    });
    expect(rec("orders-prod-replica-1")).toMatchObject({ replicateSourceDb: "orders-prod", instanceClass: "db.r7g.xlarge" });
    expect(one(T.backupReplication).provider).toContain("::aws-us-west-2::");
    expect(plain(one(T.backupReplication).inputs)).toMatchObject({ retentionPeriod: 14 });
    expect(rec("orders-prod-instance")).toMatchObject({ multiAz: true, instanceClass: "db.r7g.xlarge", finalSnapshotIdentifier: "orders-prod-final-k3x9m2qa" });
    expect(rec("orders-prod-alarm-cpu")["alarmActions"]).toEqual(["arn:aws:sns:us-east-1:210987654321:orders-db-alarms"]);
    expect(rec("orders-prod-alarm-replica-lag-orders-prod-us-west-2-1")["alarmActions"]).toEqual(["arn:aws:sns:us-west-2:210987654321:orders-db-alarms"]);
    expect(ofType(T.proxy)).toHaveLength(1);
  });
});

describe("wrong configuration", () => {
  it("stops on a wrong value, naming the key, before any resource", async () => {
    await expect(runStack({ ...stackConfig("prod"), "db:environment": "production" })).rejects.toThrow(
      'db:environment: "production" is not one of dev, staging, prod; set it with pulumi config set db:environment prod',
    );
    expect(registered).toHaveLength(0);
  });

  it("reports spec problems under the configuration key that set them", async () => {
    const config = { ...stackConfig("dev"), "db:subnetIds": JSON.stringify(["subnet-a"]), "db:overrides": JSON.stringify({ storage: { sizeGb: 5 } }) };
    const error = await runStack(config).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(error?.message).toContain("db:subnetIds:");
    expect(error?.message).toContain("db:overrides.storage.sizeGb:");
    expect(registered).toHaveLength(0);
  });

  it("a prod stack refusing a public endpoint names db:overrides.network.private", async () => {
    const config = { ...stackConfig("prod"), "db:overrides": JSON.stringify({ network: { private: false } }) };
    await expect(runStack(config)).rejects.toThrow(/db:overrides\.network\.private/);
    expect(registered).toHaveLength(0);
  });
});
