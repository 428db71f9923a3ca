// Stack configuration parsing (pure): typed values, defaults, and errors that name the key and the fix.
import { describe, expect, it } from "vitest";
import { ConfigError, configKeyFor, describeSpecIssues, parseDbConfig, specInput, type DbConfig } from "../../infra/config.ts";

const getter = (values: Record<string, unknown>) => (key: string) => {
  const v = values[key];
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : JSON.stringify(v);
};
const base = { environment: "dev", engine: "postgres" };
const parse = (values: Record<string, unknown>) => parseDbConfig(getter({ ...base, ...values }), "db-provisioning-dev");

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("parseDbConfig", () => {
  it("reads typed values and defaults cloud and name", () => {
    expect(parse({ subnetIds: ["subnet-1", "subnet-2"], overrides: { storage: { sizeGb: 30 } } })).toEqual({
      cloud: "aws",
      environment: "dev",
      engine: "postgres",
      name: "db-provisioning-dev",
      subnetIds: ["subnet-1", "subnet-2"],
      overrides: { storage: { sizeGb: 30 } },
      regions: {},
    });
  });

  it("rejects an unknown environment with the key, the allowed values and the command", () => {
    const err = errorOf(() => parse({ environment: "production" }));
    expect(err.key).toBe("db:environment");
    expect(err.message).toBe(
      'db:environment: "production" is not one of dev, staging, prod; set it with pulumi config set db:environment prod',
    );
  });

  it("rejects a missing engine and a wrong cloud", () => {
    expect(errorOf(() => parseDbConfig(getter({ environment: "dev" }), "x")).message).toBe(
      "db:engine is not set; set it with pulumi config set db:engine postgres (one of postgres, mysql, sqlserver)",
    );
    expect(errorOf(() => parse({ cloud: "azure-us" })).message).toContain('db:cloud: "azure-us" is not one of aws, gcp, azure');
  });

  it("rejects lists and objects of the wrong shape, naming the key", () => {
    expect(errorOf(() => parse({ subnetIds: "subnet-1" })).message).toMatch(/^db:subnetIds: .* is not valid JSON/);
    expect(errorOf(() => parse({ allowedCidrs: [1, 2] })).message).toMatch(/^db:allowedCidrs: \[1,2\] is not a list of strings/);
    expect(errorOf(() => parse({ overrides: [1] })).key).toBe("db:overrides");
    expect(errorOf(() => parse({ regions: { "us-west-2": { subnets: [] } } })).message).toContain("db:regions.us-west-2.subnets is not a known setting");
    expect(errorOf(() => parse({ regions: { "us-west-2": { kmsKeyArn: 3 } } })).message).toContain("db:regions.us-west-2.kmsKeyArn: 3 should be a string");
  });
});

describe("specInput", () => {
  it("lays the dedicated keys over db:overrides", () => {
    const config = parse({
      name: "orders",
      version: "16",
      vpcId: "vpc-1",
      allowedCidrs: ["10.0.0.0/8"],
      alarmTopic: "arn:aws:sns:us-east-1:1:t",
      overrides: { network: { vpcId: "vpc-old", private: true }, observability: { alarms: { enabled: true } }, storage: { sizeGb: 40 } },
    });
    expect(specInput(config)).toEqual({
      name: "orders",
      engine: "postgres",
      engineVersion: "16",
      storage: { sizeGb: 40 },
      network: { vpcId: "vpc-1", private: true, allowedCidrs: ["10.0.0.0/8"] },
      observability: { alarms: { enabled: true, notificationTarget: "arn:aws:sns:us-east-1:1:t" } },
    });
  });
});

describe("spec issues in configuration terms", () => {
  const config = parse({ subnetIds: ["s"] }) as DbConfig;

  it("maps fields with a dedicated key to it, the rest to db:overrides.<path>", () => {
    expect(configKeyFor({ path: "network.subnetIds[0]", value: "s", message: "" }, config)).toBe("db:subnetIds");
    expect(configKeyFor({ path: "network.vpcId", value: "v", message: "" }, config)).toBe("db:overrides.network.vpcId");
    expect(configKeyFor({ path: "name", value: "X", message: "" }, config)).toBe("db:name");
    expect(configKeyFor({ path: "engineVersion", value: "9", message: "" }, config)).toBe("db:overrides.engineVersion");
    expect(describeSpecIssues([{ path: "storage.sizeGb", value: 5, message: "5 is below 20" }], config)).toContain(
      "- db:overrides.storage.sizeGb: 5 is below 20",
    );
  });
});
