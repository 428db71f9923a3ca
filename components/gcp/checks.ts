// GCP checks that need the component's arguments as well as the spec (spec-only rules live in
// components/spec/validate.ts). Pure: returns issues, never throws.
import { isKnownString } from "../spec/inputs.js";
import type { DatabaseSpec, ResourceRef, SpecIssue } from "../spec/types.js";
import { gcpEdition, gcpTier, planReplicas } from "./mapping.js";
import type { GcpPasswordValidation } from "./mapping-access.js";

export interface GcpPlacement {
  /** Region of the primary. */
  region: string;
  /** Require client certificates (sslMode TRUSTED_CLIENT_CERTIFICATE_REQUIRED). */
  requireClientCertificates?: boolean;
  /** Existing CMEK key per replica region, for specs that name an existing key. */
  replicaKeyIds?: Record<string, ResourceRef>;
  allocatedIpRange?: string;
  passwordValidation?: GcpPasswordValidation;
}

export function gcpComponentIssues(spec: DatabaseSpec, placement: GcpPlacement): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const cloud = "gcp" as const;
  if (!placement.region) {
    issues.push({ path: "region", value: placement.region, cloud, message: "region is required on gcp: pass the primary's region (e.g. europe-west1) in the component args." });
  }
  if (spec.network.private && !spec.network.vpcId && !spec.network.privateServiceConnect) {
    issues.push({
      path: "network.vpcId",
      value: spec.network.vpcId,
      cloud,
      message: "network.vpcId is required on gcp when network.private is true: Cloud SQL private IP needs the VPC network (projects/<p>/global/networks/<n>) peered with servicenetworking, or set network.privateServiceConnect { allowedConsumerProjects } for a Private Service Connect instance.",
    });
  }
  const range = placement.allocatedIpRange;
  if (range !== undefined && !spec.network.vpcId) {
    issues.push({ path: "allocatedIpRange", value: range, cloud, message: "allocatedIpRange names a private services access range of network.vpcId, which is not set: set network.vpcId, or drop allocatedIpRange." });
  } else if (range !== undefined && !/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(range)) {
    issues.push({ path: "allocatedIpRange", value: range, cloud, message: `${range} is not a range name (RFC 1035: 1-63 lowercase letters, digits and hyphens, starting with a letter), e.g. "google-managed-services-default".` });
  }
  const minLength = placement.passwordValidation?.minLength;
  if (minLength !== undefined && (minLength < 1 || minLength > 32)) {
    issues.push({ path: "passwordValidation.minLength", value: minLength, cloud, message: `${minLength}: the generated passwords have 32 characters, so the policy's minimum length must be 1–32.` });
  }
  if (placement.requireClientCertificates && spec.engine === "sqlserver") {
    issues.push({ path: "requireClientCertificates", value: true, cloud, message: "Cloud SQL for SQL Server cannot require client certificates (TRUSTED_CLIENT_CERTIFICATE_REQUIRED); drop requireClientCertificates." });
  }
  if (placement.requireClientCertificates && !spec.encryption.inTransitRequired) {
    issues.push({ path: "requireClientCertificates", value: true, cloud, message: "requireClientCertificates needs encryption.inTransitRequired true." });
  }
  if (spec.pooling.enabled) {
    const tier = gcpTier(spec.size, spec.engine);
    if (gcpEdition(tier) !== "ENTERPRISE_PLUS") {
      issues.push({
        path: "pooling.enabled",
        value: true,
        cloud,
        message: `Cloud SQL Managed Connection Pooling needs the Enterprise Plus edition, and ${tier} is an Enterprise tier: set size.instanceClass to a db-perf-optimized-N-* tier or set pooling.enabled false.`,
      });
    }
    for (const field of ["maxConnectionsPercent", "idleClientTimeoutSeconds"] as const) {
      if (spec.pooling[field] !== undefined) {
        issues.push({ path: `pooling.${field}`, value: spec.pooling[field], cloud, message: `pooling.${field} is not mapped on gcp (Cloud SQL's managed pooler keeps its defaults); remove it.` });
      }
    }
  }
  const restore = spec.restore;
  if (restore?.mode === "snapshot" && isKnownString(restore.snapshotId) && !/^[a-z][a-z0-9-]*\/\d+$/.test(restore.snapshotId)) {
    issues.push({
      path: "restore.snapshotId",
      value: restore.snapshotId,
      cloud,
      message: "on gcp restore.snapshotId is '<source instance>/<backup run id>' (e.g. orders-db/1712345678901); list runs with `gcloud sql backups list --instance <source>`.",
    });
  }
  if (restore?.mode === "point-in-time" && restore.time && restore.useLatestRestorableTime) {
    issues.push({ path: "restore.time", value: restore.time, cloud, message: "give restore.time or restore.useLatestRestorableTime, not both." });
  }
  const atRest = spec.encryption.atRest;
  if (atRest.type === "customer-key" && "keyId" in atRest) {
    // A Cloud SQL CMEK key must live in the instance's region, so replicas elsewhere need their own key.
    for (const planned of planReplicas(spec, placement.region)) {
      if (planned.region && !placement.replicaKeyIds?.[planned.region]) {
        issues.push({
          path: `replicaKeyIds.${planned.region}`,
          value: undefined,
          cloud,
          message: `encryption.atRest names an existing key, but the replica in ${planned.region} needs a key in that region: pass replicaKeyIds: { "${planned.region}": "<key id>" } or let the toolkit create keys (atRest.create: true).`,
        });
      }
    }
  }
  return issues;
}
