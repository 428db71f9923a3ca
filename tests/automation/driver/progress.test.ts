import { expect, it } from "vitest";
import { databaseUrl } from "../../../migrations/connection.ts";
import { formatMs, safeMessage, Secrets } from "../../../automation/driver/progress.ts";

it("formats phase times the way progress lines show them", () => {
  expect(formatMs(18.4)).toBe("18 ms");
  expect(formatMs(240)).toBe("240 ms");
  expect(formatMs(1234)).toBe("1.2 s");
  expect(formatMs(42_000)).toBe("42 s");
  expect(formatMs(125_000)).toBe("2 min 5 s");
});

it("redacts passwords, their URL-encoded form, and whole URLs down to their redacted form", () => {
  const s = new Secrets();
  const conn = { engine: "postgres" as const, host: "h", port: 5432, user: "u", password: "p@ss/w0rd", database: "d" };
  s.addConnection(conn);
  expect(s.redact(`url ${databaseUrl(conn)} pw p@ss/w0rd enc p%40ss%2Fw0rd`)).toBe("url postgres://u:****@h:5432/d pw **** enc ****");
  const err = new Error("connect failed", { cause: new Error("auth p@ss/w0rd rejected") });
  expect(safeMessage(err, s)).toBe("connect failed: auth **** rejected");
  s.add("ab"); // too short to be a password worth blanking everywhere
  expect(s.redact("abc")).toBe("abc");
});
