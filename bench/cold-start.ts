// Benchmark: cold start with no cache — local PostgreSQL initialised and started, 100 migrations into the
// template, the first database cloned — by phase, against baselines measured in the same run:
//   node -e 0, and the server binaries' own `initdb` (its defaults: sync on) + `pg_ctl start -w`.
//   npx tsx bench/cold-start.ts [--runs 5]
// Each cold start runs in a fresh child process (nothing loaded, empty servers and cache directories) on
// the compiled library (dist/: `npm run build` first);
// rounds are interleaved so a noisy neighbour slows every row alike; medians are reported. Goal (#13): ≤ 1.5 s.
import { execFile, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

/** 100 migrations: 25 tables, each created, indexed, altered and seeded in its own file (as ephemeral.ts). */
function hundredMigrations(dir: string): void {
  mkdirSync(dir, { recursive: true });
  let v = 1;
  for (let t = 0; t < 25; t++) {
    const ref = t > 0 ? `, parent_id BIGINT REFERENCES t${t - 1} (id)` : "";
    const files: Array<[string, string]> = [
      [`create_t${t}`, `CREATE TABLE t${t} (id BIGSERIAL PRIMARY KEY, name VARCHAR(80) NOT NULL${ref});\n`],
      [`index_t${t}`, `CREATE INDEX t${t}_name ON t${t} (name);\n`],
      [`alter_t${t}`, `ALTER TABLE t${t} ADD COLUMN note VARCHAR(200);\n`],
      [`seed_t${t}`, `INSERT INTO t${t} (name) VALUES ('a'), ('b'), ('c');\n`],
    ];
    for (const [name, sql] of files) writeFileSync(path.join(dir, `V${v++}__${name}.sql`), sql);
  }
}

type Phases = Record<string, number>;

/** One cold start in this (fresh) process: the phases in ms, printed as JSON on stdout. */
async function child(root: string, migrations: string): Promise<void> {
  const t0 = performance.now();
  // Library code reads no environment: the directories are passed in.
  const dirs = { serversDir: path.join(root, "servers"), cacheDir: path.join(root, "cache") };
  mkdirSync(dirs.serversDir, { mode: 0o755, recursive: true });
  // The compiled library (what the CLI runs; `npm run build` first), so no module is transpiled on the way.
  const dist = (p: string) => path.join(import.meta.dirname, "..", "dist", p);
  const { localPostgresTarget } = (await import(dist("automation/targets/local.js"))) as typeof import("../automation/targets/local.ts");
  const { newMeta } = (await import(dist("automation/targets/meta.js"))) as typeof import("../automation/targets/meta.ts");
  const { applyMigrations, preloadMigrations, resolveSource, sourceKey } = (await import(dist("automation/driver/migrations.js"))) as typeof import("../automation/driver/migrations.ts");
  const phases: Phases = { modules: performance.now() - t0 };
  const c0 = performance.now();
  const source = resolveSource({ migrations });
  // As `dbtk run` does: the runner's modules load while initdb runs.
  const target = await localPostgresTarget({ ...dirs, onServerPhase: (p) => (phases[p.phase] = p.ms), onServerInitStart: () => preloadMigrations(source, "postgres") });
  const started = performance.now();
  const tpl = target.templates!;
  const key = (await sourceKey(source, await tpl.version!())) as string;
  await tpl.ensure(key, async (conn) => {
    const m0 = performance.now();
    await applyMigrations(source, conn);
    phases["100 migrations"] = performance.now() - m0;
  });
  const migrated = performance.now();
  const first = await target.create({ ...newMeta({ target: "local", ttlMs: 600_000 }), engine: "postgres", template: key });
  const done = performance.now();
  phases["server other"] = started - c0 - (phases["server init"] ?? 0) - (phases["server start"] ?? 0);
  phases["template other"] = migrated - started - phases["100 migrations"]!;
  phases["first clone"] = done - migrated;
  phases.total = done - c0;
  await target.destroy(first.id);
  const { stopLocalPostgres } = (await import(dist("core/servers/index.js"))) as typeof import("../core/servers/index.ts");
  await stopLocalPostgres(path.join(dirs.serversDir, "postgres"));
  process.stdout.write(`${JSON.stringify(phases)}\n`);
}

/** The binaries' own initdb with its defaults, then pg_ctl start -w, timed; stopped afterwards. */
async function rawInitStart(root: string, flags: string[] = []): Promise<Phases> {
  const { postgresBinaries, pgProcessOptions } = await import("../core/servers/postgres.ts");
  const { serverUser, ownedDir } = await import("../core/servers/os-user.ts");
  const user = serverUser("postgres");
  ownedDir(root, user, 0o755);
  const { initdb, pg_ctl } = await postgresBinaries(root, user);
  const data = path.join(root, "data");
  const o = pgProcessOptions(user, root);
  const t0 = performance.now();
  await run(initdb, ["-D", data, "-U", "postgres", "-A", "trust", ...flags], o);
  const t1 = performance.now();
  const port = 20000 + (process.pid % 20000);
  await run(pg_ctl, ["start", "-D", data, "-w", "-l", path.join(data, "log"), "-o", `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`], o);
  const t2 = performance.now();
  await run(pg_ctl, ["stop", "-D", data, "-m", "immediate"], o);
  return { initdb: t1 - t0, start: t2 - t1, total: t2 - t0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const runs = arg("--runs", 5);
  const root = mkdtempSync(path.join(tmpdir(), "dbtk-bench-cold-"));
  chmodSync(root, 0o755);
  const migrations = path.join(root, "migrations");
  hundredMigrations(migrations);
  const rows = new Map<string, Phases[]>();
  const add = (name: string, p: Phases) => rows.set(name, [...(rows.get(name) ?? []), p]);
  // Each timed row starts with nothing left to write back: the raw initdb syncs its files (its default), and
  // without this the writeback of one row's files would be billed to the next.
  const settle = () => spawnSync("sync");
  for (let i = 0; i < runs; i++) {
    settle();
    const n0 = performance.now();
    spawnSync(process.execPath, ["-e", "0"]);
    add("node -e 0", { total: performance.now() - n0 });
    settle();
    add("raw initdb + pg_ctl start", await rawInitStart(path.join(root, `raw-${i}`)));
    settle();
    // dbtk's initdb flags before #13 (no sync, C locale; checksums on), for the effect of the new ones.
    add("raw initdb -N -E UTF8 --locale=C + pg_ctl start", await rawInitStart(path.join(root, `raw-n-${i}`), ["-N", "-E", "UTF8", "--locale=C"]));
    const dir = path.join(root, `cold-${i}`);
    settle();
    const w0 = performance.now();
    const r = await run(process.execPath, [...process.execArgv, import.meta.filename, "--child", dir, migrations], { maxBuffer: 1 << 24 });
    const phases = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Phases;
    add("dbtk cold start (in the child)", phases);
    add("child process, wall (tsx included)", { total: performance.now() - w0 });
    process.stderr.write(`  round ${i + 1}: cold ${phases.total!.toFixed(0)} ms (${Object.entries(phases).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")})\n`);
    rmSync(dir, { recursive: true, force: true });
  }
  const cold = median(rows.get("dbtk cold start (in the child)")!.map((p) => p.total!));
  for (const [name, ps] of rows) {
    const keys = Object.keys(ps[0]!);
    const parts = keys.map((k) => `${k} ${median(ps.map((p) => p[k] ?? 0)).toFixed(0)} ms`).join(", ");
    const total = median(ps.map((p) => p.total!));
    process.stdout.write(`${name}: ${parts}${name.startsWith("dbtk") ? "" : `  (cold start = ${(cold / total).toFixed(2)}x)`}\n`);
  }
  process.stdout.write(`cold start median ${cold.toFixed(0)} ms over ${runs} rounds (goal <= 1500 ms)\n`);
  rmSync(root, { recursive: true, force: true });
}

if (process.argv[2] === "--child") await child(process.argv[3]!, process.argv[4]!);
else await main();
