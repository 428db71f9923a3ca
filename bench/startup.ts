// Benchmark: whole-process start-up of the CLI against `node -e 0`, measured in the same run.
//   npx tsx bench/startup.ts [--runs 7]
// Rows: `dbtk --help`, and a warm `dbtk run --migrations examples/sample-app/migrations -- true` (server up,
// template cached), each from the compiled package (bin/dbtk.mjs → dist/) and, for comparison, from the
// TypeScript sources through tsx (how the CLI ran before it was compiled). Prints medians (wall and CPU)
// and ratios. Goals (#13): help ≤ 1.5×, warm run ≤ 3× node -e 0.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
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

async function once(args: string[]): Promise<{ wall: number; cpu: number }> {
  const t0 = process.hrtime.bigint();
  const r = timeBin
    ? await run(timeBin, ["-f", "cpu %U %S", process.execPath, ...args], { cwd: repo, maxBuffer: 16 * 1024 * 1024 })
    : await run(process.execPath, args, { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Warm-up: builds the template and starts the local server, so the timed runs are warm.
await run(process.execPath, [bin, ...runArgs], { cwd: repo });
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
console.log(`median of ${runs} interleaved whole-process runs; ratios against node -e 0 in this run; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.log(`${"".padEnd(40)} ${"wall".padStart(9)} ${"×".padStart(6)} ${"cpu".padStart(9)} ${"×".padStart(6)}`);
for (const [j, [name]] of cases.entries()) {
  const w = median(samples[j]!.wall);
  const c = median(samples[j]!.cpu);
  console.log(`${name.padEnd(40)} ${w.toFixed(0).padStart(6)} ms ${(w / wall0).toFixed(1).padStart(5)}× ${c.toFixed(0).padStart(6)} ms ${(c / cpu0).toFixed(1).padStart(5)}×`);
}
