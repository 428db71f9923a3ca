// grantConnect: let an IAM role or user log in to the database as a given user with an IAM token
// (rds-db:connect), like CDK's DatabaseInstance.grantConnect.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assertDbUser, rdsConnectPolicyDocument } from "./mapping-iam.js";
import { nameSafe } from "./network.js";
import type { AwsRdsDatabase } from "./rds-database.js";

export interface GrantConnectOptions {
  /** Also allow connecting to the read replicas (each has its own DbiResourceId). Default true. */
  includeReplicas?: boolean;
  /** Options of the created policy resource; parented to the database unless `parent` is given. */
  resourceOptions?: pulumi.CustomResourceOptions;
}

export interface GrantConnectResult {
  /** The policy document (JSON). */
  document: pulumi.Output<string>;
  /** The inline policy attached to the grantee, when one was given. */
  policy?: aws.iam.RolePolicy | aws.iam.UserPolicy;
}

/**
 * The rds-db:connect policy for `dbUser` on `db`, attached to `grantee` as an inline policy when given.
 * Throws when the database does not have IAM authentication on or the user name is not valid.
 */
export function grantConnect(
  db: AwsRdsDatabase,
  grantee: aws.iam.Role | aws.iam.User | undefined,
  dbUser: string | string[],
  options: GrantConnectOptions = {},
): GrantConnectResult {
  if (!db.iamAuthentication) {
    throw new Error(
      `grantConnect: database ${db.spec.name} has auth.iamAuthentication false; set it to true to let IAM identities connect`,
    );
  }
  const users = typeof dbUser === "string" ? [dbUser] : dbUser;
  users.forEach(assertDbUser);
  const instances = options.includeReplicas === false ? [db.instance] : [db.instance, ...db.replicas];
  const document = pulumi
    .all(instances.map((i) => pulumi.all([i.arn, i.resourceId])))
    .apply((pairs) =>
      JSON.stringify(rdsConnectPolicyDocument(pairs.map(([arn, resourceId]) => ({ arn, resourceId })), users)),
    );
  if (!grantee) return { document };
  const name = `${db.resourceName}-connect-${nameSafe(users.join("-"))}`;
  const opts = { parent: db, ...options.resourceOptions };
  const policy = aws.iam.User.isInstance(grantee)
    ? new aws.iam.UserPolicy(name, { user: grantee.name, policy: document }, opts)
    : new aws.iam.RolePolicy(name, { role: grantee.id, policy: document }, opts);
  return { document, policy };
}
