// Our components, rendered under Pulumi mocks, as the policy rules see a stack: every registered resource
// with its state (inputs plus computed outputs) and which of its inputs were secrets.
import type { PolicyResourceView } from "../../policy/types.ts";
import type { DatabaseSpecInput, Environment } from "../../components/spec/index.ts";
import { drain, installMocks, registered, reset, secretPaths, type Registered } from "./mocks.ts";

installMocks();
const aws = await import("../../components/aws/index.ts");
const gcp = await import("../../components/gcp/index.ts");
const azure = await import("../../components/azure/index.ts");

export function view(r: Registered): PolicyResourceView {
  return {
    type: r.type,
    name: r.name,
    urn: `urn:pulumi:test::dbtk::${r.type}::${r.name}`,
    props: r.state,
    secretProps: secretPaths(r.inputs),
  };
}

const kv = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
const subnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/db";
const workspace = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w";
const actionGroup = "/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/actionGroups/ag";

export type Flavour = "aws-postgres" | "aws-mysql" | "gcp-postgres" | "gcp-mysql" | "azure-sqlserver" | "azure-postgres" | "azure-mysql";
export const flavours: Flavour[] = ["aws-postgres", "aws-mysql", "gcp-postgres", "gcp-mysql", "azure-sqlserver", "azure-postgres", "azure-mysql"];

/** Spec fields (`input`) and component arguments (`args`) a render adds to the defaults below. */
export interface RenderExtra {
  input?: Record<string, unknown>;
  args?: Record<string, unknown>;
}

/**
 * One component of `flavour` at the `environment` preset, tagged `environment: <tagged>` (default the same),
 * with the wiring each cloud needs.
 */
export async function render(flavour: Flavour, environment: Environment, tagged: string = environment, extra: RenderExtra = {}): Promise<PolicyResourceView[]> {
  reset();
  const [cloud, engine] = flavour.split("-") as ["aws" | "gcp" | "azure", "postgres" | "mysql" | "sqlserver"];
  const name = `orders-${engine}`;
  const tags = { environment: tagged };
  if (cloud === "aws") {
    const input = {
      name, engine, tags,
      // MySQL 8.0 (the default) is past its RDS end of standard support, which prod refuses.
      ...(engine === "mysql" ? { engineVersion: "8.4" } : {}),
      network: { subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], vpcId: "vpc-0123456789abcdef0" },
      observability: { alarms: { notificationTarget: "arn:aws:sns:us-east-1:123456789012:ops" } },
      ...extra.input,
    } as DatabaseSpecInput;
    new aws.AwsRdsDatabase(name, { environment, region: "us-east-1", input, ...extra.args });
  } else if (cloud === "gcp") {
    const input = {
      name, engine, tags,
      network: { vpcId: "projects/p/global/networks/n" },
      observability: { alarms: { notificationTarget: "projects/p/notificationChannels/1" } },
      ...extra.input,
    } as DatabaseSpecInput;
    new gcp.GcpCloudSqlDatabase(name, { environment, region: "europe-west1", project: "p", input, ...extra.args });
  } else {
    const input = {
      name, engine, tags,
      network: { subnetIds: [subnet], privateDnsZoneId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/z" },
      observability: { logAnalyticsWorkspaceId: workspace, alarms: { notificationTarget: actionGroup } },
      ...extra.input,
    } as DatabaseSpecInput;
    const place = { environment, resourceGroupName: "rg", location: "westeurope", keyVaultId: kv, input, ...extra.args };
    if (engine === "sqlserver") new azure.AzureSqlDatabase(name, place);
    else if (engine === "postgres") new azure.AzurePostgresFlexibleServer(name, place);
    else new azure.AzureMysqlFlexibleServer(name, place);
  }
  await drain();
  return registered.map(view);
}
