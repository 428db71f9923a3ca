// The Pulumi CLI (built by tools/install-pulumi.sh) launches the provider as a plugin executable, as the
// engine does for `pulumi package add`, and reads the schema from it: the same schema as the golden file,
// from the workspace and from the packed packages installed into a fresh folder.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { consumer, pinned, REPO, sh } from "../packaging/support.ts";
import { DBTK_CACHE, PROVIDER_MAIN } from "./plugin.ts";

const PULUMI = path.join(DBTK_CACHE, "bin", "pulumi");
if (!existsSync(PULUMI) && process.env["CI"] === "true") throw new Error("run tools/install-pulumi.sh first (tools/test.sh does)");
const dir = mkdtempSync(path.join(tmpdir(), "dbtk-provider-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const golden = () => JSON.parse(readFileSync(path.join(import.meta.dirname, "schema.golden.json"), "utf8")) as unknown;

/** The schema `pulumi package get-schema` reads from the plugin `main` (named as the engine names plugins). */
function schemaThroughCli(main: string): unknown {
  const launcher = path.join(mkdtempSync(path.join(dir, "plugin-")), "pulumi-resource-provisioning");
  writeFileSync(launcher, `#!/bin/sh\nexec "${process.execPath}" "${main}" "$@"\n`);
  chmodSync(launcher, 0o755);
  const env = { ...process.env, PULUMI_HOME: path.join(dir, "home"), PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_BACKEND_URL: `file://${dir}` };
  const out = execFileSync(PULUMI, ["package", "get-schema", launcher], { cwd: dir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const { config, ...schema } = JSON.parse(out) as Record<string, unknown>;
  expect(config ?? {}, "the CLI adds an empty config section").toEqual({});
  return schema;
}

describe.skipIf(!existsSync(PULUMI))("pulumi package get-schema", () => {
  it("runs the plugin and reads the golden schema from it", () => {
    expect(schemaThroughCli(PROVIDER_MAIN)).toEqual(golden());
  });

  it("the packed @dbtk/provider, installed into a fresh folder with @pulumi/pulumi, serves the same schema", async () => {
    const packs = mkdtempSync(path.join(dir, "packs-"));
    const { stdout } = await sh("npm", ["pack", "--json", "--pack-destination", packs, "-w", "components", "-w", "provider"], REPO);
    const tarballs = (JSON.parse(stdout) as { filename: string }[]).map((p) => path.join(packs, p.filename));
    const folder = await consumer("provider-user", {}, {}, [...tarballs, ...pinned(["@pulumi/pulumi", "@pulumi/random"])]);
    try {
      expect(schemaThroughCli(path.join(folder, "node_modules", "@dbtk", "provider", "dist", "main.js"))).toEqual(golden());
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 300_000);
});
