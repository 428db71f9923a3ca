// The guardian's pipe protocol: the refill a run leaves to its guardian travels as one line and comes back
// as it was sent; a malformed one is ignored (the guardian must never crash on its input).
import { describe, expect, it } from "vitest";
import { encodeMessage, parseMessage } from "../../../automation/guardian/protocol.ts";

describe("guardian protocol: refill", () => {
  it("round-trips a refill; malformed ones parse to nothing", () => {
    const m = { t: "refill", key: "ab".repeat(32), poolSize: 2, policy: { maxAgeMs: 604_800_000, maxBytes: 2 ** 31 } } as const;
    const line = encodeMessage(m);
    expect(line.endsWith("\n")).toBe(true);
    expect(parseMessage(line.trim())).toEqual(m);
    for (const bad of [
      { t: "refill", poolSize: 2, policy: { maxAgeMs: 1, maxBytes: 1 } },
      { t: "refill", key: "k", poolSize: -1, policy: { maxAgeMs: 1, maxBytes: 1 } },
      { t: "refill", key: "k", poolSize: 1.5, policy: { maxAgeMs: 1, maxBytes: 1 } },
      { t: "refill", key: "k", poolSize: 1 },
      { t: "refill", key: "k", poolSize: 1, policy: { maxAgeMs: "1d", maxBytes: 1 } },
    ]) {
      expect(parseMessage(JSON.stringify(bad)), JSON.stringify(bad)).toBeUndefined();
    }
    // Extra fields are not carried over to the guardian's state.
    expect(parseMessage(JSON.stringify({ ...m, extra: 1, policy: { ...m.policy, more: 2 } }))).toEqual(m);
  });
});
