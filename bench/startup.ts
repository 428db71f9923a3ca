// Benchmark: whole-process start-up of the CLI against `node -e 0`, measured in the same run.
//   npx tsx bench/startup.ts [--runs 7]
// Rows: `dbtk --help`, and a warm `dbtk run --migrations examples/sample-app/migrations -- true` (server up,
// template cached), each from the compiled package (bin/dbtk.mjs → dist/) and, for comparison, from the
// TypeScript sources through tsx (how the CLI ran before it was compiled). Prints medians (wall and CPU)
// and ratios. Goals (#13): help ≤ 1.5×, warm run ≤ 3× node -e 0.
// A compiled warm run leaves the pool refill to its guardian, which outlives it: before the next sample the
// script waits for the guardian's log line (DBTK_GUARDIAN_LOG), so no row pays for another's refill, and
// prints how long those refills took off the exit path.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "..");
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 7;
const bin = path.join(repo, "bin", "dbtk.mjs");
const fromSource = ["--import", "tsx", "-e", "const { main } = await import('./cli/main.ts'); process.exitCode = await main(process.argv.slice(0, 1).concat(process.argv.slice(1)));"];
const runArgs = ["run", "--migrations", "examples/sample-app/migrations", "--", "true"];

// CPU time (user + sys, from /usr/bin/time) next to wall time: on a machine shared with other work the wall
// clock mostly measures the neighbours; the CPU a process spends is far steadier.
const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

const logDir = mkdtempSync(path.join(tmpdir(), "dbtk-bench-startup-"));
const guardianLog = path.join(logDir, "guardian.log");
const env = { ...process.env, DBTK_GUARDIAN_LOG: guardianLog };
const refills = (): string[] => (existsSync(guardianLog) ? readFileSync(guardianLog, "utf8").split("\n").filter((l) => l.includes("refill")) : []);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function once(args: string[]): Promise<{ wall: number; cpu: number }> {
  const before = refills().length;
  const t0 = process.hrtime.bigint();
  const r = timeBin
    ? await run(timeBin, ["-f", "cpu %U %S", process.execPath, ...args], { cwd: repo, maxBuffer: 16 * 1024 * 1024, env })
    : await run(process.execPath, args, { cwd: repo, maxBuffer: 16 * 1024 * 1024, env });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  // A compiled run's guardian refills the pool after the run has exited: let it finish before the next sample.
  if (args[0] === bin && args[1] === "run") for (let i = 0; i < 300 && refills().length === before; i++) await sleep(50);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Warm-up: builds the template and starts the local server, so the timed runs are warm.
await once([bin, ...runArgs]);
const warmedUp = refills().length;
const load0 = loadavg()[0] as number;
const cases: [string, string[]][] = [
  ["node -e 0", ["-e", "0"]],
  ["dbtk --help (compiled)", [bin, "--help"]],
  ["dbtk --help (tsx, sources)", [...fromSource, "x", "--help"]],
  ["dbtk run -- true, warm (compiled)", [bin, ...runArgs]],
  ["dbtk run -- true, warm (tsx, sources)", [...fromSource, "x", ...runArgs]],
];
// Interleaved rounds, so a noisy neighbour slows every row alike.
const samples = cases.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
for (let i = 0; i < runs; i++) {
  for (const [j, [, args]] of cases.entries()) {
    const r = await once(args);
    samples[j]!.wall.push(r.wall);
    samples[j]!.cpu.push(r.cpu);
  }
}
const wall0 = median(samples[0]!.wall);
const cpu0 = median(samples[0]!.cpu);
console.log(`median of ${runs} interleaved whole-process runs; ratios against node -e 0 in this run; load average ${load0.toFixed(1)} at the start, ${loadavg().map((l) => l.toFixed(1)).join(" ")} at the end`);
console.log(`${"".padEnd(40)} ${"wall".padStart(9)} ${"×".padStart(6)} ${"cpu".padStart(9)} ${"×".padStart(6)}`);
for (const [j, [name]] of cases.entries()) {
  const w = median(samples[j]!.wall);
  const c = median(samples[j]!.cpu);
  console.log(`${name.padEnd(40)} ${w.toFixed(0).padStart(6)} ms ${(w / wall0).toFixed(1).padStart(5)}× ${c.toFixed(0).padStart(6)} ms ${(c / cpu0).toFixed(1).padStart(5)}×`);
}
// What the compiled warm runs no longer wait for: their guardians' refills (a clone, its checkpoints, the clean-up).
const refillMs = refills()
  .slice(warmedUp)
  .map((l) => Number(/made in (\d+) ms/.exec(l)?.[1]))
  .filter((n) => Number.isFinite(n));
if (refillMs.length) console.log(`guardian refills after the compiled warm runs (off their exit path): median ${median(refillMs)} ms over ${refillMs.length}`);
rmSync(logDir, { recursive: true, force: true });
