// GcpCloudSqlDatabase takes its references (private network, Cloud KMS keys, notification channel,
// project, restore source) as Outputs of other resources or a StackReference; the provider args get the values.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { SpecValidationError } from "../../../components/spec/index.ts";
import { Tracker, installMocks, isSecretValue, ofType, one, plain, reset, setStackOutputs, value } from "../support/harness.ts";

installMocks();
const { GcpCloudSqlDatabase } = await import("../../../components/gcp/index.ts");

const stack = "acme/platform/prod";
const northKey = "projects/acme/locations/europe-north1/keyRings/db/cryptoKeys/orders";
setStackOutputs(stack, { project: "acme-orders", northKey, backupRun: "orders-old/1712345678901" }, ["northKey"]);

const instances = () => ofType("gcp:sql/databaseInstance:DatabaseInstance").map((r) => plain<Record<string, any>>(r.inputs));

beforeEach(reset);

describe("GcpCloudSqlDatabase with Output references", () => {
  it("network, keys (primary and replica region), channel and project reach the provider args", async () => {
    const tracker = new Tracker();
    const network = new gcp.compute.Network("vpc", { autoCreateSubnetworks: false });
    const key = new gcp.kms.CryptoKey("orders-key", { keyRing: "projects/acme/locations/europe-west1/keyRings/db" });
    const channel = new gcp.monitoring.NotificationChannel("oncall", { type: "email", labels: { email_address: "db@acme.test" } });
    const platform = new pulumi.StackReference(stack);
    const db = new GcpCloudSqlDatabase(
      "orders",
      {
        environment: "prod",
        region: "europe-west1",
        project: platform.getOutput("project"),
        replicaKeyIds: { "europe-north1": platform.getOutput("northKey") },
        input: {
          name: "orders",
          engine: "postgres",
          network: { vpcId: network.id },
          encryption: { atRest: { type: "customer-key", keyId: key.id } },
          replicas: [{ count: 1 }, { region: "europe-north1", count: 1 }],
          observability: { alarms: { enabled: true, notificationTarget: channel.id } },
        },
      },
      { transformations: [tracker.transformation] },
    );
    await tracker.settle();
    const keyId = "projects/acme/locations/europe-west1/keyRings/db/cryptoKeys/orders-key-a1b2c3";
    const [primary, local, north] = instances();
    expect(primary).toMatchObject({ project: "acme-orders", region: "europe-west1", encryptionKeyName: keyId });
    expect(primary!["settings"]["ipConfiguration"]).toMatchObject({ ipv4Enabled: false, privateNetwork: "vpc-id" });
    expect(local).toMatchObject({ region: "europe-west1", encryptionKeyName: keyId });
    expect(local!["settings"]["ipConfiguration"]["privateNetwork"]).toBe("vpc-id");
    expect(north).toMatchObject({ region: "europe-north1", encryptionKeyName: northKey });
    expect(isSecretValue(ofType("gcp:sql/databaseInstance:DatabaseInstance")[2]!.inputs["encryptionKeyName"])).toBe(true);
    const grants = ofType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").map((g) => plain<Record<string, any>>(g.inputs)["cryptoKeyId"]);
    expect(grants.sort()).toEqual([keyId, northKey].sort());
    expect(plain<Record<string, any>>(one("gcp:monitoring/alertPolicy:AlertPolicy").inputs)).toMatchObject({ project: "acme-orders", notificationChannels: ["oncall-id"] });
    expect(await value(db.secretRef)).toBe("projects/mock-project/secrets/orders-db-password");
  });

  it("a backup run from a StackReference is split into restoreBackupContext once known", async () => {
    const tracker = new Tracker();
    const run = new pulumi.StackReference(stack).getOutput("backupRun");
    new GcpCloudSqlDatabase(
      "orders",
      {
        environment: "dev",
        region: "europe-west1",
        input: { name: "orders", engine: "postgres", network: { vpcId: "projects/acme/global/networks/main" }, restore: { mode: "snapshot", snapshotId: run } },
      },
      { transformations: [tracker.transformation] },
    );
    await tracker.settle();
    expect(instances()[0]!["restoreBackupContext"]).toEqual({ instanceId: "orders-old", backupRunId: 1712345678901 });
  });

  it("shape checks apply to plain strings only", () => {
    const plainKey = { type: "customer-key" as const, keyId: "orders-key" };
    const make = (keyId: pulumi.Input<string>) => () =>
      new GcpCloudSqlDatabase("orders", {
        environment: "dev",
        region: "europe-west1",
        input: { name: "orders", engine: "postgres", network: { vpcId: "projects/acme/global/networks/main" }, encryption: { atRest: { ...plainKey, keyId } } },
      });
    expect(make("orders-key")).toThrow(SpecValidationError);
    expect(make("orders-key")).toThrow(/encryption\.atRest\.keyId: "orders-key" is not a GCP Cloud KMS key/);
    expect(make(pulumi.output("orders-key"))).not.toThrow();
  });
});
