// Roles and grants as code on MySQL 8 and MariaDB: the standard role set (owner, migrator, app, readonly)
// granted on `database`.*, and one user per application with its role as default role — chained from a
// database component's `connection` output.
import * as pulumi from "@pulumi/pulumi";
import type { ConnectionInfo } from "../spec/types.js";
import { buildAccess, type DatabaseAccessArgs } from "./args.js";
import type { AccessRole } from "./spec.js";

/**
 * The access set of one MySQL/MariaDB database (no schemas or extensions there: leave them out). Updates
 * change grants in place; destroy drops the users and roles, never data. DDL is not transactional on
 * these servers: a failed apply is undone (the previous set re-applied, new users and roles dropped).
 */
export class MysqlDatabaseAccess extends pulumi.ComponentResource {
  /** The four role names: `{ owner, migrator, app, readonly }`. */
  readonly roles: pulumi.Output<Record<AccessRole, string>>;
  /** Per login name, its connection (host, port, user, password, database); a secret output. */
  readonly logins: pulumi.Output<Record<string, ConnectionInfo>>;
  /** The database the roles apply to. */
  readonly database: pulumi.Output<string>;

  constructor(name: string, args: DatabaseAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("provisioning:mysql:DatabaseAccess", name, {}, opts);
    const built = buildAccess(this, name, "mysql", args);
    this.roles = built.roles;
    this.logins = built.logins;
    this.database = built.database;
    this.registerOutputs({ roles: this.roles, logins: this.logins, database: this.database });
  }
}
