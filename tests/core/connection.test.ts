// The one connection module every layer uses: URL parsing (both engines, percent-escapes, errors that
// name where the URL came from and the fix, never the URL), URL forms, and password redaction.
import { describe, expect, it } from "vitest";
import {
  connectionEnv,
  databaseUrl,
  jdbcUrl,
  parseDatabaseUrl,
  parseServerUrl,
  redact,
  redactedUrl,
  Secrets,
  type DbTarget,
} from "../../core/connection.ts";

/** The thrown message (the test fails when nothing is thrown). */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected an error");
}

describe("parseDatabaseUrl", () => {
  it("reads postgres, postgresql, mysql and mariadb URLs with default ports", () => {
    expect(parseDatabaseUrl("postgres://app:pw@db.internal/orders")).toEqual({
      engine: "postgres", host: "db.internal", port: 5432, user: "app", password: "pw", database: "orders",
    });
    expect(parseDatabaseUrl("postgresql://app:pw@db:6543/orders")).toMatchObject({ engine: "postgres", port: 6543 });
    expect(parseDatabaseUrl("mysql://root:pw@127.0.0.1:3307/shop")).toEqual({
      engine: "mysql", host: "127.0.0.1", port: 3307, user: "root", password: "pw", database: "shop",
    });
    expect(parseDatabaseUrl("mariadb://root:pw@[::1]/shop")).toMatchObject({ engine: "mysql", host: "::1", port: 3306 });
  });

  it("decodes percent-escapes in user, password and database", () => {
    expect(parseDatabaseUrl("postgres://us%40er:p%40ss%2Fw%3Ard%25@h/my%20db")).toMatchObject({
      user: "us@er", password: "p@ss/w:rd%", database: "my db",
    });
  });

  it("a stray % names the field, where the URL came from and the fix — not 'URI malformed'", () => {
    const msg = failure(() => parseDatabaseUrl("postgres://app:50%off-secret@h/db", { what: "$DATABASE_URL" }));
    expect(msg).toMatch(/^\$DATABASE_URL: the password has a "%" that does not start a percent-escape/);
    expect(msg).toContain("%25");
    expect(msg).not.toMatch(/URI malformed/);
    expect(msg).not.toContain("off-secret");
    expect(failure(() => parseDatabaseUrl("postgres://a%zz:pw@h/db", { what: "--url" }))).toMatch(/^--url: the user name has a "%"/);
    expect(failure(() => parseDatabaseUrl("postgres://a:pw@h/d%b"))).toMatch(/^database URL: the database name has a "%"/);
  });

  it("other errors name the source and the fix, never echoing the URL", () => {
    const cases: Array<[string, RegExp]> = [
      ["not a url with secret-pw", /^\$SRC is not a valid URL; expected postgres:\/\//],
      ["redis://u:secret-pw@h/0", /^\$SRC has the scheme "redis"; use postgres:\/\//],
      ["postgres://u:secret-pw@h", /^\$SRC names no database; add \/<database>/],
    ];
    for (const [url, expected] of cases) {
      const msg = failure(() => parseDatabaseUrl(url, { what: "$SRC" }));
      expect(msg).toMatch(expected);
      expect(msg).not.toContain("secret-pw");
    }
  });
});

describe("parseServerUrl (an admin URL)", () => {
  it("fills in the admin login and the maintenance database", () => {
    expect(parseServerUrl("postgres://admin:p%40ss@db.example.com/app")).toEqual({
      engine: "postgres", host: "db.example.com", port: 5432, user: "admin", password: "p@ss", database: "app",
    });
    expect(parseServerUrl("postgresql://:p@h:6543")).toMatchObject({ port: 6543, user: "postgres", database: "postgres" });
    expect(parseServerUrl("mariadb://:x@[::1]:3307")).toEqual({ engine: "mysql", host: "::1", port: 3307, user: "root", password: "x", database: "" });
  });

  it("names the option by default (the CLI passes its flag)", () => {
    expect(failure(() => parseServerUrl("nope"))).toMatch(/^serverUrl is not a valid URL/);
    expect(failure(() => parseServerUrl("nope", "--server-url"))).toMatch(/^--server-url is not a valid URL/);
  });
});

describe("URL forms", () => {
  const t: DbTarget = { engine: "postgres", host: "h", port: 5432, user: "u", password: "p@ss/w0rd", database: "d" };

  it("round-trip through the parser, password percent-encoded", () => {
    expect(databaseUrl(t)).toBe("postgres://u:p%40ss%2Fw0rd@h:5432/d");
    expect(parseDatabaseUrl(databaseUrl(t))).toEqual(t);
    expect(parseDatabaseUrl(databaseUrl({ ...t, engine: "mysql", host: "::1" }))).toEqual({ ...t, engine: "mysql", host: "::1" });
    expect(redactedUrl(t)).toBe("postgres://u:****@h:5432/d");
    expect(jdbcUrl(t)).toBe("jdbc:postgresql://h:5432/d");
    expect(connectionEnv(t)).toMatchObject({ DATABASE_URL: databaseUrl(t), PGPASSWORD: "p@ss/w0rd", PGDATABASE: "d" });
  });
});

describe("redaction", () => {
  const pw = "p@ss w0rd/it's!";

  it("blanks a password as is and in every percent-encoded form", () => {
    const forms = [
      pw,
      encodeURIComponent(pw), // p%40ss%20w0rd%2Fit's!
      "p%40ss%20w0rd%2Fit%27s%21", // strict RFC 3986
      "p%40ss%20w0rd%2fit%27s%21", // lower-case hex
      "p%40ss+w0rd%2Fit's!", // form encoding
    ];
    for (const f of forms) expect(redact(`before ${f} after`, [pw])).toBe("before **** after");
  });

  it("blanks the password of any URL, known or not, keeping user and host", () => {
    expect(redact("failed: postgres://admin:unknown-pw@db:5432/x")).toBe("failed: postgres://admin:****@db:5432/x");
    expect(redact("backend file:///tmp/state")).toBe("backend file:///tmp/state");
  });

  it("Secrets collects passwords, connections and URLs, and leaves short values alone", () => {
    const s = new Secrets();
    const conn: DbTarget = { engine: "postgres", host: "h", port: 5432, user: "u", password: pw, database: "d" };
    s.addConnection(conn);
    s.addUrl("mysql://root:s%3Acret-x@h");
    s.addUrl("not a url but secret");
    s.add("ab");
    expect(s.redact(`url ${databaseUrl(conn)} pw ${pw} enc ${encodeURIComponent(pw)}`)).toBe("url postgres://u:****@h:5432/d pw **** enc ****");
    expect(s.redact("s:cret-x and s%3Acret-x")).toBe("**** and ****");
    expect(s.redact("echo not a url but secret")).toBe("echo ****");
    expect(s.redact("abc")).toBe("abc");
  });

  it("blanks JSON-escaped forms (summaries are printed as JSON)", () => {
    const quoted = 'pa"ss\\word';
    expect(redact(JSON.stringify({ password: quoted }), [quoted])).toBe('{"password":"****"}');
  });
});
