// Process identity that survives pid reuse: a recorded pid whose start time differs is another process.
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { identify, liveness, processStart } from "../../core/process.ts";

describe("process identity", () => {
  it("this process is alive; the same pid with another start time is gone (pid reuse)", () => {
    const me = identify();
    expect(me.start).toBeTypeOf("number");
    expect(liveness(me)).toBe("alive");
    expect(liveness({ ...me, start: me.start! + 1 })).toBe("gone");
  });

  it("a record from another boot is gone, from another host unknown", () => {
    const me = identify();
    expect(liveness({ ...me, boot: "00000000-0000-0000-0000-000000000000" })).toBe("gone");
    expect(liveness({ ...me, host: `${hostname()}-elsewhere` })).toBe("unknown");
  });

  it("an exited child is gone", async () => {
    const child = spawn("true");
    const id = identify(child.pid!);
    await new Promise((r) => child.once("exit", r));
    // Reaped by node: the pid no longer exists.
    await new Promise((r) => setTimeout(r, 50));
    expect(liveness(id)).toBe("gone");
    expect(processStart(child.pid!)).toBeUndefined();
  });
});
