// The installers this suite depends on: pinned, cached, idempotent (a second run skips), and their
// wrappers start the pinned versions. tools/test.sh runs them first, so here they take the cached path.
import { execa } from "execa";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cacheDir, dirsFromEnv } from "../../../core/servers/paths.ts";
import { repoRoot } from "./support.ts";

describe.each([
  { script: "install-liquibase.sh", bin: "liquibase", args: ["--version"], version: "Liquibase Version: 4.33.0" },
  { script: "install-alembic.sh", bin: "alembic", args: ["--version"], version: "alembic 1.20.1" },
])("tools/$script", ({ script, bin, args, version }) => {
  it("skips when already installed and leaves a working, pinned wrapper", async () => {
    await execa("bash", [path.join(repoRoot, "tools", script)]);
    const again = await execa("bash", [path.join(repoRoot, "tools", script)]);
    expect(again.stderr).toMatch(/already installed/);
    const res = await execa(path.join(cacheDir(dirsFromEnv(process.env)), "bin", bin), args, { all: true, env: { LIQUIBASE_SHOW_BANNER: "false" } });
    expect(res.all).toContain(version);
  });
});
