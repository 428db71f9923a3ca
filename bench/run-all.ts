// Every bench in one go (`npm run bench`), one after another so none slows another, each as its own
// process; their figures are printed as they finish and again together at the end.
//   npm run bench [-- --quick] [-- --only startup,migrations]
// --quick: fewer runs and cycles per bench (~6 min on 2 cores, measured); the figures in
// bench/README.md come from the full runs. Needs `npm run build` (the CLI benches run bin/dbtk.mjs),
// tools/install-flyway.sh and tools/install-mariadb.sh for those columns, tools/install-pulumi.sh for engine.ts.
import { spawn } from "node:child_process";
import path from "node:path";

const here = import.meta.dirname;
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const onlyAt = argv.indexOf("--only");
const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? "").split(",").filter(Boolean)) : undefined;

/** Each bench with its full and quick arguments. */
const BENCHES: [name: string, full: string[], quick: string[]][] = [
  ["startup", [], ["--runs", "5"]],
  ["cold-start", [], ["--runs", "3"]],
  ["migrations", [], ["--runs", "1"]],
  ["churn", [], ["--cycles", "200"]],
  ["ephemeral", [], ["50", "8"]],
  ["serve", [], ["300"]],
  ["restore-point", [], ["--mb", "64"]],
  ["components-mocks", [], []],
  ["engine", [], ["2"]],
];

const unknown = only ? [...only].filter((n) => !BENCHES.some(([b]) => b === n)) : [];
if (unknown.length > 0) {
  process.stderr.write(`unknown bench ${unknown.join(", ")}: choose from ${BENCHES.map(([b]) => b).join(", ")}\n`);
  process.exit(2);
}

function runBench(name: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    // tsx as a loader in this same node: no npx lookup per bench.
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, `${name}.ts`), ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      process.stdout.write(d);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

const summary: string[] = [];
let failed = 0;
for (const [name, full, light] of BENCHES) {
  if (only && !only.has(name)) continue;
  const args = quick ? light : full;
  process.stderr.write(`\n== bench/${name}.ts ${args.join(" ")}\n`);
  const started = Date.now();
  const { code, out } = await runBench(name, args);
  const took = `${Math.round((Date.now() - started) / 1000)} s`;
  if (code !== 0) failed++;
  summary.push(`== ${name} (${code === 0 ? took : `exit ${code} after ${took}`})`, out.trimEnd());
}
process.stdout.write(`\n${summary.join("\n")}\n`);
process.exitCode = failed > 0 ? 1 : 0;
