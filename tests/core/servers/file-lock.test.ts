// The cross-process lock that serialises local-server start-up: many processes, never two inside at once.
import { execFile } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { identify } from "../../../core/process.ts";

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), "dbtk-lock-"));
const REPO = path.resolve(import.meta.dirname, "../../..");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("withFileLock", () => {
  it("admits one process at a time, even when waiters find the lock file before its pid is written", async () => {
    const log = path.join(dir, "log");
    const script = path.join(dir, "worker.mts");
    writeFileSync(log, "");
    writeFileSync(
      script,
      `import { appendFileSync } from "node:fs";
       import { setTimeout as sleep } from "node:timers/promises";
       import { withFileLock } from ${JSON.stringify(path.join(REPO, "core/servers/file-lock.ts"))};
       for (let i = 0; i < 5; i++) {
         await withFileLock(${JSON.stringify(path.join(dir, ".lock"))}, async () => {
           appendFileSync(${JSON.stringify(log)}, "in\\n");
           await sleep(5);
           appendFileSync(${JSON.stringify(log)}, "out\\n");
         });
       }`,
    );
    const tsx = path.join(REPO, "node_modules/.bin/tsx");
    await Promise.all(Array.from({ length: 8 }, () => run(tsx, [script], { cwd: REPO })));
    const lines = readFileSync(log, "utf8").trim().split("\n");
    expect(lines).toHaveLength(80);
    // Strictly alternating: nobody entered while another was inside.
    lines.forEach((l, i) => expect(l).toBe(i % 2 === 0 ? "in" : "out"));
  });

  it("takes over a lock whose holder died", async () => {
    const lock = path.join(dir, ".dead");
    writeFileSync(lock, "999999999");
    const { withFileLock } = await import("../../../core/servers/file-lock.ts");
    await expect(withFileLock(lock, async () => "got it", 2_000)).resolves.toBe("got it");
  });

  it("stores the holder's pid and start time", async () => {
    const lock = path.join(dir, ".content");
    const { withFileLock } = await import("../../../core/servers/file-lock.ts");
    const seen = await withFileLock(lock, async () => JSON.parse(readFileSync(lock, "utf8")) as Record<string, unknown>);
    expect(seen).toMatchObject({ pid: process.pid, start: identify().start });
    expect(Date.parse(String(seen.since))).toBeGreaterThan(Date.now() - 60_000);
  });

  it("takes over at once a lock naming a live pid with another start time (pid reuse, e.g. a restored cache)", async () => {
    const lock = path.join(dir, ".reused");
    writeFileSync(lock, JSON.stringify({ ...identify(1), start: (identify(1).start ?? 0) + 12345, since: "2020-01-01T00:00:00.000Z" }));
    const { withFileLock } = await import("../../../core/servers/file-lock.ts");
    const t0 = Date.now();
    await expect(withFileLock(lock, async () => "got it", 60_000)).resolves.toBe("got it");
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it("takes over an old-format lock (a bare pid) whose pid started after the lock was written", async () => {
    const lock = path.join(dir, ".legacy");
    writeFileSync(lock, "1");
    utimesSync(lock, new Date(0), new Date(0));
    const { withFileLock } = await import("../../../core/servers/file-lock.ts");
    const t0 = Date.now();
    await expect(withFileLock(lock, async () => "got it", 60_000)).resolves.toBe("got it");
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it("waits for a live holder, then names the lock file, the holder and the fix", async () => {
    const lock = path.join(dir, ".held");
    const holder = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 50));
      writeFileSync(lock, JSON.stringify({ ...identify(holder.pid!), since: new Date(Date.now() - 90_000).toISOString() }));
      const { withFileLock } = await import("../../../core/servers/file-lock.ts");
      let waited: unknown;
      const err = await withFileLock(lock, async () => "got it", { timeoutMs: 300, onWait: (h) => (waited = h) }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      const msg = (err as Error).message;
      expect(msg).toContain(lock);
      expect(msg).toContain(`pid ${holder.pid} (sleep 30)`);
      expect(msg).toMatch(/since \d{4}-\d\d-\d\dT.*\(\d+ s ago\)/);
      expect(msg).toContain(`kill ${holder.pid}`);
      expect(waited).toMatchObject({ pid: holder.pid });
      expect(readFileSync(lock, "utf8")).toContain(`"pid":${holder.pid}`);
    } finally {
      holder.kill();
    }
  });
});
