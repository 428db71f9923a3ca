// Validation that closes holes a cloud reports only at deploy time, and promises raw parameters cannot undo.
import { describe, expect, it } from "vitest";
import { resolveSpec, validateSpec, type Cloud, type DatabaseSpecInput, type Environment } from "../../../components/spec/index.ts";

const issues = (cloud: Cloud, input: Partial<DatabaseSpecInput>, environment: Environment = "prod") =>
  validateSpec(resolveSpec({ name: "orders", engine: "postgres", ...input } as DatabaseSpecInput, environment, cloud), { cloud, environment });
const at = (list: { path: string; message: string }[], path: string) => list.find((i) => i.path === path);

describe("raw parameters cannot undo the TLS promise", () => {
  it.each([
    ["aws", "postgres", "rds.force_ssl", "0"],
    ["aws", "mysql", "require_secure_transport", "0"],
    ["aws", "sqlserver", "rds.force_ssl", "0"],
    ["azure", "postgres", "require_secure_transport", "off"],
    ["azure", "mysql", "require_secure_transport", "OFF"],
    ["azure", "postgres", "ssl_min_protocol_version", "TLSv1.1"],
    ["azure", "mysql", "tls_version", "TLSv1,TLSv1.1,TLSv1.2"],
  ] as const)("%s %s: %s=%s is refused naming both fields", (cloud, engine, name, value) => {
    const issue = at(issues(cloud, { engine, parameters: { [name]: value } }), `parameters.${name}`);
    expect(issue?.message).toMatch(/encryption\.inTransitRequired/);
    expect(issue?.message).toContain(`parameters.${name}`);
  });
  it("the same value with TLS not required is the spec's own choice (outside prod)", () => {
    expect(at(issues("aws", { encryption: { inTransitRequired: false }, parameters: { "rds.force_ssl": "0" } }, "dev"), "parameters.rds.force_ssl")).toBeUndefined();
  });
  it("raising the minimum is fine", () => {
    expect(at(issues("azure", { parameters: { ssl_min_protocol_version: "TLSv1.3" } }), "parameters.ssl_min_protocol_version")).toBeUndefined();
  });
});

describe("versions and tiers a cloud does not offer", () => {
  it.each(["gcp", "azure"] as const)("%s: a minor version (16.3) is refused with the major to use", (cloud) => {
    expect(at(issues(cloud, { engineVersion: "16.3" }, "dev"), "engineVersion")?.message).toMatch(/major version only.*"16"/);
  });
  it("aws: a minor version is offered", () => {
    expect(at(issues("aws", { engineVersion: "16.3" }, "dev"), "engineVersion")).toBeUndefined();
  });
  it("gcp: shared-core tiers for SQL Server are refused", () => {
    expect(at(issues("gcp", { engine: "sqlserver", size: { instanceClass: "db-g1-small" } }, "dev"), "size.instanceClass")?.message).toMatch(/shared-core/);
  });
});
