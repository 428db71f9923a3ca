// Engine settings without running the engine: the binary check, the passphrase rules (#6893), the
// single @pulumi/pulumi copy (#12942), server URLs and redaction.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  assertSinglePulumiSdk,
  createStackTarget,
  findPulumi,
  missingPlugins,
  providerPlugins,
  resolveSettings,
  roleName,
  serverAddress,
} from "../../../automation/engine/index.ts";
import { tempRoot } from "./helpers.ts";

const root = tempRoot("dbtk-engine-settings-");
// Settings come from options only; the environment must not leak in (poisoned here to prove it).
const saved = { ...process.env };
let cacheDir = "";

// A cache directory with stand-ins for the binaries: these tests check settings, not the engine.
function fakeCache(withPlugin = true): string {
  const dir = path.join(root, `cache-${Math.random().toString(36).slice(2)}`);
  mkdirSync(path.join(dir, "bin"), { recursive: true });
  writeFileSync(path.join(dir, "bin", "pulumi"), "#!/bin/sh\n", { mode: 0o755 });
  if (withPlugin) writeFileSync(path.join(dir, "bin", "pulumi-resource-pulumi-nodejs"), "#!/bin/sh\n", { mode: 0o755 });
  return dir;
}

beforeEach(() => {
  process.env.PULUMI_CONFIG_PASSPHRASE = "from-the-environment";
  process.env.PULUMI_CONFIG_PASSPHRASE_FILE = "/from/the/environment";
  process.env.DBTK_CACHE_DIR = path.join(root, "not-this-cache");
  cacheDir = fakeCache();
});
afterEach(() => {
  process.env = { ...saved };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the pulumi binary", () => {
  it("a missing CLI or plugin is an error naming the installer", () => {
    expect(() => findPulumi({ cacheDir: path.join(root, "empty-cache") })).toThrow(/not installed at .*bin\/pulumi: run tools\/install-pulumi\.sh/);
    expect(() => findPulumi({ cacheDir: fakeCache(false) })).toThrow(/pulumi-resource-pulumi-nodejs.*run tools\/install-pulumi\.sh/);
    expect(findPulumi({ cacheDir }).bin).toBe(path.join(cacheDir, "bin", "pulumi"));
  });
});

describe("resolveSettings", () => {
  it("defaults to a file backend under the state dir, PULUMI_HOME under the cache, no update check", () => {
    const stateDir = path.join(root, "s1");
    const s = resolveSettings({ stateDir, cacheDir, path: "/opt/given/bin" });
    expect(s.backendUrl).toBe(`file://${path.join(stateDir, "backend")}`);
    expect(existsSync(path.join(stateDir, "backend"))).toBe(true);
    expect(s.pulumiHome).toBe(path.join(cacheDir, "pulumi-home"));
    expect(s.env).toMatchObject({ PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_BACKEND_URL: s.backendUrl });
    // The CLI's own directory first, then the PATH given (never this process's).
    expect(s.env.PATH).toBe([path.join(cacheDir, "bin"), "/opt/given/bin"].join(path.delimiter));
    expect(resolveSettings({ stateDir, cacheDir }).env.PATH?.split(path.delimiter)).toContain(path.dirname(process.execPath));
    // The per-stack workspaces see the toolkit's node_modules (#5578).
    expect(existsSync(path.join(s.workRoot, "node_modules", "@pulumi", "pulumi", "package.json"))).toBe(true);
  });

  it("generates one private passphrase per default backend and keeps it", () => {
    const stateDir = path.join(root, "s2");
    const a = resolveSettings({ stateDir, cacheDir });
    const b = resolveSettings({ stateDir, cacheDir });
    expect(a.env.PULUMI_CONFIG_PASSPHRASE).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(b.env.PULUMI_CONFIG_PASSPHRASE).toBe(a.env.PULUMI_CONFIG_PASSPHRASE);
    expect(statSync(path.join(stateDir, "passphrase")).mode & 0o077).toBe(0);
    expect(readFileSync(path.join(stateDir, "passphrase"), "utf8")).toBe(a.env.PULUMI_CONFIG_PASSPHRASE);
    expect(a.secrets).toContain(a.env.PULUMI_CONFIG_PASSPHRASE);
  });

  it("passes an empty passphrase explicitly (#6893)", () => {
    const explicit = resolveSettings({ stateDir: path.join(root, "s3"), cacheDir, passphrase: "" });
    expect(Object.hasOwn(explicit.env, "PULUMI_CONFIG_PASSPHRASE")).toBe(true);
    expect(explicit.env.PULUMI_CONFIG_PASSPHRASE).toBe("");
    expect(existsSync(path.join(root, "s3", "passphrase"))).toBe(false);
  });

  it("a user backend without any passphrase is an error that names the options", () => {
    expect(() => resolveSettings({ stateDir: path.join(root, "s5"), cacheDir, backendUrl: "postgres://u:hunter2@db/state" })).toThrow(
      /backend postgres:\/\/u:\*\*\*\*@db\/state needs the passphrase.*options\.passphrase \(""/,
    );
    const s = resolveSettings({ stateDir: path.join(root, "s5"), cacheDir, backendUrl: "s3://bucket/state", passphraseFile: "/run/secrets/pp" });
    expect(s.env.PULUMI_CONFIG_PASSPHRASE_FILE).toBe("/run/secrets/pp");
    expect(s.env.PULUMI_CONFIG_PASSPHRASE).toBeUndefined();
  });
});

describe("one @pulumi/pulumi copy (#12942)", () => {
  it("holds for the installed packages", () => {
    expect(() => assertSinglePulumiSdk(["@pulumi/aws", "@pulumi/gcp", "@pulumi/azure", "@pulumi/random"])).not.toThrow();
  });

  it("names the package that brings its own copy", () => {
    const nm = path.join(root, "tree", "node_modules");
    const pkg = (dir: string, name: string) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", main: "index.js" }));
      writeFileSync(path.join(dir, "index.js"), "module.exports = {};\n");
    };
    pkg(path.join(nm, "@pulumi", "pulumi"), "@pulumi/pulumi");
    pkg(path.join(nm, "@pulumi", "dup"), "@pulumi/dup");
    pkg(path.join(nm, "@pulumi", "dup", "node_modules", "@pulumi", "pulumi"), "@pulumi/pulumi");
    pkg(path.join(nm, "@pulumi", "fine"), "@pulumi/fine");
    const from = pathToFileURL(path.join(root, "tree", "program.js")).href;
    expect(() => assertSinglePulumiSdk(["@pulumi/fine"], from)).not.toThrow();
    expect(() => assertSinglePulumiSdk(["@pulumi/fine", "@pulumi/dup"], from)).toThrow(/two copies of @pulumi\/pulumi: @pulumi\/dup uses/);
  });
});

describe("cloud provider plugins", () => {
  it("are the SDK versions of the cloud and random", () => {
    expect(providerPlugins("aws")).toEqual([
      { name: "aws", version: "7.48.0" },
      { name: "random", version: "4.21.2" },
    ]);
    expect(providerPlugins("azure").map((p) => p.name)).toEqual(["azure", "random"]);
  });

  it("are found in PULUMI_HOME/plugins or on PATH", () => {
    const home = path.join(root, "home");
    mkdirSync(path.join(home, "plugins", "resource-gcp-v9.37.0"), { recursive: true });
    const plugins = providerPlugins("gcp");
    expect(missingPlugins(plugins, home, "")).toEqual(["random v4.21.2"]);
    const bin = path.join(root, "plugin-bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, "pulumi-resource-random"), "#!/bin/sh\n", { mode: 0o755 });
    expect(missingPlugins(plugins, home, bin)).toEqual([]);
  });

  it("a cloud create without them fails at once, naming them and how to install them", async () => {
    const target = createStackTarget({ kind: "aws", engine: "postgres", cacheDir, stateDir: path.join(root, "aws-state"), region: "eu-west-1" });
    const req = { id: "dbtk_mwvt0000_plugin0001", target: "aws", owner: "o", createdAt: new Date().toISOString(), expiresAt: new Date().toISOString(), engine: "postgres" as const };
    await expect(target.create(req)).rejects.toThrow(/needs the Pulumi provider plugins aws v7\.48\.0, random v4\.21\.2.*plugin install resource/);
  });
});

describe("server URLs", () => {
  it("parses both engines and rejects a mismatch or an unknown scheme", () => {
    expect(serverAddress("postgresql://admin:p%40ss@db.internal/postgres", "postgres")).toEqual({
      engine: "postgres",
      host: "db.internal",
      port: 5432,
      user: "admin",
      password: "p@ss",
    });
    expect(serverAddress("mariadb://root:x@10.0.0.2:3307", "mysql")).toMatchObject({ engine: "mysql", port: 3307 });
    expect(() => serverAddress("mysql://root:x@h", "postgres")).toThrow(/mysql server but options\.engine is "postgres"/);
    expect(() => serverAddress("redis://h", "postgres")).toThrow(/scheme "redis"/);
    expect(() => serverAddress("not a url", "postgres")).toThrow(/options\.serverUrl is not a valid URL/);
  });

  it("MySQL logins stay within 32 characters; PostgreSQL roles are the database name", () => {
    const long = "dbtk_mwvs2klw_3dc2pb8q5l_and_more_characters";
    expect(roleName("postgres", long)).toBe(long);
    expect(roleName("mysql", "dbtk_mwvs2klw_3dc2pb8q5l")).toBe("dbtk_mwvs2klw_3dc2pb8q5l");
    expect(roleName("mysql", long)).toMatch(/^dbtk_[0-9a-f]{27}$/);
    expect(roleName("mysql", long)).not.toBe(roleName("mysql", `${long}x`));
  });
});
