// Cloud registry of the database program: one deployer per cloud, turning a resolved spec into the
// cloud's component. Every component is a ManagedDatabase, so the stack outputs need no per-cloud names.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { AwsRdsDatabase } from "@dbtk/components/aws";
import type { Cloud, ConnectionInfo, DatabaseSpec, Environment, ManagedDatabase } from "@dbtk/components/spec";
import { deployAzure, deployGcp } from "./clouds-gcp-azure.js";
import type { DbConfig } from "./config.js";
import { awsRegionalSettings } from "./regions.js";

/** Master connection details, the same shape on every cloud. */
export type ConnectionDetails = ConnectionInfo;

export interface DeployContext {
  /** Pulumi name of the component. */
  name: string;
  spec: DatabaseSpec;
  environment: Environment;
  config: DbConfig;
}

/**
 * The deployed database: host, endpoint, connection (secret) and secretRef under the same names everywhere,
 * and the URL of its console dashboard (undefined with observability.dashboard false).
 */
export type DeployedDatabase = ManagedDatabase & { readonly dashboardUrl: pulumi.Output<string | undefined> };

export type CloudDeployer = (ctx: DeployContext) => DeployedDatabase;

/**
 * AWS: a provider for each other region the spec needs, made by the component once the spec is valid (an
 * invalid spec registers nothing, and is validated once).
 */
export const deployAws: CloudDeployer = ({ name, spec, environment, config }) => {
  const region = aws.config.region;
  const profile = aws.config.profile;
  return new AwsRdsDatabase(name, {
    environment,
    ...(region ? { region } : {}),
    regionalSettings: awsRegionalSettings(config.regions),
    regionProviders: (r) => new aws.Provider(`aws-${r}`, { region: r, ...(profile ? { profile } : {}) }),
    spec,
  });
};

export const cloudDeployers: Record<Cloud, CloudDeployer> = {
  aws: deployAws,
  gcp: deployGcp,
  azure: deployAzure,
};
