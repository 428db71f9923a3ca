// Long-term retention on AWS (AWS Backup vault, plan, role and selection) and the SQL Server slow-query
// record (Performance Insights): pure mapping first, then the component under Pulumi mocks.
import { beforeEach, describe, expect, it } from "vitest";
import { resolveSpec, type DatabaseSpecInput, type Environment } from "../../../components/spec/index.ts";
import { T, Tracker, installMocks, named, ofType, one, plain, registered, reset } from "../support/harness.ts";

installMocks();
const { AwsRdsDatabase, longTermBackupHour, longTermBackupRules, performanceInsightsEnabled, weekStart } = await import(
  "../../../components/aws/index.ts"
);

const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"] };
const spec = (input: Partial<DatabaseSpecInput>, env: Environment = "prod") =>
  resolveSpec({ name: "orders", engine: "postgres", network, ...input } as DatabaseSpecInput, env, "aws");

async function render(input: Partial<DatabaseSpecInput>, environment: Environment = "prod") {
  const tracker = new Tracker();
  const db = new AwsRdsDatabase("orders", { environment, region: "us-east-1", spec: spec(input, environment) }, { transformations: [tracker.transformation] });
  await tracker.settle();
  return { db, tracker };
}

const rec = (type: string) => plain<Record<string, any>>(one(type).inputs);

beforeEach(reset);

describe("longTermBackupRules", () => {
  it("one rule per asked period, each kept for at least the asked time", () => {
    const rules = longTermBackupRules(spec({ backup: { longTermRetention: { weeklyWeeks: 8, monthlyMonths: 12, yearlyYears: 7, weekOfYear: 10 } } }));
    expect(rules).toEqual([
      // The prod preset's backup window is 01:00-02:00: jobs start at 03:00.
      { ruleName: "weekly", schedule: "cron(0 3 ? * SUN *)", deleteAfterDays: 56 },
      { ruleName: "monthly", schedule: "cron(0 3 1 * ? *)", deleteAfterDays: 372 },
      { ruleName: "yearly", schedule: "cron(0 3 5 3 ? *)", deleteAfterDays: 2562 },
    ]);
  });

  it("none without longTermRetention, or with only weekOfYear", () => {
    expect(longTermBackupRules(spec({}))).toEqual([]);
    expect(longTermBackupRules(spec({ backup: { longTermRetention: { weekOfYear: 3 } } }))).toEqual([]);
  });

  it("starts an hour after the backup window ends, rounded up to the hour; 05:00 without a window", () => {
    expect(longTermBackupHour(undefined)).toBe(5);
    expect(longTermBackupHour("01:00-02:00")).toBe(3);
    expect(longTermBackupHour("01:00-02:30")).toBe(4);
    expect(longTermBackupHour("22:30-23:30")).toBe(1);
  });

  it("week N of the year starts on day 7(N-1)+1", () => {
    expect(weekStart(1)).toEqual({ month: 1, day: 1 });
    expect(weekStart(5)).toEqual({ month: 1, day: 29 });
    expect(weekStart(6)).toEqual({ month: 2, day: 5 });
    expect(weekStart(52)).toEqual({ month: 12, day: 24 });
  });
});

describe("AWS Backup resources", () => {
  const longTermRetention = { weeklyWeeks: 4, yearlyYears: 2 };

  it("vault with the customer key, plan into it, selection of the primary through the backup role", async () => {
    const { db } = await render({ backup: { longTermRetention } });
    const key = "arn:aws:kms:us-east-1:123456789012:key/key-orders-key";
    expect(rec(T.backupVault)).toEqual({ name: "orders-ltr", kmsKeyArn: key, forceDestroy: false, tags: {} });
    const plan = rec(T.backupPlan);
    expect(plan["name"]).toBe("orders-ltr");
    expect(plan["rules"]).toEqual([
      expect.objectContaining({ ruleName: "weekly", targetVaultName: "orders-ltr", startWindow: 60, lifecycle: { deleteAfter: 28 } }),
      expect.objectContaining({ ruleName: "yearly", targetVaultName: "orders-ltr", schedule: "cron(0 3 1 1 ? *)", lifecycle: { deleteAfter: 732 } }),
    ]);
    expect(rec(T.backupSelection)).toEqual({
      name: "orders-ltr",
      planId: "plan-orders-ltr",
      iamRoleArn: "arn:aws:iam::123456789012:role/orders-backup-a1b2c3",
      resources: ["arn:aws:rds:us-east-1:123456789012:db:orders"],
    });
    const role = plain<Record<string, any>>(named("orders-backup").inputs);
    expect(JSON.parse(role["assumeRolePolicy"])["Statement"][0]["Principal"]).toEqual({ Service: "backup.amazonaws.com" });
    const attachment = ofType(T.attachment).map((r) => plain<Record<string, any>>(r.inputs)).find((a) => a["role"] === "orders-backup-a1b2c3");
    expect(attachment?.["policyArn"]).toBe("arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup");
    expect(db.longTermBackup?.vault).toBeDefined();
  });

  it("parents everything to the component; the selection waits for the role's policy", async () => {
    const { db, tracker } = await render({ backup: { longTermRetention } });
    for (const type of [T.backupVault, T.backupPlan, T.backupSelection]) expect(tracker.optionsOf(type).parent, type).toBe(db);
    const dependsOn = tracker.optionsOf(T.backupSelection).dependsOn as unknown[];
    expect(dependsOn.map((d) => tracker.resources.find((r) => r.resource === d)?.type)).toEqual([T.attachment]);
  });

  it("outside prod: AWS Backup's own key and a vault a destroy may empty", async () => {
    await render({ backup: { longTermRetention } }, "dev");
    expect(rec(T.backupVault)).toEqual({ name: "orders-ltr", forceDestroy: true, tags: {} });
  });

  it("no AWS Backup resources unless asked", async () => {
    await render({});
    expect(registered.filter((r) => r.type.startsWith("aws:backup/"))).toEqual([]);
  });
});

describe("slow-query record of SQL Server", () => {
  it("turns Performance Insights on when slowQueryMs is set, even without queryInsights", async () => {
    const asked = spec({ engine: "sqlserver", observability: { queryInsights: false, slowQueryMs: 400 } }, "dev");
    expect(performanceInsightsEnabled(asked, "db.t3.xlarge")).toBe(true);
    await render({ engine: "sqlserver", observability: { queryInsights: false, slowQueryMs: 400 } }, "dev");
    expect(rec(T.instance)).toMatchObject({ performanceInsightsEnabled: true, performanceInsightsRetentionPeriod: 7, enabledCloudwatchLogsExports: ["error", "agent"] });
  });

  it("leaves it off when neither is asked, and for the other engines follows queryInsights only", () => {
    expect(performanceInsightsEnabled(spec({ engine: "sqlserver", observability: { queryInsights: false, slowQueryMs: undefined } }, "ci"), "db.t3.xlarge")).toBe(false);
    expect(performanceInsightsEnabled(spec({ observability: { queryInsights: false, slowQueryMs: 400 } }, "dev"), "db.t4g.micro")).toBe(false);
    expect(performanceInsightsEnabled(spec({ engine: "mysql", observability: { queryInsights: true } }, "dev"), "db.t4g.micro")).toBe(false);
  });
});
