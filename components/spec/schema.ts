// Structural schema of a DatabaseSpec (zod 4): types, enums and formats. Cloud limits are checked in
// validate.ts; this only decides whether the value has the right shape. Objects are strict so that a
// misspelt field (`retentionDay`) is reported instead of silently ignored. contract.ts keeps this schema and
// the types in types.ts the same shape at compile time.
import { z } from "zod";
import { isUnresolved, type ResourceRef } from "./inputs.js";

/** IAM's member prefixes that `auth.iamPrincipals` accepts before an email. */
export const IAM_PRINCIPAL_KINDS = ["user", "serviceAccount", "group"] as const;

/** A principal split into its kind (as written, or inferred from the email: a service account's ends in .gserviceaccount.com) and its email. */
export function iamPrincipal(principal: string): { kind: (typeof IAM_PRINCIPAL_KINDS)[number]; email: string } {
  const colon = principal.indexOf(":");
  const written = IAM_PRINCIPAL_KINDS.find((k) => colon > 0 && k === principal.slice(0, colon));
  const email = written ? principal.slice(colon + 1) : principal;
  return { kind: written ?? (email.toLowerCase().endsWith(".gserviceaccount.com") ? "serviceAccount" : "user"), email };
}

/** `hh:mm-hh:mm`, 24-hour UTC. */
export const windowPattern = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
/** Lowercase letters, digits and single hyphens; starts with a letter, ends with a letter or digit. */
export const namePattern = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/;
/** A database identifier every engine accepts unquoted. */
export const databaseNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `YYYY-MM-DD` or `MM-DD` (a yearly recurring date). */
export const denyDatePattern = /^(\d{4}-)?(0?[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** A user name every engine accepts unquoted. */
export const usernamePattern = /^[A-Za-z][A-Za-z0-9_]*$/;

const cidrv4 = z.cidrv4();
const cidrv6 = z.cidrv6();
export const isCidr = (value: string): boolean =>
  cidrv4.safeParse(value).success || cidrv6.safeParse(value).success;

const days = z.int().min(0);
const positive = z.int().min(1);
const nonEmpty = z.string().min(1);

/** An Output or Promise: accepted as is, its value is checked by the provider at deploy. */
const unresolved = z.custom<Exclude<ResourceRef, string>>((value) => isUnresolved(value));

/** A reference to another resource: a string checked by `known`, or an unresolved Output/Promise. */
export const reference = (known: z.ZodType<string, string> = nonEmpty) => z.union([known, unresolved]);

export const engineSchema = z.enum(["postgres", "mysql", "sqlserver"]);
export const environmentSchema = z.enum(["dev", "staging", "prod", "ci"]);
export const tierSchema = z.enum(["dev", "small", "medium", "large", "xlarge"]);

export const sizeSchema = z
  .strictObject({ tier: tierSchema.optional(), instanceClass: nonEmpty.optional() })
  .superRefine((size, ctx) => {
    if ((size.tier === undefined) === (size.instanceClass === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: 'needs exactly one of tier or instanceClass; use e.g. { tier: "small" }',
      });
    }
  });

const windowSchema = z
  .string()
  .regex(windowPattern, { error: 'is not a window; use "hh:mm-hh:mm" in UTC, e.g. "03:00-04:00"' });

const atRestSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("provider-managed") }),
    z.strictObject({
      type: z.literal("customer-key"),
      keyId: reference().optional(),
      create: z.literal(true).optional(),
      rotationDays: positive.optional(),
    }),
  ],
  { error: 'needs type "provider-managed" or "customer-key"' },
);

const restoreSchema = z.discriminatedUnion(
  "mode",
  [
    z.strictObject({ mode: z.literal("snapshot"), snapshotId: reference() }),
    z.strictObject({
      mode: z.literal("point-in-time"),
      sourceId: reference(),
      time: z.iso
        .datetime({ error: 'is not an ISO-8601 UTC time; use e.g. "2026-01-31T12:00:00Z"' })
        .optional(),
      useLatestRestorableTime: z.boolean().optional(),
    }),
  ],
  { error: 'needs mode "snapshot" or "point-in-time"' },
);

const tagKey = z.string().min(1, { error: "is an empty tag key; give the tag a name" });

export const databaseSpecSchema = z.strictObject({
  name: z
    .string()
    .min(3)
    .max(40)
    .regex(namePattern, {
      error: 'is not a valid name; use lowercase letters, digits and single hyphens, starting with a letter, e.g. "orders-db"',
    }),
  engine: engineSchema,
  engineVersion: nonEmpty,
  databaseName: z
    .string()
    .min(1)
    .max(63)
    .regex(databaseNamePattern, { error: 'is not a valid database name; use letters, digits and underscores, e.g. "app"' }),
  additionalDatabases: z
    .array(z.string().min(1).max(63).regex(databaseNamePattern, { error: 'is not a valid database name; use letters, digits and underscores, e.g. "reports"' }))
    .optional(),
  size: sizeSchema,
  storage: z.strictObject({
    sizeGb: positive,
    maxSizeGb: positive.optional(),
    type: z.enum(["gp3", "io1", "io2"]).optional(),
    iops: positive.optional(),
    throughputMbps: positive.optional(),
  }),
  highAvailability: z.boolean(),
  backup: z.strictObject({
    retentionDays: days,
    window: windowSchema.optional(),
    pointInTimeRecovery: z.boolean(),
    finalSnapshot: z.boolean(),
    longTermRetention: z
      .strictObject({
        weeklyWeeks: positive.optional(),
        monthlyMonths: positive.optional(),
        yearlyYears: positive.optional(),
        weekOfYear: z.int().min(1).max(52).optional(),
      })
      .optional(),
    crossRegionCopy: z.strictObject({ region: nonEmpty, retentionDays: positive.optional() }).optional(),
  }),
  encryption: z.strictObject({ atRest: atRestSchema, inTransitRequired: z.boolean(), certificateAuthority: nonEmpty.optional() }),
  replicas: z.array(
    z.strictObject({ region: nonEmpty.optional(), count: z.int().min(1).max(5), size: sizeSchema.optional() }),
  ),
  network: z.strictObject({
    private: z.boolean(),
    allowedCidrs: z.array(
      z.string().refine(isCidr, { error: 'is not a CIDR block; use e.g. "10.0.0.0/16" or "2001:db8::/32"' }),
    ),
    allowedSecurityGroupIds: z.array(reference()).optional(),
    subnetIds: z.array(reference()).optional(),
    vpcId: reference().optional(),
    privateDnsZoneId: reference().optional(),
    dualStack: z.boolean().optional(),
    privateServiceConnect: z.strictObject({ allowedConsumerProjects: z.array(nonEmpty) }).optional(),
    connectionPolicy: z.enum(["Default", "Proxy", "Redirect"]).optional(),
  }),
  maintenanceWindow: z
    .strictObject({
      day: z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
      hour: z.int().min(0).max(23),
      durationMinutes: z.int().min(1).max(1440).optional(),
    })
    .optional(),
  maintenanceDenyPeriod: z
    .strictObject({
      start: z.string().regex(denyDatePattern, { error: 'is not a date; use "YYYY-MM-DD", or "MM-DD" to recur every year' }),
      end: z.string().regex(denyDatePattern, { error: 'is not a date; use "YYYY-MM-DD", or "MM-DD" to recur every year' }),
      time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, { error: 'is not a time; use "HH:mm:ss" in UTC, e.g. "00:00:00"' }).optional(),
    })
    .optional(),
  deletionProtection: z.boolean(),
  observability: z.strictObject({
    slowQueryMs: days.optional(),
    queryInsights: z.boolean(),
    enhancedMonitoringSeconds: days,
    pgStatStatements: z.boolean().optional(),
    logRetentionDays: positive.optional(),
    pgaudit: z.boolean().optional(),
    alarms: z.strictObject({
      enabled: z.boolean(),
      notificationTarget: reference().optional(),
      cpuPercent: z.number().min(1).max(100).optional(),
      freeStoragePercent: z.number().min(1).max(99).optional(),
      maxConnections: positive.optional(),
      replicaLagSeconds: positive.optional(),
    }),
    dashboard: z.boolean().optional(),
    logAnalyticsWorkspaceId: reference().optional(),
  }),
  pooling: z.strictObject({
    enabled: z.boolean(),
    maxConnectionsPercent: z.int().min(1).max(100).optional(),
    idleClientTimeoutSeconds: positive.optional(),
  }),
  auth: z.strictObject({
    iamAuthentication: z.boolean(),
    managedMasterPassword: z.boolean().optional(),
    passwordRotationDays: z.int().min(1).max(1000).optional(),
    masterUsername: z
      .string()
      .min(1)
      .max(63)
      .regex(usernamePattern, { error: 'is not a valid user name; use a letter then letters, digits or underscores, e.g. "dbadmin"' }),
    entraAdmin: z
      .strictObject({ login: nonEmpty, objectId: reference(z.uuid()), tenantId: reference(z.uuid()).optional() })
      .optional(),
    additionalUsers: z
      .array(z.string().min(1).max(63).regex(usernamePattern, { error: 'is not a valid user name; use a letter then letters, digits or underscores, e.g. "reporting"' }))
      .optional(),
    iamPrincipals: z
      .array(
        z.string().refine((p) => z.email().safeParse(iamPrincipal(p).email).success, {
          error: 'is not an email, optionally after user:, serviceAccount: or group:; e.g. "app@p.iam.gserviceaccount.com" or "group:dbas@example.com"',
        }),
      )
      .optional(),
  }),
  restore: restoreSchema.optional(),
  parameters: z.record(nonEmpty, z.string()).optional(),
  allowMajorVersionUpgrade: z.boolean().optional(),
  blueGreenUpdates: z.boolean().optional(),
  extendedSupport: z.boolean().optional(),
  tags: z.record(tagKey, z.string()),
});
