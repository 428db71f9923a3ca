// The AWS suites' render: an AwsRdsDatabase "orders" (postgres, us-east-1) from a partial input laid over the
// environment's preset, every child tracked, settled before returning. Pass the class imported after installMocks().
import type * as pulumi from "@pulumi/pulumi";
import type { AwsRdsDatabase as Component } from "../../../components/aws/index.ts";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { Tracker } from "../support/harness.ts";

type Args = ConstructorParameters<typeof Component>[1];

export function awsRenderer(AwsRdsDatabase: typeof Component, network: DatabaseSpecInput["network"]) {
  return async function render(input: Partial<DatabaseSpecInput>, environment: Environment = "dev", extra: Partial<Args> = {}, opts: pulumi.ComponentResourceOptions = {}) {
    const tracker = new Tracker();
    const db = new AwsRdsDatabase(
      "orders",
      { environment, region: "us-east-1", ...extra, input: { name: "orders", engine: "postgres", network, ...input } as DatabaseSpecInput } as Args,
      { ...opts, transformations: [tracker.transformation] },
    );
    await tracker.settle();
    return { db, tracker };
  };
}
