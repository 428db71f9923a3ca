// Pure mapping of Cloud SQL access and maintenance settings: IAM database users, the password validation
// policy, the deny-maintenance period, Private Service Connect, the allocated IP range and pgaudit flags.
// Argument names follow node_modules/@pulumi/gcp/types/input.d.ts (sql.DatabaseInstanceSettings*) and
// node_modules/@pulumi/gcp/sql/user.d.ts.
import { PGAUDIT_LOG } from "../spec/feature-rules.js";
import { iamPrincipal } from "../spec/schema.js";
import type { DatabaseSpec, Engine, Environment } from "../spec/types.js";

/** Cloud SQL IAM login of one principal: its database user name and type. */
export interface GcpIamUser {
  name: string;
  type: "CLOUD_IAM_USER" | "CLOUD_IAM_SERVICE_ACCOUNT" | "CLOUD_IAM_GROUP";
}

const SERVICE_ACCOUNT_SUFFIX = ".gserviceaccount.com";

/**
 * A principal as a gcp.sql.User, in the form Cloud SQL reads back (`name` forces a new user).
 * PostgreSQL service accounts drop `.gserviceaccount.com` (the name length limit; the API refuses the full
 * email and reads back the short one): https://cloud.google.com/sql/docs/postgres/add-manage-iam-users. MySQL
 * takes the full email (Cloud SQL keeps the part before `@` as the login; the provider compares the email).
 * Groups keep the whole email on both engines, MySQL with its domain in lower case (it lower-cases host
 * names): https://cloud.google.com/sql/docs/mysql/iam-authentication#iam-group-auth and
 * GoogleCloudPlatform/magic-modules#11466, #17533.
 */
export function gcpIamUser(principal: string, engine: Engine): GcpIamUser {
  const { kind, email } = iamPrincipal(principal);
  if (kind === "group") {
    const at = email.lastIndexOf("@");
    return { name: engine === "mysql" ? `${email.slice(0, at)}${email.slice(at).toLowerCase()}` : email, type: "CLOUD_IAM_GROUP" };
  }
  if (kind === "user") return { name: email, type: "CLOUD_IAM_USER" };
  const short = engine === "postgres" && email.toLowerCase().endsWith(SERVICE_ACCOUNT_SUFFIX);
  return { name: short ? email.slice(0, -SERVICE_ACCOUNT_SUFFIX.length) : email, type: "CLOUD_IAM_SERVICE_ACCOUNT" };
}

/** Password validation policy of the built-in users (GcpCloudSqlDatabaseArgs.passwordValidation). */
export interface GcpPasswordValidation {
  /** Enforce the policy. @default true in prod on PostgreSQL and MySQL, false elsewhere */
  enabled?: boolean;
  /** Minimum password length. @default 16 (the generated passwords have 32 characters) */
  minLength?: number;
  /** Previous passwords that cannot be reused. @default 5 */
  reuseInterval?: number;
}

/** `settings.passwordValidationPolicy`, or undefined when the policy is off. */
export function gcpPasswordValidationPolicy(spec: DatabaseSpec, environment: Environment | undefined, asked: GcpPasswordValidation | undefined) {
  const enabled = asked?.enabled ?? (environment === "prod" && spec.engine !== "sqlserver");
  if (!enabled) return undefined;
  return {
    enablePasswordPolicy: true,
    minLength: asked?.minLength ?? 16,
    // Lower and upper case, digits and symbols: the generated passwords carry at least two of each.
    complexity: "COMPLEXITY_DEFAULT",
    reuseInterval: asked?.reuseInterval ?? 5,
    disallowUsernameSubstring: true,
  };
}

/**
 * A date as Cloud SQL reads it back: `yyyy-m-dd`, the month without a leading zero ("2020-1-01"), or `m-dd`
 * for a yearly period (node_modules/@pulumi/gcp/types/input.d.ts DatabaseInstanceSettingsDenyMaintenancePeriod).
 */
export function gcpDenyDate(date: string): string {
  const parts = date.split("-");
  const [day, month] = [parts.at(-1) ?? "", Number(parts.at(-2))];
  return parts.length === 3 ? `${parts[0]}-${month}-${day.padStart(2, "0")}` : `${month}-${day.padStart(2, "0")}`;
}

/** `settings.denyMaintenancePeriod`. */
export function gcpDenyMaintenancePeriod(spec: DatabaseSpec) {
  const deny = spec.maintenanceDenyPeriod;
  if (!deny) return undefined;
  return { startDate: gcpDenyDate(deny.start), endDate: gcpDenyDate(deny.end), time: deny.time ?? "00:00:00" };
}

/** `ipConfiguration` additions: allocated range of private services access and Private Service Connect. */
export function gcpPrivateAccess(spec: DatabaseSpec, allocatedIpRange?: string) {
  const psc = spec.network.privateServiceConnect;
  return {
    ...(allocatedIpRange ? { allocatedIpRange } : {}),
    ...(psc ? { pscConfigs: [{ pscEnabled: true, allowedConsumerProjects: [...psc.allowedConsumerProjects] }] } : {}),
  };
}

/** Cloud SQL flags turning pgaudit on (https://cloud.google.com/sql/docs/postgres/pg-audit). */
export function gcpPgauditFlags(spec: DatabaseSpec): [string, string][] {
  if (spec.engine !== "postgres" || spec.observability.pgaudit !== true) return [];
  return [
    ["cloudsql.enable_pgaudit", "on"],
    ["pgaudit.log", PGAUDIT_LOG],
  ];
}
