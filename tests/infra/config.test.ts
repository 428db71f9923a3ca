// Stack configuration parsing (pure): typed values, defaults, and errors that name the key and the fix.
import { describe, expect, it } from "vitest";
import { resolveSpec } from "../../components/spec/index.ts";
import { ConfigError, configKeyFor, describeSpecIssues, parseDbConfig, specInput, type DbConfig } from "../../infra/config.ts";
import { awsRegionalSettings, azureGeoBackupKey, azureReplicaSubnetIds, gcpReplicaKeyIds } from "../../infra/regions.ts";

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
    expect(errorOf(() => parse({ regions: ["us-west-2"] })).key).toBe("db:regions");
  });
});

describe("db:regions, in the same words on every cloud", () => {
  it("aws reads subnetIds, securityGroupIds, keyId and notificationTarget", () => {
    const regions = { "us-west-2": { subnetIds: ["subnet-1", "subnet-2"], securityGroupIds: ["sg-1"], keyId: "arn:aws:kms:us-west-2:1:key/k", notificationTarget: "arn:aws:sns:us-west-2:1:t" } };
    expect(parse({ regions }).regions).toEqual(regions);
    expect(awsRegionalSettings(regions)).toEqual({
      "us-west-2": { subnetIds: ["subnet-1", "subnet-2"], securityGroupIds: ["sg-1"], kmsKeyArn: "arn:aws:kms:us-west-2:1:key/k", notificationTarget: "arn:aws:sns:us-west-2:1:t" },
    });
  });

  it("refuses an unknown field or a wrong type, naming the key, the cloud and the fields it reads", () => {
    expect(errorOf(() => parse({ regions: { "us-west-2": { subnets: [] } } })).message).toBe(
      "db:regions.us-west-2.subnets is not a setting on aws; use subnetIds, securityGroupIds, keyId, notificationTarget",
    );
    expect(errorOf(() => parse({ regions: { "us-west-2": { kmsKeyArn: "arn:aws:kms:..." } } })).message).toContain("use subnetIds, securityGroupIds, keyId");
    expect(errorOf(() => parse({ regions: { "us-west-2": { keyId: 3 } } })).message).toBe(
      "db:regions.us-west-2.keyId: 3 should be a string; set it like pulumi config set --path 'db:regions.us-west-2.keyId' arn:aws:kms:<region>:<account>:key/<id>",
    );
    expect(errorOf(() => parse({ regions: { "us-west-2": "x" } })).message).toContain("db:regions.us-west-2: \"x\" is not an object");
  });

  it("gcp reads keyId only, the replicas' Cloud KMS key in that region", () => {
    const key = "projects/p/locations/europe-north1/keyRings/r/cryptoKeys/k";
    const config = parse({ cloud: "gcp", regions: { "europe-north1": { keyId: key } } });
    expect(gcpReplicaKeyIds(config.regions)).toEqual({ "europe-north1": key });
    const err = errorOf(() => parse({ cloud: "gcp", regions: { "europe-north1": { subnetIds: ["s"], keyId: key } } }));
    expect(err.message).toBe("db:regions.europe-north1.subnetIds is not a setting on gcp; use keyId");
  });

  it("azure SQL Database reads one private-endpoint subnet; flexible servers the geo-backup key or vault", () => {
    const subnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/db";
    const sql = parse({ cloud: "azure", engine: "sqlserver", regions: { northeurope: { subnetIds: [subnet] } } });
    expect(azureReplicaSubnetIds(sql.regions)).toEqual({ northeurope: subnet });
    expect(errorOf(() => parse({ cloud: "azure", engine: "sqlserver", regions: { northeurope: { subnetIds: [subnet, subnet] } } })).message).toContain("should list exactly one subnet");
    expect(errorOf(() => parse({ cloud: "azure", engine: "sqlserver", regions: { northeurope: { keyId: "k" } } })).message).toBe(
      "db:regions.northeurope.keyId is not a setting on azure for sqlserver; use subnetIds",
    );

    const flex = parse({ cloud: "azure", regions: { northeurope: { keyVaultId: "/vaults/neu" }, westus: { keyId: "https://v.vault.azure.net/keys/k" } } });
    const spec = resolveSpec({ name: "x", engine: "postgres", backup: { crossRegionCopy: { region: "northeurope" } } }, "prod", "azure");
    expect(azureGeoBackupKey(flex.regions, spec)).toEqual({ keyVaultId: "/vaults/neu" });
    expect(azureGeoBackupKey(flex.regions, resolveSpec({ name: "x", engine: "postgres" }, "prod", "azure"))).toBeUndefined();
    expect(errorOf(() => parse({ cloud: "azure", regions: { northeurope: { subnetIds: [subnet] } } })).message).toBe(
      "db:regions.northeurope.subnetIds is not a setting on azure for postgres; use keyId, keyVaultId",
    );
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
