// The packages as a user meets them: `npm pack` each one, install the tarballs into fresh folders outside
// the repository, compile a consumer with the tsconfig `pulumi new typescript` writes (CommonJS) and with
// NodeNext (ESM), run it under Pulumi mocks with plain node, and run the CLI through npx.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandbox, type Sandbox } from "../automation/helpers.ts";
import { REPO, cleanEnv, consumer, packAll, packedFiles, pinned, sh, type Tarballs } from "./support.ts";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

// What `pulumi new typescript` writes (pulumi/templates, typescript/tsconfig.json): no skipLibCheck.
const PULUMI_TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "ES2022",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts"],
};
const NODENEXT_TSCONFIG = {
  compilerOptions: { strict: true, outDir: "bin", target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", noUncheckedIndexedAccess: true },
  files: ["index.ts"],
};

const SDKS = ["@pulumi/pulumi", "@pulumi/random", "@pulumi/aws", "@pulumi/gcp", "@pulumi/azure", "typescript", "@types/node"];
const EXPECTED_TYPES = [
  "provisioning:aws:RdsDatabase",
  "aws:rds/instance:Instance",
  "provisioning:gcp:CloudSqlDatabase",
  "gcp:sql/databaseInstance:DatabaseInstance",
  "provisioning:azure:SqlDatabase",
  "azure:mssql/database:Database",
  "provisioning:azure:PostgresFlexibleServer",
  "azure:postgresql/flexibleServer:FlexibleServer",
  "provisioning:azure:MysqlFlexibleServer",
  "azure:mysql/flexibleServer:FlexibleServer",
];

let tarballs: Tarballs;
let cjsDir: string;
let esmDir: string;
let barePeersDir: string;
let cliDir: string;
let box: Sandbox;

beforeAll(async () => {
  tarballs = await packAll();
  const program = { "index.ts": fixture("program.ts"), "run-mocks.cjs": fixture("run-mocks.cjs") };
  [cjsDir, esmDir, barePeersDir, cliDir] = await Promise.all([
    consumer("consumer-cjs", {}, { ...program, "tsconfig.json": JSON.stringify(PULUMI_TEMPLATE_TSCONFIG) }, [tarballs.components, ...pinned(SDKS)]),
    consumer("consumer-esm", { type: "module" }, { ...program, "tsconfig.json": JSON.stringify(NODENEXT_TSCONFIG) }, [tarballs.components, ...pinned(SDKS)]),
    consumer("consumer-spec-only", {}, {}, [tarballs.components, ...pinned(["@pulumi/pulumi", "@pulumi/random"])]),
    consumer("cli-user", {}, {}, [tarballs.cli, tarballs.components, tarballs.policy]),
  ]);
  box = sandbox("pack");
}, 600_000);

afterAll(async () => {
  await box?.cleanup();
});

describe("what npm pack ships", () => {
  it("@dbtk/components: dist, README and LICENSE only; declarations and maps included", async () => {
    const files = await packedFiles("components");
    expect(files.filter((f) => !f.startsWith("dist/"))).toEqual(["LICENSE", "README.md", "package.json"]);
    // TypeScript sources only under dist/src/, where the declaration maps point.
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.startsWith("dist/src/"))).toEqual([]);
    expect(files).toContain("dist/src/aws/rds-database.ts");
    const map = JSON.parse(readFileSync(path.join(REPO, "components", "dist", "aws", "rds-database.d.ts.map"), "utf8")) as { sources: string[] };
    expect(map.sources).toEqual(["../src/aws/rds-database.ts"]);
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/index.d.ts.map", "dist/index.js.map", "dist/aws/index.js", "dist/gcp/index.d.ts", "dist/azure/index.js"]) {
      expect(files).toContain(f);
    }
  });

  it("dbtk: compiled dist, bin, README and LICENSE; no tests, bench, tools or sources", async () => {
    const files = await packedFiles("");
    const tops = [...new Set(files.map((f) => f.split("/")[0]))].sort();
    expect(tops).toEqual(["LICENSE", "README.md", "bin", "dist", "package.json"]);
    expect(files).toContain("dist/cli/main.js");
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.startsWith("dist/src/"))).toEqual([]);
  });

  it("@dbtk/policy: the compiled pack with its PulumiPolicy.yaml", async () => {
    const files = await packedFiles("policy");
    expect(files.filter((f) => !f.startsWith("dist/"))).toEqual(["LICENSE", "PulumiPolicy.yaml", "README.md", "package.json"]);
    expect(files).toContain("dist/index.js");
  });
});

describe.each([
  ["CommonJS (pulumi new typescript's tsconfig)", () => cjsDir],
  ["ESM (NodeNext)", () => esmDir],
])("a consumer project, %s", (_label, dir) => {
  it("type-checks and compiles with zero errors", async () => {
    const { stdout } = await sh("npx", ["tsc", "-p", "."], dir());
    expect(stdout).toBe("");
  });

  it("runs under Pulumi mocks with plain node: every component registers its resources", async () => {
    const entry = path.join(dir(), "bin", "index.js");
    expect(existsSync(entry)).toBe(true);
    const { stdout } = await sh(process.execPath, ["run-mocks.cjs", entry, dir() === esmDir ? "esm" : "cjs"], dir());
    const out = JSON.parse(stdout) as { types: string[]; connections: number; devRetentionDays: number };
    for (const t of EXPECTED_TYPES) expect(out.types, t).toContain(t);
    expect(out.connections).toBe(5);
    expect(out.devRetentionDays).toBeGreaterThan(0);
  });
});

describe("peer dependencies", () => {
  it("the spec entry needs no cloud SDK", async () => {
    const script = "const s = require('@dbtk/components'); console.log(s.resolveSpec({ name: 'a', engine: 'postgres' }, 'prod', 'gcp').backup.retentionDays)";
    const { stdout } = await sh(process.execPath, ["-e", script], barePeersDir);
    expect(Number(stdout.trim())).toBeGreaterThan(0);
  });

  it.each(["aws", "gcp", "azure"])("importing /%s without its SDK names the package and the install command", async (cloud) => {
    for (const [args, kind] of [
      [["-e", `require('@dbtk/components/${cloud}')`], "require"],
      [["--input-type=module", "-e", `await import('@dbtk/components/${cloud}')`], "import"],
    ] as const) {
      const err = await sh(process.execPath, [...args], barePeersDir).then(
        () => undefined,
        (e: { stderr: string }) => e.stderr,
      );
      expect(err, kind).toContain(`@dbtk/components/${cloud} needs the peer dependency @pulumi/${cloud}`);
      expect(err, kind).toContain(`npm install @pulumi/${cloud}`);
    }
  });
});

describe("the dbtk CLI installed from its tarball", () => {
  it("installs no TypeScript runner and no cloud SDK; the policy pack resolves to compiled code", () => {
    expect(existsSync(path.join(cliDir, "node_modules", "tsx"))).toBe(false);
    expect(existsSync(path.join(cliDir, "node_modules", "@pulumi", "aws"))).toBe(false);
    expect(existsSync(path.join(cliDir, "node_modules", "@dbtk", "policy", "dist", "index.js"))).toBe(true);
    expect(existsSync(path.join(cliDir, "node_modules", "@dbtk", "policy", "PulumiPolicy.yaml"))).toBe(true);
  });

  it("npx dbtk --version prints the package version", async () => {
    const { stdout } = await sh("npx", ["dbtk", "--version"], cliDir);
    expect(stdout.trim()).toBe(JSON.parse(readFileSync(path.join(cliDir, "node_modules", "dbtk", "package.json"), "utf8")).version);
  });

  it("npx dbtk run -- <command> provisions the embedded PostgreSQL and passes DATABASE_URL", async () => {
    const env = cleanEnv({ DBTK_CACHE_DIR: box.env.DBTK_CACHE_DIR, DBTK_SERVERS_DIR: box.env.DBTK_SERVERS_DIR });
    const check = "const { Client } = require('pg'); const c = new Client(process.env.DATABASE_URL); c.connect().then(() => c.query('select 41 + 1 as n')).then((r) => { console.log('answer', r.rows[0].n); return c.end(); })";
    const { stdout, stderr } = await sh("npx", ["dbtk", "run", "--", "node", "-e", check], cliDir, env);
    expect(stdout).toContain("answer 42");
    expect(stderr).not.toMatch(/tsx|ERR_/);
  });
});
