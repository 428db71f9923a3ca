// A server's forks carry its argv until they retitle, and short-lived ones (the startup process, a backend
// refused at once) are gone a moment later. Counting one as a second server made a start stop the live
// postmaster and cut every session of every concurrent run (seen in CI: ECONNRESET mid-suite).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { processesOnDataDir } from "../../../core/servers/procs.ts";

const dir = mkdtempSync(path.join(tmpdir(), "dbtk-forks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("a server that forks short-lived children with its own argv is found once, scan after scan", async () => {
  // argv[0] "postgres", `-D <dir>`: a stand-in postmaster whose subshells keep that argv and exit at once.
  const server = spawn("bash", ["-c", `exec -a postgres bash -c 'while :; do ( : ; : ); done' -D ${dir}`], { stdio: "ignore" });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const counts = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const n = processesOnDataDir(dir, { program: /^postgres$/ }).length;
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ 1: 2000 });
  } finally {
    server.kill("SIGKILL");
  }
}, 120_000);
