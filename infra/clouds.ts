// Cloud registry of the database program: one deployer per cloud, turning a resolved spec into the
// cloud's component and the stack outputs every cloud provides.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsRdsDatabase, foreignRegions, prepareAwsSpec } from "@dbtk/components/aws";
import type { Cloud, ConnectionInfo, DatabaseSpec, Environment } from "@dbtk/components/spec";
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

export interface DeployedDatabase {
  /** `host:port` of the primary. */
  endpoint: pulumi.Output<string>;
  port: pulumi.Output<number>;
  /** The credentials secret: its ARN on AWS, its resource id on GCP and Azure. */
  secretArn: pulumi.Output<string>;
  /** A secret output. */
  connection: pulumi.Output<ConnectionDetails>;
}

export type CloudDeployer = (ctx: DeployContext) => DeployedDatabase;

/** AWS: validates first, then one provider per other region the spec needs, then the component. */
export const deployAws: CloudDeployer = ({ name, spec, environment, config }) => {
  const region = aws.config.region;
  const common = {
    environment,
    ...(region ? { region } : {}),
    regionalSettings: awsRegionalSettings(config.regions),
  };
  prepareAwsSpec({ ...common, spec }); // throws before the providers below are registered
  const profile = aws.config.profile;
  const regionProviders = Object.fromEntries(
    foreignRegions(spec, region).map((r) => [r, new aws.Provider(`aws-${r}`, { region: r, ...(profile ? { profile } : {}) })]),
  );
  const db = new AwsRdsDatabase(name, { ...common, spec, regionProviders });
  return { endpoint: db.endpoint, port: db.port, secretArn: db.secretArn, connection: db.connection };
};

export const cloudDeployers: Record<Cloud, CloudDeployer> = {
  aws: deployAws,
  gcp: deployGcp,
  azure: deployAzure,
};
