// The barrel components/index.ts (package export "./components"): the spec API, every component and
// grantConnect, the same objects as the per-cloud modules export.
import { describe, expect, it } from "vitest";
import { installMocks } from "./support/harness.ts";

installMocks();
const api = await import("../../components/index.ts");
const spec = await import("../../components/spec/index.ts");
const aws = await import("../../components/aws/index.ts");
const gcp = await import("../../components/gcp/index.ts");
const azure = await import("../../components/azure/index.ts");

describe("components/index.ts", () => {
  it("re-exports the whole spec API", () => {
    for (const [name, value] of Object.entries(spec)) expect(api[name as keyof typeof api], name).toBe(value);
  });

  it("exports every component and grantConnect, identical to the cloud modules' exports", () => {
    expect(api.AwsRdsDatabase).toBe(aws.AwsRdsDatabase);
    expect(api.grantConnect).toBe(aws.grantConnect);
    expect(api.prepareAwsSpec).toBe(aws.prepareAwsSpec);
    expect(api.GcpCloudSqlDatabase).toBe(gcp.GcpCloudSqlDatabase);
    expect(api.AzureSqlDatabase).toBe(azure.AzureSqlDatabase);
    expect(api.AzurePostgresFlexibleServer).toBe(azure.AzurePostgresFlexibleServer);
    expect(api.AzureMysqlFlexibleServer).toBe(azure.AzureMysqlFlexibleServer);
  });

  it("keeps the per-cloud mapping functions out of the public surface", () => {
    const names = Object.keys(api);
    for (const internal of ["dbParameters", "gcpPrimarySettings", "sqlDatabaseArgs", "replicaPlan"]) expect(names).not.toContain(internal);
    expect(names.filter((n) => !(n in spec)).sort()).toEqual([
      "AWS_RDS_DATABASE_TYPE",
      "AwsRdsDatabase",
      "AzureMysqlFlexibleServer",
      "AzurePostgresFlexibleServer",
      "AzureSqlDatabase",
      "GcpCloudSqlDatabase",
      "grantConnect",
      "prepareAwsSpec",
    ]);
  });
});
