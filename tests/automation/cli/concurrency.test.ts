// Concurrent runs (separate processes): distinct databases, one template build, nothing left over.
import { copyFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { dbtk, inUse, pgAdmin, pgLeftovers, REPO, sandbox } from "../helpers.ts";

const sb = sandbox("conc");
const sample = path.join(REPO, "examples/sample-app/migrations");
let admin: pg.Client;

beforeAll(async () => {
  // Start the server first, so the runs race on the template, not on initdb.
  expect((await dbtk(["run", "--", process.execPath, "-e", ""], sb.env)).code).toBe(0);
  admin = await pgAdmin(sb);
});

afterAll(async () => {
  await admin?.end();
  await sb.cleanup();
});

it("8 concurrent runs on a new template: one build, 8 distinct databases, zero leftovers", async () => {
  const dir = sb.dir("migrations");
  for (const f of readdirSync(sample)) copyFileSync(path.join(sample, f), path.join(dir, f));
  const code = `const pg = require(${JSON.stringify(path.join(REPO, "node_modules/pg"))});
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    c.connect().then(() => c.query("insert into users (email, name) values ('same@example.com', 'Same')")).then(() => c.end()).then(() => process.exit(0), () => process.exit(9));`;
  const runs = await Promise.all(Array.from({ length: 8 }, () => dbtk(["run", "--json", "--migrations", dir, "--", process.execPath, "-e", code], sb.env)));
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
  const summaries = runs.map((r) => JSON.parse(r.stdout) as { id: string; template: { built: boolean } });
  expect(new Set(summaries.map((s) => s.id)).size).toBe(8);
  expect(summaries.filter((s) => s.template.built)).toHaveLength(1);
  expect(runs.filter((r) => /built template/.test(r.stderr))).toHaveLength(1);
  const left = await pgLeftovers(admin);
  expect(inUse(left)).toEqual({ databases: [], logins: [] });
  expect(left.templates).toHaveLength(1);
  expect(left.pooled.length).toBeLessThanOrEqual(2);
});
