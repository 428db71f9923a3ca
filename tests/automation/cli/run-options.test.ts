// `dbtk run` options from issue #11: --timeout, the ecosystems' variables (--env), privileges on request.
import { readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbtk, inUse, pgAdmin, pgLeftovers, REPO, running, sandbox } from "../helpers.ts";

const sb = sandbox("run-options");
const sample = path.join(REPO, "examples/sample-app/migrations");
let admin: pg.Client;

const nodeCmd = (code: string) => ["--", process.execPath, "-e", code];

beforeAll(async () => {
  const r = await dbtk(["run", "--migrations", sample, ...nodeCmd("")], sb.env);
  expect(r.code).toBe(0);
  admin = await pgAdmin(sb);
});

afterAll(async () => {
  await admin?.end();
  await sb.cleanup();
});

async function nothingInUse(): Promise<void> {
  expect(inUse(await pgLeftovers(admin))).toEqual({ databases: [], logins: [] });
}

describe("--timeout", () => {
  it("SIGTERMs the command's group, SIGKILLs what ignores it, tears down, exits 124", async () => {
    const pidFile = path.join(sb.dir("timeout"), "pid");
    // The command ignores SIGTERM and leaves a grandchild that ignores it too: only SIGKILL ends them.
    const code = `process.on("SIGTERM", () => {});
      const g = require("child_process").spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });
      require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      setInterval(() => {}, 1000);`;
    const t0 = Date.now();
    const r = await dbtk(["run", "--timeout", "1s", "--migrations", sample, ...nodeCmd(code)], sb.env);
    expect(r.code).toBe(124);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.stderr).toMatch(/dbtk: timeout after 1(\.0)? s: SIGTERM to the command's process group \(SIGKILL in 3(\.0)? s\), then tearing down/);
    expect(r.stderr).toMatch(/dbtk: test exit 124 in/);
    expect(r.stderr).toMatch(/dbtk: teardown \d+ ms/);
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(running(pid)).toBe(false);
    await nothingInUse();
  });

  it("a command that ends in time keeps its own exit code; a bad duration is refused", async () => {
    const r = await dbtk(["run", "--timeout", "1m", "--migrations", sample, ...nodeCmd("process.exit(3)")], sb.env);
    expect(r.code).toBe(3);
    const bad = await dbtk(["run", "--timeout", "soon", "--migrations", sample, ...nodeCmd("")], sb.env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--timeout: "soon" is not a duration/);
  });
});
