// A consumer's Pulumi program: a production PostgreSQL database on AWS RDS with a read replica, and the
// application's IAM role allowed to log in with IAM tokens. It uses only the toolkit's public API.
//
// The import below is the one an application writes after `npm install @dbtk/components`. Inside this
// repository the npm workspace links that name to components/, so the example runs unchanged here and in a
// consumer's project.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resolveSpec } from "@dbtk/components";
import { AwsRdsDatabase, grantConnect } from "@dbtk/components/aws";

const config = new pulumi.Config();
const vpcId = config.require("vpcId");
const subnetIds = config.requireObject<string[]>("subnetIds");
const appSecurityGroupId = config.require("appSecurityGroupId");
const alarmTopic = config.get("alarmTopic");

// The prod preset (Multi-AZ, 35-day backups and PITR, a created customer key, deletion protection, alarms)
// with this application's choices on top. Resolving it here lets the program read the final values.
const spec = resolveSpec(
  {
    name: "orders",
    engine: "postgres",
    size: { tier: "large" },
    replicas: [{ count: 1 }],
    network: { vpcId, subnetIds, allowedSecurityGroupIds: [appSecurityGroupId] },
    auth: { iamAuthentication: true },
    backup: { longTermRetention: { monthlyMonths: 12 } },
    observability: { alarms: { enabled: true, ...(alarmTopic ? { notificationTarget: alarmTopic } : {}) } },
    tags: { team: "orders", "cost-center": "cc-4521" },
  },
  "prod",
  "aws",
);

// The application's ECS task role.
const appRole = new aws.iam.Role("orders-app", {
  description: "orders service tasks",
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
  tags: spec.tags,
});

const db = new AwsRdsDatabase("orders", { environment: "prod", spec });

// rds-db:connect as the database user `orders_app` on the primary and the replica. The user itself is made
// by a migration: CREATE USER orders_app; GRANT rds_iam TO orders_app;
grantConnect(db, appRole, "orders_app");

export const engineVersion = spec.engineVersion;
export const endpoint = db.endpoint;
export const readerEndpoints = db.readerEndpoints;
export const secretRef = db.secretRef;
export const appRoleArn = appRole.arn;
/** Master connection; a secret output. */
export const connection = db.connection;
