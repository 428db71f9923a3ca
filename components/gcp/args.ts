// Public argument and output types of the Cloud SQL component.
import type * as pulumi from "@pulumi/pulumi";
import type { Environment, ResourceRef, SpecSource } from "../spec/types.js";
import type { GcpPasswordValidation } from "./mapping-access.js";

interface GcpCloudSqlDatabaseCommonArgs {
  /**
   * Environment the database runs in: selects the preset when `input` is given and the validation rules
   * (prod refuses a public IP and asks for a customer key, for instance).
   */
  environment: Environment;
  /** Region of the primary, of created key rings and of same-region replicas, e.g. `europe-west1`. */
  region: string;
  /** Project of every resource (may be an Output, e.g. of a project created elsewhere). Default: the provider's project. */
  project?: pulumi.Input<string>;
  /**
   * Require client certificates as well as TLS (`sslMode` TRUSTED_CLIENT_CERTIFICATE_REQUIRED).
   * PostgreSQL and MySQL only. Default false (`ENCRYPTED_ONLY`).
   */
  requireClientCertificates?: boolean;
  /**
   * Existing Cloud KMS key per replica region, when `spec.encryption.atRest` names an existing key
   * (a Cloud SQL key must be in its instance's region). Created keys are made per region automatically.
   * Ids may be Outputs.
   */
  replicaKeyIds?: Record<string, ResourceRef>;
  /**
   * Grant the Cloud SQL service agent `roles/cloudkms.cryptoKeyEncrypterDecrypter` on existing keys.
   * Default true; set false when key IAM is managed elsewhere. Created keys are always granted.
   */
  grantKeyAccess?: boolean;
  /**
   * Name of the private services access range (a `gcp.compute.GlobalAddress` with purpose VPC_PEERING in
   * `network.vpcId`) the instances' private IPs come from (`settings.ipConfiguration.allocatedIpRange`).
   * Needs `network.vpcId`. Cloud SQL cannot move an instance to another range in the same VPC, so changing it
   * later fails at apply. @default undefined (any range of the peering)
   */
  allocatedIpRange?: string;
  /**
   * Password validation policy of the built-in users (`settings.passwordValidationPolicy`): 16 characters or
   * more, mixed character classes, not containing the user name, the last 5 not reused.
   * @default { enabled: true } in prod on PostgreSQL and MySQL, off elsewhere
   */
  passwordValidation?: GcpPasswordValidation;
}

/**
 * Arguments of GcpCloudSqlDatabase: a resolved `spec`, or an `input` laid over the environment's preset
 * (`resolveSpec(input, environment, "gcp")`). Either way the spec is validated for GCP before any resource
 * is registered.
 */
export type GcpCloudSqlDatabaseArgs = GcpCloudSqlDatabaseCommonArgs & SpecSource;

/** How to connect as the master user (one definition for every cloud, in the spec). */
export type { ConnectionInfo } from "../spec/types.js";

export type { GcpPasswordValidation } from "./mapping-access.js";
