// Benchmark: whole-process start-up of the CLI against `node -e 0`, measured in the same run.
//   npx tsx bench/startup.ts [--runs 7]
// Rows: `dbtk --help`, and a warm `dbtk run --migrations examples/sample-app/migrations -- true` (server up,
// template cached), each from the compiled package (bin/dbtk.mjs → dist/) and, for comparison, from the
// TypeScript sources through tsx (how the CLI ran before it was compiled). Prints medians and ratios.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "..");
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 7;
const bin = path.join(repo, "bin", "dbtk.mjs");
const fromSource = ["--import", "tsx", "-e", "const { main } = await import('./cli/main.ts'); process.exitCode = await main(process.argv.slice(0, 1).concat(process.argv.slice(1)));"];
const runArgs = ["run", "--migrations", "examples/sample-app/migrations", "--", "true"];

async function median(args: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await run(process.execPath, args, { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

// Warm-up: builds the template and starts the local server, so the timed runs are warm.
await run(process.execPath, [bin, ...runArgs], { cwd: repo });
const node = await median(["-e", "0"]);
const rows: [string, number][] = [
  ["node -e 0", node],
  ["dbtk --help (compiled)", await median([bin, "--help"])],
  ["dbtk --help (tsx, sources)", await median([...fromSource, "x", "--help"])],
  ["dbtk run -- true, warm (compiled)", await median([bin, ...runArgs])],
  ["dbtk run -- true, warm (tsx, sources)", await median([...fromSource, "x", ...runArgs])],
];
console.log(`median of ${runs} whole-process runs; ratio against node -e 0 in this run`);
for (const [name, ms] of rows) console.log(`${name.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / node).toFixed(1).padStart(5)}×`);
