// The run's command behind its start gate (automation/driver/child.ts): it starts only once the run has
// had its say (told its guardian the group); a run killed before that leaves no command running. Spawn
// errors keep their exit codes.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { runChild } from "../../../automation/driver/child.ts";

const dir = mkdtempSync(path.join(tmpdir(), "dbtk-child-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the command's start gate", () => {
  it("a run SIGKILLed right after the spawn (before the gate opens): the command never starts, its group is empty", async () => {
    for (let i = 0; i < 3; i++) {
      const marker = path.join(dir, `started-${i}`);
      const pidFile = path.join(dir, `pid-${i}`);
      const p = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "fixtures/die-at-spawn.ts"), marker, pidFile], { stdio: "inherit" });
      const [, sig] = (await new Promise((resolve) => p.once("exit", (...a) => resolve(a)))) as [number | null, string | null];
      expect(sig).toBe("SIGKILL");
      const pid = Number(readFileSync(pidFile, "utf8"));
      for (let t = 0; t < 100 && alive(pid); t++) await sleep(20);
      expect(alive(pid)).toBe(false);
      await sleep(200);
      expect(existsSync(marker)).toBe(false);
    }
  });

  it("runs the command as the group's leader (same pid: signals reach it) with its arguments and exit code", async () => {
    const out = path.join(dir, "out");
    let pid = 0;
    const code = await runChild(["sh", "-c", `echo "$$ $1" > ${out}; exit 7`, "sh", "two words"], process.env, false, (c) => (pid = c.pid ?? 0));
    expect(code).toBe(7);
    expect(readFileSync(out, "utf8").trim()).toBe(`${pid} two words`);
  });

  it("a command not found exits 127, one not executable 126, naming it", async () => {
    await expect(runChild(["no-such-command-xyz"], process.env, false, () => undefined)).rejects.toMatchObject({ exitCode: 127, message: expect.stringContaining("command not found: no-such-command-xyz") });
    const script = path.join(dir, "not-executable.sh");
    writeFileSync(script, "#!/bin/sh\nexit 0\n");
    chmodSync(script, 0o644);
    await expect(runChild([script], process.env, false, () => undefined)).rejects.toMatchObject({ exitCode: 126, message: expect.stringContaining("permission denied") });
    await expect(runChild(["not-executable.sh"], { ...process.env, PATH: dir }, false, () => undefined)).rejects.toMatchObject({ exitCode: 126 });
  });
});
