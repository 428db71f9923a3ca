// Databases and logins of a Cloud SQL instance besides the first database and the master user: the spec's
// additional databases, additional built-in users (a generated password each, kept in Secret Manager and
// as secrets only) and IAM logins for the listed principals.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { URL_SAFE_PASSWORD, generatedPassword } from "../shared/password.js";
import type { DatabaseSpec } from "../spec/types.js";
import { iamPrincipal } from "../spec/schema.js";
import { gcpIamUser } from "./mapping-access.js";

interface Options {
  name: string;
  spec: DatabaseSpec;
  project?: pulumi.Input<string>;
  instance: gcp.sql.DatabaseInstance;
  parent: pulumi.Resource;
  /** The first database and master user: children wait for them (Cloud SQL runs one operation at a time). */
  after: pulumi.Resource[];
}

/** Created logins: Secret Manager secret id of each additional user's password, by user name. */
export interface CloudSqlLogins {
  userSecretRefs: pulumi.Output<Record<string, string>>;
}

/** `name` as a Pulumi name part: lowercase letters, digits and hyphens. */
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

export function createDatabasesAndUsers(o: Options): CloudSqlLogins {
  const { spec, parent } = o;
  const project = o.project ? { project: o.project } : {};
  const labels = { ...spec.tags };
  // Cloud SQL refuses concurrent operations on one instance: create the children one after another.
  let previous: pulumi.Resource[] = o.after;
  const chain = <T extends pulumi.Resource>(make: (dependsOn: pulumi.Resource[]) => T): T => {
    const r = make(previous);
    previous = [r];
    return r;
  };
  for (const db of spec.additionalDatabases ?? []) {
    chain((dependsOn) => new gcp.sql.Database(
      `${o.name}-db-${slug(db)}`,
      { ...project, instance: o.instance.name, name: db, ...(spec.engine === "mysql" ? { charset: "utf8mb4" } : {}) },
      { parent, dependsOn },
    ));
  }
  const secretRefs: Record<string, pulumi.Output<string>> = {};
  for (const user of spec.auth.additionalUsers ?? []) {
    const key = `${o.name}-user-${slug(user)}`;
    const password = generatedPassword(parent, key, URL_SAFE_PASSWORD);
    const secret = new gcp.secretmanager.Secret(
      `${key}-password`,
      { secretId: `${spec.name}-db-${slug(user)}-password`, replication: { auto: {} }, labels, ...project },
      { parent },
    );
    new gcp.secretmanager.SecretVersion(`${key}-password`, { secret: secret.id, secretData: password.result }, { parent });
    chain((dependsOn) => new gcp.sql.User(
      key,
      { ...project, instance: o.instance.name, name: user, password: password.result },
      { parent, dependsOn, additionalSecretOutputs: ["password"] },
    ));
    secretRefs[user] = secret.id;
  }
  if (spec.auth.iamAuthentication) {
    for (const principal of spec.auth.iamPrincipals ?? []) {
      const iam = gcpIamUser(principal, spec.engine);
      // Named by the email alone: writing `user:` before an inferred user's email later changes nothing.
      chain((dependsOn) => new gcp.sql.User(
        `${o.name}-iam-${slug(iamPrincipal(principal).email)}`,
        { ...project, instance: o.instance.name, name: iam.name, type: iam.type },
        { parent, dependsOn },
      ));
    }
  }
  return { userSecretRefs: pulumi.output(secretRefs) };
}
