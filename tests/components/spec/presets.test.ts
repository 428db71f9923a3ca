import { describe, expect, it } from "vitest";
import {
  presets,
  resolveSpec,
  validateSpec,
  type Cloud,
  type DatabaseSpec,
  type Engine,
  type Environment,
} from "../../../components/spec/index.ts";

const engines: Engine[] = ["postgres", "mysql", "sqlserver"];
const clouds: Cloud[] = ["aws", "gcp", "azure"];
const environments: Environment[] = ["dev", "staging", "prod", "ci"];

const shared = {
  name: "orders-db",
  engine: "postgres",
  engineVersion: "17",
  databaseName: "app",
  auth: { iamAuthentication: false, masterUsername: "dbadmin" },
  network: { private: true, allowedCidrs: [] },
  pooling: { enabled: false },
  tags: {},
} as const;

// The documented table in presets.ts, written out independently.
const documented: Record<Environment, DatabaseSpec> = {
  dev: {
    ...structuredClone(shared),
    auth: { ...shared.auth },
    network: { private: true, allowedCidrs: [] },
    size: { tier: "dev" },
    storage: { sizeGb: 20, maxSizeGb: 50 },
    highAvailability: false,
    backup: { retentionDays: 1, pointInTimeRecovery: true, finalSnapshot: false },
    encryption: { atRest: { type: "provider-managed" }, inTransitRequired: true },
    replicas: [],
    deletionProtection: false,
    observability: { slowQueryMs: 500, queryInsights: false, enhancedMonitoringSeconds: 0, alarms: { enabled: false } },
  },
  staging: {
    ...structuredClone(shared),
    auth: { ...shared.auth },
    network: { private: true, allowedCidrs: [] },
    size: { tier: "small" },
    storage: { sizeGb: 50, maxSizeGb: 200 },
    highAvailability: false,
    backup: { retentionDays: 7, pointInTimeRecovery: true, finalSnapshot: true },
    encryption: { atRest: { type: "provider-managed" }, inTransitRequired: true },
    replicas: [],
    deletionProtection: true,
    observability: { slowQueryMs: 250, queryInsights: true, enhancedMonitoringSeconds: 60, alarms: { enabled: true } },
  },
  prod: {
    ...structuredClone(shared),
    auth: { ...shared.auth },
    network: { private: true, allowedCidrs: [] },
    size: { tier: "medium" },
    storage: { sizeGb: 100, maxSizeGb: 1000 },
    highAvailability: true,
    backup: { retentionDays: 35, pointInTimeRecovery: true, finalSnapshot: true, window: "01:00-02:00" },
    encryption: { atRest: { type: "customer-key", create: true, rotationDays: 365 }, inTransitRequired: true },
    replicas: [{ count: 1 }],
    maintenanceWindow: { day: "sun", hour: 3 },
    deletionProtection: true,
    observability: { slowQueryMs: 200, queryInsights: true, enhancedMonitoringSeconds: 15, alarms: { enabled: true } },
  },
  ci: {
    ...structuredClone(shared),
    auth: { ...shared.auth },
    network: { private: true, allowedCidrs: [] },
    size: { tier: "dev" },
    storage: { sizeGb: 20 },
    highAvailability: false,
    backup: { retentionDays: 0, pointInTimeRecovery: false, finalSnapshot: false },
    encryption: { atRest: { type: "provider-managed" }, inTransitRequired: true },
    replicas: [],
    deletionProtection: false,
    observability: { queryInsights: false, enhancedMonitoringSeconds: 0, alarms: { enabled: false }, dashboard: false },
  },
};

describe("presets", () => {
  it.each(environments)("%s resolves to the documented defaults", (env) => {
    expect(resolveSpec({ name: "orders-db", engine: "postgres" }, env)).toEqual(documented[env]);
  });

  it.each([
    ["postgres", "17"],
    ["mysql", "8.0"],
    ["sqlserver", "2022"],
  ] as const)("defaults %s to version %s unless given", (engine, version) => {
    expect(resolveSpec({ name: "orders-db", engine }, "dev").engineVersion).toBe(version);
    expect(resolveSpec({ name: "orders-db", engine, engineVersion: "8.4" }, "dev").engineVersion).toBe("8.4");
  });

  it("presets share no nested objects and resolving never mutates them", () => {
    const before = structuredClone(presets);
    const spec = resolveSpec({ name: "orders-db", engine: "postgres" }, "prod");
    spec.backup.retentionDays = 1;
    spec.replicas.push({ count: 3 });
    spec.tags.team = "x";
    expect(presets).toEqual(before);
    expect(presets.dev.auth).not.toBe(presets.prod.auth);
  });
});

describe("resolveSpec overrides", () => {
  it("merges nested objects field by field", () => {
    const spec = resolveSpec(
      { name: "orders-db", engine: "mysql", backup: { retentionDays: 14 }, observability: { alarms: { cpuPercent: 80 } } },
      "prod",
    );
    expect(spec.backup).toEqual({ retentionDays: 14, pointInTimeRecovery: true, finalSnapshot: true, window: "01:00-02:00" });
    expect(spec.observability).toEqual({
      slowQueryMs: 200,
      queryInsights: true,
      enhancedMonitoringSeconds: 15,
      alarms: { enabled: true, cpuPercent: 80 },
    });
    expect(spec.highAvailability).toBe(true);
  });

  it("replaces arrays instead of merging them", () => {
    const spec = resolveSpec(
      { name: "orders-db", engine: "postgres", replicas: [{ region: "eu-west-1", count: 2 }], network: { allowedCidrs: ["10.0.0.0/16"] } },
      "prod",
    );
    expect(spec.replicas).toEqual([{ region: "eu-west-1", count: 2 }]);
    expect(spec.network).toEqual({ private: true, allowedCidrs: ["10.0.0.0/16"] });
    expect(resolveSpec({ name: "orders-db", engine: "postgres", replicas: [] }, "prod").replicas).toEqual([]);
  });

  it("replaces union-typed fields whole so variants never mix", () => {
    const spec = resolveSpec(
      {
        name: "orders-db",
        engine: "postgres",
        size: { instanceClass: "db.r7g.large" },
        encryption: { atRest: { type: "customer-key", keyId: "alias/orders" } },
      },
      "prod",
    );
    expect(spec.size).toEqual({ instanceClass: "db.r7g.large" });
    expect(spec.encryption).toEqual({ atRest: { type: "customer-key", keyId: "alias/orders" }, inTransitRequired: true });
  });

  it("keeps the preset where the input says undefined, and merges tags", () => {
    const spec = resolveSpec({ name: "orders-db", engine: "postgres", deletionProtection: undefined, tags: { team: "core" } }, "staging");
    expect(spec.deletionProtection).toBe(true);
    expect(spec.tags).toEqual({ team: "core" });
  });
});

describe("cloud-aware resolution", () => {
  it("moves preset values to what the cloud accepts, never explicit input", () => {
    const gcpCi = resolveSpec({ name: "orders-db", engine: "postgres" }, "ci", "gcp");
    expect(gcpCi.backup).toMatchObject({ retentionDays: 1, pointInTimeRecovery: false });
    const azurePgDev = resolveSpec({ name: "orders-db", engine: "postgres" }, "dev", "azure");
    expect(azurePgDev.backup.retentionDays).toBe(7);
    expect(azurePgDev.storage).toEqual({ sizeGb: 32, maxSizeGb: 50 });
    const azureCi = resolveSpec({ name: "orders-db", engine: "mysql" }, "ci", "azure");
    expect(azureCi.backup).toMatchObject({ retentionDays: 1, pointInTimeRecovery: true });
    expect(resolveSpec({ name: "orders-db", engine: "sqlserver" }, "prod", "aws").replicas).toEqual([]);
    expect(resolveSpec({ name: "orders-db", engine: "postgres" }, "ci", "aws").backup.retentionDays).toBe(0);
    const explicit = resolveSpec({ name: "orders-db", engine: "postgres", backup: { retentionDays: 2 } }, "dev", "azure");
    expect(explicit.backup.retentionDays).toBe(2);
  });

  // Every preset, cloud and engine is a combination the clouds can run once resolved for that cloud.
  const matrix = environments.flatMap((env) => clouds.flatMap((cloud) => engines.map((engine) => [env, cloud, engine] as const)));
  it.each(matrix)("%s on %s with %s validates with zero issues", (env, cloud, engine) => {
    const spec = resolveSpec({ name: "orders-db", engine }, env, cloud);
    expect(validateSpec(spec, { cloud, environment: env })).toEqual([]);
  });

  it("on aws MySQL defaults to 8.4 (8.0 left RDS standard support on 2026-07-31); 8.0 in prod is refused naming the version and Extended Support", () => {
    expect(resolveSpec({ name: "orders-db", engine: "mysql" }, "dev", "aws").engineVersion).toBe("8.4");
    expect(resolveSpec({ name: "orders-db", engine: "mysql" }, "dev", "gcp").engineVersion).toBe("8.0");
    const old = resolveSpec({ name: "orders-db", engine: "mysql", engineVersion: "8.0" }, "prod", "aws");
    const issues = validateSpec(old, { cloud: "aws", environment: "prod" });
    expect(issues.map((i) => i.path)).toEqual(["engineVersion"]);
    expect(issues[0]!.message).toMatch(/use "8\.4", or set extendedSupport true/);
    expect(validateSpec({ ...old, extendedSupport: true }, { cloud: "aws", environment: "prod" })).toEqual([]);
  });

  it("the cloud-neutral presets are valid on AWS for postgres and mysql as written", () => {
    for (const env of environments) {
      for (const engine of ["postgres", "mysql"] as const) {
        const engineVersion = env === "prod" && engine === "mysql" ? "8.4" : undefined; // 8.0: see above
        expect(validateSpec(resolveSpec({ name: "orders-db", engine, ...(engineVersion ? { engineVersion } : {}) }, env), { cloud: "aws", environment: env })).toEqual([]);
      }
    }
  });
});
