// What a target holds and the reset: `dbtk ls --all` (templates and pooled clones with state, size, age)
// and `dbtk purge` (asks on a terminal, refuses without one unless --yes; removes everything dbtk made).
import { spawn } from "node:child_process";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BIN, dbtk, inUse, pgAdmin, pgLeftovers, REPO, sandbox, until } from "../helpers.ts";

const sb = sandbox("inv");
const sample = path.join(REPO, "examples/sample-app/migrations");
let admin: pg.Client;
let upId: string;

beforeAll(async () => {
  const r = await dbtk(["run", "--pool", "2", "--migrations", sample, "--", "true"], sb.env);
  expect(r.code, r.stderr).toBe(0);
  const up = await dbtk(["up", "--json", "--ttl", "1h", "--owner", "inv", "--migrations", sample], sb.env);
  upId = (JSON.parse(up.stdout) as { id: string }).id;
  admin = await pgAdmin(sb);
  // The run's guardian refills the pool after the run has exited: the tests compare listings, so let it finish.
  let last = "";
  await until(
    async () => {
      const l = await pgLeftovers(admin);
      last = JSON.stringify({ pooled: l.pooled, filling: l.filling });
      return l.filling.length === 0 && l.pooled.length === 2;
    },
    30_000,
    () => `the pool never settled at 2: ${last}`,
  );
});

afterAll(async () => {
  await admin?.end();
  await sb.cleanup();
});

it("ls hides pooled clones behind a count; ls --all shows them and the templates with state, size and age", async () => {
  const pooled = (await pgLeftovers(admin)).pooled;
  expect(pooled.length).toBeGreaterThan(0);
  const plain = await dbtk(["ls"], sb.env);
  expect(plain.stdout).toMatch(new RegExp(`^${upId}\\s+ready\\s+inv\\s+\\d+s\\s+`, "m"));
  expect(plain.stdout).not.toContain(pooled[0]);
  expect(plain.stdout).toContain(`(+${pooled.length} pooled clone`);

  const all = await dbtk(["ls", "--all"], sb.env);
  expect(all.code, all.stderr).toBe(0);
  for (const id of pooled) expect(all.stdout).toMatch(new RegExp(`^${id}\\s+[0-9a-f]{16}\\s+\\d+s\\s+\\S+\\s+\\d+\\.\\d MB$`, "m"));
  expect(all.stdout).toMatch(/^TEMPLATES\nNAME\s+STATE\s+SIZE\s+AGE\s+USED\ndbtk_tpl_[0-9a-f]{16}\s+ready\s+\d+\.\d MB\s+\d+s\s+\d+s ago$/m);
  expect(all.stdout).toMatch(new RegExp(`^${upId}\\s+ready\\s+inv\\s+\\d+s\\s+\\S+\\s+\\d+\\.\\d MB$`, "m"));

  const json = JSON.parse((await dbtk(["ls", "--all", "--json"], sb.env)).stdout);
  expect(json.databases.map((d: { id: string }) => d.id)).toEqual([upId]);
  expect(json.databases[0].sizeBytes).toBeGreaterThan(0);
  expect(json.pool.map((d: { id: string }) => d.id).sort()).toEqual([...pooled].sort());
  expect(json.templates).toEqual([expect.objectContaining({ state: "ready", sizeBytes: expect.any(Number) })]);
});

it("purge without a terminal and without --yes refuses with exit 2, naming --yes; nothing is touched", async () => {
  const before = await pgLeftovers(admin);
  const r = await dbtk(["purge"], sb.env);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("--yes");
  expect(await pgLeftovers(admin)).toEqual(before);
});

it("purge on a terminal asks first; anything but yes removes nothing", async () => {
  const before = await pgLeftovers(admin);
  // script(1) gives dbtk a terminal; "n" answers the question.
  const child = spawn("script", ["-qec", `${process.execPath} ${BIN} purge`, "/dev/null"], { cwd: REPO, env: sb.env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.includes("[y/N]")) child.stdin.write("n\n");
  });
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  expect(out).toMatch(/remove 1 database, \d+ pooled clones?, 1 template .* on local\? \[y\/N\]/);
  expect(out).toContain("purge: nothing removed");
  expect(code).toBe(1);
  expect(await pgLeftovers(admin)).toEqual(before);
});

it("purge --dry-run --json lists; purge --yes --json removes every database, pooled clone, orphan login and template", async () => {
  // An orphan login too: a role named like a database, with no database.
  const orphan = "dbtk_mx000000_orphan0000";
  await admin.query(`CREATE ROLE ${orphan} LOGIN`);
  const dry = JSON.parse((await dbtk(["purge", "--dry-run", "--json"], sb.env)).stdout);
  const listed = dry.databases.map((d: { id: string }) => d.id);
  expect(listed).toContain(upId);
  expect(listed).toContain(orphan);
  expect(dry.templates).toHaveLength(1);
  expect((await pgLeftovers(admin)).logins).toContain(orphan);

  const r = await dbtk(["purge", "--yes", "--json"], sb.env);
  expect(r.code, r.stderr).toBe(0);
  const result = JSON.parse(r.stdout);
  expect(result.failed).toEqual([]);
  expect(result.databases.map((d: { id: string }) => d.id).sort()).toEqual([...listed].sort());
  const left = await pgLeftovers(admin);
  expect(left).toEqual({ databases: [], logins: [], templates: [], templateLogins: [], pooled: [], filling: [] });
  expect(inUse(left)).toEqual({ databases: [], logins: [] });
  // And the target still works afterwards.
  expect((await dbtk(["run", "--migrations", sample, "--", "true"], sb.env)).code).toBe(0);
});
