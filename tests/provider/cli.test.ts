// The Pulumi CLI (built by tools/install-pulumi.sh) launches the provider as a plugin executable, as the
// engine does for `pulumi package add`, and reads the schema from it: the same schema as the golden file.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROVIDER_MAIN } from "./plugin.ts";

const CACHE = process.env["DBTK_CACHE_DIR"] ?? path.join(process.env["XDG_CACHE_HOME"] ?? path.join(homedir(), ".cache"), "dbtk");
const PULUMI = path.join(CACHE, "bin", "pulumi");
if (!existsSync(PULUMI) && process.env["CI"] === "true") throw new Error("run tools/install-pulumi.sh first (tools/test.sh does)");
const dir = mkdtempSync(path.join(tmpdir(), "dbtk-provider-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!existsSync(PULUMI))("pulumi package get-schema", () => {
  it("runs the plugin and reads the golden schema from it", () => {
    // The engine's plugin naming: pulumi-resource-<package>.
    const launcher = path.join(dir, "pulumi-resource-provisioning");
    writeFileSync(launcher, `#!/bin/sh\nexec "${process.execPath}" "${PROVIDER_MAIN}" "$@"\n`);
    chmodSync(launcher, 0o755);
    const env = { ...process.env, PULUMI_HOME: path.join(dir, "home"), PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_BACKEND_URL: `file://${dir}` };
    const out = execFileSync(PULUMI, ["package", "get-schema", launcher], { cwd: dir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const { config, ...schema } = JSON.parse(out) as Record<string, unknown>;
    expect(config ?? {}, "the CLI adds an empty config section").toEqual({});
    expect(schema).toEqual(JSON.parse(readFileSync(path.join(import.meta.dirname, "schema.golden.json"), "utf8")));
  });
});
