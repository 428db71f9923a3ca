import { describe, expect, it } from "vitest";
import { decodeMeta, defaultOwner, encodeMeta, fallbackMeta, ID_RE, idTime, newId, newMeta, ownerProcessDead, parseDuration, TEMPLATE_RE, templateName } from "../../../automation/targets/meta.ts";
import { TOOL_NAMES } from "../../../automation/driver/migrations.ts";
import { toolNames } from "../../../migrations/adapters/index.ts";

describe("ids", () => {
  it("are dbtk_<base36 time>_<random>, carry their creation time, and do not collide", () => {
    const now = Date.UTC(2026, 10, 25, 12, 0, 0);
    const ids = new Set(Array.from({ length: 20_000 }, () => newId(now)));
    expect(ids.size).toBe(20_000);
    for (const id of [...ids].slice(0, 50)) {
      expect(id).toMatch(ID_RE);
      expect(idTime(id)?.getTime()).toBe(now);
      expect(id.length).toBeLessThanOrEqual(32); // MySQL 8 user names
    }
  });

  it("never look like template names, and templates never look like ids", () => {
    const t = templateName("0123456789abcdef".repeat(4));
    expect(t).toBe("dbtk_tpl_0123456789abcdef");
    expect(t).toMatch(TEMPLATE_RE);
    expect(t).not.toMatch(ID_RE);
    expect(newId()).not.toMatch(TEMPLATE_RE);
    expect(idTime("dbtk_tpl_0123456789abcdef")).toBeUndefined();
  });
});

describe("parseDuration", () => {
  it("reads units and combinations", () => {
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1s")).toBe(1000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("2d")).toBe(172_800_000);
  });

  it("names the flag and the fix for bad values", () => {
    expect(() => parseDuration("30", "--ttl")).toThrow(/--ttl: "30" is not a duration; use a number with a unit, e\.g\. 90s, 30m/);
    expect(() => parseDuration("soon")).toThrow(/not a duration/);
    expect(() => parseDuration("0s")).toThrow(/not a duration/);
  });
});

describe("owner", () => {
  it("prefers DBTK_OWNER, then the CI job, then user@host", () => {
    expect(defaultOwner({ DBTK_OWNER: "me" })).toBe("me");
    expect(defaultOwner({ GITHUB_ACTIONS: "true", GITHUB_RUN_ID: "42", GITHUB_REPOSITORY: "o/r", GITHUB_JOB: "test" })).toBe("github:o/r/runs/42/test");
    expect(defaultOwner({ GITLAB_CI: "true", CI_JOB_ID: "7", CI_PROJECT_PATH: "g/p" })).toBe("gitlab:g/p/jobs/7");
    expect(defaultOwner({})).toMatch(/^.+@.+$/);
  });
});

describe("metadata", () => {
  it("round-trips and carries owner, creation, expiry and this process", () => {
    const m = newMeta({ target: "local", ttlMs: 60_000, owner: "ci" });
    expect(Date.parse(m.expiresAt) - Date.parse(m.createdAt)).toBe(60_000);
    expect(m.pid).toBe(process.pid);
    expect(decodeMeta(m.id, encodeMeta(m))).toEqual(m);
    expect(decodeMeta(m.id, "not json")).toBeUndefined();
    expect(decodeMeta(m.id, JSON.stringify({ hello: 1 }))).toBeUndefined();
    expect(newMeta({ target: "local", ttlMs: 1, trackPid: false }).pid).toBeUndefined();
  });

  it("gives a record-less leftover an expiry from the time in its id", () => {
    const id = newId(Date.UTC(2026, 0, 1));
    const m = fallbackMeta(id, "local");
    expect(m?.createdAt).toBe("2026-01-01T00:00:00.000Z");
    expect(Date.parse(m?.expiresAt ?? "")).toBeGreaterThan(Date.UTC(2026, 0, 1));
    expect(fallbackMeta("postgres", "local")).toBeUndefined();
  });

  it("tells a dead maker from a live one (same host only)", () => {
    const m = newMeta({ target: "local", ttlMs: 1000 });
    expect(ownerProcessDead(m)).toBe(false);
    expect(ownerProcessDead({ ...m, pid: 2 ** 22 + 12345 })).toBe(true);
    expect(ownerProcessDead({ ...m, pid: 2 ** 22 + 12345, host: "elsewhere" })).toBe(false);
  });
});

it("the driver's tool list matches the adapters", () => {
  expect([...TOOL_NAMES].sort()).toEqual([...toolNames].sort());
});
