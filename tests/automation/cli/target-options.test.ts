// The CLI's side of the layering: flags and environment become library options, and library messages
// (which name options) come out in the CLI's terms.
import { describe, expect, it } from "vitest";
import { Secrets } from "../../../core/connection.ts";
import { poolSizeFrom, safeMessage, targetOptions } from "../../../cli/commands/target-options.ts";
import { cliWording } from "../../../cli/wording.ts";

describe("--engine and secrets from flags", () => {
  it("maps engine names and direct, and registers the server password as a secret", () => {
    const s = new Secrets();
    expect(targetOptions({ target: "server", engine: "mariadb,direct", serverUrl: "mysql://a:hunter2-x@h" }, s)).toMatchObject({
      engine: "mysql",
      via: "direct",
      serverUrl: "mysql://a:hunter2-x@h",
    });
    expect(s.redact("failed: mysql://a:hunter2-x@h and hunter2-x")).toBe("failed: mysql://a:****@h and ****");
    expect(() => targetOptions({ target: "local", engine: "sqlite" }, s)).toThrow(/--engine sqlite: unknown/);
  });

  it("passes what it reads in the environment down as options", () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { DBTK_SERVER_URL: "postgres://a:pw-from-env@h/postgres", DBTK_SERVERS_DIR: "/tmp/s", DBTK_CACHE_DIR: "/tmp/c", PATH: "/p" });
      process.env.PULUMI_CONFIG_PASSPHRASE = "";
      const s = new Secrets();
      expect(targetOptions({ target: "server" }, s)).toMatchObject({
        serverUrl: "postgres://a:pw-from-env@h/postgres",
        serversDir: "/tmp/s",
        cacheDir: "/tmp/c",
        path: "/p",
        passphrase: "",
      });
      expect(s.redact("pw-from-env")).toBe("****");
      delete process.env.DBTK_SERVER_URL;
      expect(() => targetOptions({ target: "server" }, s)).toThrow(/pass --server-url .* or set DBTK_SERVER_URL/);
      process.env.DBTK_POOL_SIZE = "5";
      expect(poolSizeFrom(undefined)).toBe(5);
      expect(() => poolSizeFrom("x")).toThrow(/--pool \/ DBTK_POOL_SIZE/);
      // A usage error: exit 2, like every other bad flag.
      expect(() => poolSizeFrom("65")).toThrow(expect.objectContaining({ exitCode: 2 }));
    } finally {
      process.env = saved;
    }
  });
});

describe("library messages in the CLI's terms", () => {
  it("names flags and variables where the library names options", () => {
    expect(cliWording("options.tool rails: unknown migration tool")).toBe("--tool rails: unknown migration tool");
    expect(cliWording("options.tool x needs options.project DIR")).toBe("--tool x needs --project DIR");
    expect(cliWording("options.via direct works with options.target server only")).toBe("--engine direct works with --target server only");
    expect(cliWording("command not found: x. Check options.command (is it installed and on PATH?)")).toBe(
      "command not found: x. Check the command after `--` (is it installed and on PATH?)",
    );
    expect(cliWording("V1__a.sql:2: no value for placeholder ${n}: pass it in options.placeholders (n: <value>)")).toBe(
      "V1__a.sql:2: no value for placeholder ${n}: pass --placeholder n=<value> (or set FLYWAY_PLACEHOLDERS_N)",
    );
    expect(cliWording("flyway is not installed (looked for /c/bin/flyway): run tools/install-flyway.sh, or pass options.bin")).toBe(
      "flyway is not installed (looked for /c/bin/flyway): run tools/install-flyway.sh, or set DBTK_FLYWAY_BIN",
    );
    expect(cliWording("cannot connect: x. Check the URL given by options.serverUrl.")).toBe("cannot connect: x. Check the URL given by --server-url or DBTK_SERVER_URL.");
    expect(cliWording("azure restore drill: spec.resourceGroupName, spec.keyVaultId required")).toBe("azure restore drill: --resource-group, --key-vault-id required");
  });

  it("safeMessage translates, then blanks secrets (the cause's message included)", () => {
    const s = new Secrets(["p@ss/w0rd"]);
    const err = new Error("options.serverUrl refused", { cause: new Error("auth p%40ss%2Fw0rd rejected") });
    expect(safeMessage(err, s)).toBe("--server-url refused: auth **** rejected");
  });
});
