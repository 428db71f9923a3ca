// Public argument and output types of the Azure components (classic @pulumi/azure provider).
import type * as pulumi from "@pulumi/pulumi";
import type { Environment, ResourceRef, SpecSource } from "../spec/types.js";

/** How the components get rights on a Key Vault: Azure RBAC role assignments or vault access policies. */
export type KeyVaultAccessModel = "rbac" | "access-policy";

interface AzureCommonArgs {
  /**
   * Environment the database runs in: selects the preset when `input` is given and the validation rules
   * (prod refuses public access and asks for a customer key, for instance).
   */
  environment: Environment;
  /** Resource group of every resource the component creates. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the primary, e.g. `westeurope`. */
  location: string;
  /**
   * Key Vault (ARM resource id) that receives the admin password secret, holds created customer keys and,
   * for `atRest.keyId`, holds the existing key (its rights are granted on this vault).
   */
  keyVaultId: pulumi.Input<string>;
  /** How rights on the vault are granted. Default `rbac` (the vault's `enableRbacAuthorization`). */
  keyVaultAccess?: KeyVaultAccessModel;
  /** Entra ID tenant; needed for vault access policies and Entra administrators unless `auth.entraAdmin.tenantId` is set. */
  tenantId?: ResourceRef;
  /** Grant the server's identity rights on an existing key's vault. Default true. */
  grantKeyAccess?: boolean;
}

/** Arguments of AzureSqlDatabase (Azure SQL Database, engine `sqlserver`). */
export type AzureSqlDatabaseArgs = AzureCommonArgs &
  SpecSource & {
    /**
     * Subnet for the private endpoint of secondaries outside the primary's region, by region. Without one a
     * cross-region secondary server gets no private endpoint (reach it through the failover group listener).
     */
    replicaSubnetIds?: Record<string, ResourceRef>;
    /**
     * Automatic tuning of every logical server (primary and secondaries, so a failover keeps it); the
     * databases inherit it. Default: on, creating indexes and forcing the last good plan, not dropping indexes.
     */
    automaticTuning?: AzureSqlAutomaticTuning;
    /** Microsoft Defender for SQL on every logical server. Default: on in prod. */
    defender?: AzureSqlDefender;
    /**
     * Entra-only authentication (`azureadAuthenticationOnly`): SQL logins, the admin password included, are
     * refused. Needs `auth.entraAdmin`. Default: true in prod when an Entra administrator is given, else false.
     */
    entraOnlyAuthentication?: boolean;
    /**
     * Put the spec's databases (`databaseName` and `additionalDatabases`) in an elastic pool on the primary
     * server, sized by `spec.size` (a Gen5 vCore SKU: `GP_Gen5_<n>` or `BC_Gen5_<n>`). Geo-secondaries stay
     * single databases of the replica's size. @default undefined (each database has its own compute)
     */
    elasticPool?: AzureSqlElasticPool;
  };

/** An Azure SQL elastic pool (azure.mssql.ElasticPool) holding the component's databases. */
export interface AzureSqlElasticPool {
  /** Create the pool and place the databases in it. @default true */
  enabled?: boolean;
  /** vCores one database may use at most. @default the pool's vCores */
  perDatabaseMaxCapacity?: number;
  /** vCores every database is guaranteed. @default 0 */
  perDatabaseMinCapacity?: number;
  /** Data size of the pool in GB (at least a database's storage.maxSizeGb). @default storage.maxSizeGb, else storage.sizeGb */
  maxSizeGb?: number;
}

/** Microsoft Defender for SQL: threat detection alerts and vulnerability assessment scans. */
export interface AzureSqlDefender {
  /** Turn Defender for SQL on. @default true in prod, false elsewhere */
  enabled?: boolean;
  /**
   * Blob container URL (`https://<account>.blob.core.windows.net/<container>`) for vulnerability
   * assessment scan results; without it no assessment is configured (and prod warns).
   */
  vulnerabilityAssessmentStorageContainerPath?: pulumi.Input<string>;
  /** Addresses that receive threat alerts and scan reports, besides the subscription admins. @default [] */
  emailAddresses?: string[];
}

/**
 * Azure SQL automatic tuning, set on the logical servers through an ARM deployment (the classic provider
 * has no resource for it). Azure validates each action and reverts it when performance regresses.
 */
export interface AzureSqlAutomaticTuning {
  /**
   * Deploy the settings. Default true. `false` deploys nothing and leaves the servers as they are: settings
   * deployed earlier stay until changed in Azure (an incremental deployment does not undo them).
   *
   * On destroy the classic provider deletes what a deployment created, unless the provider sets
   * `features.templateDeployment.deleteNestedItemsDuringDeletion: false`; server advisors have no DELETE
   * operation, so set it to false on the provider these components use.
   */
  enabled?: boolean;
  /** Create indexes Query Store shows would help (CREATE_INDEX). Default true. */
  createIndex?: boolean;
  /**
   * Drop unused and duplicate indexes (DROP_INDEX). Default false: an index a rare but critical query needs
   * (month-end reports) can look unused.
   */
  dropIndex?: boolean;
  /** Force the last good plan when a plan change makes a query regress (FORCE_LAST_GOOD_PLAN). Default true. */
  forceLastGoodPlan?: boolean;
}

/** Arguments of the flexible-server components (PostgreSQL, MySQL). */
export type AzureFlexibleServerArgs = AzureCommonArgs &
  SpecSource & {
    /** Availability zone of the primary, e.g. "1". Default: Azure's choice. */
    zone?: string;
    /** Zone of the zone-redundant standby. Default: Azure's choice. */
    standbyZone?: string;
    /**
     * With a customer key and geo-redundant backup (`backup.crossRegionCopy`), Azure needs a key and identity
     * in the backup region: an existing key (`keyId`), or a vault there to create it in (`keyVaultId`).
     */
    geoBackupKey?: { keyId?: ResourceRef; keyVaultId?: pulumi.Input<string> };
    /** Entra administrator principal type. Default `Group`. */
    entraAdminPrincipalType?: "User" | "Group" | "ServicePrincipal";
  };

/** How to connect as the admin user (one definition for every cloud, in the spec). */
export type { ConnectionInfo } from "../spec/types.js";
