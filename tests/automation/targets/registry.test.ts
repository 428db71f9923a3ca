import { describe, expect, it } from "vitest";
import { describeTargets, openTarget, targetNames } from "../../../automation/targets/registry.ts";
import { parseServerUrl } from "../../../automation/targets/server.ts";
import { Secrets } from "../../../automation/driver/progress.ts";
import { targetOptions } from "../../../automation/driver/cli-options.ts";

describe("registry", () => {
  it("knows the targets and lists the valid ones for an unknown name", async () => {
    expect(targetNames).toEqual(["local", "local-mariadb", "server", "aws", "gcp", "azure"]);
    await expect(openTarget("localhost")).rejects.toThrow('unknown target "localhost": use one of local, local-mariadb, server, aws, gcp, azure');
    await expect(openTarget("toString")).rejects.toThrow(/unknown target "toString"/);
    for (const n of targetNames) expect(describeTargets()).toContain(n);
  });

  it("server needs a URL; direct is for server only; engines must agree", async () => {
    const saved = process.env.DBTK_SERVER_URL;
    delete process.env.DBTK_SERVER_URL;
    try {
      await expect(openTarget("server", { via: "direct" })).rejects.toThrow(/needs the admin URL .* --server-url .* DBTK_SERVER_URL/);
    } finally {
      if (saved !== undefined) process.env.DBTK_SERVER_URL = saved;
    }
    await expect(openTarget("aws", { via: "direct" })).rejects.toThrow("--engine direct works with --target server only; aws goes through Pulumi");
    await expect(openTarget("local-mariadb", { engine: "postgres" })).rejects.toThrow(/local-mariadb is MySQL\/MariaDB/);
    await expect(openTarget("server", { serverUrl: "mysql://a:b@h:3306", engine: "postgres", via: "direct" })).rejects.toThrow(
      "--engine postgres does not match the server URL, which is mysql://",
    );
  });
});

describe("parseServerUrl", () => {
  it("reads PostgreSQL and MySQL URLs with defaults and encoded passwords", () => {
    expect(parseServerUrl("postgres://admin:p%40ss@db.example.com/app")).toEqual({
      engine: "postgres", host: "db.example.com", port: 5432, user: "admin", password: "p@ss", database: "app",
    });
    expect(parseServerUrl("postgresql://u:p@h:6543")).toMatchObject({ port: 6543, database: "postgres" });
    expect(parseServerUrl("mariadb://root:x@[::1]:3307")).toEqual({ engine: "mysql", host: "::1", port: 3307, user: "root", password: "x", database: "" });
  });

  it("rejects bad URLs without echoing them", () => {
    expect(() => parseServerUrl("not a url with secret-pw")).toThrow(/--server-url is not a valid URL; expected postgres:\/\//);
    expect(() => parseServerUrl("not a url with secret-pw")).not.toThrow(/secret-pw/);
    expect(() => parseServerUrl("redis://u:pw@h")).toThrow(/scheme "redis"/);
  });
});

describe("--engine and secrets from flags", () => {
  it("maps engine names and direct, and registers the server password as a secret", () => {
    const s = new Secrets();
    expect(targetOptions({ target: "server", engine: "mariadb,direct", serverUrl: "mysql://a:hunter2-x@h" }, s)).toMatchObject({ engine: "mysql", via: "direct" });
    expect(s.redact("failed: mysql://a:hunter2-x@h and hunter2-x")).toBe("failed: **** and ****");
    expect(() => targetOptions({ target: "local", engine: "sqlite" }, s)).toThrow(/--engine sqlite: unknown/);
  });
});
