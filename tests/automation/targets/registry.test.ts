import { describe, expect, it } from "vitest";
import { describeTargets, openTarget, targetNames } from "../../../automation/targets/registry.ts";

describe("registry", () => {
  it("knows the targets and lists the valid ones for an unknown name", async () => {
    expect(targetNames).toEqual(["local", "local-mariadb", "server", "aws", "gcp", "azure"]);
    await expect(openTarget("localhost")).rejects.toThrow('unknown target "localhost": use one of local, local-mariadb, server, aws, gcp, azure');
    await expect(openTarget("toString")).rejects.toThrow(/unknown target "toString"/);
    for (const n of targetNames) expect(describeTargets()).toContain(n);
  });

  it("server needs a URL; direct is for server only; engines must agree — messages name options, not flags", async () => {
    await expect(openTarget("server", { via: "direct" })).rejects.toThrow(/needs the admin URL of an existing server: pass options\.serverUrl/);
    await expect(openTarget("aws", { via: "direct" })).rejects.toThrow("options.via direct works with options.target server only; aws goes through Pulumi");
    await expect(openTarget("local-mariadb", { engine: "postgres" })).rejects.toThrow(/local-mariadb is MySQL\/MariaDB/);
    await expect(openTarget("server", { serverUrl: "mysql://a:b@h:3306", engine: "postgres", via: "direct" })).rejects.toThrow(
      "options.engine postgres does not match the server URL, which is mysql://",
    );
  });

  it("reads no environment: DBTK_SERVER_URL is the CLI's to pass", async () => {
    const saved = process.env.DBTK_SERVER_URL;
    process.env.DBTK_SERVER_URL = "postgres://admin:pw@127.0.0.1:1/postgres";
    try {
      await expect(openTarget("server", { via: "direct" })).rejects.toThrow(/needs the admin URL/);
    } finally {
      if (saved === undefined) delete process.env.DBTK_SERVER_URL;
      else process.env.DBTK_SERVER_URL = saved;
    }
  });
});
