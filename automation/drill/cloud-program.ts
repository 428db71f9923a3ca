// The cloud drill's Pulumi program: our component for the chosen cloud, at the ci preset, with
// spec.restore set, so the restore is the component's own restore mode (RDS point-in-time / snapshot
// restore, Cloud SQL clone at a point in time, Azure PointInTimeRestore).
import * as pulumi from "@pulumi/pulumi";
import type { Cloud, ConnectionInfo, DatabaseSpecInput, Engine, RestoreSpec } from "@dbtk/components/spec";

/** Where the scratch copy goes and what it is restored from. */
export interface CloudDrillSpec {
  cloud: Cloud;
  engine: Engine;
  /** Major version; must match the source's. Default: the spec default for the engine. */
  engineVersion?: string;
  /** Logical name of the scratch copy (lowercase letters, digits, hyphens), e.g. `drill-20261105-ab12`. */
  name: string;
  /** Point in time (`sourceId` + `time`, or latest restorable) or a snapshot. */
  restore: RestoreSpec;
  /** AWS region / GCP region / Azure location. */
  region?: string;
  /** GCP project. */
  project?: string;
  /** Azure resource group of the scratch copy. */
  resourceGroupName?: string;
  /** Azure Key Vault (ARM id) that receives the copy's admin password secret. */
  keyVaultId?: string;
  /** Subnets / network of the source, so the copy is reachable where the drill runs. */
  subnetIds?: string[];
  vpcId?: string;
  /** CIDRs admitted to the scratch copy (the drill runner's address). */
  allowedCidrs?: string[];
  tags?: Record<string, string>;
}

/** The spec input the component gets: ci preset values, the restore, and no protections that block teardown. */
export function drillSpecInput(d: CloudDrillSpec): DatabaseSpecInput {
  return {
    name: d.name,
    engine: d.engine,
    ...(d.engineVersion ? { engineVersion: d.engineVersion } : {}),
    restore: d.restore,
    deletionProtection: false,
    backup: { finalSnapshot: false },
    network: {
      private: true,
      allowedCidrs: d.allowedCidrs ?? [],
      ...(d.subnetIds ? { subnetIds: d.subnetIds } : {}),
      ...(d.vpcId ? { vpcId: d.vpcId } : {}),
    },
    tags: { purpose: "restore-drill", "managed-by": "dbtk", ...d.tags },
  };
}

/** What the program exports: the copy's master connection (a secret output), as every component gives it. */
export type DrillConnection = ConnectionInfo;

interface DrillComponent {
  connection: pulumi.Output<DrillConnection>;
}

type ComponentCtor = new (name: string, args: Record<string, unknown>, opts?: pulumi.ComponentResourceOptions) => DrillComponent;

/** Loads a component module by path (Azure's lands separately; its absence is reported, not a type error). */
async function loadCtor(modulePath: string, exportName: string, cloud: Cloud): Promise<ComponentCtor> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(modulePath)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`the ${cloud} component module ${modulePath} could not be loaded: ${(err as Error).message}`);
  }
  const ctor = mod[exportName];
  if (typeof ctor !== "function") throw new Error(`${modulePath} has no export ${exportName}`);
  return ctor as ComponentCtor;
}

/** The Azure component for an engine: SQL Database, or a flexible server. */
export function azureComponentFor(engine: Engine): string {
  if (engine === "sqlserver") return "AzureSqlDatabase";
  return engine === "postgres" ? "AzurePostgresFlexibleServer" : "AzureMysqlFlexibleServer";
}

/** Instantiates the component for `d.cloud` with the restore set. Runs inside a Pulumi program (or mocks). */
export async function createDrillComponent(d: CloudDrillSpec): Promise<DrillComponent> {
  const input = drillSpecInput(d);
  const common = { environment: "ci", input };
  switch (d.cloud) {
    case "aws": {
      const ctor = await loadCtor("@dbtk/components/aws", "AwsRdsDatabase", "aws");
      return new ctor(d.name, { ...common, ...(d.region ? { region: d.region } : {}) });
    }
    case "gcp": {
      if (!d.region) throw new Error("gcp restore drill: spec.region is required (e.g. europe-west1)");
      const ctor = await loadCtor("@dbtk/components/gcp", "GcpCloudSqlDatabase", "gcp");
      return new ctor(d.name, { ...common, region: d.region, ...(d.project ? { project: d.project } : {}) });
    }
    case "azure": {
      const missing = [
        ...(d.resourceGroupName ? [] : ["spec.resourceGroupName"]),
        ...(d.region ? [] : ["spec.region (the Azure location)"]),
        ...(d.keyVaultId ? [] : ["spec.keyVaultId"]),
      ];
      if (missing.length > 0) throw new Error(`azure restore drill: ${missing.join(", ")} required`);
      const ctor = await loadCtor("@dbtk/components/azure", azureComponentFor(d.engine), "azure");
      return new ctor(d.name, { ...common, resourceGroupName: d.resourceGroupName, location: d.region, keyVaultId: d.keyVaultId });
    }
  }
}

/** The inline program for the Automation API: creates the copy and exports its connection. */
export function drillProgram(d: CloudDrillSpec): () => Promise<Record<string, unknown>> {
  return async () => {
    const component = await createDrillComponent(d);
    return { connection: pulumi.secret(component.connection) };
  };
}
