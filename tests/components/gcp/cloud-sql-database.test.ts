import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { SpecValidationError } from "../../../components/spec/index.ts";
import { Tracker, installMocks, isSecretOutput, isSecretValue, ofType, one, plain, registered, reset, value } from "../support/harness.ts";

installMocks();
const { GcpCloudSqlDatabase } = await import("../../../components/gcp/index.ts");

const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const vpc = "projects/acme/global/networks/main";

async function render(input: Partial<DatabaseSpecInput>, environment: Environment = "dev", extra: Record<string, unknown> = {}, opts: pulumi.ComponentResourceOptions = {}) {
  const tracker = new Tracker();
  const db = new GcpCloudSqlDatabase(
    "orders",
    { environment, region: "europe-west1", input: { name: "orders", engine: "postgres", network: { vpcId: vpc }, ...input } as DatabaseSpecInput, ...extra },
    { ...opts, transformations: [tracker.transformation] },
  );
  await tracker.settle();
  return { db, tracker };
}

const settings = (r: { inputs: Record<string, unknown> }) => plain<Record<string, any>>(r.inputs["settings"]);

beforeEach(reset);

describe("GcpCloudSqlDatabase: dev preset", () => {
  it("registers the instance, database, user, password secret, a dashboard, and nothing for keys or replicas", async () => {
    await render({});
    expect(registered.map((r) => r.type).sort()).toEqual(
      [
        "provisioning:gcp:CloudSqlDatabase",
        "random:index/randomPassword:RandomPassword",
        "gcp:secretmanager/secret:Secret",
        "gcp:secretmanager/secretVersion:SecretVersion",
        INSTANCE,
        "gcp:sql/database:Database",
        "gcp:sql/user:User",
        "gcp:monitoring/dashboard:Dashboard",
      ].sort(),
    );
    const instance = one(INSTANCE);
    expect(instance.inputs).toMatchObject({ databaseVersion: "POSTGRES_17", region: "europe-west1", deletionProtection: false });
    expect(instance.inputs).not.toHaveProperty("encryptionKeyName");
    expect(settings(instance)).toMatchObject({
      tier: "db-custom-1-3840",
      edition: "ENTERPRISE",
      ipConfiguration: { ipv4Enabled: false, privateNetwork: vpc, sslMode: "ENCRYPTED_ONLY" },
      databaseFlags: [
        { name: "log_connections", value: "on" },
        { name: "log_disconnections", value: "on" },
        { name: "log_min_duration_statement", value: "500" },
      ],
    });
    expect(one("gcp:sql/database:Database").inputs).toMatchObject({ name: "app", instance: "orders-a1b2c3" });
    expect(one("gcp:sql/user:User").inputs).toMatchObject({ name: "dbadmin", instance: "orders-a1b2c3" });
  });

  it("keeps the password secret: in Secret Manager, the user and the outputs", async () => {
    const { db } = await render({});
    const version = one("gcp:secretmanager/secretVersion:SecretVersion");
    expect(isSecretValue(version.inputs["secretData"])).toBe(true);
    expect(plain(version.inputs["secretData"])).toBe(plain(one("gcp:sql/user:User").inputs["password"]));
    expect(isSecretValue(one("gcp:sql/user:User").inputs["password"])).toBe(true);
    expect(one("gcp:secretmanager/secret:Secret").inputs).toMatchObject({ secretId: "orders-db-password", replication: { auto: {} } });
    expect(await isSecretOutput(db.connection)).toBe(true);
    const conn = await value(db.connection);
    expect(conn).toMatchObject({ host: "10.20.0.5", port: 5432, user: "dbadmin", database: "app", engine: "postgres" });
    expect(conn.password).toBe(plain(version.inputs["secretData"]));
    expect(await value(db.connectionName)).toBe("mock-project:europe-west1:orders-a1b2c3");
    expect(await value(db.secretId)).toBe("projects/mock-project/secrets/orders-db-password");
    expect(await value(db.port)).toBe(5432);
    expect(await isSecretOutput(db.connectionName)).toBe(false);
  });

  it("parents every child to the component", async () => {
    const { db, tracker } = await render({ replicas: [{ count: 1 }], observability: { alarms: { enabled: true } } });
    const children = tracker.resources.filter((r) => r.resource !== db);
    expect(children.length).toBe(registered.length - 1);
    for (const child of children) expect(child.parent, `${child.type} ${child.name}`).toBe(db);
  });

  it("passes the component's provider to every child", async () => {
    const provider = new gcp.Provider("gcp-eu", { project: "acme", region: "europe-west1" });
    await render({ replicas: [{ count: 1 }] }, "dev", {}, { providers: { gcp: provider } });
    const gcpChildren = registered.filter((r) => r.type.startsWith("gcp:"));
    expect(gcpChildren.length).toBeGreaterThan(4);
    for (const r of gcpChildren) expect(r.provider, r.type).toMatch(/pulumi:providers:gcp::gcp-eu::/);
  });
});

describe("GcpCloudSqlDatabase: prod preset", () => {
  it("creates a rotating key per region granted to the Cloud SQL agent and encrypts every instance", async () => {
    await render({ replicas: [{ count: 1 }, { region: "us-east1", count: 1 }] }, "prod");
    expect(one("gcp:projects/serviceIdentity:ServiceIdentity").inputs).toMatchObject({ service: "sqladmin.googleapis.com" });
    const rings = ofType("gcp:kms/keyRing:KeyRing").map((r) => r.inputs["location"]).sort();
    expect(rings).toEqual(["europe-west1", "us-east1"]);
    const keys = ofType("gcp:kms/cryptoKey:CryptoKey");
    expect(keys.map((k) => k.inputs["rotationPeriod"])).toEqual(["31536000s", "31536000s"]);
    const grants = ofType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
    expect(grants.map((g) => g.inputs["role"])).toEqual(["roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/cloudkms.cryptoKeyEncrypterDecrypter"]);
    expect(grants[0]!.inputs["member"]).toBe("serviceAccount:service-123456789@gcp-sa-cloud-sql.iam.gserviceaccount.com");
    const instances = ofType(INSTANCE);
    expect(instances).toHaveLength(3);
    const [primary, local, dr] = instances;
    expect(primary!.inputs["encryptionKeyName"]).toMatch(/locations\/europe-west1\/keyRings/);
    expect(local!.inputs["encryptionKeyName"]).toMatch(/locations\/europe-west1\/keyRings/);
    expect(dr!.inputs).toMatchObject({ region: "us-east1", masterInstanceName: "orders-a1b2c3" });
    expect(dr!.inputs["encryptionKeyName"]).toMatch(/locations\/us-east1\/keyRings/);
    expect(settings(dr!)).toMatchObject({ availabilityType: "ZONAL", backupConfiguration: { enabled: false }, userLabels: { "dbtk-replica-role": "dr" } });
  });

  it("is regional, deletion-protected, keeps a final backup and has an alert policy", async () => {
    await render({}, "prod");
    const primary = ofType(INSTANCE)[0]!;
    expect(primary.inputs).toMatchObject({ deletionProtection: true, finalBackupDescription: "final backup of orders" });
    expect(settings(primary)).toMatchObject({
      availabilityType: "REGIONAL",
      deletionProtectionEnabled: true,
      retainBackupsOnDelete: true,
      finalBackupConfig: { enabled: true, retentionDays: 35 },
      backupConfiguration: { enabled: true, startTime: "01:00", pointInTimeRecoveryEnabled: true },
      insightsConfig: { queryInsightsEnabled: true },
    });
    const policy = one("gcp:monitoring/alertPolicy:AlertPolicy");
    const conditions = plain<{ conditionThreshold: { filter: string } }[]>(policy.inputs["conditions"]);
    expect(conditions.map((c) => c.conditionThreshold.filter)).toContain(
      'resource.type = "cloudsql_database" AND metric.type = "cloudsql.googleapis.com/database/replication/replica_lag" AND resource.labels.database_id = one_of("mock-project:orders-replica-0-a1b2c3")',
    );
  });
});

describe("GcpCloudSqlDatabase: options", () => {
  it("uses an existing key and the given replica key without creating keys", async () => {
    const key = "projects/acme/locations/europe-west1/keyRings/db/cryptoKeys/orders";
    const usKey = "projects/acme/locations/us-east1/keyRings/db/cryptoKeys/orders";
    await render({ encryption: { atRest: { type: "customer-key", keyId: key } }, replicas: [{ region: "us-east1", count: 1 }] }, "dev", { replicaKeyIds: { "us-east1": usKey } });
    expect(ofType("gcp:kms/cryptoKey:CryptoKey")).toHaveLength(0);
    expect(ofType(INSTANCE).map((i) => i.inputs["encryptionKeyName"])).toEqual([key, usKey]);
    expect(ofType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").map((g) => g.inputs["cryptoKeyId"])).toEqual([key, usKey]);
  });

  it("MySQL: binary logs, slow log flags, utf8mb4 database", async () => {
    await render({ engine: "mysql" });
    const s = settings(one(INSTANCE));
    expect(s["backupConfiguration"]).toMatchObject({ binaryLogEnabled: true });
    expect(s["databaseFlags"]).toEqual([
      { name: "slow_query_log", value: "on" },
      { name: "long_query_time", value: "0.5" },
      { name: "log_output", value: "FILE" },
    ]);
    expect(one("gcp:sql/database:Database").inputs).toMatchObject({ charset: "utf8mb4" });
  });

  it("SQL Server: root password is secret, Query Insights records slow queries", async () => {
    const { db } = await render({ engine: "sqlserver" });
    const instance = one(INSTANCE);
    expect(instance.inputs["databaseVersion"]).toBe("SQLSERVER_2022_STANDARD");
    expect(isSecretValue(instance.inputs["rootPassword"])).toBe(true);
    expect(settings(instance)["insightsConfig"]).toMatchObject({ queryInsightsEnabled: true });
    expect((await value(db.connection)).port).toBe(1433);
  });

  it("public IP with authorized networks only when asked", async () => {
    const { db } = await render({ network: { private: false, allowedCidrs: ["198.51.100.0/24"], vpcId: vpc } });
    expect(settings(one(INSTANCE))["ipConfiguration"]).toMatchObject({ ipv4Enabled: true, authorizedNetworks: [{ value: "198.51.100.0/24" }] });
    expect((await value(db.connection)).host).toBe("34.1.2.3");
  });

  it("pooling: Managed Connection Pooling on Enterprise Plus, refused on Enterprise tiers", async () => {
    await render({ size: { instanceClass: "db-perf-optimized-N-4" }, pooling: { enabled: true } });
    expect(settings(one(INSTANCE))).toMatchObject({ edition: "ENTERPRISE_PLUS", connectionPoolConfigs: [{ connectionPoolingEnabled: true }] });
    reset();
    expect(() => new GcpCloudSqlDatabase("bad", { environment: "dev", region: "europe-west1", input: { name: "orders", engine: "postgres", network: { vpcId: vpc }, pooling: { enabled: true } } })).toThrow(/Enterprise Plus/);
    expect(registered).toHaveLength(0);
  });

  it("client certificates", async () => {
    await render({}, "dev", { requireClientCertificates: true });
    expect(settings(one(INSTANCE))["ipConfiguration"]).toMatchObject({ sslMode: "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" });
  });

  it("restores by clone, ignores the restore inputs afterwards and creates no database", async () => {
    const { tracker } = await render({ restore: { mode: "point-in-time", sourceId: "orders-old", time: "2026-11-01T10:00:00Z" } });
    expect(one(INSTANCE).inputs["clone"]).toEqual({ sourceInstanceName: "orders-old", pointInTime: "2026-11-01T10:00:00Z" });
    expect(ofType("gcp:sql/database:Database")).toHaveLength(0);
    expect(tracker.optionsOf(INSTANCE).ignoreChanges).toEqual(expect.arrayContaining(["clone", "restoreBackupContext"]));
    const { tracker: fresh } = await render({});
    expect(fresh.optionsOf(INSTANCE).ignoreChanges ?? []).not.toContain("clone");
  });
});

describe("GcpCloudSqlDatabase: invalid specs register nothing", () => {
  it("private without a VPC", () => {
    expect(() => new GcpCloudSqlDatabase("bad", { environment: "dev", region: "europe-west1", input: { name: "orders", engine: "postgres" } })).toThrow(SpecValidationError);
    expect(registered).toHaveLength(0);
  });
  it("client certificates on SQL Server", () => {
    let error: unknown;
    try {
      new GcpCloudSqlDatabase("bad", { environment: "dev", region: "europe-west1", requireClientCertificates: true, input: { name: "orders", engine: "sqlserver", network: { vpcId: vpc } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as SpecValidationError).issues[0]).toMatchObject({ path: "requireClientCertificates", cloud: "gcp" });
    expect(registered).toHaveLength(0);
  });
});
