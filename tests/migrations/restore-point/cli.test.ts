// `dbtk migrate --restore-point` and `dbtk restore-point ls|create|restore|drop` from dist/ (run `npm run
// build` first) on a real embedded PostgreSQL: exit codes, JSON, progress on stderr, usage errors.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbtkCli, query, startServer, writeMigrations, type TestServer } from "../runner/helpers.ts";
import { state, V1, V2_FAILING } from "./helpers.ts";

describe("dbtk restore-point (CLI, PostgreSQL)", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer("postgres", "rp-cli");
  });
  afterAll(async () => {
    await srv?.stop();
  });
  const dir = (name: string, files: Record<string, string>) => writeMigrations(path.join(srv.root, "migrations", name), files);

  it("migrate --restore-point --restore-on-failure restores, reports it on stderr and in --json, exits 1", async () => {
    const t = await srv.database();
    expect((await dbtkCli(t, ["migrate", "--migrations", dir("a1", { "V1__init.sql": V1.postgres })])).code).toBe(0);
    const before = await state(t);
    const d = dir("a2", { "V1__init.sql": V1.postgres, "V2__index_then_fail.sql": V2_FAILING.postgres });
    const r = await dbtkCli(t, ["migrate", "--migrations", d, "--restore-point", "--restore-on-failure", "--keep", "2", "--json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; script: string }; restorePoint: { restorePoint: { id: string }; restored: { id: string; ms: number } } };
    expect(out).toMatchObject({ ok: false, error: { code: "MIGRATION_FAILED", script: "V2__index_then_fail.sql" } });
    expect(out.restorePoint.restored.id).toBe(out.restorePoint.restorePoint.id);
    expect(r.stderr).toMatch(/dbtk: taking restore point dbtk_rp_\w+ of t_\d+_\d+/);
    expect(r.stderr).toMatch(/dbtk: restored t_\d+_\d+ from dbtk_rp_\w+ in [\d.]+ m?s \(version 1\)/);
    expect(await state(t)).toEqual(before);
  });

  it("without --restore-on-failure the point is kept; ls --json, restore <id>, drop <id>", async () => {
    const t = await srv.database();
    const d = dir("b", { "V1__init.sql": V1.postgres });
    const first = await dbtkCli(t, ["migrate", "--migrations", d, "--restore-point"]);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/restore point dbtk_rp_\w+ taken in [\d.]+ m?s/);
    const before = await state(t);
    const failed = await dbtkCli(t, ["migrate", "--migrations", dir("b2", { "V1__init.sql": V1.postgres, "V2__f.sql": V2_FAILING.postgres }), "--restore-point"]);
    expect(failed.code).toBe(1);
    const kept = /restore it with `dbtk restore-point restore (dbtk_rp_\w+)`/.exec(failed.stderr)?.[1];
    expect(kept).toBeDefined();
    const ls = JSON.parse((await dbtkCli(t, ["restore-point", "ls", "--json"])).stdout) as { restorePoints: { id: string; versionBefore: string | null }[] };
    expect(ls.restorePoints.map((p) => [p.id === kept, p.versionBefore])).toEqual([
      [true, "1"],
      [false, null],
    ]);
    const human = await dbtkCli(t, ["restore-point", "ls"]);
    expect(human.stdout).toMatch(/^ID\s+Database\s+Taken\s+Version before\s+State\n/);
    const restored = await dbtkCli(t, ["restore-point", "restore", kept!]);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`^restored ${t.database} from ${kept} \\(taken .*, version 1\\) in [\\d.]+ m?s`));
    expect(await state(t)).toEqual(before);
    const older = ls.restorePoints[1]!.id;
    expect((await dbtkCli(t, ["restore-point", "drop", older])).stdout).toBe(`dropped restore point ${older} of ${t.database}\n`);
    expect((await dbtkCli(t, ["restore-point", "ls"])).stdout).toBe(`no restore points of ${t.database}\n`);
  });

  it("create --keep, and clear errors: unknown id, other sessions, flags without --restore-point", async () => {
    const t = await srv.database();
    await query(t, "CREATE TABLE items (id int)");
    for (let i = 0; i < 2; i++) expect((await dbtkCli(t, ["restore-point", "create", "--keep", "1"])).code).toBe(0);
    expect(JSON.parse((await dbtkCli(t, ["restore-point", "ls", "--json"])).stdout).restorePoints).toHaveLength(1);
    const unknown = await dbtkCli(t, ["restore-point", "restore", "dbtk_rp_gone"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('dbtk: no restore point "dbtk_rp_gone" on this server; list them with `dbtk restore-point ls`\n');
    const json = JSON.parse((await dbtkCli(t, ["restore-point", "drop", "dbtk_rp_gone", "--json"])).stdout) as { ok: boolean; error: { message: string } };
    expect(json).toMatchObject({ ok: false, error: { message: expect.stringContaining('"dbtk_rp_gone"') } });
    const stray = await dbtkCli(t, ["migrate", "--migrations", dir("c", {}), "--restore-on-failure"]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--restore-on-failure needs --restore-point/);
    expect((await dbtkCli(t, ["restore-point", "create", "--keep", "0"])).code).toBe(2);
    const help = await dbtkCli(t, ["migrate", "--help"]);
    expect(help.stdout).toMatch(/--restore-on-failure[\s\S]*LOST/);
    expect(help.stdout).toMatch(/--terminate-sessions/);
  });
});
