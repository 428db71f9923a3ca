// Bad input, refused where it is wrong: migration files that are not UTF-8 (file:line, never stored as
// U+FFFD), usage errors exiting 2 in every command, a URL with a stray "%" naming its variable and the fix,
// and a password on the command line (--url) warned about.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../../cli/main.ts";
import { flywayChecksum, loadMigrations, MigrationError } from "../../../migrations/index.ts";
import { lintMigrations } from "../../../migrations/lint/index.ts";
import { decodeUtf8 } from "../../../migrations/runner/utf8.ts";
import { repoRoot } from "./helpers.ts";

const exec = promisify(execFile);
const root = mkdtempSync(path.join(tmpdir(), "dbtk-input-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function dbtk(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  delete clean.DBTK_SERVER_URL;
  try {
    const r = await exec(process.execPath, [path.join(repoRoot, "bin/dbtk.mjs"), ...args], { cwd: repoRoot, env: { ...clean, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, content] of Object.entries(files)) writeFileSync(path.join(dir, f), content);
  return dir;
}

// "café" in Latin-1: 0xE9 alone is not UTF-8.
const LATIN1 = Buffer.concat([Buffer.from("CREATE TABLE t (id int);\n\nINSERT INTO t VALUES (1); -- caf"), Buffer.from([0xe9]), Buffer.from("\n")]);

describe("migration files must be UTF-8", () => {
  it("a Latin-1 file is refused with file:line, the byte, and the fix", () => {
    const dir = folder("latin1", { "V1__ok.sql": "SELECT 1;", "V2__latin1.sql": LATIN1, "afterMigrate.sql": Buffer.from([0x2d, 0x2d, 0x20, 0xff, 0x0a]) });
    let err: unknown;
    try {
      loadMigrations(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MigrationError);
    const m = err as MigrationError;
    expect(m.code).toBe("FILES");
    expect(m.message).toContain("V2__latin1.sql:3: not valid UTF-8 (byte 0xE9 at column 33); save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)");
    expect(m.message).toContain("afterMigrate.sql:1: not valid UTF-8 (byte 0xFF at column 4)");
  });

  it("valid UTF-8 (a BOM, multi-byte characters) loads as before, with Flyway's checksum", () => {
    const text = "\uFEFFINSERT INTO t VALUES ('naïve €, 𝄞');\n";
    const dir = folder("utf8", { "V1__ok.sql": text });
    const [v1] = loadMigrations(dir).versioned;
    expect(v1!.sql).toBe(text.slice(1));
    expect(v1!.checksum).toBe(flywayChecksum(text));
  });

  it("the decoder rejects overlong forms, surrogates and truncated sequences, naming the first bad byte", () => {
    expect(decodeUtf8(Buffer.from([0x41, 0xc0, 0xaf]))).toEqual({ problem: { line: 1, column: 2, byte: 0xc0 } });
    expect(decodeUtf8(Buffer.from([0x0a, 0xed, 0xa0, 0x80]))).toEqual({ problem: { line: 2, column: 1, byte: 0xed } });
    expect(decodeUtf8(Buffer.from([0x41, 0x0a, 0x42, 0xe2, 0x82]))).toEqual({ problem: { line: 2, column: 2, byte: 0xe2 } });
    expect(decodeUtf8(Buffer.from("é€𝄞", "utf8"))).toEqual({ text: "é€𝄞" });
  });

  it("lint refuses the file too, with file:line", async () => {
    const dir = folder("lint-latin1", { "V1__latin1.sql": LATIN1 });
    await expect(lintMigrations({ paths: [dir], engine: "mysql" })).rejects.toThrow(/V1__latin1\.sql:3: not valid UTF-8 \(byte 0xE9/);
  });

  it("dbtk migrate refuses it before connecting, naming file and line", async () => {
    const dir = folder("cli-latin1", { "V1__latin1.sql": LATIN1 });
    const r = await dbtk(["migrate", "--migrations", dir], { DATABASE_URL: "postgres://u:secret-pw@127.0.0.1:1/db" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/V1__latin1\.sql:3: not valid UTF-8/);
  });
});

describe("usage errors exit 2 in every command", () => {
  const commands: string[][] = [];
  const walk = (cmd: ReturnType<typeof buildProgram>, prefix: string[]) => {
    for (const c of cmd.commands) {
      if (c.commands.length > 0) walk(c, [...prefix, c.name()]);
      else commands.push([...prefix, c.name()]);
    }
  };
  walk(buildProgram(), []);

  it("an unknown option, for each of the commands", async () => {
    expect(commands.length).toBeGreaterThan(12);
    const results = await Promise.all(commands.map(async (c) => [c.join(" "), (await dbtk([...c, "--no-such-option"])).code] as const));
    expect(results.filter(([, code]) => code !== 2)).toEqual([]);
  });

  it("help and version still exit 0", async () => {
    expect((await dbtk(["--version"])).code).toBe(0);
    expect((await dbtk(["migrate", "--help"])).code).toBe(0);
  });

  it("bad flag values and missing inputs the commands check themselves", async () => {
    const dir = folder("usage", { "V1__a.sql": "SELECT 1;" });
    const url = { DATABASE_URL: "postgres://u:p@127.0.0.1:1/db" };
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [["migrate", "--migrations", dir], {}, /no database: set DATABASE_URL/],
      [["migrate", "--migrations", dir, "--placeholder", "novalue"], url, /--placeholder "novalue" is not name=value/],
      [["migrate", "--migrations", dir, "--lock-timeout", "soon"], url, /--lock-timeout "soon" is not a number of seconds/],
      [["tool", "sqitch", "--project", dir], url, /unknown migration tool "sqitch"/],
      [["tool", "dbmate"], url, /required option '--project <dir>'/],
      [["check", "--engine", "oracle", "--migrations", dir], {}, /--engine "oracle" is not supported/],
      [["lint", dir, "--json", "--sarif"], {}, /--json and --sarif are exclusive/],
      [["lint", dir, "--engine", "oracle"], {}, /--engine "oracle" is not supported/],
      [["server", "stop", "--engine", "oracle"], {}, /--engine oracle: unknown/],
      [["restore-drill", "--target", "aws"], {}, /--target aws needs --source-id/],
    ];
    for (const [args, env, message] of cases) {
      const r = await dbtk(args, env);
      expect([args.join(" "), r.code]).toEqual([args.join(" "), 2]);
      expect(r.stderr).toMatch(message);
    }
  });

  it("migrate --json says USAGE for a usage error", async () => {
    const r = await dbtk(["migrate", "--migrations", root, "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: "USAGE" } });
  });
});

describe("URLs", () => {
  const stray = "postgres://app:50%off@127.0.0.1:1/db";

  it("a stray % in the password names the variable and the fix, never the password (migrate, tool, run)", async () => {
    const dir = folder("urls", { "V1__a.sql": "SELECT 1;" });
    for (const [args, env, what] of [
      [["migrate", "--migrations", dir], { DATABASE_URL: stray }, "DATABASE_URL"],
      [["tool", "dbmate", "--project", dir], { DATABASE_URL: stray }, "$DATABASE_URL"],
      [["run", "--target", "server", "--", "true"], { DBTK_SERVER_URL: stray }, "DBTK_SERVER_URL"],
    ] as const) {
      const r = await dbtk([...args], env);
      expect([args[0], r.code]).toEqual([args[0], 2]);
      expect(r.stderr).toContain(`${what}: the password has a "%" that does not start a percent-escape (%XX); write a literal "%" as %25`);
      expect(r.stderr).not.toContain("50%off");
    }
  });

  it("--url with a password warns that it shows in the process list (migrate, tool); the variable does not", async () => {
    const dir = folder("warn", { "V1__a.sql": "SELECT 1;" });
    const url = "postgres://app:s3cret-pw@127.0.0.1:1/db";
    const migrate = await dbtk(["migrate", "--migrations", dir, "--url", url]);
    expect(migrate.stderr).toMatch(/^dbtk: warning: the password in --url shows in the process list \(ps\) to every local user; set DATABASE_URL instead$/m);
    const tool = await dbtk(["tool", "command", "--project", dir, "--url", url, "--", "true"]);
    expect(tool.code).toBe(0);
    expect(tool.stderr).toMatch(/warning: the password in --url shows in the process list/);
    const quiet = await dbtk(["migrate", "--migrations", dir], { DATABASE_URL: url });
    expect(quiet.stderr).not.toMatch(/warning/);
    for (const r of [migrate, tool, quiet]) expect(r.stderr + r.stdout).not.toContain("s3cret-pw");
  });
});
