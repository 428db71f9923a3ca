import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { templateKey } from "../../../automation/templates/key.ts";

const dir = mkdtempSync(path.join(tmpdir(), "dbtk-key-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = { dir, tool: "builtin", engineVersion: "PostgreSQL 18.4" };

it("changes with a file's content, a file's name, a new file, the tool, the engine version and extras — and only then", async () => {
  writeFileSync(path.join(dir, "V1__a.sql"), "create table a (x int);\n");
  mkdirSync(path.join(dir, "sub"));
  writeFileSync(path.join(dir, "sub", "V2__b.sql"), "create table b (x int);\n");
  const k0 = await templateKey(base);
  expect(k0).toMatch(/^[0-9a-f]{64}$/);
  expect(await templateKey(base)).toBe(k0);
  // Noise that is not migrations does not count.
  mkdirSync(path.join(dir, "node_modules", "x"), { recursive: true });
  writeFileSync(path.join(dir, "node_modules", "x", "index.js"), "1");
  expect(await templateKey(base)).toBe(k0);

  const seen = new Set([k0]);
  const expectNew = async (k: string) => {
    expect(seen.has(k)).toBe(false);
    seen.add(k);
  };
  writeFileSync(path.join(dir, "V1__a.sql"), "create table a (x bigint);\n");
  await expectNew(await templateKey(base));
  renameSync(path.join(dir, "V1__a.sql"), path.join(dir, "V1__renamed.sql"));
  await expectNew(await templateKey(base));
  writeFileSync(path.join(dir, "V3__c.sql"), "select 1;\n");
  const k3 = await templateKey(base);
  await expectNew(k3);
  await expectNew(await templateKey({ ...base, tool: "flyway" }));
  await expectNew(await templateKey({ ...base, engineVersion: "PostgreSQL 17.6" }));
  await expectNew(await templateKey({ ...base, extra: '{"schema":"app"}' }));
  expect(await templateKey(base)).toBe(k3);
});
