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
// server) or private-endpoint (SQL Database) subnet. db:regions.<region> (config.ts, regionFields): on GCP
// keyId, the replicas' Cloud KMS key there; on Azure subnetIds (SQL Database secondaries' private endpoint)
// or keyId / keyVaultId (flexible servers' geo-backup key in the backup region).
import * as azure from "@pulumi/azure";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { AzureMysqlFlexibleServer, AzurePostgresFlexibleServer, AzureSqlDatabase } from "@dbtk/components/azure";
import { GcpCloudSqlDatabase } from "@dbtk/components/gcp";
import type { CloudDeployer, DeployedDatabase } from "./clouds.js";
import { CONFIG_NAMESPACE, ConfigError } from "./config.js";
import { azureGeoBackupKey, azureReplicaSubnetIds, gcpReplicaKeyIds } from "./regions.js";

function required(value: string | undefined, key: string, example: string): string {
  if (value) return value;
  throw new ConfigError(key, `${key} is not set; set it with pulumi config set ${key} ${example}`);
}

/** GCP: a Cloud SQL instance in gcp:region. */
export const deployGcp: CloudDeployer = ({ name, spec, environment, config }) => {
  const region = required(gcp.config.region, "gcp:region", "europe-west1");
  const project = gcp.config.project;
  const replicaKeyIds = gcpReplicaKeyIds(config.regions);
  return new GcpCloudSqlDatabase(name, {
    environment,
    region,
    ...(project ? { project } : {}),
    ...(Object.keys(replicaKeyIds).length > 0 ? { replicaKeyIds } : {}),
    spec,
  });
};

/** Azure: SQL Database for sqlserver, a flexible server for postgres and mysql. */
export const deployAzure: CloudDeployer = ({ name, spec, environment, config }) => {
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
  const replicaSubnetIds = azureReplicaSubnetIds(config.regions);
  const geoBackupKey = azureGeoBackupKey(config.regions, spec);
  const flexible = { ...args, ...(geoBackupKey ? { geoBackupKey } : {}) };
  const db: DeployedDatabase =
    spec.engine === "sqlserver"
      ? new AzureSqlDatabase(name, { ...args, ...(Object.keys(replicaSubnetIds).length > 0 ? { replicaSubnetIds } : {}) })
      : spec.engine === "postgres"
        ? new AzurePostgresFlexibleServer(name, flexible)
        : new AzureMysqlFlexibleServer(name, flexible);
  return db;
};
