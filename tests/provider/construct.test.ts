// Construct through the provider, as a C#, Python, Go or YAML program does: plain wire values in, the same
// component class out. Under Pulumi mocks, each component at the prod preset registers the same children
// with the same provider inputs (secrets included) as the TypeScript path, for the conformance suite's
// inputs; wrong input is refused by property path before anything is registered.
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import type { Cloud, Engine } from "../../components/spec/index.ts";
import { installMocks, registered, reset, Tracker, type Registered } from "../components/support/harness.ts";
import { refusal } from "./refusal.ts";

installMocks();
const { componentArgs, construct } = await import("../components/conformance/clouds.ts");
const { DbtkProvider } = await import("../../provider/provider.ts");
const { components } = await import("../../provider/model.ts");

const provider = new DbtkProvider({ componentsDist: path.join(import.meta.dirname, "../../components/dist"), version: "0.0.0" });
const tokenOf = (className: string) => components.find((c) => c.className === className)!.token;
/** What another language sends: JSON values, no Outputs, no TypeScript classes. */
const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
const shape = (records: Registered[]) =>
  records.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })).sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));


beforeEach(reset);

// The outputs each component registers (registerOutputs), to hold model.ts's output lists to them.
const registeredOutputs = new Map<string, string[]>();
const registerOutputs = (pulumi.ComponentResource.prototype as unknown as { registerOutputs(o?: pulumi.Inputs): void }).registerOutputs;
(pulumi.ComponentResource.prototype as unknown as { registerOutputs(o?: pulumi.Inputs): void }).registerOutputs = function (this: pulumi.ComponentResource, outputs?: pulumi.Inputs) {
  const type = (this as unknown as { __pulumiType?: string }).__pulumiType;
  if (type && outputs) registeredOutputs.set(type, Object.keys(outputs).sort());
  return registerOutputs.call(this, outputs);
};

const cases: [Cloud, Engine][] = [
  ["aws", "postgres"], ["aws", "mysql"], ["aws", "sqlserver"],
  ["gcp", "postgres"], ["gcp", "mysql"], ["gcp", "sqlserver"],
  ["azure", "postgres"], ["azure", "mysql"], ["azure", "sqlserver"],
];

describe("construct at the prod preset, through the provider", () => {
  it.each(cases)("%s %s: the same children and inputs as the TypeScript path", async (cloud, engine) => {
    const input = { name: "conf", engine };
    const ts = new Tracker();
    construct(cloud, "prod", input, ts);
    await ts.settle();
    const expected = shape(registered.splice(0));

    const { component, args } = componentArgs(cloud, "prod", input);
    const tracker = new Tracker();
    const result = await provider.construct(`conf-${cloud}`, tokenOf(component), wire(args), { transformations: [tracker.transformation] });
    await tracker.settle();
    const got = shape(registered.splice(0));

    expect(got.length).toBeGreaterThan(5);
    expect(got.map((r) => r.type)).toContain(tokenOf(component));
    expect(got).toEqual(expected);
    const model = components.find((c) => c.className === component)!;
    expect(Object.keys(result.state).sort()).toEqual([...model.outputs].sort());
    expect(registeredOutputs.get(model.token), "provider/model.ts lists the outputs the component registers").toEqual([...model.outputs].sort());
    expect(await pulumi.isSecret(result.state["connection"] as pulumi.Output<unknown>), "connection secret").toBe(true);
  });
});

describe("inputs the engine wraps", () => {
  it("an input that depends on another resource arrives as an Output and is read as its value", async () => {
    const input = { name: "conf", engine: "postgres" as const };
    const { args } = componentArgs("aws", "prod", input);
    const ts = new Tracker();
    construct("aws", "prod", input, ts);
    await ts.settle();
    const expected = shape(registered.splice(0));

    const wrapped = { ...wire(args), input: pulumi.output(wire(args)["input"]) };
    const tracker = new Tracker();
    await provider.construct("conf-aws", "provisioning:aws:RdsDatabase", wrapped, { transformations: [tracker.transformation] });
    await tracker.settle();
    expect(shape(registered.splice(0))).toEqual(expected);
  });
});

describe("wrong input from another language", () => {
  const azure = () => wire(componentArgs("azure", "prod", { name: "bad", engine: "postgres" }).args);

  it("an unknown engine is refused naming input.engine and the engines", async () => {
    const args = wire(componentArgs("aws", "prod", { name: "bad", engine: "postgres" }).args);
    (args["input"] as Record<string, unknown>)["engine"] = "oracle";
    const errors = await refusal(provider.construct("bad", "provisioning:aws:RdsDatabase", args, {}));
    expect(errors).toEqual([{ propertyPath: "input.engine", reason: '"oracle" is not a valid Engine; use one of "postgres", "mysql", "sqlserver"' }]);
    expect(registered).toEqual([]);
  });

  it("an unknown environment and a missing required field are refused by name", async () => {
    const args = azure();
    args["environment"] = "production";
    delete args["location"];
    const errors = await refusal(provider.construct("bad", "provisioning:azure:PostgresFlexibleServer", args, {}));
    expect(errors.map((e) => e.propertyPath).sort()).toEqual(["environment", "location"]);
    expect(errors.find((e) => e.propertyPath === "location")!.reason).toMatch(/is missing/);
    expect(errors.find((e) => e.propertyPath === "environment")!.reason).toMatch(/"production" is not a valid Environment; use one of "dev", "staging", "prod", "ci"/);
    expect(registered).toEqual([]);
  });

  it("a misspelt field and a wrong type are refused by path", async () => {
    const args = azure();
    (args["input"] as Record<string, unknown>)["backup"] = { retentionDay: 7, pointInTimeRecovery: "yes" };
    const errors = await refusal(provider.construct("bad", "provisioning:azure:PostgresFlexibleServer", args, {}));
    expect(errors.map((e) => e.propertyPath)).toEqual(["input.backup.retentionDay", "input.backup.pointInTimeRecovery"]);
    expect(errors[0]!.reason).toMatch(/is not a field of BackupSpec; use one of retentionDays,/);
  });

  it("what the component's own validation refuses comes back under input, by field", async () => {
    const args = wire(componentArgs("aws", "prod", { name: "bad", engine: "postgres", backup: { retentionDays: 100 } }).args);
    const errors = await refusal(provider.construct("bad", "provisioning:aws:RdsDatabase", args, {}));
    expect(errors.map((e) => e.propertyPath)).toContain("input.backup.retentionDays");
    expect(registered).toEqual([]);
  });

  it("an unknown type token is refused with the package's tokens", async () => {
    await expect(provider.construct("bad", "provisioning:aws:Rds", azure(), {})).rejects.toThrow(/unknown resource type provisioning:aws:Rds; this package has provisioning:aws:RdsDatabase/);
  });
});
