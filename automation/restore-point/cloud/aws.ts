// RDS: CreateDBSnapshot / DescribeDBSnapshots / DeleteDBSnapshot on the Query API (form POST, SigV4,
// version 2014-10-31). The instance comes from the component's `arn` output, which names the region.
import { DbtkError } from "../../../core/errors.js";
import { send, type CloudAccess, type HttpRequest } from "./http.js";
import { formEncode, signV4 } from "./sigv4.js";
import { isOurs, newestFirst, type CloudRestorePoint } from "./types.js";

export interface RdsInstance {
  arn: string;
  region: string;
  identifier: string;
}

const ARN_RE = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d{12}:db:([A-Za-z][A-Za-z0-9-]*)$/;

export function parseRdsArn(arn: string): RdsInstance | undefined {
  const m = ARN_RE.exec(arn);
  return m ? { arn, region: m[1] as string, identifier: m[2] as string } : undefined;
}

/** The inputs by the SDK's names (checked against @aws-sdk/client-rds's types in the tests). */
export interface CreateDBSnapshotInput {
  DBInstanceIdentifier: string;
  DBSnapshotIdentifier: string;
  Tags?: { Key: string; Value: string }[];
}
export interface DescribeDBSnapshotsInput {
  DBInstanceIdentifier: string;
  SnapshotType: "manual";
}
export interface DeleteDBSnapshotInput {
  DBSnapshotIdentifier: string;
}

type Action = ["CreateDBSnapshot", CreateDBSnapshotInput] | ["DescribeDBSnapshots", DescribeDBSnapshotsInput] | ["DeleteDBSnapshot", DeleteDBSnapshotInput];

// RDS names list members by their shape: Tags.Tag.1.Key (not the Query API's usual `member`).
const MEMBER: Record<string, string> = { Tags: "Tag" };

/** The Query API's flat form: lists as `Name.<member>.N.Field`. */
export function queryParams([action, input]: Action): Record<string, string> {
  const out: Record<string, string> = { Action: action, Version: "2014-10-31" };
  for (const [k, v] of Object.entries(input)) {
    if (Array.isArray(v)) {
      v.forEach((item: Record<string, string>, i) => {
        for (const [f, x] of Object.entries(item)) out[`${k}.${MEMBER[k] ?? "member"}.${i + 1}.${f}`] = x;
      });
    } else out[k] = String(v);
  }
  return out;
}

export function rdsRequest(db: RdsInstance, action: Action, access: CloudAccess): HttpRequest {
  if (!access.aws) throw new DbtkError("RDS: no AWS credentials: pass options.aws (an access key id and secret access key)");
  const endpoint = (access.endpoint ?? `https://rds.${db.region}.amazonaws.com`).replace(/\/+$/, "");
  const host = endpoint.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  const body = formEncode(queryParams(action));
  const headers = signV4(
    { method: "POST", host, path: "/", query: "", headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body, region: db.region, service: "rds", now: access.now?.() ?? new Date() },
    access.aws,
  );
  return { method: "POST", url: `${endpoint}/`, headers, body };
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

function snapshots(db: RdsInstance, xml: string): CloudRestorePoint[] {
  return [...xml.matchAll(/<DBSnapshot>([\s\S]*?)<\/DBSnapshot>/g)].map((m) => {
    const s = m[1] as string;
    const id = tag(s, "DBSnapshotIdentifier") ?? "";
    const created = tag(s, "SnapshotCreateTime");
    return { id, name: id, provider: "aws-rds", source: db.arn, ...(created ? { createdAt: created } : {}), status: tag(s, "Status") ?? "unknown", wayBack: { mode: "snapshot", snapshotId: id } };
  });
}

export async function rdsCreate(db: RdsInstance, name: string, access: CloudAccess): Promise<CloudRestorePoint> {
  const input: CreateDBSnapshotInput = { DBInstanceIdentifier: db.identifier, DBSnapshotIdentifier: name, Tags: [{ Key: "dbtk:restore-point", Value: db.identifier }] };
  const res = await send(`RDS CreateDBSnapshot of ${db.identifier}`, rdsRequest(db, ["CreateDBSnapshot", input], access), access.signal);
  const [made] = snapshots(db, res.body);
  return made ?? { id: name, name, provider: "aws-rds", source: db.arn, status: "creating", wayBack: { mode: "snapshot", snapshotId: name } };
}

export async function rdsList(db: RdsInstance, access: CloudAccess): Promise<CloudRestorePoint[]> {
  const res = await send(`RDS DescribeDBSnapshots of ${db.identifier}`, rdsRequest(db, ["DescribeDBSnapshots", { DBInstanceIdentifier: db.identifier, SnapshotType: "manual" }], access), access.signal);
  return newestFirst(snapshots(db, res.body).filter((s) => isOurs(s.id)));
}

export async function rdsDrop(db: RdsInstance, id: string, access: CloudAccess): Promise<void> {
  await send(`RDS DeleteDBSnapshot ${id}`, rdsRequest(db, ["DeleteDBSnapshot", { DBSnapshotIdentifier: id }], access), access.signal);
}
