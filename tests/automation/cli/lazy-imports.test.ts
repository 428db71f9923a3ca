// The CLI's start-up stays lazy (cli/main.ts): `dbtk --help` and a warm local `dbtk run` load no Pulumi, no
// MySQL driver, no zod/components, no YAML, no execa — each command imports its library when it runs.
// A loader hook (ESM resolutions and CommonJS requires) records every module the process loads.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it } from "vitest";
import { COMMANDS, programFor } from "../../../cli/entry.ts";
import { buildProgram } from "../../../cli/main.ts";
import { dbtk, REPO, sandbox } from "../helpers.ts";

const sb = sandbox("lazy");
const hook = path.join(sb.root, "hook.mjs");
const register = path.join(sb.root, "register.mjs");
writeFileSync(
  hook,
  `import { appendFileSync } from "node:fs";
export async function resolve(spec, context, next) {
  const r = await next(spec, context);
  appendFileSync(process.env.LAZY_LOG, r.url + "\\n");
  return r;
}
`,
);
writeFileSync(
  register,
  `import Module, { register } from "node:module";
import { appendFileSync } from "node:fs";
register(${JSON.stringify(pathToFileURL(hook).href)});
const load = Module._load;
Module._load = function (request, parent, isMain) {
  try { appendFileSync(process.env.LAZY_LOG, Module._resolveFilename(request, parent, isMain) + "\\n"); } catch {}
  return load.apply(this, arguments);
};
`,
);

/** Packages and library parts no start-up may load; `pg` only where a command needs no database. */
const HEAVY = /node_modules\/(@pulumi|mysql2|zod|yaml|execa|prom-client|@dbtk\/components)\/|dist\/(automation\/engine|migrations\/(adapters|lint|schema|check))\//;
const PG = /node_modules\/(pg|pg-[a-z]+)\//;

async function loaded(args: string[], env: NodeJS.ProcessEnv = {}, code = 0): Promise<string[]> {
  const log = path.join(sb.root, `loaded-${args[0]}.txt`);
  writeFileSync(log, "");
  const r = await dbtk(args, { ...sb.env, ...env, LAZY_LOG: log, NODE_OPTIONS: `--import=${pathToFileURL(register).href}` });
  expect(r.code, r.stderr).toBe(code);
  const modules = [...new Set(readFileSync(log, "utf8").split("\n").filter(Boolean))];
  // The hook saw the start-up (else the assertions below would pass vacuously).
  expect(modules.some((m) => m.includes("node_modules/commander/"))).toBe(true);
  return modules;
}

afterAll(() => sb.cleanup());

it("the entry's command table matches every command the CLI has: names, help terms, descriptions", async () => {
  const full = buildProgram();
  const help = full.createHelp();
  const real = Object.fromEntries(full.commands.map((c) => [c.name(), [help.subcommandTerm(c), c.description()]]));
  const table = Object.fromEntries(COMMANDS.flatMap((m) => Object.entries(m.commands)));
  // A command registered in cli/main.ts but missing from COMMANDS in cli/entry.ts is unreachable: add it there.
  expect(table).toEqual(real);
  // So the top-level help, made from the table alone, reads as the full program's.
  expect((await programFor(["node", "dbtk", "--help"])).helpInformation()).toBe(full.helpInformation());
});

it("dbtk --help loads no command module, no driver, no Pulumi, no zod, no YAML, no execa", async () => {
  const modules = await loaded(["--help"]);
  expect(modules.filter((m) => HEAVY.test(m) || PG.test(m))).toEqual([]);
  // The command list comes from cli/entry.ts's table: no command module is loaded at all.
  expect(modules.filter((m) => m.includes("/dist/cli/commands/"))).toEqual([]);
});

it("a warm local dbtk run loads the PostgreSQL driver only: no Pulumi, no mysql2, no zod, no YAML, no execa", async () => {
  const args = ["run", "--migrations", path.join(REPO, "examples/sample-app/migrations"), "--", "true"];
  // The first run starts the server and builds the template; the second is the warm one measured.
  expect((await dbtk(args, sb.env)).code).toBe(0);
  const modules = await loaded(args);
  expect(modules.some((m) => PG.test(m))).toBe(true);
  expect(modules.filter((m) => HEAVY.test(m))).toEqual([]);
});

it("dbtk migrate loads the runner and the PostgreSQL driver, none of the disposable-database code", async () => {
  // Nothing listens on port 1: the command gets as far as connecting, every module it needs loaded.
  const modules = await loaded(["migrate", "--migrations", path.join(REPO, "examples/sample-app/migrations")], { DATABASE_URL: "postgres://u:p@127.0.0.1:1/db" }, 1);
  expect(modules.some((m) => PG.test(m))).toBe(true);
  expect(modules.some((m) => m.includes("/dist/migrations/runner/pg-executor.js"))).toBe(true);
  expect(modules.filter((m) => HEAVY.test(m) || /\/dist\/automation\/(driver\/(provision|migrations|progress)|targets\/registry|templates)\b/.test(m))).toEqual([]);
});
