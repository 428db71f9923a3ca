// Customer-managed encryption keys for Cloud SQL: one key per region an instance lives in, each readable
// by the Cloud SQL service agent (service-<project number>@gcp-sa-cloud-sql.iam.gserviceaccount.com).
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { gcpRotationPeriod } from "./mapping.js";

export const cloudSqlKeyRole = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

export interface CloudSqlKeys {
  /** Key name per region, to pass as `encryptionKeyName`. */
  keyFor(region: string): pulumi.Input<string>;
  /** IAM grants the instances must wait for. */
  grants: pulumi.Resource[];
}

interface KeyOptions {
  /** Component name, prefix of the children's names. */
  name: string;
  project?: pulumi.Input<string>;
  labels: Record<string, string>;
  parent: pulumi.Resource;
  /** Protect created keys from `pulumi destroy` (set with deletion protection). */
  protect: boolean;
}

/** The Cloud SQL service agent, created (or looked up) through the Service Usage API. */
function serviceAgent(o: KeyOptions): gcp.projects.ServiceIdentity {
  return new gcp.projects.ServiceIdentity(
    `${o.name}-cloudsql-agent`,
    { service: "sqladmin.googleapis.com", ...(o.project ? { project: o.project } : {}) },
    { parent: o.parent },
  );
}

function grant(o: KeyOptions, suffix: string, cryptoKeyId: pulumi.Input<string>, agent: gcp.projects.ServiceIdentity) {
  return new gcp.kms.CryptoKeyIAMMember(
    `${o.name}-key-grant-${suffix}`,
    { cryptoKeyId, role: cloudSqlKeyRole, member: agent.member },
    { parent: o.parent },
  );
}

/** A key ring and rotating key in each region, each granted to the Cloud SQL service agent. */
export function createCloudSqlKeys(regions: string[], rotationDays: number, o: KeyOptions): CloudSqlKeys {
  const agent = serviceAgent(o);
  const keys = new Map<string, pulumi.Output<string>>();
  const grants: pulumi.Resource[] = [];
  for (const region of [...new Set(regions)]) {
    const ring = new gcp.kms.KeyRing(
      `${o.name}-keyring-${region}`,
      { location: region, ...(o.project ? { project: o.project } : {}) },
      { parent: o.parent },
    );
    const key = new gcp.kms.CryptoKey(
      `${o.name}-key-${region}`,
      {
        keyRing: ring.id,
        purpose: "ENCRYPT_DECRYPT",
        rotationPeriod: gcpRotationPeriod(rotationDays),
        labels: o.labels,
      },
      // Destroying a key makes every backup encrypted with it unreadable.
      { parent: o.parent, protect: o.protect },
    );
    keys.set(region, key.id);
    grants.push(grant(o, region, key.id, agent));
  }
  return { keyFor: (region) => keyOrThrow(keys, region), grants };
}

/** Existing keys (one per region), granted to the service agent unless `grant` is false. */
export function existingCloudSqlKeys(keyIds: Record<string, pulumi.Input<string>>, grantAccess: boolean, o: KeyOptions): CloudSqlKeys {
  const grants: pulumi.Resource[] = [];
  if (grantAccess) {
    const agent = serviceAgent(o);
    for (const [region, keyId] of Object.entries(keyIds)) grants.push(grant(o, region, keyId, agent));
  }
  const keys = new Map(Object.entries(keyIds).map(([r, k]) => [r, pulumi.output(k)]));
  return { keyFor: (region) => keyOrThrow(keys, region), grants };
}

function keyOrThrow(keys: Map<string, pulumi.Output<string>>, region: string): pulumi.Output<string> {
  const key = keys.get(region);
  if (!key) throw new Error(`no Cloud SQL encryption key for region ${region}; pass replicaKeyIds["${region}"].`);
  return key;
}
