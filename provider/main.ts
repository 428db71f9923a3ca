// The plugin's entry point (package.json main): the engine, or the Node.js language host for
// `pulumi package add`, starts it and reads the port it prints.
import { readFileSync } from "node:fs";
import path from "node:path";
import * as provider from "@pulumi/pulumi/provider";
import { DbtkProvider } from "./provider.js";

const own = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version: string };
const componentsDist = path.join(path.dirname(require.resolve("@dbtk/components/package.json")), "dist");

void provider.main(new DbtkProvider({ componentsDist, version: own.version }), process.argv.slice(2));
