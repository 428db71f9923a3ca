// Cloud SQL databases and logins besides the first (additional databases and users, IAM logins), the
// password validation policy, the deny-maintenance period, the allocated IP range, Private Service Connect
// and pgaudit, asserted on the provider inputs (node_modules/@pulumi/gcp/sql/{user,databaseInstance}.d.ts).
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { SpecValidationError, resolveSpec, validateSpec } from "../../../components/spec/index.ts";
import { Tracker, installMocks, isSecretOutput, isSecretValue, ofType, plain, registered, reset, typed, value } from "../support/harness.ts";

installMocks();
const { GcpCloudSqlDatabase, gcpDenyDate, gcpIamUser } = await import("../../../components/gcp/index.ts");

const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const USER = "gcp:sql/user:User";
const vpc = "projects/acme/global/networks/main";

async function render(input: Partial<DatabaseSpecInput>, environment: Environment = "dev", extra: Record<string, unknown> = {}) {
  const tracker = new Tracker();
  const db = new GcpCloudSqlDatabase(
    "orders",
    { environment, region: "europe-west1", input: { name: "orders", engine: "postgres", network: { vpcId: vpc }, ...input } as DatabaseSpecInput, ...extra },
    { transformations: [tracker.transformation] },
  );
  await tracker.settle();
  return { db, tracker };
}

const settings = (i = 0) => plain<Record<string, any>>(ofType(INSTANCE)[i]!.inputs["settings"]);
const flags = (i = 0) => Object.fromEntries(settings(i).databaseFlags.map((f: { name: string; value: string }) => [f.name, f.value]));
const issues = (input: Partial<DatabaseSpecInput>, environment: Environment = "dev", engine: DatabaseSpecInput["engine"] = "postgres") =>
  validateSpec(resolveSpec({ name: "orders", engine, network: { vpcId: vpc }, ...input } as DatabaseSpecInput, environment, "gcp"), { cloud: "gcp", environment });

beforeEach(() => {
  reset();
  vi.spyOn(pulumi.log, "warn").mockImplementation(async () => {});
});

describe("GcpCloudSqlDatabase: additional databases and users", () => {
  it("creates each database and each user with a generated password kept only as a secret, one after another", async () => {
    const { db, tracker } = await render({ additionalDatabases: ["reports", "audit_log"], auth: { additionalUsers: ["reporting"] } }, "dev", {});
    const dbs = ofType("gcp:sql/database:Database").map((r) => plain<Record<string, unknown>>(r.inputs));
    expect(dbs.map((d) => d["name"])).toEqual(["app", "reports", "audit_log"]);
    expect(dbs.every((d) => d["instance"] === "orders-a1b2c3")).toBe(true);
    const user = typed(USER, "orders-user-reporting");
    expect(plain(user.inputs)).toMatchObject({ instance: "orders-a1b2c3", name: "reporting" });
    expect(user.inputs).not.toHaveProperty("type");
    expect(isSecretValue(user.inputs["password"])).toBe(true);
    const version = typed("gcp:secretmanager/secretVersion:SecretVersion", "orders-user-reporting-password");
    expect(isSecretValue(version.inputs["secretData"])).toBe(true);
    expect(plain(version.inputs["secretData"])).toBe(plain(user.inputs["password"]));
    expect(plain(typed("gcp:secretmanager/secret:Secret", "orders-user-reporting-password").inputs)).toMatchObject({ secretId: "orders-db-reporting-password" });
    expect(await value(db.userSecretRefs)).toEqual({ reporting: "projects/mock-project/secrets/orders-db-reporting-password" });
    expect(await isSecretOutput(db.userSecretRefs)).toBe(false);
    // Children of the component, and chained: Cloud SQL runs one operation per instance at a time.
    for (const name of ["orders-db-reports", "orders-db-audit-log", "orders-user-reporting"]) expect(tracker.find(name).parent).toBe(db);
    expect(tracker.find("orders-db-audit-log").opts.dependsOn).toEqual([tracker.find("orders-db-reports").resource]);
    expect(tracker.find("orders-user-reporting").opts.dependsOn).toEqual([tracker.find("orders-db-audit-log").resource]);
  });

  it("refuses a database or user listed twice, and additional databases with a restore", () => {
    expect(issues({ additionalDatabases: ["app"] }).map((i) => i.path)).toEqual(["additionalDatabases"]);
    expect(issues({ auth: { additionalUsers: ["dbadmin"] } }).map((i) => i.path)).toEqual(["auth.additionalUsers"]);
    const restored = issues({ additionalDatabases: ["reports"], restore: { mode: "point-in-time", sourceId: "orders-old", useLatestRestorableTime: true } });
    expect(restored.map((i) => i.message).join()).toContain("a restored server already holds the source's databases");
  });
});

describe("GcpCloudSqlDatabase: IAM database users", () => {
  it("maps principals to CLOUD_IAM_USER / CLOUD_IAM_SERVICE_ACCOUNT in the form Cloud SQL reads back", () => {
    expect(gcpIamUser("ana@example.com", "postgres")).toEqual({ name: "ana@example.com", type: "CLOUD_IAM_USER" });
    expect(gcpIamUser("app@acme.iam.gserviceaccount.com", "postgres")).toEqual({ name: "app@acme.iam", type: "CLOUD_IAM_SERVICE_ACCOUNT" });
    expect(gcpIamUser("app@acme.iam.gserviceaccount.com", "mysql")).toEqual({ name: "app@acme.iam.gserviceaccount.com", type: "CLOUD_IAM_SERVICE_ACCOUNT" });
  });

  it("takes IAM's member prefixes: group: becomes CLOUD_IAM_GROUP under its whole email (MySQL's domain in lower case)", () => {
    expect(gcpIamUser("group:DBAs@Example.com", "postgres")).toEqual({ name: "DBAs@Example.com", type: "CLOUD_IAM_GROUP" });
    expect(gcpIamUser("group:DBAs@Example.com", "mysql")).toEqual({ name: "DBAs@example.com", type: "CLOUD_IAM_GROUP" });
    expect(gcpIamUser("user:ana@example.com", "postgres")).toEqual({ name: "ana@example.com", type: "CLOUD_IAM_USER" });
    expect(gcpIamUser("serviceAccount:app@acme.iam.gserviceaccount.com", "postgres")).toEqual({ name: "app@acme.iam", type: "CLOUD_IAM_SERVICE_ACCOUNT" });
    // An unknown prefix is not a kind: the whole string is checked as an email and refused.
    expect(issues({ auth: { iamAuthentication: true, iamPrincipals: ["team:dbas@example.com"] } }).map((i) => i.path)).toEqual(["auth.iamPrincipals[0]"]);
    expect(issues({ auth: { iamAuthentication: true, iamPrincipals: ["group:not-an-email"] } }).map((i) => i.path)).toEqual(["auth.iamPrincipals[0]"]);
    expect(issues({ auth: { iamAuthentication: true, iamPrincipals: ["ana@example.com", "user:ana@example.com"] } }).map((i) => i.message).join()).toContain("listed twice");
  });

  it("creates a group login with no password, named by the email so adding a prefix later replaces nothing", async () => {
    await render({ auth: { iamAuthentication: true, iamPrincipals: ["group:dbas@example.com", "user:ana@example.com"] } });
    const iam = ofType(USER).filter((u) => u.name.startsWith("orders-iam-"));
    expect(iam.map((u) => u.name)).toEqual(["orders-iam-dbas-example-com", "orders-iam-ana-example-com"]);
    expect(iam.map((u) => plain<Record<string, unknown>>(u.inputs))).toEqual([
      expect.objectContaining({ name: "dbas@example.com", type: "CLOUD_IAM_GROUP" }),
      expect.objectContaining({ name: "ana@example.com", type: "CLOUD_IAM_USER" }),
    ]);
    expect(iam.every((u) => !("password" in (u.inputs as object)))).toBe(true);
  });

  it("creates an IAM login per principal, with no password, when IAM authentication is on", async () => {
    await render({ auth: { iamAuthentication: true, iamPrincipals: ["ana@example.com", "app@acme.iam.gserviceaccount.com"] } });
    expect(flags()["cloudsql.iam_authentication"]).toBe("on");
    const iam = ofType(USER).filter((u) => u.name.startsWith("orders-iam-")).map((u) => plain<Record<string, unknown>>(u.inputs));
    expect(iam).toEqual([
      expect.objectContaining({ name: "ana@example.com", type: "CLOUD_IAM_USER" }),
      expect.objectContaining({ name: "app@acme.iam", type: "CLOUD_IAM_SERVICE_ACCOUNT" }),
    ]);
    expect(iam.every((u) => !("password" in u))).toBe(true);
  });

  it("warns when IAM authentication is on with no principal, and refuses principals without it", async () => {
    const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(async () => {});
    await render({ auth: { iamAuthentication: true } });
    expect(warn.mock.calls.map((c) => String(c[0])).join()).toContain("auth.iamPrincipals");
    expect(issues({ auth: { iamPrincipals: ["ana@example.com"] } }).map((i) => i.message).join()).toContain("need auth.iamAuthentication true");
    expect(issues({ auth: { iamAuthentication: true, iamPrincipals: ["not-an-email"] } }).map((i) => i.path)).toEqual(["auth.iamPrincipals[0]"]);
  });
});

describe("GcpCloudSqlDatabase: password validation, deny-maintenance period", () => {
  it("enforces a password policy in prod, none in dev, and takes explicit settings", async () => {
    await render({}, "prod");
    expect(settings().passwordValidationPolicy).toEqual({ enablePasswordPolicy: true, minLength: 16, complexity: "COMPLEXITY_DEFAULT", reuseInterval: 5, disallowUsernameSubstring: true });
    reset();
    await render({});
    expect(settings()).not.toHaveProperty("passwordValidationPolicy");
    reset();
    await render({}, "dev", { passwordValidation: { enabled: true, minLength: 20 } });
    expect(settings().passwordValidationPolicy).toMatchObject({ enablePasswordPolicy: true, minLength: 20 });
    expect(() => new GcpCloudSqlDatabase("bad", { environment: "dev", region: "europe-west1", passwordValidation: { minLength: 40 }, input: { name: "orders", engine: "postgres", network: { vpcId: vpc } } })).toThrow(/passwordValidation.minLength/);
  });

  it("renders the deny period in the yyyy-m-dd form Cloud SQL reads back, and refuses more than 90 days", async () => {
    expect(gcpDenyDate("2026-01-05")).toBe("2026-1-05");
    expect(gcpDenyDate("11-20")).toBe("11-20");
    await render({ maintenanceDenyPeriod: { start: "2026-11-20", end: "2027-01-05" } });
    expect(settings().denyMaintenancePeriod).toEqual({ startDate: "2026-11-20", endDate: "2027-1-05", time: "00:00:00" });
    expect(issues({ maintenanceDenyPeriod: { start: "2026-01-01", end: "2026-06-01" } }).map((i) => i.message).join()).toContain("at most 90");
    expect(issues({ maintenanceDenyPeriod: { start: "12-20", end: "01-10" } })).toEqual([]);
    expect(issues({ maintenanceDenyPeriod: { start: "12-20", end: "2027-01-10" } }).map((i) => i.path)).toEqual(["maintenanceDenyPeriod.end"]);
  });
});

describe("GcpCloudSqlDatabase: allocated IP range, Private Service Connect", () => {
  it("puts the primary and its replicas in the allocated range", async () => {
    await render({ replicas: [{ count: 1 }] }, "dev", { allocatedIpRange: "sql-range" });
    expect(ofType(INSTANCE).map((_, i) => settings(i).ipConfiguration.allocatedIpRange)).toEqual(["sql-range", "sql-range"]);
    expect(() => new GcpCloudSqlDatabase("bad", { environment: "dev", region: "europe-west1", allocatedIpRange: "sql-range", input: { name: "orders", engine: "postgres", network: { privateServiceConnect: { allowedConsumerProjects: ["p"] } } } })).toThrow(/allocatedIpRange names a private services access range/);
  });

  it("enables PSC with the allowed consumer projects, with no VPC needed", async () => {
    await render({ network: { privateServiceConnect: { allowedConsumerProjects: ["acme-app", "123456789"] } } });
    expect(settings().ipConfiguration).toEqual({
      ipv4Enabled: false,
      sslMode: "ENCRYPTED_ONLY",
      pscConfigs: [{ pscEnabled: true, allowedConsumerProjects: ["acme-app", "123456789"] }],
    });
  });

  it("refuses PSC on a public instance or with no consumer project", () => {
    expect(issues({ network: { private: false, allowedCidrs: ["10.0.0.0/8"], privateServiceConnect: { allowedConsumerProjects: ["p"] } } }).map((i) => i.path)).toEqual(["network.privateServiceConnect"]);
    expect(issues({ network: { privateServiceConnect: { allowedConsumerProjects: [] } } }).map((i) => i.path)).toEqual(["network.privateServiceConnect.allowedConsumerProjects"]);
  });
});

describe("GcpCloudSqlDatabase: pgaudit", () => {
  it("is on in prod for PostgreSQL (flag and pgaudit.log), off in dev", async () => {
    await render({}, "prod");
    expect(flags()).toMatchObject({ "cloudsql.enable_pgaudit": "on", "pgaudit.log": "ddl,role" });
    reset();
    await render({});
    expect(flags()).not.toHaveProperty("cloudsql.enable_pgaudit");
  });

  it("cannot be undone through parameters: both fields are named", () => {
    const undone = issues({ parameters: { "cloudsql.enable_pgaudit": "off" } }, "prod");
    expect(undone).toHaveLength(1);
    expect(undone[0]).toMatchObject({ path: "parameters.cloudsql.enable_pgaudit" });
    expect(undone[0]!.message).toContain("observability.pgaudit");
    expect(issues({ parameters: { "pgaudit.log": "none" } }, "prod").map((i) => i.path)).toEqual(["parameters.pgaudit.log"]);
    expect(issues({ parameters: { "pgaudit.log": "all" } }, "prod")).toEqual([]);
    expect(issues({ observability: { pgaudit: false }, parameters: { "cloudsql.enable_pgaudit": "off" } }, "prod")).toEqual([]);
  });

  it("is PostgreSQL only", () => {
    expect(resolveSpec({ name: "orders", engine: "mysql" }, "prod", "gcp").observability.pgaudit).toBeUndefined();
    expect(issues({ observability: { pgaudit: true } }, "dev", "mysql").map((i) => i.path)).toEqual(["observability.pgaudit"]);
  });
});

describe("GcpCloudSqlDatabase: validation before registration", () => {
  it("registers nothing for a refused field", () => {
    expect(() => new GcpCloudSqlDatabase("x", { environment: "dev", region: "europe-west1", input: { name: "orders", engine: "postgres", network: { vpcId: vpc, connectionPolicy: "Redirect" } } })).toThrow(SpecValidationError);
    expect(registered.filter((r) => r.name.startsWith("x"))).toEqual([]);
    expect(ofType(INSTANCE)).toHaveLength(0);
  });
});
