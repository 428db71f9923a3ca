// GCP and Azure deployers of the database program (registered in clouds.ts). Placement comes from the
// providers' own configuration and a few db:* keys only these clouds read:
//
// | key                   | cloud | meaning                                                          |
// |-----------------------|-------|------------------------------------------------------------------|
// | gcp:region            | gcp   | region of the instance and its key rings (required)              |
// | gcp:project           | gcp   | project (default: the provider's)                                |
// | azure:location        | azure | region of the server (required)                                  |
// | db:resourceGroupName  | azure | resource group of every resource (required)                      |
// | db:keyVaultId         | azure | Key Vault for the admin password and customer keys (required)    |
// | db:tenantId           | azure | Entra tenant, when auth.entraAdmin has none                      |
//
// On GCP db:vpcId is the VPC network self-link; on Azure db:subnetIds holds the one delegated (flexible
// server) or private-endpoint (SQL Database) subnet.
import * as azure from "@pulumi/azure";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { AzureMysqlFlexibleServer, AzurePostgresFlexibleServer, AzureSqlDatabase } from "../components/azure/index.ts";
import { GcpCloudSqlDatabase } from "../components/gcp/index.ts";
import type { CloudDeployer } from "./clouds.ts";
import { CONFIG_NAMESPACE, ConfigError } from "./config.ts";

function required(value: string | undefined, key: string, example: string): string {
  if (value) return value;
  throw new ConfigError(key, `${key} is not set; set it with pulumi config set ${key} ${example}`);
}

/** GCP: a Cloud SQL instance in gcp:region. */
export const deployGcp: CloudDeployer = ({ name, spec, environment }) => {
  const region = required(gcp.config.region, "gcp:region", "europe-west1");
  const project = gcp.config.project;
  const db = new GcpCloudSqlDatabase(name, { environment, region, ...(project ? { project } : {}), spec });
  return {
    endpoint: pulumi.interpolate`${db.host}:${db.port}`,
    port: db.port,
    secretArn: db.secretId,
    connection: db.connection,
  };
};

/** Azure: SQL Database for sqlserver, a flexible server for postgres and mysql. */
export const deployAzure: CloudDeployer = ({ name, spec, environment }) => {
  const cfg = new pulumi.Config(CONFIG_NAMESPACE);
  const key = (k: string) => `${CONFIG_NAMESPACE}:${k}`;
  const location = required(azure.config.location, "azure:location", "westeurope");
  const resourceGroupName = required(cfg.get("resourceGroupName"), key("resourceGroupName"), "rg-orders-prod");
  const keyVaultId = required(
    cfg.get("keyVaultId"),
    key("keyVaultId"),
    "/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<vault>",
  );
  const tenantId = cfg.get("tenantId");
  const args = { environment, location, resourceGroupName, keyVaultId, ...(tenantId ? { tenantId } : {}), spec };
  const db =
    spec.engine === "sqlserver"
      ? new AzureSqlDatabase(name, args)
      : spec.engine === "postgres"
        ? new AzurePostgresFlexibleServer(name, args)
        : new AzureMysqlFlexibleServer(name, args);
  return {
    endpoint: pulumi.interpolate`${db.host}:${db.port}`,
    port: db.port,
    secretArn: db.secretId,
    connection: db.connection,
  };
};
