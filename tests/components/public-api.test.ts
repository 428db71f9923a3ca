// The package's entry points: "." is the cloud-neutral spec API only (no cloud SDK loaded), each cloud's
// components come from their own subpath, and the mapping helpers are not re-exported at the root.
import { describe, expect, it } from "vitest";
import { installMocks } from "./support/harness.ts";

installMocks();
const api = await import("../../components/index.ts");
const spec = await import("../../components/spec/index.ts");
const aws = await import("../../components/aws/index.ts");
const gcp = await import("../../components/gcp/index.ts");
const azure = await import("../../components/azure/index.ts");

describe("@dbtk/components entry points", () => {
  it("the root re-exports exactly the spec API", () => {
    for (const [name, value] of Object.entries(spec)) expect(api[name as keyof typeof api], name).toBe(value);
    expect(Object.keys(api).filter((n) => !(n in spec))).toEqual([]);
  });

  it("each cloud subpath exports its components", () => {
    expect(typeof aws.AwsRdsDatabase).toBe("function");
    expect(typeof aws.grantConnect).toBe("function");
    expect(typeof aws.prepareAwsSpec).toBe("function");
    expect(typeof gcp.GcpCloudSqlDatabase).toBe("function");
    expect(typeof azure.AzureSqlDatabase).toBe("function");
    expect(typeof azure.AzurePostgresFlexibleServer).toBe("function");
    expect(typeof azure.AzureMysqlFlexibleServer).toBe("function");
  });

  it("keeps the components and mapping functions out of the root", () => {
    const names = Object.keys(api);
    for (const internal of ["AwsRdsDatabase", "GcpCloudSqlDatabase", "AzureSqlDatabase", "dbParameters", "gcpPrimarySettings", "sqlDatabaseArgs", "replicaPlan"]) {
      expect(names).not.toContain(internal);
    }
  });
});
