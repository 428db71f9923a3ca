// runWithDatabase as a library: interrupted through its AbortSignal (it installs no signal handlers of
// its own), and the command's environment is exactly what the caller gives plus the connection.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { Secrets } from "../../../core/connection.ts";
import { Interrupted } from "../../../core/errors.ts";
import { runWithDatabase } from "../../../automation/driver/run.ts";
import type { CreateRequest, EphemeralDatabase, Target } from "../../../automation/targets/types.ts";

const dir = mkdtempSync(path.join(tmpdir(), "dbtk-run-lib-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A target that makes nothing real and remembers what it was asked to do. */
function fakeTarget(): Target & { created: string[]; destroyed: string[] } {
  const created: string[] = [];
  const destroyed: string[] = [];
  return {
    name: "fake",
    engine: "postgres",
    created,
    destroyed,
    async create(req: CreateRequest): Promise<EphemeralDatabase> {
      created.push(req.id);
      return { ...req, connection: { engine: "postgres", host: "127.0.0.1", port: 5432, user: req.id, password: "fake-password-1", database: req.id } };
    },
    async destroy(id) {
      destroyed.push(id);
    },
    list: async () => [],
    close: async () => undefined,
  };
}

function progress(): { lines: string[]; progress: { line(t: string): void; secrets: Secrets } } {
  const lines: string[] = [];
  return { lines, progress: { line: (t) => void lines.push(t), secrets: new Secrets() } };
}

const node = (code: string) => [process.execPath, "-e", code];

describe("runWithDatabase", () => {
  it("aborting its signal forwards the reason's signal to the command, tears down, exits 128 + n; no process handlers", async () => {
    const target = fakeTarget();
    const { lines, progress: p } = progress();
    const marker = path.join(dir, "got-sigint");
    const ready = path.join(dir, "ready");
    const interrupt = new AbortController();
    const before = { int: process.listenerCount("SIGINT"), term: process.listenerCount("SIGTERM") };
    const ids: string[] = [];
    const running = runWithDatabase({
      target,
      source: { kind: "none" },
      command: node(
        `const fs = require("fs"); process.on("SIGINT", () => { fs.writeFileSync(${JSON.stringify(marker)}, "yes"); process.exit(0); });` +
          ` fs.writeFileSync(${JSON.stringify(ready)}, ""); setInterval(() => {}, 1000);`,
      ),
      ttlMs: 60_000,
      progress: p,
      env: { PATH: process.env.PATH },
      signal: interrupt.signal,
      onId: (id) => ids.push(id),
    });
    for (let i = 0; i < 400 && !existsSync(ready); i++) await sleep(25);
    expect({ int: process.listenerCount("SIGINT"), term: process.listenerCount("SIGTERM") }).toEqual(before);
    interrupt.abort(new Interrupted("SIGINT"));
    const summary = await running;
    expect(readFileSync(marker, "utf8")).toBe("yes");
    expect(summary).toMatchObject({ exitCode: 130, signal: "SIGINT", tornDown: true });
    expect(target.destroyed).toEqual(target.created);
    expect(ids).toEqual(target.created);
    expect(lines).toContain("SIGINT: forwarding to the command, then tearing down");
  });

  it("an already aborted signal creates nothing and runs no command (SIGTERM for a plain abort)", async () => {
    const target = fakeTarget();
    const { lines, progress: p } = progress();
    const interrupt = new AbortController();
    interrupt.abort();
    const summary = await runWithDatabase({
      target,
      source: { kind: "none" },
      command: node("require('fs').writeFileSync('/nonexistent/should-not-run', '')"),
      ttlMs: 60_000,
      progress: p,
      env: {},
      signal: interrupt.signal,
    });
    expect(summary).toMatchObject({ exitCode: 143, signal: "SIGTERM" });
    expect(summary.timings.command).toBeUndefined();
    expect(target.created).toEqual([]);
    expect(lines[0]).toBe("interrupted: stopping, then tearing down");
  });

  it("gives the command the caller's environment plus the connection, nothing inherited", async () => {
    const target = fakeTarget();
    const out = path.join(dir, "env.json");
    process.env.DBTK_RUN_TEST_LEAK = "leaked";
    try {
      const summary = await runWithDatabase({
        target,
        source: { kind: "none" },
        command: node(`require("fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env))`),
        ttlMs: 60_000,
        progress: progress().progress,
        env: { GIVEN: "yes" },
      });
      expect(summary.exitCode).toBe(0);
    } finally {
      delete process.env.DBTK_RUN_TEST_LEAK;
    }
    const env = JSON.parse(readFileSync(out, "utf8")) as Record<string, string>;
    expect(env.GIVEN).toBe("yes");
    expect(env.PGPASSWORD).toBe("fake-password-1");
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(env.DBTK_RUN_TEST_LEAK).toBeUndefined();
  });
});
