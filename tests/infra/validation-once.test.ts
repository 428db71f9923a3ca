// The infra program validates the stack's spec once: the AWS deployer used to validate it itself (to stop
// before registering region providers) and then again in the component. The providers are now made by the
// component, after its one validation.
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { T, drainRegistrations, installMocks, ofType, registered, reset } from "../components/support/harness.ts";
import { stackConfig } from "../components/support/program.ts";

installMocks("db-provisioning", "prod");
// The schema stays internal to the package: load its compiled module by path, the same instance the
// package's entry requires (Node caches CommonJS modules by real path).
const { databaseSpecSchema } = createRequire(import.meta.url)("../../components/dist/spec/schema.js") as typeof import("../../components/spec/schema.ts");
const safeParse = vi.spyOn(databaseSpecSchema, "safeParse");
afterAll(() => safeParse.mockRestore());
const { runProgram } = await import("../../infra/program.ts");

beforeEach(async () => {
  await drainRegistrations();
  reset();
  safeParse.mockClear();
});

describe("infra program", () => {
  it.each(["prod", "gcp-dev", "azure-prod"])("Pulumi.%s.yaml: the spec is validated once", async (stack) => {
    pulumi.runtime.setAllConfig(stackConfig(stack));
    const { database } = runProgram();
    await drainRegistrations();
    expect(safeParse).toHaveBeenCalledTimes(1);
    expect(await new Promise((resolve) => database.endpoint.apply(resolve))).toMatch(/:\d+$/);
  });

  it("an invalid prod spec is validated once and registers no region provider", async () => {
    pulumi.runtime.setAllConfig({ ...stackConfig("prod"), "db:overrides": JSON.stringify({ network: { private: false } }) });
    expect(() => runProgram()).toThrow(/db:overrides\.network\.private/);
    await drainRegistrations();
    expect(safeParse).toHaveBeenCalledTimes(1);
    expect(ofType(T.provider)).toHaveLength(0);
    expect(registered).toHaveLength(0);
  });
});
