// AwsRdsDatabase access paths under Pulumi mocks: RDS Proxy, IAM auth + grantConnect, alarm targets.
import * as aws from "@pulumi/aws";
import { beforeEach, describe, expect, it } from "vitest";
import { awsRenderer } from "./render.ts";
import { T, installMocks, named, ofType, one, plain, registered, reset, typed, value } from "../support/harness.ts";

installMocks();
const { AwsRdsDatabase, grantConnect } = await import("../../../components/aws/index.ts");

const subnetIds = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"];
const network = { vpcId: "vpc-0123456789abcdef0", subnetIds, allowedSecurityGroupIds: ["sg-0123456789abcdef0"] };

const render = awsRenderer(AwsRdsDatabase, network);

const rec = (name: string) => plain<Record<string, any>>(named(name).inputs);
const proxy = () => plain<Record<string, any>>(one(T.proxy).inputs);
const alarms = () => ofType(T.alarm).map((a) => plain<Record<string, any>>(a.inputs));

beforeEach(reset);

describe("RDS Proxy", () => {
  it("requires TLS, authenticates with the secret, pools per spec.pooling and targets the primary", async () => {
    const { db } = await render({ pooling: { enabled: true, maxConnectionsPercent: 75, idleClientTimeoutSeconds: 900 } }, "prod");
    const secretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-credentials-a1b2c3-AbCd";
    expect(proxy()).toMatchObject({
      engineFamily: "POSTGRESQL",
      requireTls: true,
      idleClientTimeout: 900,
      vpcSubnetIds: subnetIds,
      vpcSecurityGroupIds: ["sg-orders-sg"],
      roleArn: "arn:aws:iam::123456789012:role/orders-proxy-a1b2c3",
      auths: [{ authScheme: "SECRETS", secretArn, iamAuth: "DISABLED", clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256", description: "orders master user" }],
    });
    expect(one(T.targetGroup).inputs).toMatchObject({
      dbProxyName: "orders-proxy-a1b2c3",
      connectionPoolConfig: { maxConnectionsPercent: 75, maxIdleConnectionsPercent: 50, connectionBorrowTimeout: 120 },
    });
    expect(one(T.proxyTarget).inputs).toMatchObject({ dbProxyName: "orders-proxy-a1b2c3", targetGroupName: "default", dbInstanceIdentifier: "orders" });
    const policy = JSON.parse(rec("orders-proxy-secret")["policy"]);
    expect(policy.Statement).toContainEqual({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn });
    expect(policy.Statement[1]).toMatchObject({ Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:123456789012:key/key-orders-key" });
    expect(plain<Record<string, string>>(typed(T.role, "orders-proxy").inputs)["assumeRolePolicy"]).toContain("rds.amazonaws.com");
    expect(rec("orders-in-self")).toMatchObject({ referencedSecurityGroupId: "sg-orders-sg", securityGroupId: "sg-orders-sg", fromPort: 5432 });
    expect(rec("orders-out-self")).toMatchObject({ referencedSecurityGroupId: "sg-orders-sg", fromPort: 5432, toPort: 5432 });
    expect(await value(db.proxyEndpoint)).toBe("orders-proxy-a1b2c3.proxy-c0abcdefgh.us-east-1.rds.amazonaws.com");
  });

  it("speaks each engine's protocol (SQL Server included) and uses the RDS-managed secret when asked", async () => {
    await render({ engine: "sqlserver", pooling: { enabled: true }, auth: { managedMasterPassword: true } });
    expect(proxy()).toMatchObject({ engineFamily: "SQLSERVER" });
    expect(proxy()["auths"][0]).toMatchObject({
      clientPasswordAuthType: "SQL_SERVER_AUTHENTICATION",
      secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!orders-AbCd",
    });
    reset();
    await render({ engine: "mysql", pooling: { enabled: true } });
    expect(proxy()).toMatchObject({ engineFamily: "MYSQL" });
  });

  it("no proxy and no proxy rules without pooling", async () => {
    const { db } = await render({});
    expect(ofType(T.proxy)).toEqual([]);
    expect(ofType(T.egress)).toEqual([]);
    expect(await value(db.proxyEndpoint)).toBeUndefined();
    expect(rec("orders-in-sg-0123456789abcdef0")).toMatchObject({ referencedSecurityGroupId: "sg-0123456789abcdef0", fromPort: 5432 });
  });
});

describe("IAM database authentication and grantConnect", () => {
  it("turns IAM auth on and grants rds-db:connect on the primary and replicas to a role", async () => {
    const { db } = await render({ auth: { iamAuthentication: true }, replicas: [{ count: 1 }] }, "staging");
    expect(rec("orders-instance")["iamDatabaseAuthenticationEnabled"]).toBe(true);
    expect(rec("orders-replica-1")["iamDatabaseAuthenticationEnabled"]).toBe(true);
    const role = new aws.iam.Role("app", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
    const grant = grantConnect(db, role, "app_user");
    const expected = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "rds-db:connect",
          Resource: [
            "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ORDERS/app_user",
            "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ORDERSREPLICA1/app_user",
          ],
        },
      ],
    };
    expect(JSON.parse(await value(grant.document))).toEqual(expected);
    await value(grant.policy!.urn);
    const policy = one(T.rolePolicy);
    expect(policy.name).toBe("orders-connect-app_user".replace("_", "-"));
    expect(plain<Record<string, string>>(policy.inputs)["role"]).toBe("app-id");
    expect(JSON.parse(plain<Record<string, string>>(policy.inputs)["policy"]!)).toEqual(expected);
    expect(await value(grant.policy!.urn)).toContain("provisioning:aws:RdsDatabase$aws:iam/rolePolicy:RolePolicy");
  });

  it("returns only the document without a grantee, and attaches to IAM users as a user policy", async () => {
    const { db } = await render({ auth: { iamAuthentication: true } });
    const docOnly = grantConnect(db, undefined, ["reporting"], { includeReplicas: false });
    expect(docOnly.policy).toBeUndefined();
    expect(JSON.parse(await value(docOnly.document)).Statement[0].Resource).toBe("arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ORDERS/reporting");
    const user = new aws.iam.User("analyst", {});
    const grant = grantConnect(db, user, "reporting");
    await value(grant.policy!.urn);
    expect(one(T.userPolicy).inputs).toMatchObject({ user: "analyst-a1b2c3" });
    expect(ofType(T.rolePolicy)).toEqual([]);
  });

  it("refuses when IAM auth is off or the user name is invalid, registering nothing", async () => {
    const { db } = await render({});
    const role = new aws.iam.Role("app", { assumeRolePolicy: "{}" });
    await value(role.urn);
    const count = registered.length;
    expect(() => grantConnect(db, role, "app")).toThrow(/auth\.iamAuthentication/);
    reset();
    const iam = await render({ auth: { iamAuthentication: true } });
    expect(() => grantConnect(iam.db, role, "app user")).toThrow(/dbUser: "app user"/);
    expect(ofType(T.rolePolicy)).toEqual([]);
    expect(count).toBeGreaterThan(0);
  });
});

describe("alarms", () => {
  it("notify the spec's topic on alarm and on recovery", async () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:db-alarms";
    await render({ observability: { alarms: { enabled: true, notificationTarget: topic, cpuPercent: 65, maxConnections: 400 } } });
    expect(alarms()).toHaveLength(3);
    for (const alarm of alarms()) {
      expect(alarm).toMatchObject({ namespace: "AWS/RDS", alarmActions: [topic], okActions: [topic], dimensions: { DBInstanceIdentifier: "orders" } });
    }
    expect(alarms().find((a) => a["metricName"] === "CPUUtilization")).toMatchObject({ threshold: 65, comparisonOperator: "GreaterThanThreshold" });
    expect(alarms().find((a) => a["metricName"] === "DatabaseConnections")).toMatchObject({ threshold: 400 });
    expect(alarms().find((a) => a["metricName"] === "FreeStorageSpace")).toMatchObject({ threshold: 2147483648, comparisonOperator: "LessThanThreshold" });
  });

  it("without a topic: alarms with no actions", async () => {
    await render({ observability: { alarms: { enabled: true } } });
    expect(alarms()).toHaveLength(3);
    for (const alarm of alarms()) expect(alarm).toMatchObject({ alarmActions: [], okActions: [] });
  });

  it("a cross-region replica's lag alarm gets no topic from another region", async () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:db-alarms";
    await render({ replicas: [{ count: 1 }, { region: "eu-west-1", count: 1 }], observability: { alarms: { enabled: true, notificationTarget: topic } } }, "staging");
    expect(rec("orders-alarm-replica-lag-orders-replica-1")).toMatchObject({ alarmActions: [topic], dimensions: { DBInstanceIdentifier: "orders-replica-1" } });
    expect(rec("orders-alarm-replica-lag-orders-eu-west-1-1")).toMatchObject({ alarmActions: [], region: "eu-west-1" });
  });

  it("none when alarms are off", async () => {
    await render({ observability: { alarms: { enabled: false } } }, "staging");
    expect(alarms()).toEqual([]);
  });
});
