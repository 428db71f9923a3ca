// The layers, enforced on the source: core/ at the bottom; automation/ and migrations/ on it, meeting only
// through each other's public indexes; cli/ on top, the only place that owns the process (signals, exit,
// environment) and speaks in flags.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../cli/main.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const LIBRARY = ["core", "automation", "migrations"] as const;

function sources(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => path.join(dir, f).split(path.sep).join("/"));
}

const read = (file: string) => readFileSync(path.join(REPO, file), "utf8");

/** The code without comments (line comments on their own line, and block comments). */
function code(file: string): string {
  return read(file)
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .map((l) => (/^\s*\/\//.test(l) ? "" : l))
    .join("\n");
}

/** Repo-relative targets of a file's relative imports (static, dynamic, re-exports), `.js` read as `.ts`. */
function imports(file: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;
  for (const m of code(file).matchAll(re)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1] as string));
    out.push(target.replace(/\.js$/, ".ts"));
  }
  return out;
}

const top = (file: string) => file.split("/")[0];

describe("import layering", () => {
  const files = [...LIBRARY, "cli"].flatMap(sources);

  it("finds the sources and their imports", () => {
    expect(files).toContain("core/connection.ts");
    expect(imports("automation/driver/run.ts")).toContain("core/connection.ts");
  });

  it("core imports neither automation, migrations nor cli", () => {
    const bad = sources("core").flatMap((f) => imports(f).filter((i) => top(i) !== "core").map((i) => `${f} -> ${i}`));
    expect(bad).toEqual([]);
  });

  it("automation and migrations meet only through each other's public indexes", () => {
    const bad: string[] = [];
    // The package's index, or a part's own index (migrations/runner/index.ts: the runner without the adapters).
    const isIndex = (to: string, i: string) => new RegExp(`^${to}/([a-z-]+/)?index\\.ts$`).test(i);
    for (const [from, to] of [["automation", "migrations"], ["migrations", "automation"]] as const) {
      for (const f of sources(from)) for (const i of imports(f)) if (top(i) === to && !isIndex(to, i)) bad.push(`${f} -> ${i}`);
    }
    expect(bad).toEqual([]);
  });

  it("library folders never import cli/", () => {
    const bad = LIBRARY.flatMap(sources).flatMap((f) => imports(f).filter((i) => top(i) === "cli").map((i) => `${f} -> ${i}`));
    expect(bad).toEqual([]);
  });
});

/** `file` → why the pattern is unavoidable there. */
type AllowList = Record<string, string>;

function offenders(pattern: RegExp, allow: AllowList = {}): string[] {
  const out: string[] = [];
  for (const f of LIBRARY.flatMap(sources)) {
    if (Object.hasOwn(allow, f)) continue;
    code(f)
      .split("\n")
      .forEach((line, i) => {
        if (pattern.test(line)) out.push(`${f}:${i + 1}: ${line.trim()}`);
      });
  }
  return out;
}

// Runs inside the pulumi-resource-pulumi-nodejs plugin, not in our process: the admin URL reaches it
// only through the environment (no credential in the state), and the code is serialized, so it can
// import nothing (not even core's parser).
const PROVIDER: AllowList = {
  "automation/engine/provider.ts": "dynamic-provider code runs in the Pulumi plugin; its environment is the only channel",
};

describe("the library owns no process", () => {
  it("never exits the process", () => {
    expect(offenders(/\bprocess\.exit\b/)).toEqual([]);
  });

  it("installs no process signal (or other) handlers", () => {
    expect(offenders(/\bprocess\.(on|once|addListener|prependListener)\s*\(/)).toEqual([]);
  });

  it("reads no environment variables: the CLI passes them as options", () => {
    expect(offenders(/\bprocess\.env\b/, PROVIDER)).toEqual([]);
  });
});

describe("one connection module", () => {
  it("parses URLs and decodes percent-escapes only in core/connection.ts", () => {
    const allow = { ...PROVIDER, "core/connection.ts": "the parser" };
    expect(offenders(/\bnew URL\(|\bdecodeURI(Component)?\(/, allow)).toEqual([]);
    expect([...LIBRARY, "cli"].flatMap(sources).filter((f) => f !== "core/connection.ts" && !Object.hasOwn(PROVIDER, f) && /\bnew URL\(/.test(code(f)))).toEqual([]);
  });

  it("has one redactor: no other module blanks passwords itself", () => {
    const allow = { "core/connection.ts": "the redactor" };
    expect(offenders(/\.split\([^)]*\)\.join\(\s*["']\*{4}["']\)|replace\([^)]*["']\$1\*{4}@["']\)/, allow)).toEqual([]);
  });
});

describe("library messages name options, not command-line flags", () => {
  const flags = new Set<string>();
  const walk = (cmd: ReturnType<typeof buildProgram>) => {
    for (const o of cmd.options) if (o.long) flags.add(o.long.replace(/^--no-/, "--"));
    for (const c of cmd.commands) walk(c);
  };
  walk(buildProgram());

  it("knows the CLI's flags", () => {
    expect(flags).toContain("--server-url");
    expect(flags).toContain("--out-of-order");
  });

  it("no library string names one", () => {
    const found: string[] = [];
    for (const f of LIBRARY.flatMap(sources)) {
      code(f)
        .split("\n")
        .forEach((line, i) => {
          for (const m of line.matchAll(/(?<![\w-])--[a-z][a-z-]*(?![\w=-])/g)) {
            if (flags.has(m[0])) found.push(`${f}:${i + 1}: ${m[0]}`);
          }
        });
    }
    expect(found).toEqual([]);
  });
});
