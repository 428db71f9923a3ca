// The cloud targets' lifecycle (create → up, destroy → destroy + remove, list → stack tags) with the
// engine faked — only for the cloud kinds, whose provider plugins cannot run here. The fake runs each
// stack's real program under Pulumi mocks, so the connection comes from the real component outputs.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  EngineCancelledError,
  stackTargetWithEngine,
  TAGS,
  type DestroyRequest,
  type StackEngine,
  type StackOutputs,
  type StackSummary,
  type UpRequest,
} from "../../../automation/engine/index.ts";
import type { CreateRequest } from "../../../automation/targets/types.ts";
import { failure } from "./helpers.ts";

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: `${args.name}-id`,
        state: { ...args.inputs, address: `${args.name}.rds.example`, endpoint: `${args.name}.rds.example:5432`, port: 5432, result: "pw-from-random" },
      }),
      call: () => ({}),
    },
    "dbtk-ephemeral",
    "fake",
    false,
  );
});

/** An in-memory stand-in for the Pulumi engine: stacks with tags, config and outputs. */
class FakeEngine implements StackEngine {
  stacks = new Map<string, { tags: Record<string, string>; config: Record<string, string>; outputs: StackOutputs }>();
  calls: string[] = [];
  failUp?: Error;

  async up(req: UpRequest): Promise<StackOutputs> {
    this.calls.push(`up ${req.stack}`);
    this.stacks.set(req.stack, { tags: req.tags, config: req.config ?? {}, outputs: {} });
    if (this.failUp) throw this.failUp;
    const exported = (await req.program()) as Record<string, pulumi.Output<unknown>>;
    const outputs: StackOutputs = {};
    for (const [k, o] of Object.entries(exported)) {
      outputs[k] = { value: await new Promise((resolve) => o.apply(resolve)), secret: await pulumi.isSecret(o) };
    }
    (this.stacks.get(req.stack) as { outputs: StackOutputs }).outputs = outputs;
    return outputs;
  }

  destroys: DestroyRequest[] = [];

  async destroy(req: DestroyRequest): Promise<boolean> {
    this.calls.push(`destroy ${req.stack}`);
    this.destroys.push(req);
    return this.stacks.delete(req.stack);
  }

  async list(): Promise<StackSummary[]> {
    return [...this.stacks].map(([name, s]) => ({ name, tags: s.tags }));
  }
}

let n = 0;
const request = (engine: "postgres" | "mysql" = "postgres"): CreateRequest => ({
  id: `dbtk_mwvt0000_fake${String(n++).padStart(6, "0")}`,
  target: "aws",
  owner: "ci-bot",
  createdAt: "2026-11-25T07:00:00.000Z",
  expiresAt: "2026-11-25T08:00:00.000Z",
  host: "runner-1",
  pid: 4242,
  engine,
});

describe("cloud target lifecycle (fake engine, real programs under mocks)", () => {
  it("create runs up on a stack named by the id, tagged and configured; returns the master connection", async () => {
    const engine = new FakeEngine();
    const target = stackTargetWithEngine({ kind: "aws", engine: "postgres", region: "eu-west-1" }, engine);
    expect(target.name).toBe("aws");
    const req = request();
    const db = await target.create(req);

    const stack = engine.stacks.get(req.id);
    expect(stack?.config).toEqual({ "aws:region": "eu-west-1" });
    expect(stack?.tags[TAGS.owner]).toBe("ci-bot");
    expect(stack?.tags[TAGS.expiresAt]).toBe(req.expiresAt);
    expect(JSON.parse(stack?.tags[TAGS.meta] ?? "{}")).toEqual({
      kind: "aws",
      target: "aws",
      createdAt: req.createdAt,
      place: "aws:eu-west-1",
      host: "runner-1",
      pid: 4242,
    });
    for (const [k, v] of Object.entries(stack?.tags ?? {})) {
      expect(k).toMatch(/^[a-zA-Z0-9:._-]{1,40}$/);
      expect(v.length).toBeLessThanOrEqual(256);
    }
    expect(stack?.outputs.connection?.secret).toBe(true);
    expect(db).toMatchObject({ id: req.id, owner: "ci-bot", expiresAt: req.expiresAt });
    expect(db.connection).toMatchObject({ engine: "postgres", host: expect.stringContaining(".rds.example"), port: 5432, user: "dbadmin", database: "app" });
    expect(db.connection.password).toBeTruthy();
  });

  it("list reads the stack tags and shows only this kind and region", async () => {
    const engine = new FakeEngine();
    const target = stackTargetWithEngine({ kind: "aws", engine: "postgres", region: "eu-west-1" }, engine);
    const req = request();
    await target.create(req);
    const otherRegion = stackTargetWithEngine({ kind: "aws", engine: "postgres", region: "us-east-1" }, engine);
    await otherRegion.create(request());
    engine.stacks.set("not_ours", { tags: { "pulumi:project": "x" }, config: {}, outputs: {} });

    expect(await target.list()).toEqual([
      { id: req.id, target: "aws", owner: "ci-bot", createdAt: req.createdAt, expiresAt: req.expiresAt, host: "runner-1", pid: 4242 },
    ]);
  });

  it("destroy goes to the engine (destroy + remove) and is idempotent", async () => {
    const engine = new FakeEngine();
    const target = stackTargetWithEngine({ kind: "gcp", engine: "postgres", region: "europe-west1", cloudConfig: { "dbtk:vpcId": "projects/p/global/networks/ci" } }, engine);
    const req = request();
    await target.create(req);
    await target.destroy(req.id);
    expect(engine.stacks.has(req.id)).toBe(false);
    expect(await target.list()).toEqual([]);
    await target.destroy(req.id);
    expect(engine.calls).toEqual([`up ${req.id}`, `destroy ${req.id}`, `destroy ${req.id}`]);
    // A cloud create does not adopt: after an interrupted run it is never re-run (that would make a second database).
    expect(engine.destroys.every((d) => d.rebuild === undefined)).toBe(true);
    await expect(target.destroy("Robert'); drop table x;--")).rejects.toThrow(/not an ephemeral database id/);
  });

  it("a failed up is cleaned up at once; a cancelled one is left for destroy", async () => {
    const engine = new FakeEngine();
    const target = stackTargetWithEngine({ kind: "aws", engine: "postgres" }, engine);
    engine.failUp = new Error("pulumi up of stack x failed: quota exceeded");
    const failed = request();
    expect((await failure(() => target.create(failed))).message).toMatch(/quota exceeded/);
    expect(engine.calls).toEqual([`up ${failed.id}`, `destroy ${failed.id}`]);

    engine.failUp = new EngineCancelledError("s", "up");
    const cancelled = request();
    expect(await failure(() => target.create(cancelled))).toBeInstanceOf(EngineCancelledError);
    expect(engine.calls.slice(2)).toEqual([`up ${cancelled.id}`]);
    expect((await target.list()).map((m) => m.id)).toEqual([cancelled.id]);
  });

  it("refuses another engine's request and ids that cannot name a stack", async () => {
    const target = stackTargetWithEngine({ kind: "azure", engine: "mysql" }, new FakeEngine());
    await expect(target.create(request("postgres"))).rejects.toThrow(/makes mysql databases, not postgres/);
    await expect(target.create({ ...request("mysql"), id: "Bad-Name" })).rejects.toThrow(/cannot name a stack/);
  });
});
