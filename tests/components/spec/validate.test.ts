import { describe, expect, it } from "vitest";
import {
  assertValidSpec,
  formatIssues,
  resolveSpec,
  SpecValidationError,
  validateSpec,
  type DatabaseSpec,
  type DatabaseSpecInput,
  type Environment,
  type SpecIssue,
} from "../../../components/spec/index.ts";

const base = (patch: Partial<DatabaseSpecInput> = {}, env: Environment = "dev"): DatabaseSpec =>
  resolveSpec({ name: "orders-db", engine: "postgres", ...patch }, env, "aws");

/** For malformed input that the types would refuse (YAML users can still write it). */
const loose = (spec: DatabaseSpec, edit: (s: Record<string, any>) => void): DatabaseSpec => {
  const copy = structuredClone(spec) as Record<string, any>;
  edit(copy);
  return copy as DatabaseSpec;
};

const paths = (issues: SpecIssue[]) => issues.map((i) => i.path);
const at = (issues: SpecIssue[], path: string) => issues.filter((i) => i.path === path);

describe("validateSpec: structure", () => {
  it("returns every structural problem at once, each with path, value and fix", () => {
    const spec = loose(base(), (s) => {
      s.name = "Orders_DB";
      s.engine = "oracle";
      s.backup.retentionDays = 1.5;
      s.backup.window = "25:00-26:00";
      s.backup.retentionDay = 3;
      s.network.allowedCidrs = ["10.0.0.0/33", "10.1.0.0/16"];
      s.storage.sizeGb = "20";
      delete s.highAvailability;
      s.maintenanceWindow = { day: "sunday", hour: 3 };
      s.size = { tier: "dev", instanceClass: "db.t4g.micro" };
      s.encryption.atRest = { type: "kms" };
    });
    const issues = validateSpec(spec, { cloud: "aws" });
    expect(paths(issues)).toEqual(
      expect.arrayContaining([
        "name",
        "engine",
        "backup.retentionDays",
        "backup.window",
        "backup.retentionDay",
        "network.allowedCidrs[0]",
        "storage.sizeGb",
        "highAvailability",
        "maintenanceWindow.day",
        "size",
        "encryption.atRest.type",
      ]),
    );
    expect(paths(issues)).not.toContain("network.allowedCidrs[1]");
    const msg = (path: string) => at(issues, path)[0]?.message ?? "";
    expect(msg("name")).toMatch(/"Orders_DB".*lowercase letters/);
    expect(msg("engine")).toMatch(/"oracle".*"postgres", "mysql", "sqlserver"/);
    expect(msg("backup.retentionDays")).toMatch(/1\.5 is not a whole number/);
    expect(msg("backup.window")).toMatch(/"25:00-26:00".*hh:mm-hh:mm/);
    expect(msg("backup.retentionDay")).toMatch(/not a known field; remove it/);
    expect(msg("network.allowedCidrs[0]")).toMatch(/"10\.0\.0\.0\/33" is not a CIDR block; use e\.g\./);
    expect(msg("storage.sizeGb")).toMatch(/"20" is a string; use a number/);
    expect(msg("highAvailability")).toMatch(/missing; set a boolean/);
    expect(at(issues, "backup.retentionDay")[0]?.value).toBe(3);
  });

  it("accepts IPv6 CIDRs, ISO-8601 UTC restore times only, and tag keys that are not empty", () => {
    const ok = base({ network: { allowedCidrs: ["2001:db8::/32"] }, restore: { mode: "point-in-time", sourceId: "db-1", time: "2026-01-31T12:00:00Z" } });
    expect(validateSpec(ok, { cloud: "aws" })).toEqual([]);
    const offset = base({ restore: { mode: "point-in-time", sourceId: "db-1", time: "2026-01-31T12:00:00+02:00" } });
    expect(at(validateSpec(offset, { cloud: "aws" }), "restore.time")[0]?.message).toMatch(/ISO-8601 UTC/);
    const emptyKey = base({ tags: { "": "x" } });
    expect(at(validateSpec(emptyKey, { cloud: "aws" }), "tags.")[0]?.message).toMatch(/empty tag key/);
  });

  it("does not crash on a spec that is not an object", () => {
    const issues = validateSpec(null as unknown as DatabaseSpec, { cloud: "gcp" });
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.path).toBe("");
  });
});

describe("validateSpec: rules on every cloud", () => {
  const cases: { name: string; bad: DatabaseSpec; good: DatabaseSpec; path: string; message: RegExp; env?: Environment }[] = [
    {
      name: "autoscaling ceiling below the size",
      bad: base({ storage: { sizeGb: 100, maxSizeGb: 50 } }),
      good: base({ storage: { sizeGb: 100, maxSizeGb: 100 } }),
      path: "storage.maxSizeGb",
      message: /50 is below storage\.sizeGb \(100\); use 100 or more/,
    },
    {
      name: "point-in-time restore without a target",
      bad: base({ restore: { mode: "point-in-time", sourceId: "orders" } }),
      good: base({ restore: { mode: "point-in-time", sourceId: "orders", useLatestRestorableTime: true } }),
      path: "restore.time",
      message: /missing; set an ISO-8601 UTC time .* or useLatestRestorableTime: true/,
    },
    {
      name: "point-in-time restore with both targets",
      bad: base({ restore: { mode: "point-in-time", sourceId: "orders", time: "2026-01-01T00:00:00Z", useLatestRestorableTime: true } }),
      good: base({ restore: { mode: "point-in-time", sourceId: "orders", time: "2026-01-01T00:00:00Z" } }),
      path: "restore.time",
      message: /"2026-01-01T00:00:00Z" conflicts with useLatestRestorableTime: true; keep exactly one/,
    },
    {
      name: "customer key with neither keyId nor create",
      bad: loose(base(), (s) => (s.encryption.atRest = { type: "customer-key" })),
      good: base({ encryption: { atRest: { type: "customer-key", create: true } } }),
      path: "encryption.atRest",
      message: /needs exactly one of keyId .* or create: true/,
    },
    {
      name: "pg_stat_statements on MySQL",
      bad: resolveSpec({ name: "orders-db", engine: "mysql", observability: { pgStatStatements: true } }, "dev", "aws"),
      good: resolveSpec({ name: "orders-db", engine: "postgres", observability: { pgStatStatements: true } }, "dev", "aws"),
      path: "observability.pgStatStatements",
      message: /only to PostgreSQL, not mysql; remove it/,
    },
    {
      name: "reserved database name",
      bad: base({ databaseName: "template1" }),
      good: base({ databaseName: "orders" }),
      path: "databaseName",
      message: /"template1" is reserved on postgres; use another name/,
    },
    {
      name: "public endpoint open to the internet outside dev",
      env: "staging",
      bad: base({ network: { private: false, allowedCidrs: ["10.0.0.0/8", "0.0.0.0/0"] } }, "staging"),
      good: base({ network: { private: false, allowedCidrs: ["203.0.113.0/24"] } }, "staging"),
      path: "network.allowedCidrs[1]",
      message: /"0\.0\.0\.0\/0" on a public endpoint admits the whole internet .* set network\.private true/,
    },
  ];

  it.each(cases)("$name: fails with path, value and fix, and passes once fixed", ({ bad, good, path, message, env }) => {
    for (const cloud of ["aws", "gcp", "azure"] as const) {
      const found = at(validateSpec(bad, { cloud, environment: env }), path);
      expect(found).toHaveLength(1);
      expect(found[0]?.message).toMatch(message);
      expect(found[0]?.cloud).toBeUndefined();
      expect(at(validateSpec(good, { cloud, environment: env }), path)).toEqual([]);
    }
  });

  it("allows 0.0.0.0/0 on a public dev database and on private networks", () => {
    const open = base({ network: { private: false, allowedCidrs: ["0.0.0.0/0"] } });
    expect(validateSpec(open, { cloud: "aws", environment: "dev" })).toEqual([]);
    const internal = base({ network: { private: true, allowedCidrs: ["0.0.0.0/0"] } }, "staging");
    expect(validateSpec(internal, { cloud: "aws", environment: "staging" })).toEqual([]);
  });
});

describe("validateSpec: prod rules", () => {
  const weak = base(
    {
      network: { private: false, allowedCidrs: ["203.0.113.0/24"] },
      deletionProtection: false,
      encryption: { atRest: { type: "provider-managed" }, inTransitRequired: false },
      backup: { finalSnapshot: false, pointInTimeRecovery: false, retentionDays: 0 },
      highAvailability: false,
      replicas: [],
    },
    "dev",
  );
  const expected = [
    "network.private",
    "deletionProtection",
    "encryption.inTransitRequired",
    "encryption.atRest.type",
    "backup.finalSnapshot",
    "backup.pointInTimeRecovery",
    "highAvailability",
    "replicas",
  ];

  it("reports every prod requirement at once, naming the value and the fix", () => {
    const issues = validateSpec(weak, { cloud: "aws", environment: "prod" });
    expect(paths(issues)).toEqual(expected);
    for (const issue of issues) expect(issue.message).toMatch(/is not allowed in prod; (set true|use|add)|has no replica, prod needs at least one/);
    expect(at(issues, "encryption.atRest.type")[0]?.message).toContain('"provider-managed"');
  });

  it("applies only when the environment is prod", () => {
    expect(validateSpec(weak, { cloud: "aws", environment: "staging" })).toEqual([]);
    expect(validateSpec(weak, { cloud: "aws" })).toEqual([]);
  });

  it("passes the prod preset and a prod spec with an existing key", () => {
    expect(validateSpec(base({}, "prod"), { cloud: "aws", environment: "prod" })).toEqual([]);
    const byKey = base({ encryption: { atRest: { type: "customer-key", keyId: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } } }, "prod");
    expect(validateSpec(byKey, { cloud: "aws", environment: "prod" })).toEqual([]);
  });
});

describe("SpecValidationError, assertValidSpec and formatIssues", () => {
  const bad = base({ backup: { retentionDays: 0 }, observability: { enhancedMonitoringSeconds: 7 } });

  it("formats one line per issue as '- path: message'", () => {
    const issues = validateSpec(bad, { cloud: "aws" });
    expect(issues).toHaveLength(2);
    expect(formatIssues(issues).split("\n")).toEqual([
      "- backup.retentionDays: 0 turns backups and PITR off on AWS RDS for PostgreSQL; use 1–35, or set backup.pointInTimeRecovery false",
      "- observability.enhancedMonitoringSeconds: 7 is not an enhanced monitoring interval on AWS RDS; use one of 0, 1, 5, 10, 15, 30, 60",
    ]);
  });

  it("assertValidSpec throws every issue and returns a valid spec unchanged", () => {
    let error: unknown;
    try {
      assertValidSpec(bad, { cloud: "aws" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecValidationError);
    const e = error as SpecValidationError;
    expect(e.issues).toHaveLength(2);
    expect(e.message).toBe(`Invalid database spec (2 issues):\n${formatIssues(e.issues)}`);
    const good = base();
    expect(assertValidSpec(good, { cloud: "aws" })).toBe(good);
  });
});
