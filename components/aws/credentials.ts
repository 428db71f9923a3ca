// Master credentials: a generated password kept in Secrets Manager, or the RDS-managed secret.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type * as random from "@pulumi/random";
import { generatedPassword } from "../shared/password.js";
import { PASSWORD_SPECIALS } from "./mapping.js";

/** A password RDS accepts for every engine (SQL Server wants three character classes). */
export function createMasterPassword(parent: pulumi.Resource, name: string): random.RandomPassword {
  return generatedPassword(parent, name, { specials: PASSWORD_SPECIALS, minEach: 1 });
}

export interface SecretContents {
  username: string;
  password: pulumi.Input<string>;
  /** RDS engine name (postgres, mysql, sqlserver-se), as the RDS rotation functions expect. */
  engine: string;
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  dbname: string;
  dbInstanceIdentifier: pulumi.Input<string>;
}

/**
 * Secrets Manager secret in the JSON shape RDS rotation and RDS Proxy read
 * (username, password, engine, host, port, dbname).
 */
export function createCredentialsSecret(
  parent: pulumi.Resource,
  name: string,
  description: string,
  contents: SecretContents,
  opts: { kmsKeyArn?: pulumi.Input<string>; recoveryWindowInDays: number; tags: Record<string, string> },
): aws.secretsmanager.Secret {
  const secret = new aws.secretsmanager.Secret(
    `${name}-credentials`,
    {
      description,
      ...(opts.kmsKeyArn ? { kmsKeyId: opts.kmsKeyArn } : {}),
      recoveryWindowInDays: opts.recoveryWindowInDays,
      tags: opts.tags,
    },
    { parent },
  );
  new aws.secretsmanager.SecretVersion(
    `${name}-credentials`,
    { secretId: secret.id, secretString: pulumi.secret(pulumi.jsonStringify(pulumi.output(contents))) },
    { parent },
  );
  return secret;
}
