// Public argument and output types of the Azure components (classic @pulumi/azure provider).
import type * as pulumi from "@pulumi/pulumi";
import type { Environment, SpecSource } from "../spec/types.ts";

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
  tenantId?: string;
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
    replicaSubnetIds?: Record<string, string>;
  };

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
    geoBackupKey?: { keyId?: string; keyVaultId?: pulumi.Input<string> };
    /** Entra administrator principal type. Default `Group`. */
    entraAdminPrincipalType?: "User" | "Group" | "ServicePrincipal";
  };

/** How to connect as the admin user (one definition for every cloud, in the spec). */
export type { ConnectionInfo } from "../spec/types.ts";
