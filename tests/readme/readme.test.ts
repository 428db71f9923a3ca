// The TypeScript snippets in README.md and components/README.md are programs a user pastes: each is
// written out beside the repository's node_modules, type-checked with tsc, and evaluated under Pulumi mocks.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { installMocks, plain, registered } from "../components/support/harness.ts";
import { runProgram } from "../components/support/program.ts";

installMocks();
const repo = path.resolve(import.meta.dirname, "../..");
const work = path.join(import.meta.dirname, ".snippets");
const run = promisify(execFile);

/** The ```ts blocks of a markdown file that import the components. */
function snippets(file: string): string[] {
  const text = readFileSync(path.join(repo, file), "utf8");
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => code.includes('from "@dbtk/components'));
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(["README.md", "components/README.md"])("%s", (file) => {
  const blocks = snippets(file);

  it("has a components snippet", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((code, i) => [i, code] as const))("snippet %i type-checks and renders an RDS instance in its network", async (i, code) => {
    const dir = path.join(work, file.replace(/\W/g, "_"));
    mkdirSync(dir, { recursive: true });
    const entry = path.join(dir, `snippet-${i}.ts`);
    writeFileSync(entry, code);
    const tsconfig = path.join(dir, `tsconfig-${i}.json`);
    const base = path.join(repo, "tsconfig.base.json");
    writeFileSync(tsconfig, JSON.stringify({ extends: base, compilerOptions: { noEmit: true, skipLibCheck: false }, files: [entry] }));
    await run("npx", ["tsc", "-p", tsconfig], { cwd: repo }).catch((e: { stdout: string }) => {
      throw new Error(`${file} snippet ${i} does not compile:\n${e.stdout}`);
    });

    const before = registered.length;
    const mod = await runProgram<Record<string, unknown>>(pathToFileURL(entry), { "aws:region": "us-east-1" });
    expect(Object.keys(mod)).toEqual(expect.arrayContaining(["endpoint", "connection"]));
    const instances = registered.slice(before).filter((r) => r.type === "aws:rds/instance:Instance" && !r.inputs["replicateSourceDb"]);
    expect(instances).toHaveLength(1);
    const subnetGroup = registered.slice(before).find((r) => r.type === "aws:rds/subnetGroup:SubnetGroup");
    const ids = [...code.matchAll(/"(subnet-[0-9a-f]{17})"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(1);
    expect(plain(subnetGroup?.inputs["subnetIds"])).toEqual(ids);
  });
});
