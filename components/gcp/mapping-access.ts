// Pure mapping of Cloud SQL access and maintenance settings: IAM database users, the password validation
// policy, the deny-maintenance period, Private Service Connect, the allocated IP range and pgaudit flags.
// Argument names follow node_modules/@pulumi/gcp/types/input.d.ts (sql.DatabaseInstanceSettings*) and
// node_modules/@pulumi/gcp/sql/user.d.ts.
import { PGAUDIT_LOG } from "../spec/feature-rules.js";
import type { DatabaseSpec, Engine, Environment } from "../spec/types.js";

/** Cloud SQL IAM login of one principal: its database user name and type. */
export interface GcpIamUser {
  name: string;
  type: "CLOUD_IAM_USER" | "CLOUD_IAM_SERVICE_ACCOUNT";
}

const SERVICE_ACCOUNT_SUFFIX = ".gserviceaccount.com";

/**
 * A principal's email as a gcp.sql.User. PostgreSQL service accounts drop `.gserviceaccount.com` (the name
 * length limit; the API refuses the full email and reads back the short one, and `name` forces a new user):
 * https://cloud.google.com/sql/docs/postgres/add-manage-iam-users. MySQL takes the full email (Cloud SQL
 * keeps the part before `@` as the login; the provider compares the email).
 */
export function gcpIamUser(email: string, engine: Engine): GcpIamUser {
  const serviceAccount = email.toLowerCase().endsWith(SERVICE_ACCOUNT_SUFFIX);
  const name = serviceAccount && engine === "postgres" ? email.slice(0, -SERVICE_ACCOUNT_SUFFIX.length) : email;
  return { name, type: serviceAccount ? "CLOUD_IAM_SERVICE_ACCOUNT" : "CLOUD_IAM_USER" };
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
