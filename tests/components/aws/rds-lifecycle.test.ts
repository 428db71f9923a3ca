// AwsRdsDatabase under Pulumi mocks: engine lifecycle (Extended Support, end-of-life majors), CloudWatch log
// groups created before the instances, the managed password's rotation, storage performance, the server
// certificate authority, dual-stack networking, pgaudit and the MySQL audit plugin — asserted on the provider inputs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { SpecValidationError, rdsStandardSupportEnd, resolveSpec, validateSpec } from "../../../components/spec/index.ts";
import { T, installMocks, named, ofType, plain, reset, typed, value } from "../support/harness.ts";
import { awsRenderer } from "./render.ts";

installMocks();
const { AwsRdsDatabase } = await import("../../../components/aws/index.ts");

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const ROTATION = "aws:secretsmanager/secretRotation:SecretRotation";
const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"] };

const render = awsRenderer(AwsRdsDatabase, network);
const rec = (name: string) => plain<Record<string, any>>(named(name).inputs);
const instance = () => rec("orders-instance");
const parameters = () => Object.fromEntries(plain<{ name: string; value: string }[]>(ofType(T.parameterGroup)[0]!.inputs["parameters"]).map((p) => [p.name, p.value]));
const issues = (input: Partial<DatabaseSpecInput>, environment: Environment = "dev", cloud: "aws" | "gcp" | "azure" = "aws") =>
  validateSpec(resolveSpec({ name: "orders", engine: "postgres", ...input } as DatabaseSpecInput, environment, cloud), { cloud, environment });
const at = (list: { path: string; message: string }[], path: string) => list.find((i) => i.path === path);
function refused(make: () => unknown): { path: string; message: string }[] {
  try {
    make();
  } catch (e) {
    if (e instanceof SpecValidationError) return e.issues;
    throw e;
  }
  throw new Error("expected a refusal");
}

beforeEach(reset);

describe("engine lifecycle: Extended Support off in prod, end-of-life majors refused", () => {
  it("prod opts out of Extended Support at creation and ignores the field afterwards (RDS cannot change it)", async () => {
    const { tracker } = await render({}, "prod");
    expect(instance()["engineLifecycleSupport"]).toBe("open-source-rds-extended-support-disabled");
    expect(tracker.find("orders-instance").opts.ignoreChanges).toContain("engineLifecycleSupport");
  });

  it("outside prod RDS's default is kept; extendedSupport true enrols; SQL Server never gets the argument", async () => {
    await render({});
    expect(instance()).not.toHaveProperty("engineLifecycleSupport");
    reset();
    await render({ extendedSupport: true, engineVersion: "13" }, "prod");
    expect(instance()["engineLifecycleSupport"]).toBe("open-source-rds-extended-support");
    reset();
    await render({ engine: "sqlserver", replicas: [] }, "prod");
    expect(instance()).not.toHaveProperty("engineLifecycleSupport");
  });

  it("the table of RDS end of standard support dates", () => {
    expect(rdsStandardSupportEnd("postgres", "12.22")).toBe("2025-02-28");
    expect(rdsStandardSupportEnd("postgres", "17")).toBe("2030-02-28");
    expect(rdsStandardSupportEnd("mysql", "8.0.40")).toBe("2026-07-31");
    expect(rdsStandardSupportEnd("sqlserver", "2022")).toBeUndefined();
  });

  it("prod refuses a major past its end of standard support, naming the field and both fixes", () => {
    const list = refused(() => new AwsRdsDatabase("orders", { environment: "prod", region: "us-east-1", input: { name: "orders", engine: "postgres", engineVersion: "13", network } }));
    const issue = at(list, "engineVersion");
    expect(issue?.message).toMatch(/left standard support on 2026-02-28/);
    expect(issue?.message).toMatch(/use "\d+", or set extendedSupport true/);
    expect(ofType(T.instance)).toHaveLength(0);
  });

  it("outside prod the old major runs under RDS's default, unless extendedSupport is false", () => {
    expect(issues({ engineVersion: "13" })).toEqual([]);
    expect(at(issues({ engineVersion: "13", extendedSupport: false }), "engineVersion")?.message).toMatch(/extendedSupport is false/);
    expect(issues({ engineVersion: "13", extendedSupport: true }, "prod")).toEqual([]);
    expect(at(issues({ engine: "sqlserver", replicas: [], extendedSupport: true }), "extendedSupport")?.message).toMatch(/PostgreSQL and MySQL only/);
  });
});

describe("CloudWatch log groups, created before the instances with retention and the customer key", () => {
  it("prod: one group per exported log, 365 days, the created key (whose policy admits CloudWatch Logs)", async () => {
    const { tracker } = await render({}, "prod");
    const key = "arn:aws:kms:us-east-1:123456789012:key/key-orders-key";
    const primary = ["postgresql", "upgrade"].map((log) => rec(`orders-log-${log}`));
    expect(primary).toEqual([
      { name: "/aws/rds/instance/orders/postgresql", retentionInDays: 365, kmsKeyId: key, tags: {} },
      { name: "/aws/rds/instance/orders/upgrade", retentionInDays: 365, kmsKeyId: key, tags: {} },
    ]);
    // The same-region replica's logs have groups of their own.
    expect(rec("orders-replica-1-log-postgresql")).toMatchObject({ name: "/aws/rds/instance/orders-replica-1/postgresql", kmsKeyId: key });
    const dependsOn = (name: string) => (tracker.find(name).opts.dependsOn as pulumi.Resource[]).map((r) => tracker.resources.find((t) => t.resource === r)?.name);
    expect(dependsOn("orders-instance")).toEqual(["orders-log-postgresql", "orders-log-upgrade"]);
    expect(dependsOn("orders-replica-1")).toEqual(["orders-replica-1-log-postgresql", "orders-replica-1-log-upgrade"]);
    const policy = JSON.parse(rec("orders-key")["policy"]);
    expect(policy.Statement).toContainEqual(expect.objectContaining({
      Principal: { Service: "logs.us-east-1.amazonaws.com" },
      Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/rds/instance/orders*" } },
    }));
    expect(policy.Statement).toContainEqual(expect.objectContaining({ Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*" }));
  });

  it("dev: the preset's 7 days, no key argument with the provider-managed key; retention from the spec", async () => {
    await render({ engine: "mysql", engineVersion: "8.4" });
    expect(ofType(LOG_GROUP).map((g) => plain<Record<string, unknown>>(g.inputs))).toEqual(
      ["error", "slowquery", "general"].map((log) => ({ name: `/aws/rds/instance/orders/${log}`, retentionInDays: 7, tags: {} })),
    );
    reset();
    await render({ observability: { logRetentionDays: 90 } });
    expect(rec("orders-log-postgresql")["retentionInDays"]).toBe(90);
  });

  it("a cross-region replica's groups live in its region, under the key there", async () => {
    await render({ replicas: [{ count: 1, region: "eu-west-1" }], encryption: { atRest: { type: "customer-key", create: true } } }, "staging");
    expect(rec("orders-eu-west-1-1-log-postgresql")).toMatchObject({
      name: "/aws/rds/instance/orders-eu-west-1-1/postgresql",
      region: "eu-west-1",
      kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/key-orders-key-eu-west-1",
    });
    expect(JSON.parse(rec("orders-key-eu-west-1")["policy"]).Statement[1].Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
  });

  it("a retention CloudWatch does not offer is refused with the nearest one", () => {
    expect(at(issues({ observability: { logRetentionDays: 100 } }), "observability.logRetentionDays")?.message).toMatch(/use 120/);
  });
});

describe("master password rotation", () => {
  it("the RDS-managed secret rotates every 7 days by default, on the schedule given otherwise, never at once", async () => {
    const { db } = await render({ auth: { managedMasterPassword: true } });
    expect(plain(typed(ROTATION, "orders-password-rotation").inputs)).toEqual({
      secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!orders-AbCd",
      rotateImmediately: false,
      rotationRules: { automaticallyAfterDays: 7 },
    });
    expect(db.passwordRotation).toBeDefined();
    reset();
    await render({ auth: { managedMasterPassword: true, passwordRotationDays: 30 } }, "prod");
    expect(plain<Record<string, any>>(ofType(ROTATION)[0]!.inputs)["rotationRules"]).toEqual({ automaticallyAfterDays: 30 });
  });

  it("a generated password has no rotation; a schedule for it is refused naming both fields", async () => {
    await render({}, "prod");
    expect(ofType(ROTATION)).toHaveLength(0);
    expect(at(issues({ auth: { passwordRotationDays: 30 } }), "auth.passwordRotationDays")?.message).toMatch(/auth\.managedMasterPassword true/);
  });
});

describe("storage performance (gp3, io1, io2)", () => {
  it("gp3 from 400 GiB takes IOPS and throughput, on the primary and its replicas", async () => {
    await render({ storage: { sizeGb: 500, maxSizeGb: 1000, iops: 12_000, throughputMbps: 500 }, replicas: [{ count: 1 }] }, "staging");
    for (const name of ["orders-instance", "orders-replica-1"]) {
      expect(rec(name)).toMatchObject({ storageType: "gp3", iops: 12_000, storageThroughput: 500 });
    }
  });

  it("io2 with its IOPS; nothing set by default", async () => {
    await render({ storage: { sizeGb: 200, maxSizeGb: 400, type: "io2", iops: 20_000 } });
    expect(instance()).toMatchObject({ storageType: "io2", iops: 20_000 });
    expect(instance()).not.toHaveProperty("storageThroughput");
    reset();
    await render({});
    expect(instance()).not.toHaveProperty("iops");
    expect(instance()).not.toHaveProperty("storageThroughput");
  });

  it.each([
    [{ sizeGb: 100, iops: 12_000 }, "storage.iops", /below 400 GiB keep the 3,000 IOPS/],
    [{ sizeGb: 500, iops: 5_000 }, "storage.iops", /12,000–64,000/],
    [{ sizeGb: 500, iops: 12_000, throughputMbps: 4_000 }, "storage.throughputMbps", /0\.25 MiB\/s per IOPS/],
    [{ sizeGb: 200, type: "io1" }, "storage.iops", /is missing: io1/],
    [{ sizeGb: 200, type: "io1", iops: 20_000 }, "storage.iops", /1–50 per GiB|0\.5–50 per GiB/],
    [{ sizeGb: 200, type: "io2", iops: 3_000, throughputMbps: 500 }, "storage.throughputMbps", /only on gp3/],
    [{ sizeGb: 50, type: "io1", iops: 1_000 }, "storage.sizeGb", /100 GiB/],
  ] as const)("refuses %j at %s", (storage, path, message) => {
    expect(at(issues({ storage } as Partial<DatabaseSpecInput>), path)?.message).toMatch(message);
  });

  it("SQL Server takes gp3 IOPS at any size", () => {
    expect(at(issues({ engine: "sqlserver", replicas: [], storage: { sizeGb: 100, iops: 6_000, throughputMbps: 250 } }), "storage.iops")).toBeUndefined();
  });
});

describe("certificate authority and network type", () => {
  it("rds-ca-rsa2048-g1 and IPV4 by default on every instance; configurable", async () => {
    await render({ replicas: [{ count: 1 }] }, "staging");
    for (const name of ["orders-instance", "orders-replica-1"]) expect(rec(name)).toMatchObject({ caCertIdentifier: "rds-ca-rsa2048-g1", networkType: "IPV4" });
    reset();
    await render({ encryption: { certificateAuthority: "rds-ca-ecc384-g1" }, network: { ...network, dualStack: true } });
    expect(instance()).toMatchObject({ caCertIdentifier: "rds-ca-ecc384-g1", networkType: "DUAL" });
  });

  it("an expired or unknown authority is refused with the ones in service", () => {
    expect(at(issues({ encryption: { certificateAuthority: "rds-ca-2019" } }), "encryption.certificateAuthority")?.message).toMatch(/rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1/);
  });
});

describe("pgaudit on RDS for PostgreSQL", () => {
  it("prod loads pgaudit beside pg_stat_statements and logs DDL and role changes", async () => {
    await render({}, "prod");
    expect(parameters()).toMatchObject({ shared_preload_libraries: "pg_stat_statements,pgaudit", "pgaudit.log": "ddl,role" });
    expect(ofType(T.parameterGroup)[0]!.inputs["parameters"]).toContainEqual({ name: "shared_preload_libraries", value: "pg_stat_statements,pgaudit", applyMethod: "pending-reboot" });
  });

  it("off outside prod and when the spec turns it off", async () => {
    await render({});
    expect(parameters()).not.toHaveProperty("pgaudit.log");
    reset();
    await render({ observability: { pgaudit: false } }, "prod");
    expect(parameters()).toMatchObject({ shared_preload_libraries: "pg_stat_statements" });
    expect(parameters()).not.toHaveProperty("pgaudit.log");
  });

  it("raw parameters cannot drop it in prod: refused naming both fields", () => {
    for (const [name, value] of [["shared_preload_libraries", "pg_stat_statements"], ["pgaudit.log", "none"]] as const) {
      const issue = at(issues({ parameters: { [name]: value } }, "prod"), `parameters.${name}`);
      expect(issue?.message).toMatch(/observability\.pgaudit/);
      expect(issue?.message).toContain(`parameters.${name}`);
    }
    expect(at(issues({ parameters: { shared_preload_libraries: "pg_stat_statements,pgaudit,pg_hint_plan" } }, "prod"), "parameters.shared_preload_libraries")).toBeUndefined();
  });
});

describe("database auditing on RDS for MySQL: the MariaDB Audit Plugin (observability.pgaudit)", () => {
  // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.Options.AuditPlugin.html
  const OPTION_GROUP = "aws:rds/optionGroup:OptionGroup";
  const optionGroups = () => ofType(OPTION_GROUP).map((g) => plain<Record<string, any>>(g.inputs));

  it("prod MySQL 8.0: an option group with the plugin, the instance on it, its audit log exported to a kept, encrypted group; none in dev, when off, or for PostgreSQL", async () => {
    const { db, tracker } = await render({ engine: "mysql", engineVersion: "8.0", extendedSupport: true, replicas: [{ count: 1 }] }, "prod");
    expect(optionGroups()).toEqual([{
      namePrefix: "orders-audit-mysql8-0-",
      engineName: "mysql",
      majorEngineVersion: "8.0",
      optionGroupDescription: "orders MariaDB Audit Plugin (managed by dbtk)",
      options: [{ optionName: "MARIADB_AUDIT_PLUGIN", optionSettings: [{ name: "SERVER_AUDIT_EVENTS", value: "CONNECT,QUERY_DDL,QUERY_DCL" }] }],
      tags: {},
    }]);
    const group = tracker.find("orders-audit-mysql8-0");
    expect(group.parent).toBe(db);
    expect((group.opts as pulumi.CustomResourceOptions).deleteBeforeReplace).toBe(false);
    expect(instance()).toMatchObject({ optionGroupName: "orders-audit-mysql8-0-20260101", enabledCloudwatchLogsExports: ["error", "slowquery", "general", "audit"] });
    expect(rec("orders-replica-1")).toMatchObject({ optionGroupName: "orders-audit-mysql8-0-20260101", enabledCloudwatchLogsExports: ["error", "slowquery", "general", "audit"] });
    expect(rec("orders-log-audit")).toMatchObject({ name: "/aws/rds/instance/orders/audit", retentionInDays: 365, kmsKeyId: expect.stringMatching(/:key\//) });
    expect(tracker.find("orders-instance").opts.dependsOn).toContainEqual(tracker.find("orders-log-audit").resource);
    expect(db.optionGroup).toBeDefined();
    // Off outside prod, when the spec turns it off, and for PostgreSQL (pgaudit as before).
    reset();
    await render({ engine: "mysql" });
    expect(ofType(OPTION_GROUP)).toHaveLength(0);
    // RDS's default group by name: an instance leaving the audit group moves back before that group is deleted.
    expect(instance()["optionGroupName"]).toBe("default:mysql-8-4");
    expect(instance()["enabledCloudwatchLogsExports"]).toEqual(["error", "slowquery", "general"]);
    reset();
    await render({ engine: "mysql", observability: { pgaudit: false } }, "prod");
    expect(ofType(OPTION_GROUP)).toHaveLength(0);
    expect([instance()["optionGroupName"], rec("orders-replica-1")["optionGroupName"]]).toEqual(["default:mysql-8-4", "default:mysql-8-4"]);
    expect(ofType(LOG_GROUP).map((g) => g.inputs["name"])).not.toContain("/aws/rds/instance/orders/audit");
    reset();
    await render({}, "prod");
    expect(ofType(OPTION_GROUP)).toHaveLength(0);
    expect(instance()).not.toHaveProperty("optionGroupName");
    expect(instance()["enabledCloudwatchLogsExports"]).toEqual(["postgresql", "upgrade"]);
  });

  it("the 8.4 default gets its own major; a cross-region replica gets a group in its region; the provider reaches the group", async () => {
    const awsProvider = new aws.Provider("use1", { region: "us-east-1" });
    await render({ engine: "mysql", replicas: [{ count: 1, region: "us-west-2" }] }, "prod", {}, { providers: { aws: awsProvider } });
    expect(optionGroups().map((g) => [g.majorEngineVersion, g.region])).toEqual([["8.4", undefined], ["8.4", "us-west-2"]]);
    expect(rec("orders-us-west-2-1")["optionGroupName"]).toBe("orders-audit-mysql8-4-20260101");
    const awsUrn = await value(awsProvider.urn);
    expect(named("orders-audit-mysql8-4").provider).toMatch(new RegExp(`^${awsUrn.replace(/[$]/g, "\\$")}::`));
  });

  it("day 2: a minor bump keeps the same group; a major upgrade adds a group of the new major under a new name", async () => {
    await render({ engine: "mysql", engineVersion: "8.0.36", extendedSupport: true }, "prod");
    const before = ofType(OPTION_GROUP).map((g) => [g.name, plain(g.inputs)]);
    reset();
    await render({ engine: "mysql", engineVersion: "8.0.40", extendedSupport: true }, "prod");
    expect(ofType(OPTION_GROUP).map((g) => [g.name, plain(g.inputs)])).toEqual(before);
    reset();
    await render({ engine: "mysql", engineVersion: "8.4", allowMajorVersionUpgrade: true }, "prod");
    expect(ofType(OPTION_GROUP).map((g) => g.name)).toEqual(["orders-audit-mysql8-4"]);
    expect(instance()).toMatchObject({ identifier: "orders", optionGroupName: "orders-audit-mysql8-4-20260101" });
  });

  it("an 8.0 minor without the plugin is refused naming observability.pgaudit and the fixes, before anything is created", () => {
    const list = refused(() => new AwsRdsDatabase("orders", { environment: "prod", region: "us-east-1", input: { name: "orders", engine: "mysql", engineVersion: "8.0.27", extendedSupport: true, network } }));
    const issue = at(list, "observability.pgaudit");
    expect(issue?.message).toMatch(/8\.0\.27 has no MariaDB Audit Plugin/);
    expect(issue?.message).toMatch(/use engineVersion "8\.4", or 8\.0\.28 or later.*set observability\.pgaudit false \(prod turns it on by default\)/);
    expect(ofType(T.instance)).toHaveLength(0);
    expect(issues({ engine: "mysql", engineVersion: "8.0.36", extendedSupport: true }, "prod")).toEqual([]);
    expect(issues({ engine: "mysql", engineVersion: "8.0.27", extendedSupport: true, observability: { pgaudit: false } }, "prod")).toEqual([]);
  });

  it("Cloud SQL and Azure MySQL keep their rules: not on by default, refused when asked", () => {
    for (const cloud of ["gcp", "azure"] as const) {
      expect(resolveSpec({ name: "orders", engine: "mysql" }, "prod", cloud).observability.pgaudit).toBeUndefined();
      expect(at(issues({ engine: "mysql", observability: { pgaudit: true } }, "prod", cloud), "observability.pgaudit")?.message).toMatch(/applies only to PostgreSQL/);
    }
    expect(resolveSpec({ name: "orders", engine: "mysql" }, "prod", "aws").observability.pgaudit).toBe(true);
  });
});

describe("the AWS-only fields elsewhere", () => {
  it.each(["gcp", "azure"] as const)("%s refuses each by name", (cloud) => {
    const list = issues({
      storage: { sizeGb: 500, iops: 12_000 },
      encryption: { certificateAuthority: "rds-ca-ecc384-g1" },
      extendedSupport: true,
      observability: { logRetentionDays: 30 },
    }, "dev", cloud);
    for (const path of ["storage.iops", "encryption.certificateAuthority", "extendedSupport", "observability.logRetentionDays"]) {
      expect(at(list, path), path).toBeDefined();
    }
  });
});

describe("a database whose log groups RDS already created", () => {
  it("manageLogGroups false creates none and says what is not applied", async () => {
    const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(async () => {});
    try {
      await render({}, "prod", { manageLogGroups: false });
      expect(ofType(LOG_GROUP)).toHaveLength(0);
      expect(ofType(T.instance).length).toBeGreaterThan(0);
      expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/manageLogGroups is false: observability\.logRetentionDays \(365\)/));
    } finally {
      warn.mockRestore();
    }
  });
});
