// Roles, grants and extensions as code on PostgreSQL: the standard role set (owner, migrator, app,
// readonly), the schemas and their default privileges, extensions, and one least-privilege login per
// application, on any reachable server — chained from a database component's `connection` output.
import * as pulumi from "@pulumi/pulumi";
import type { ConnectionInfo } from "../spec/types.js";
import { buildAccess, type DatabaseAccessArgs } from "./args.js";
import type { AccessRole } from "./spec.js";

/**
 * The access set of one PostgreSQL database. Updates change grants in place (a change of server, database
 * or prefix replaces it); destroy drops the roles and logins and revokes their grants, never user data
 * (what the roles owned passes to the admin). Applied in one transaction: a bad grant leaves nothing.
 */
export class DatabaseAccess extends pulumi.ComponentResource {
  /** The four role names: `{ owner, migrator, app, readonly }`. */
  readonly roles: pulumi.Output<Record<AccessRole, string>>;
  /** Per login name, its connection (host, port, user, password, database); a secret output. */
  readonly logins: pulumi.Output<Record<string, ConnectionInfo>>;
  /** The database the roles apply to. */
  readonly database: pulumi.Output<string>;

  constructor(name: string, args: DatabaseAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("provisioning:postgres:DatabaseAccess", name, {}, opts);
    const built = buildAccess(this, name, "postgres", args);
    this.roles = built.roles;
    this.logins = built.logins;
    this.database = built.database;
    this.registerOutputs({ roles: this.roles, logins: this.logins, database: this.database });
  }
}
