// The least any node process can do for bench/migrations.ts's PostgreSQL files, as its own process: start,
// load pg, read the files, send each as BEGIN; <file>; COMMIT in ONE query. No history, no lock, no checks,
// no progress. What is left between this and dbmate is node's own start-up against a Go binary's.
//   DATABASE_URL=… node bench/migrations-node-floor.mjs <flyway-style dir>
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// As bin/dbtk.mjs does on Node 20: pg, finding no navigator, would load fetch's undici to probe for Workers.
globalThis.navigator ??= { userAgent: `Node.js/${process.versions.node.split(".")[0]}` };
const { default: pg } = await import("pg");

const dir = process.argv[2];
const version = (f) => Number(f.slice(1).split("__")[0]);
const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort((a, b) => version(a) - version(b));
let text = "";
for (const f of files) text += `BEGIN;\n${readFileSync(path.join(dir, f), "utf8")}\n;\nCOMMIT;\n`;
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
await client.query(text);
await client.end();
