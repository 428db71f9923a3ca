#!/usr/bin/env node
// The CLI runs from compiled JavaScript (`npm run build`, done by `npm ci` through "prepare").
const { main } = await import("../dist/cli/main.js");
process.exitCode = await main(process.argv);
