// The cross-process lock that serialises local-server start-up: many processes, never two inside at once.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

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
});
