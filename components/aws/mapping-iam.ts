// Pure IAM policy documents and ARN helpers for the RDS component and grantConnect.

export interface PolicyStatement {
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Split an ARN; throws naming the value when it is not one. */
export function parseArn(arn: string): ParsedArn {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") {
    throw new Error(`"${arn}" is not an ARN (expected arn:<partition>:<service>:<region>:<account>:<resource>)`);
  }
  const [, partition = "", service = "", region = "", account = ""] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(":") };
}

/** Trust policy letting an AWS service assume a role. */
export function assumeRolePolicy(service: string): string {
  const doc = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
  return JSON.stringify(doc);
}

/** Enhanced Monitoring publishes through this service principal. */
export const MONITORING_SERVICE = "monitoring.rds.amazonaws.com";
/** RDS Proxy assumes its role through the RDS service principal. */
export const PROXY_SERVICE = "rds.amazonaws.com";

/**
 * RDS Proxy's access to the credentials secret: read the secret, and decrypt it when it is encrypted
 * with a customer key (limited to calls made through Secrets Manager).
 */
export function proxySecretPolicy(secretArn: string, kmsKeyArn?: string): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
  ];
  if (kmsKeyArn) {
    const region = parseArn(secretArn).region;
    statements.push({
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

const DB_USER = /^[A-Za-z_][A-Za-z0-9_$.-]{0,62}$/;

/** Throws naming the user when it is not a database user name IAM can reference. */
export function assertDbUser(dbUser: string): void {
  if (!DB_USER.test(dbUser)) {
    throw new Error(
      `grantConnect dbUser: "${dbUser}" is not a valid database user name; use letters, digits, '_', '$', '.' or '-', starting with a letter or '_' (max 63)`,
    );
  }
}

/** `arn:<partition>:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<user>` for an instance ARN. */
export function dbUserArn(instanceArn: string, dbiResourceId: string, dbUser: string): string {
  assertDbUser(dbUser);
  const { partition, region, account } = parseArn(instanceArn);
  return `arn:${partition}:rds-db:${region}:${account}:dbuser:${dbiResourceId}/${dbUser}`;
}

export interface ConnectTarget {
  /** Instance ARN (gives partition, region and account). */
  arn: string;
  /** DbiResourceId of the instance. */
  resourceId: string;
}

/** The rds-db:connect policy document, like CDK's grantConnect, for one or more instances. */
export function rdsConnectPolicyDocument(
  instances: ConnectTarget | readonly ConnectTarget[],
  dbUsers: string | readonly string[],
): PolicyDocument {
  const users = typeof dbUsers === "string" ? [dbUsers] : [...dbUsers];
  if (users.length === 0) throw new Error("grantConnect dbUser: give at least one database user name");
  const targets = Array.isArray(instances) ? [...(instances as readonly ConnectTarget[])] : [instances as ConnectTarget];
  const resources = targets.flatMap((t) => users.map((u) => dbUserArn(t.arn, t.resourceId, u)));
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "rds-db:connect", Resource: resources.length === 1 ? resources[0]! : resources },
    ],
  };
}

/**
 * Alias of the AWS-managed RDS key. Cross-region replicas and backup replication of databases under the
 * provider-managed key resolve it to the key ARN in the destination region (keys.ts): RDS reads back the
 * key ARN, never the alias.
 */
export const AWS_MANAGED_RDS_KEY_ALIAS = "alias/aws/rds";

/**
 * ARN of the AWS-managed RDS key alias in another region of the same account.
 * @deprecated RDS reads back the key ARN; pass the key ARN (KeyRing resolves the alias), never this.
 */
export function awsManagedRdsKeyAliasArn(instanceArn: string, region: string): string {
  const { partition, account } = parseArn(instanceArn);
  return `arn:${partition}:kms:${region}:${account}:${AWS_MANAGED_RDS_KEY_ALIAS}`;
}

/** The group RDS publishes an exported log to (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html). */
export function rdsLogGroupName(identifier: string, log: string): string {
  return `/aws/rds/instance/${identifier}/${log}`;
}

/**
 * Key policy of a key the component creates: the account's own (the default key policy, so IAM policies keep
 * working for RDS, Secrets Manager, Backup and Performance Insights) plus CloudWatch Logs in `region`, limited to
 * the database's log groups (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
export function keyPolicy(partition: string, account: string, region: string, specName: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "CloudWatchLogsEncryptsRdsLogs",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:/aws/rds/instance/${specName}*` },
        },
      },
    ],
  });
}
