// Cross-cloud conformance: the same specs (dev and prod presets × postgres, mysql and sqlserver) rendered
// on AWS, GCP and Azure, and the same promises asserted on the real provider inputs each cloud's mocks
// captured. A spec a cloud cannot honour must be refused, naming the field and the cloud — never rendered
// with less than was asked.
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import type { Cloud, DatabaseSpecInput, Engine, Environment } from "../../../components/spec/index.ts";
import { SpecValidationError } from "../../../components/spec/index.ts";
import { installMocks, registered, reset } from "../support/harness.ts";

installMocks();
const { construct, observe, observeLongTermRetention, render } = await import("./clouds.ts");

const clouds: Cloud[] = ["aws", "gcp", "azure"];
const engines: Engine[] = ["postgres", "mysql", "sqlserver"];
const environments: Environment[] = ["dev", "prod"];

/**
 * The same input on every cloud: the preset plus a name; placement (network ids, vaults) is added per cloud.
 * MySQL is 8.4: the default 8.0 is past its AWS RDS end of standard support, which prod refuses on AWS.
 */
const inputFor = (engine: Engine, extra: Partial<DatabaseSpecInput> = {}): DatabaseSpecInput =>
  ({ name: "conf", engine, ...(engine === "mysql" ? { engineVersion: "8.4" } : {}), ...extra });

function refusal(fn: () => unknown): SpecValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecValidationError) return e;
    throw e;
  }
  throw new Error("expected the spec to be refused");
}

beforeEach(reset);

describe.each(environments)("%s preset", (environment) => {
  describe.each(engines)("%s", (engine) => {
    describe.each(clouds)("on %s", (cloud) => {
      it("keeps the cross-cloud promises", async () => {
        const r = await render(cloud, environment, inputFor(engine));
        const o = observe(cloud, r);
        const prod = environment === "prod";
        expect(o.encryptedAtRest, "encrypted at rest").toBe(true);
        expect(o.customerKey, "customer-managed key exactly in prod").toBe(prod);
        expect(o.tlsRequired, "TLS required").toBe(true);
        expect(o.backupsOn, "automated backups").toBe(true);
        expect(o.retentionDays, "retention as resolved for this cloud").toBe(r.spec.backup.retentionDays);
        expect(o.pitr, "point-in-time recovery").toBe(true);
        expect(o.publicEndpoint, "no public endpoint").toBe(false);
        expect(o.deletionProtected, "deletion protection exactly in prod").toBe(prod);
        expect(o.passwordSecret, "password secret in the provider inputs").toBe(true);
        expect(await pulumi.isSecret(r.connection), "connection output secret").toBe(true);
        expect(o.slowQueryMs, "slow-query logging at the asked threshold").toBe(r.spec.observability.slowQueryMs);
        expect(o.slowQueryMs).toBeDefined();
      });
    });
  });
});

describe("asked values reach every cloud unchanged", () => {
  const asked = { backup: { retentionDays: 14 }, observability: { slowQueryMs: 750 } };
  describe.each(engines)("%s", (engine) => {
    it.each(clouds)("on %s", async (cloud) => {
      const r = await render(cloud, "dev", inputFor(engine, asked));
      const o = observe(cloud, r);
      expect(o.retentionDays).toBe(14);
      expect(o.slowQueryMs).toBe(750);
    });
  });
});

interface Refusal {
  what: string;
  input: Partial<DatabaseSpecInput>;
  engine: Engine;
  /** Field each cloud must name; `null` where the cloud honours the spec. */
  expected: Record<Cloud, string | null>;
}

const refusals: Refusal[] = [
  {
    what: "100 days of backups (AWS and Azure keep at most 35; GCP up to 365)",
    engine: "postgres",
    input: { backup: { retentionDays: 100 } },
    expected: { aws: "backup.retentionDays", gcp: null, azure: "backup.retentionDays" },
  },
  {
    what: "400 days of backups (beyond every cloud)",
    engine: "mysql",
    input: { backup: { retentionDays: 400 } },
    expected: { aws: "backup.retentionDays", gcp: "backup.retentionDays", azure: "backup.retentionDays" },
  },
  {
    what: "3 days of backups on PostgreSQL (Azure flexible server keeps 7–35)",
    engine: "postgres",
    input: { backup: { retentionDays: 3 } },
    expected: { aws: null, gcp: null, azure: "backup.retentionDays" },
  },
  {
    what: "PITR off (always on in Azure; RDS only without backups)",
    engine: "postgres",
    input: { backup: { pointInTimeRecovery: false } },
    expected: { aws: "backup.pointInTimeRecovery", gcp: null, azure: "backup.pointInTimeRecovery" },
  },
  {
    what: "an engine version no cloud offers (MySQL 5.7)",
    engine: "mysql",
    input: { engineVersion: "5.7" },
    expected: { aws: "engineVersion", gcp: "engineVersion", azure: "engineVersion" },
  },
  {
    what: "a managed pooler for MySQL (none on Azure; Enterprise Plus only on GCP)",
    engine: "mysql",
    input: { pooling: { enabled: true } },
    expected: { aws: null, gcp: "pooling.enabled", azure: "pooling.enabled" },
  },
  {
    what: "weekly long-term retention of PostgreSQL (AWS Backup on AWS; none on Cloud SQL or Azure flexible server)",
    engine: "postgres",
    input: { backup: { longTermRetention: { weeklyWeeks: 8 } } },
    expected: { aws: null, gcp: "backup.longTermRetention", azure: "backup.longTermRetention" },
  },
  {
    what: "read replicas of SQL Server (RDS needs Enterprise Edition, which the toolkit does not provision)",
    engine: "sqlserver",
    input: { replicas: [{ count: 1 }] },
    expected: { aws: "replicas[0]", gcp: null, azure: null },
  },
  {
    what: "IAM database logins for SQL Server (none on RDS or Cloud SQL; Azure needs an Entra admin)",
    engine: "sqlserver",
    input: { auth: { iamAuthentication: true } },
    expected: { aws: "auth.iamAuthentication", gcp: "auth.iamAuthentication", azure: "auth.entraAdmin" },
  },
];

describe.each(refusals)("$what", ({ engine, input, expected }) => {
  const check = async (cloud: Cloud) => {
    const field = expected[cloud];
    if (field === null) {
      const r = await render(cloud, "dev", inputFor(engine, input));
      expect(r.records.length).toBeGreaterThan(3);
      return;
    }
    const error = refusal(() => construct(cloud, "dev", inputFor(engine, input)));
    const issue = error.issues.find((i) => i.path === field);
    expect(issue, JSON.stringify(error.issues)).toBeDefined();
    expect(issue!.cloud).toBe(cloud);
    expect(registered).toHaveLength(0);
  };
  it.each(clouds)("on %s", check);
});

describe("long-term retention is kept for at least the asked weeks, months and years where offered", () => {
  const longTermRetention = { weeklyWeeks: 8, monthlyMonths: 12, yearlyYears: 7, weekOfYear: 1 };
  const cases: [Cloud, Engine][] = [["aws", "sqlserver"], ["azure", "sqlserver"], ["aws", "postgres"], ["aws", "mysql"]];
  it.each(cases)("on %s for %s", async (cloud, engine) => {
    const r = await render(cloud, "prod", inputFor(engine, { backup: { longTermRetention } }));
    expect(observeLongTermRetention(cloud, r)).toEqual({ weeklyWeeks: 8, monthlyMonths: 12, yearlyYears: 7 });
  });

  it("nothing is kept long-term unless asked", async () => {
    for (const cloud of ["aws", "azure"] as const) {
      expect(observeLongTermRetention(cloud, await render(cloud, "prod", inputFor("sqlserver"))), cloud).toEqual({});
    }
  });
});

describe("the generated master password", () => {
  // URL-safe specials where the password goes into connection strings; RDS's own list on AWS.
  const specials: Record<Cloud, { overrideSpecial: string; minSpecial: number }> = {
    aws: { overrideSpecial: "!#$%&*()-_=+[]{}<>:?", minSpecial: 1 },
    gcp: { overrideSpecial: "-_.~", minSpecial: 2 },
    azure: { overrideSpecial: "-_.~", minSpecial: 2 },
  };
  it.each(clouds)("on %s: 32 characters of every class", async (cloud) => {
    const r = await render(cloud, "dev", inputFor("sqlserver"));
    const passwords = r.records.filter((x) => x.type === "random:index/randomPassword:RandomPassword");
    expect(passwords).toHaveLength(1);
    const { minSpecial, overrideSpecial } = specials[cloud];
    expect(passwords[0]!.inputs).toEqual({ length: 32, special: true, overrideSpecial, minLower: minSpecial, minUpper: minSpecial, minNumeric: minSpecial, minSpecial });
  });
});

describe("engines a component does not serve are refused by name", () => {
  it.each(["postgres", "mysql"] as const)("%s through Azure SQL Database", async (engine) => {
    const { AzureSqlDatabase } = await import("../../../components/azure/index.ts");
    const error = refusal(
      () => new AzureSqlDatabase("x", { environment: "dev", resourceGroupName: "rg", location: "westeurope", keyVaultId: "/kv", input: inputFor(engine) }),
    );
    expect(error.issues[0]).toMatchObject({ path: "engine", value: engine, cloud: "azure" });
    expect(registered).toHaveLength(0);
  });
});
