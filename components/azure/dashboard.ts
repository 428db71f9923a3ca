// Azure portal dashboard of a server (or SQL database) and its replicas (spec.observability.dashboard): CPU,
// memory, storage, connections, DTU (DTU-priced SQL databases; vCore servers show CPU of their vCores) and
// replica lag. Each chart names the component's resources by id; a header lists them with their regions.
// Pure body builder (the portal's `lenses`/`parts` JSON); the component supplies the resources it made.
import * as azure from "@pulumi/azure";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec } from "../spec/types.js";

/**
 * Azure Monitor metrics charted per resource type, as published in "Supported metrics"
 * (https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-dbforpostgresql-flexibleservers-metrics,
 * …/microsoft-dbformysql-flexibleservers-metrics, …/microsoft-sql-servers-databases-metrics).
 */
export const AZURE_DASHBOARD_METRICS = {
  "Microsoft.DBforPostgreSQL/flexibleServers": ["cpu_percent", "memory_percent", "storage_percent", "active_connections", "physical_replication_delay_in_seconds"],
  "Microsoft.DBforMySQL/flexibleServers": ["cpu_percent", "memory_percent", "storage_percent", "active_connections", "replication_lag"],
  "Microsoft.Sql/servers/databases": ["cpu_percent", "storage_percent", "sessions_count", "dtu_consumption_percent"],
} as const;
export type AzureMetricNamespace = keyof typeof AZURE_DASHBOARD_METRICS;

export interface AzureDashboardResource {
  /** Azure resource id. */
  id: string;
  location: string;
  role: "primary" | "replica";
}

export interface AzureDashboardCharts {
  cpu: string;
  storage: string;
  connections: string;
  memory?: string;
  /** DTU consumption (DTU-priced SQL databases). */
  dtu?: string;
  /** Replica lag in seconds, read on the replicas. */
  lag?: string;
}

export interface AzureDashboardInput {
  title: string;
  namespace: AzureMetricNamespace;
  charts: AzureDashboardCharts;
  /** The primary first, then the replicas. */
  resources: readonly AzureDashboardResource[];
}

/** Azure Monitor's aggregation codes in chart parts. */
const AGGREGATION = { average: 4, maximum: 3 } as const;

interface Part {
  position: { x: number; y: number; colSpan: number; rowSpan: number };
  metadata: { type: string; inputs: unknown[]; settings: Record<string, unknown> };
}

function chartPart(title: string, namespace: string, metric: string, aggregation: number, resources: readonly AzureDashboardResource[], at: Part["position"]): Part {
  return {
    position: at,
    metadata: {
      type: "Extension/HubsExtension/PartType/MonitorChartPart",
      inputs: [
        {
          name: "options",
          isOptional: true,
          value: {
            chart: {
              title,
              titleKind: 2,
              visualization: { chartType: 2 },
              metrics: resources.map((r) => ({
                resourceMetadata: { id: r.id },
                name: metric,
                namespace: namespace.toLowerCase(),
                aggregationType: aggregation,
                metricVisualization: { displayName: `${metric} (${r.location})` },
              })),
            },
          },
        },
        { name: "sharedTimeRange", isOptional: true },
      ],
      settings: {},
    },
  };
}

/** The dashboard's properties: one lens of parts (a markdown header, then the charts two by two). */
export function portalDashboardProperties(i: AzureDashboardInput): Record<string, unknown> {
  const replicas = i.resources.filter((r) => r.role === "replica");
  const charts: Array<[string, string, number, readonly AzureDashboardResource[]]> = [
    ["CPU percent", i.charts.cpu, AGGREGATION.average, i.resources],
    ["Storage percent", i.charts.storage, AGGREGATION.maximum, i.resources],
    ["Connections", i.charts.connections, AGGREGATION.maximum, i.resources],
  ];
  if (i.charts.memory) charts.push(["Memory percent", i.charts.memory, AGGREGATION.average, i.resources]);
  if (i.charts.dtu) charts.push(["DTU consumption percent", i.charts.dtu, AGGREGATION.average, i.resources]);
  if (i.charts.lag && replicas.length > 0) charts.push(["Replica lag (s)", i.charts.lag, AGGREGATION.maximum, replicas]);
  const name = (id: string) => id.split("/").slice(-1)[0];
  const header = [`## ${i.title}`, ...i.resources.map((r) => `- ${r.role} \`${name(r.id)}\` in ${r.location}`)].join("\n");
  const parts: Record<string, Part> = {
    "0": {
      position: { x: 0, y: 0, colSpan: 12, rowSpan: 2 },
      metadata: { type: "Extension/HubsExtension/PartType/MarkdownPart", inputs: [], settings: { content: { settings: { content: header, title: i.title, subtitle: "" } } } },
    },
  };
  charts.forEach(([title, metric, aggregation, resources], n) => {
    parts[String(n + 1)] = chartPart(title, i.namespace, metric, aggregation, resources, { x: (n % 2) * 6, y: 2 + Math.floor(n / 2) * 4, colSpan: 6, rowSpan: 4 });
  });
  return {
    lenses: { "0": { order: 0, parts } },
    metadata: {
      model: {
        timeRange: { value: { relative: { duration: 24, timeUnit: 1 } }, type: "MsPortalFx.Composition.Configuration.ValueTypes.TimeRange" },
      },
    },
  };
}

/** The dashboard in the Azure portal. */
export function portalDashboardUrl(id: string): string {
  return `https://portal.azure.com/#@/dashboard/arm${id}`;
}

export interface AzureDashboardContext {
  parent: pulumi.Resource;
  name: string;
  spec: DatabaseSpec;
  args: { resourceGroupName: pulumi.Input<string>; location: string };
  namespace: AzureMetricNamespace;
  charts: AzureDashboardCharts;
  resources: ReadonlyArray<{ id: pulumi.Input<string>; location: string; role: AzureDashboardResource["role"] }>;
}

export interface AzureDashboard {
  dashboard: azure.portal.PortalDashboard;
  url: pulumi.Output<string>;
}

/** The dashboard, in the primary's resource group and region, unless spec.observability.dashboard is false. */
export function createAzureDashboard(c: AzureDashboardContext): AzureDashboard | undefined {
  if (c.spec.observability.dashboard === false) return undefined;
  const resources = pulumi.all(c.resources.map((r) => pulumi.output(r.id).apply((id): AzureDashboardResource => ({ id, location: r.location, role: r.role }))));
  const properties = resources.apply((all) =>
    JSON.stringify(portalDashboardProperties({ title: `${c.spec.name} (${c.spec.engine})`, namespace: c.namespace, charts: c.charts, resources: all })),
  );
  const dashboard = new azure.portal.PortalDashboard(
    `${c.name}-dashboard`,
    { name: `${c.spec.name}-dashboard`, resourceGroupName: c.args.resourceGroupName, location: c.args.location, dashboardProperties: properties, tags: { ...c.spec.tags } },
    { parent: c.parent },
  );
  return { dashboard, url: dashboard.id.apply(portalDashboardUrl) };
}

/** DTU-priced SQL Database SKUs (Basic, S0…, P1…); vCore SKUs show CPU instead. */
export function isDtuSku(sku: string): boolean {
  return /^(Basic|S\d+|P\d+)$/.test(sku);
}
