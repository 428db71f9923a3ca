// DatabaseAccess as a user's stack loads it: compiled CommonJS from node_modules/@dbtk/components. There
// Pulumi's closure serializer would turn a captured module into `require("@dbtk/components/dist/…")`,
// which the package's `exports` refuses inside the plugin; the planner must travel by value instead.
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Access from "../../../components/access/index.ts";
import { startLocalPostgres, type ServerHandle } from "../../../core/servers/index.ts";
import { pulumiInstalled, tempRoot } from "../../automation/engine/helpers.ts";
import { testStack } from "./engine.ts";
import { rolesOf, withPg } from "./helpers.ts";

const ready = pulumiInstalled();
const REPO = path.resolve(import.meta.dirname, "../../..");
const DIST = path.join(REPO, "components", "dist", "access", "index.js");

describe.skipIf(!ready)("DatabaseAccess installed from node_modules (compiled CommonJS)", () => {
  let root: string;
  let server: ServerHandle;
  let access: typeof Access;

  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build first (the test command does)`);
    root = tempRoot("dbtk-access-installed-");
    // A user's project: the package copied (not linked) under node_modules, its peers beside it.
    const modules = path.join(root, "project", "node_modules");
    const pkg = path.join(modules, "@dbtk", "components");
    mkdirSync(pkg, { recursive: true });
    cpSync(path.join(REPO, "components", "package.json"), path.join(pkg, "package.json"));
    cpSync(path.join(REPO, "components", "dist"), path.join(pkg, "dist"), { recursive: true, filter: (f) => !f.includes(`${path.sep}src`) });
    for (const dep of ["@pulumi", "pg", "zod"]) symlinkSync(path.join(REPO, "node_modules", dep), path.join(modules, dep), "dir");
    access = createRequire(path.join(root, "project", "index.js"))("@dbtk/components/access") as typeof Access;
    server = await startLocalPostgres({ rootDir: path.join(root, "pg") });
    await withPg(server, "postgres", (c) => c.query("create database inst"));
  });

  afterAll(async () => {
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("creates and destroys the access set, the planner serialized by value", { timeout: 300_000 }, async () => {
    const stack = await testStack(path.join(root, "state"), "installed");
    const connection = { host: server.host, port: server.port, user: server.user, password: server.password, database: "inst", engine: "postgres" as const };
    await stack.up(async () => {
      const a = new access.DatabaseAccess("inst", { connection: pulumi.secret(connection), logins: [{ name: "inst_api", role: "app", password: "Inst-pw-1" }] });
      return { roles: a.roles };
    });
    const state = stack.stateText();
    const provider = String(
      (JSON.parse(state) as { checkpoint: { latest: { resources: { inputs?: Record<string, unknown> }[] } } }).checkpoint.latest.resources.find((r) => r.inputs?.__provider)
        ?.inputs?.__provider,
    );
    expect(provider).toContain("postgresApplyStatements");
    expect(provider).not.toMatch(/require\(["']@dbtk\/components/);
    expect(await withPg(server, "inst", (c) => rolesOf(c, ["inst_app", "inst_api"]))).toEqual({
      inst_app: { login: false, memberOf: [] },
      inst_api: { login: true, memberOf: ["inst_app"] },
    });
    await stack.destroy();
    expect(await withPg(server, "inst", (c) => rolesOf(c, ["inst_app", "inst_api"]))).toEqual({});
  });
});
