// The inline program of a cloud stack (aws | gcp | azure): one database from our components at the `ci`
// preset (smallest tier, no backups, no deletion protection) with the TTL in its tags/labels.
// Components are imported inside the program so a `server` stack never loads the cloud SDKs.
import type * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation/index.js";
import type { DatabaseSpecInput } from "@dbtk/components/spec";

export type CloudKind = "aws" | "gcp" | "azure";

export interface CloudProgramInput {
  kind: CloudKind;
  engine: "postgres" | "mysql";
  /** Ephemeral id (`dbtk_<time>_<random>`), also the stack name. */
  id: string;
  owner: string;
  expiresAt: string;
  /** AWS region / GCP region / Azure location. */
  region: string;
  /**
   * `dbtk:*` keys shape the component: `dbtk:allowedCidrs`, `dbtk:subnetIds`, `dbtk:vpcId` (comma lists /
   * ids), `dbtk:project` (GCP), `dbtk:resourceGroupName` and `dbtk:keyVaultId` (Azure, required).
   * Other keys (`aws:…`, `gcp:…`) are stack configuration for the providers.
   */
  cloudConfig?: Record<string, string>;
}

/** Resource name and spec `name`: lowercase letters, digits and hyphens (GCP and Azure refuse `_`). */
export function cloudName(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9-]/g, "-");
}

// GCP label values allow only [a-z0-9_-], at most 63: the expiry goes in as Unix seconds.
function labelValue(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 63) || "unknown";
}

/** Tags (AWS, Azure) / labels (GCP) every ephemeral cloud database carries; reap reads the expiry. */
export function ttlTags(input: Pick<CloudProgramInput, "id" | "owner" | "expiresAt">): Record<string, string> {
  const expires = Date.parse(input.expiresAt);
  if (Number.isNaN(expires)) throw new Error(`expiresAt "${input.expiresAt}" is not an ISO-8601 time`);
  return {
    "dbtk-ephemeral": "true",
    "dbtk-id": labelValue(input.id),
    "dbtk-owner": labelValue(input.owner),
    "dbtk-expires-at": String(Math.floor(expires / 1000)),
  };
}

function list(value: string | undefined): string[] | undefined {
  const items = value?.split(",").map((s) => s.trim()).filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

function required(input: CloudProgramInput, key: string): string {
  const value = input.cloudConfig?.[key];
  if (!value) throw new Error(`target ${input.kind} needs cloud setting ${key} (pass it in cloudConfig)`);
  return value;
}

/** The partial spec laid over the `ci` preset. */
export function cloudSpecInput(input: CloudProgramInput): DatabaseSpecInput {
  const cfg = input.cloudConfig ?? {};
  const cidrs = list(cfg["dbtk:allowedCidrs"]);
  const subnets = list(cfg["dbtk:subnetIds"]);
  const vpcId = cfg["dbtk:vpcId"];
  return {
    name: cloudName(input.id),
    engine: input.engine,
    tags: ttlTags(input),
    ...(cidrs || subnets || vpcId
      ? { network: { ...(cidrs ? { allowedCidrs: cidrs } : {}), ...(subnets ? { subnetIds: subnets } : {}), ...(vpcId ? { vpcId } : {}) } }
      : {}),
  };
}

/** The connection the program exports (secret), whatever the cloud. */
export interface CloudConnection {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  engine: string;
}

export function cloudProgram(input: CloudProgramInput): PulumiFn {
  return async () => {
    const name = cloudName(input.id);
    const spec = cloudSpecInput(input);
    let connection: pulumi.Output<CloudConnection>;
    if (input.kind === "aws") {
      const { AwsRdsDatabase } = await import("@dbtk/components/aws");
      connection = new AwsRdsDatabase(name, { environment: "ci", region: input.region, input: spec }).connection;
    } else if (input.kind === "gcp") {
      const { GcpCloudSqlDatabase } = await import("@dbtk/components/gcp");
      const project = input.cloudConfig?.["dbtk:project"];
      connection = new GcpCloudSqlDatabase(name, {
        environment: "ci",
        region: input.region,
        ...(project ? { project } : {}),
        input: spec,
      }).connection;
    } else {
      const azure = await import("@dbtk/components/azure");
      const args = {
        environment: "ci" as const,
        location: input.region,
        resourceGroupName: required(input, "dbtk:resourceGroupName"),
        keyVaultId: required(input, "dbtk:keyVaultId"),
        input: spec,
      };
      connection = (
        input.engine === "postgres"
          ? new azure.AzurePostgresFlexibleServer(name, args)
          : new azure.AzureMysqlFlexibleServer(name, args)
      ).connection;
    }
    return { connection };
  };
}

/** Stack configuration for the providers: the region plus the non-`dbtk:` keys of cloudConfig. */
export function cloudStackConfig(input: Pick<CloudProgramInput, "kind" | "region" | "cloudConfig">): Record<string, string> {
  const regionKey = { aws: "aws:region", gcp: "gcp:region", azure: "azure:location" }[input.kind];
  const config: Record<string, string> = { [regionKey]: input.region };
  for (const [k, v] of Object.entries(input.cloudConfig ?? {})) if (!k.startsWith("dbtk:")) config[k] = v;
  return config;
}
