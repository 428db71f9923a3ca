// Killed (SIGKILL) while a restore point is being made and while one is being restored, on both engines:
// nothing is lost, and the next command sees a clear state (an incomplete point to drop; a restore to
// run again). Runs dist/ (run `npm run build` first); DBTK_PAUSE_AT holds the process at the step.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateWithRestorePoint, type GuardedFailure } from "../../../automation/restore-point/index.ts";
import { databaseUrl, type DbTarget } from "../../../core/connection.ts";
import { migrate } from "../../../migrations/index.ts";
import { dbtkCli, mariadbInstalled, requireMariadbInCi, startServer, writeMigrations, type TestServer } from "../runner/helpers.ts";
import { state, V1, V2_FAILING } from "./helpers.ts";

requireMariadbInCi();
const BIN = path.resolve(import.meta.dirname, "../../../bin/dbtk.mjs");

/** Runs dbtk until it says it paused at `step`, then kills it with SIGKILL. */
function killAt(t: DbTarget, args: string[], step: string): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl(t), DBTK_PAUSE_AT: `restore-point:${step}` } });
  let err = "";
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
      if (err.includes(`paused at ${step}`)) child.kill("SIGKILL");
    });
    child.on("exit", (_code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`dbtk exited without pausing at ${step}:\n${err}`))));
  });
}

const ls = async (t: DbTarget) => (JSON.parse((await dbtkCli(t, ["restore-point", "ls", "--json"])).stdout) as { restorePoints: { id: string; state: string }[] }).restorePoints;

for (const engine of ["postgres", "mysql"] as const) {
  describe.skipIf(engine === "mysql" && !mariadbInstalled)(`killed mid-way (${engine})`, () => {
    let srv: TestServer;
    beforeAll(async () => {
      srv = await startServer(engine, `rp-crash-${engine}`);
    });
    afterAll(async () => {
      await srv?.stop();
    });
    let n = 0;
    const dir = (files: Record<string, string>) => writeMigrations(path.join(srv.root, "migrations", String(++n)), files);

    it("while taking a restore point: the database is untouched, the leftover is listed as incomplete, refused, and dropped", async () => {
      const t = await srv.database();
      await migrate({ target: t, dir: dir({ "V1__init.sql": V1[engine] }) });
      const before = await state(t);
      await killAt(t, ["restore-point", "create"], "copying");
      expect(await state(t)).toEqual(before);
      const [left] = await ls(t);
      expect(left).toMatchObject({ state: "incomplete" });
      const refused = await dbtkCli(t, ["restore-point", "restore", left!.id]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`incomplete: its copy was interrupted; drop it with \`dbtk restore-point drop ${left!.id}\``);
      expect((await dbtkCli(t, ["restore-point", "drop", left!.id])).code).toBe(0);
      expect(await ls(t)).toEqual([]);
    });

    it("while restoring: the next restore of the same point finishes the job", async () => {
      const t = await srv.database();
      await migrate({ target: t, dir: dir({ "V1__init.sql": V1[engine] }) });
      const before = await state(t);
      const failing = dir({ "V1__init.sql": V1[engine], "V2__fail.sql": V2_FAILING[engine] });
      const err = (await migrateWithRestorePoint({ target: t, dir: failing }).catch((e: unknown) => e)) as GuardedFailure;
      const id = err.restorePointOutcome.restorePoint!.id;
      await killAt(t, ["restore-point", "restore", id], "swapping");
      // PostgreSQL rolled the swap back; MariaDB moved the tables and says what is left.
      expect((await ls(t)).map((p) => p.state).sort()).toEqual(engine === "postgres" ? ["ready"] : ["aside", "ready"]);
      const again = await dbtkCli(t, ["restore-point", "restore", id]);
      expect(again.code).toBe(0);
      expect(await state(t)).toEqual(before);
      expect(await ls(t)).toEqual([]);
    });
  });
}
