#!/usr/bin/env node
// The CLI runs from compiled JavaScript (`npm run build`, done by `npm ci` through "prepare"). The entry
// loads only the module of the command it runs (cli/entry.ts).
// Node 21+ has a global `navigator`; on Node 20 the PostgreSQL driver, not finding one, probes for
// Cloudflare Workers by constructing a `Response`, which loads fetch's undici (~25 ms of every start-up
// that talks to PostgreSQL). The same object Node 21 has answers the probe.
if (globalThis.navigator === undefined) {
  const { availableParallelism } = await import("node:os");
  Object.defineProperty(globalThis, "navigator", {
    value: { hardwareConcurrency: availableParallelism(), language: "en-US", platform: process.platform, userAgent: `Node.js/${process.versions.node.split(".")[0]}` },
    configurable: true,
    writable: true,
  });
}
const { main } = await import("../dist/cli/entry.js");
process.exitCode = await main(process.argv);
