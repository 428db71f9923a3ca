// Cloud restore points against a fake HTTP endpoint on localhost (no cloud here): each request our pure
// builders make is compared with the one the provider's own SDK sends for the same call (the SDK pointed
// at the same fake), and the SDKs' types are checked against ours.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateDBSnapshotCommand, DeleteDBSnapshotCommand, DescribeDBSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import type { CreateDBSnapshotCommandInput, DeleteDBSnapshotCommandInput, DescribeDBSnapshotsCommandInput } from "@aws-sdk/client-rds";
import { SqlManagementClient, type Database } from "@azure/arm-sql";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { sqladmin, type sqladmin_v1 } from "@googleapis/sqladmin";
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import type { CreateDBSnapshotInput, DeleteDBSnapshotInput, DescribeDBSnapshotsInput } from "../../../automation/restore-point/cloud/aws.ts";
import type { SqlCopyBody } from "../../../automation/restore-point/cloud/azure.ts";
import type { BackupRunBody } from "../../../automation/restore-point/cloud/gcp.ts";
import { signV4 } from "../../../automation/restore-point/cloud/sigv4.ts";
import {
  cloudResource,
  createCloudRestorePoint,
  dropCloudRestorePoint,
  listCloudRestorePoints,
  pruneCloudRestorePoints,
  wayBackText,
} from "../../../automation/restore-point/cloud/index.ts";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

let server: Server;
let endpoint: string;
let seen: Seen[] = [];
/** The next answers, by "METHOD path-prefix"; default 200 "{}". */
let answers: Record<string, { status?: number; body: string }> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const key = Object.keys(answers).find((k) => `${req.method} ${req.url}`.startsWith(k) || (k.startsWith("POST Action=") && body.includes(k.slice(5))));
      const a = key ? answers[key]! : { body: "{}" };
      res.writeHead(a.status ?? 200, { "content-type": a.body.startsWith("<") ? "text/xml" : "application/json" });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
  answers = {};
});

const form = (body: string) => Object.fromEntries(new URLSearchParams(body));

describe("AWS RDS: CreateDBSnapshot / DescribeDBSnapshots / DeleteDBSnapshot", () => {
  const arn = "arn:aws:rds:eu-west-1:123456789012:db:orders-prod";
  const aws = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
  const now = () => new Date("2026-11-29T12:00:00Z");
  const snap = (id: string, t: string) =>
    `<DBSnapshot><DBSnapshotIdentifier>${id}</DBSnapshotIdentifier><SnapshotCreateTime>${t}</SnapshotCreateTime><Status>available</Status></DBSnapshot>`;

  it("our inputs are the SDK's", () => {
    expectTypeOf<CreateDBSnapshotInput>().toExtend<CreateDBSnapshotCommandInput>();
    expectTypeOf<DescribeDBSnapshotsInput>().toExtend<DescribeDBSnapshotsCommandInput>();
    expectTypeOf<DeleteDBSnapshotInput>().toExtend<DeleteDBSnapshotCommandInput>();
  });

  it("signs as AWS's published SigV4 example does", () => {
    const h = signV4(
      {
        method: "GET",
        host: "iam.amazonaws.com",
        path: "/",
        query: "Action=ListUsers&Version=2010-05-08",
        headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
        body: "",
        region: "us-east-1",
        service: "iam",
        now: new Date("2015-08-30T12:36:00Z"),
      },
      aws,
    );
    expect(h.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, " +
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
    );
  });

  it("sends the form the SDK sends, SigV4-signed; lists ours newest first; keeps n; drops by id", async () => {
    answers = { "POST Action=CreateDBSnapshot": { body: `<CreateDBSnapshotResponse><CreateDBSnapshotResult>${snap("x", "")}</CreateDBSnapshotResult></CreateDBSnapshotResponse>` } };
    const made = await createCloudRestorePoint(arn, { endpoint, aws, now });
    expect(made).toMatchObject({ provider: "aws-rds", source: arn, wayBack: { mode: "snapshot" } });
    const ours = seen[0]!;
    const sdk = new RDSClient({ region: "eu-west-1", endpoint, credentials: aws, maxAttempts: 1, systemClockOffset: now().getTime() - Date.now() });
    await sdk.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: "orders-prod", DBSnapshotIdentifier: form(ours.body).DBSnapshotIdentifier, Tags: [{ Key: "dbtk:restore-point", Value: "orders-prod" }] })).catch(() => undefined);
    const theirs = seen[1]!;
    expect(form(ours.body)).toEqual(form(theirs.body));
    expect(form(ours.body)).toMatchObject({ Action: "CreateDBSnapshot", Version: "2014-10-31", DBInstanceIdentifier: "orders-prod", "Tags.Tag.1.Key": "dbtk:restore-point" });
    expect(form(ours.body).DBSnapshotIdentifier).toMatch(/^dbtk-rp-[0-9a-z]+-[0-9a-z]{10}$/);
    expect(ours.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261129\/eu-west-1\/rds\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/);

    answers = {
      "POST Action=DescribeDBSnapshots": {
        body: `<DescribeDBSnapshotsResponse><DescribeDBSnapshotsResult><DBSnapshots>${snap("dbtk-rp-a1-0000000000", "2026-11-01T00:00:00Z")}${snap("rds:orders-prod-2026-11-28", "2026-11-28T00:00:00Z")}${snap("dbtk-rp-a2-0000000000", "2026-11-02T00:00:00Z")}</DBSnapshots></DescribeDBSnapshotsResult></DescribeDBSnapshotsResponse>`,
      },
    };
    seen = [];
    expect((await listCloudRestorePoints(arn, { endpoint, aws, now })).map((p) => p.id)).toEqual(["dbtk-rp-a2-0000000000", "dbtk-rp-a1-0000000000"]);
    await sdk.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: "orders-prod", SnapshotType: "manual" })).catch(() => undefined);
    expect(form(seen[0]!.body)).toEqual(form(seen[1]!.body));

    seen = [];
    expect((await pruneCloudRestorePoints(arn, 1, { endpoint, aws, now })).map((p) => p.id)).toEqual(["dbtk-rp-a1-0000000000"]);
    const del = seen.find((s) => s.body.includes("DeleteDBSnapshot"))!;
    await sdk.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: "dbtk-rp-a1-0000000000" })).catch(() => undefined);
    expect(form(del.body)).toEqual(form(seen.at(-1)!.body));
    await expect(dropCloudRestorePoint(arn, "dbtk-rp-nosuch", { endpoint, aws, now })).rejects.toThrow(/no restore point "dbtk-rp-nosuch" of arn:aws:rds:.*`dbtk restore-point ls`/);
  });

  it("a refusal names the call and the provider's message", async () => {
    answers = { "POST Action=CreateDBSnapshot": { status: 400, body: "<ErrorResponse><Error><Code>SnapshotQuotaExceeded</Code><Message>Cannot create more than 100 manual snapshots</Message></Error></ErrorResponse>" } };
    await expect(createCloudRestorePoint(arn, { endpoint, aws, now })).rejects.toThrow("RDS CreateDBSnapshot of orders-prod failed (HTTP 400): Cannot create more than 100 manual snapshots");
  });
});

describe("Google Cloud SQL: backupRuns.insert / list / delete", () => {
  const conn = "acme-prod:europe-west1:orders";
  const runs = { items: [{ id: "1700000000002", description: "dbtk-rp-b-0000000000", status: "SUCCESSFUL", startTime: "2026-11-29T12:00:00Z" }, { id: "1700000000001", description: "automatic", status: "SUCCESSFUL" }] };

  it("our body is the API's BackupRun", () => {
    expectTypeOf<BackupRunBody>().toExtend<sqladmin_v1.Schema$BackupRun>();
  });

  it("posts what the generated client posts, finds the run by its name, and gives the components' restore input", async () => {
    answers = { "GET /v1/projects/acme-prod/instances/orders/backupRuns": { body: JSON.stringify(runs) } };
    await expect(createCloudRestorePoint(conn, { endpoint, token: "ya29.t" })).rejects.toThrow(/accepted backup run "dbtk-rp-.*" .* does not list it yet/);
    const ours = seen[0]!;
    expect(ours).toMatchObject({ method: "POST", url: "/v1/projects/acme-prod/instances/orders/backupRuns", headers: { authorization: "Bearer ya29.t" } });
    const client = sqladmin({ version: "v1", rootUrl: `${endpoint}/` });
    await client.backupRuns.insert({ project: "acme-prod", instance: "orders", requestBody: JSON.parse(ours.body) as sqladmin_v1.Schema$BackupRun }).catch(() => undefined);
    const theirs = seen.find((s, i) => i > 0 && s.method === "POST")!;
    expect(theirs.url.split("?")[0]).toBe(ours.url);
    expect(JSON.parse(theirs.body)).toEqual(JSON.parse(ours.body));

    const listed = await listCloudRestorePoints(conn, { endpoint, token: "ya29.t" });
    expect(listed).toEqual([
      { id: "1700000000002", name: "dbtk-rp-b-0000000000", provider: "gcp-cloudsql", source: conn, createdAt: "2026-11-29T12:00:00Z", status: "SUCCESSFUL", wayBack: { mode: "snapshot", snapshotId: "orders/1700000000002" } },
    ]);
    expect(wayBackText(listed[0]!)).toBe('restore: {"mode":"snapshot","snapshotId":"orders/1700000000002"}');
    seen = [];
    await dropCloudRestorePoint(conn, "1700000000002", { endpoint, token: "ya29.t" });
    expect(seen.at(-1)).toMatchObject({ method: "DELETE", url: "/v1/projects/acme-prod/instances/orders/backupRuns/1700000000002" });
    await expect(listCloudRestorePoints(conn, { endpoint })).rejects.toThrow(/Cloud SQL: no access token/);
  });
});

const SUB = "00000000-0000-4000-8000-000000000000";

/** The SDK clients pointed at the fake: their TLS-only bearer policy swapped for a plain header. */
function azureClients() {
  const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const opts = { endpoint, allowInsecureConnection: true };
  const sql = new SqlManagementClient(credential, SUB, opts);
  const pg = new PostgreSQLManagementFlexibleServerClient(credential, SUB, opts);
  for (const c of [sql, pg]) c.pipeline.removePolicy({ name: "bearerTokenAuthenticationPolicy" });
  return { sql, pg };
}
const path = (url: string) => url.split("?")[0];

describe("Azure: SQL database copy, flexible servers' on-demand backups", () => {
  const server = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/orders-sql`;
  const dbId = `${server}/databases/orders`;
  const pgServer = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders-pg`;
  const myServer = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DBforMySQL/flexibleServers/orders-my`;

  it("our copy body has the SDK's Database fields", () => {
    expectTypeOf<SqlCopyBody["properties"]>().toExtend<Pick<Database, "createMode" | "sourceDatabaseId">>();
    expectTypeOf<Pick<SqlCopyBody, "location" | "tags">>().toExtend<Pick<Database, "location" | "tags">>();
  });

  it("copies a SQL database in its location, lists the copies of this database only, drops one", async () => {
    answers = { [`GET ${dbId}?`]: { body: JSON.stringify({ location: "westeurope" }) } };
    const made = await createCloudRestorePoint(dbId, { endpoint, token: "t" });
    const put = seen[1]!;
    expect(put.method).toBe("PUT");
    expect(put.url).toBe(`${server}/databases/${made.id}?api-version=2021-11-01`);
    expect(JSON.parse(put.body)).toEqual({ location: "westeurope", tags: { "dbtk-restore-point-of": "orders" }, properties: { createMode: "Copy", sourceDatabaseId: dbId } });
    await azureClients()
      .sql.databases.beginCreateOrUpdateAndWait("rg", "orders-sql", made.id, { location: "westeurope", tags: { "dbtk-restore-point-of": "orders" }, createMode: "Copy", sourceDatabaseId: dbId })
      .catch(() => undefined);
    const theirs = seen[2]!;
    expect([theirs.method, path(theirs.url), JSON.parse(theirs.body)]).toEqual([put.method, path(put.url), JSON.parse(put.body)]);
    answers = {
      [`GET ${server}/databases?`]: {
        body: JSON.stringify({
          value: [
            { id: `${server}/databases/dbtk-rp-c-0000000000`, name: "dbtk-rp-c-0000000000", tags: { "dbtk-restore-point-of": "orders" }, properties: { status: "Online", creationDate: "2026-11-29T12:00:00Z" } },
            { name: "dbtk-rp-d-0000000000", tags: { "dbtk-restore-point-of": "billing" }, properties: {} },
            { name: "orders", properties: {} },
          ],
        }),
      },
    };
    const listed = await listCloudRestorePoints(dbId, { endpoint, token: "t" });
    expect(listed.map((p) => [p.id, p.status, p.wayBack])).toEqual([
      ["dbtk-rp-c-0000000000", "Online", { mode: "point-in-time", sourceId: `${server}/databases/dbtk-rp-c-0000000000`, time: "2026-11-29T12:00:00Z" }],
    ]);
    seen = [];
    await dropCloudRestorePoint(dbId, "dbtk-rp-c-0000000000", { endpoint, token: "t" });
    expect(seen.at(-1)).toMatchObject({ method: "DELETE", url: `${server}/databases/dbtk-rp-c-0000000000?api-version=2021-11-01` });
  });

  it("takes an on-demand backup of a PostgreSQL flexible server (no body); MySQL's cannot be dropped", async () => {
    const made = await createCloudRestorePoint(pgServer, { endpoint, token: "t" });
    expect(seen[0]).toMatchObject({ method: "PUT", url: `${pgServer}/backups/${made.id}?api-version=2025-08-01`, body: "" });
    expect(made.wayBack).toEqual({ mode: "point-in-time", sourceId: pgServer });
    await azureClients().pg.backupsAutomaticAndOnDemand.beginCreateAndWait("rg", "orders-pg", made.id).catch(() => undefined);
    expect([seen[1]!.method, seen[1]!.url, seen[1]!.body]).toEqual([seen[0]!.method, seen[0]!.url, seen[0]!.body]);
    seen = [];
    await createCloudRestorePoint(myServer, { endpoint, token: "t" });
    expect(seen[0]!.url).toMatch(new RegExp(`^${myServer}/backups/dbtk-rp-[0-9a-z-]+\\?api-version=2023-12-30$`));
    answers = { [`GET ${myServer}/backups?`]: { body: JSON.stringify({ value: [{ name: "dbtk-rp-e-0000000000", properties: { completedTime: "2026-11-29T12:00:00Z" } }] }) } };
    await expect(dropCloudRestorePoint(myServer, "dbtk-rp-e-0000000000", { endpoint, token: "t" })).rejects.toThrow(/cannot be deleted through this API version/);
  });

  it("names the resource shapes it takes", () => {
    expect(() => cloudResource("orders")).toThrow(/options.resource "orders" is not a database the components make: use the AwsRdsDatabase's arn/);
  });
});
