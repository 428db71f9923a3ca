// Signals as users send them: to dbtk itself, and to the launcher of `npx dbtk run …` (npm exec → sh →
// node), which never forwards them to dbtk. Either way the command's whole process tree (here sh → sh →
// sleep, like npm test → sh → mocha) is gone and the database torn down within 5 s.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, inUse, pgAdmin, pgLeftovers, sandbox, sleep, startDbtk, type Sandbox } from "../helpers.ts";

let sb: Sandbox;
const MIGRATIONS = path.join(REPO, "examples", "sample-app", "migrations");

beforeAll(async () => {
  sb = sandbox("signals");
  // Warm: server started and template built, so each case times only its own run.
  const warm = startDbtk(["run", "--migrations", MIGRATIONS, "--", "true"], sb.env);
  expect((await warm.done).code).toBe(0);
}, 300_000);

afterAll(async () => {
  await sb?.cleanup();
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A command whose grandchild (`sleep`) writes its pid, then everything waits. */
function treeCommand(pidFile: string): string[] {
  return ["sh", "-c", `sh -c 'sleep 120 & echo $! > ${pidFile}; wait' ; echo done`];
}

async function waitForFile(file: string, ms = 30_000): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (existsSync(file)) {
      const pid = Number(readFileSync(file, "utf8").trim());
      if (pid > 0) return pid;
    }
    await sleep(50);
  }
  throw new Error(`${file} never appeared`);
}

async function nothingLeft(grandchild: number, withinMs: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const c = await pgAdmin(sb);
    const left = inUse(await pgLeftovers(c));
    await c.end();
    const clean = !alive(grandchild) && left.databases.length === 0 && left.logins.length === 0;
    if (clean) return;
    if (Date.now() - t0 > withinMs) {
      throw new Error(`after ${withinMs} ms: sleep ${alive(grandchild) ? "alive" : "gone"}, left ${JSON.stringify(left)}`);
    }
    await sleep(100);
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));
}

describe("signals to dbtk", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("%s to dbtk stops the command's whole group, tears down, exits %i", async (sig, code) => {
    const pidFile = path.join(sb.dir(`direct-${sig}`), "sleep.pid");
    const run = startDbtk(["run", "--migrations", MIGRATIONS, "--", ...treeCommand(pidFile)], sb.env);
    const grandchild = await waitForFile(pidFile);
    const t0 = Date.now();
    run.child.kill(sig);
    const result = await run.done;
    expect(result.code).toBe(code);
    await nothingLeft(grandchild, 5000 - (Date.now() - t0));
  });

  it("the command's leftovers in its group are killed when it exits, before teardown", async () => {
    const pidFile = path.join(sb.dir("leftover"), "sleep.pid");
    const run = startDbtk(["run", "--migrations", MIGRATIONS, "--", "sh", "-c", `sleep 120 & echo $! > ${pidFile}`], sb.env);
    expect((await run.done).code).toBe(0);
    await nothingLeft(await waitForFile(pidFile), 2000);
  });
});

describe("signals to the npx launcher (npm exec → sh → dbtk)", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("%s to npx: the command's tree is gone and the database torn down within 5 s", async (sig) => {
    const pidFile = path.join(sb.dir(`npx-${sig}`), "sleep.pid");
    // As a user types it at the repository root; npx runs in its own group so only it gets the signal.
    const npx = spawn("npx", ["dbtk", "run", "--migrations", MIGRATIONS, "--", ...treeCommand(pidFile)], {
      cwd: REPO,
      env: sb.env,
      detached: true,
      stdio: "ignore",
    });
    try {
      const grandchild = await waitForFile(pidFile);
      const t0 = Date.now();
      npx.kill(sig);
      await nothingLeft(grandchild, 5000 - (Date.now() - t0));
      // dbtk itself is gone too, not just its work: no process has the pid file in its command line.
      await sleep(500);
      expect(await exited(spawn("pgrep", ["-f", pidFile]))).toBe(1);
    } finally {
      try {
        process.kill(-npx.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
});
