// Entry the Pulumi policy host loads (`require` of this directory). The pack is TypeScript run through
// tsx, like the rest of the toolkit, so there is no build step: load index.ts with tsx's loader.
"use strict";
const path = require("node:path");
const { pathToFileURL } = require("node:url");

module.exports = async function loadPack() {
  // The ESM build of tsx's API (its CommonJS build fails to load its own ESM half under require).
  const { tsImport } = await import("tsx/esm/api");
  await tsImport(pathToFileURL(path.join(__dirname, "index.ts")).href, pathToFileURL(__filename).href);
};
