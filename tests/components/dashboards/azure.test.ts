// The Azure portal dashboard of the flexible servers and SQL Database under Pulumi mocks: dashboard
// properties with lenses of parts (a markdown header, MonitorChartParts), Azure Monitor metrics from the
// published lists, every chart naming exactly the component's resources by id (replicas with their regions),
// the URL an output; none with observability.dashboard false.
import { beforeEach, describe, expect, it } from "vitest";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { Tracker, installMocks, plain, registered, reset, value } from "../support/harness.ts";

installMocks();
const { AzurePostgresFlexibleServer, AzureMysqlFlexibleServer, AzureSqlDatabase } = await import("../../../components/azure/index.ts");
const { AZURE_DASHBOARD_METRICS } = await import("../../../components/azure/dashboard.ts");

const DASHBOARD = "azure:portal/portalDashboard:PortalDashboard";
const place = { resourceGroupName: "rg-db", location: "westeurope", keyVaultId: "/subscriptions/s/resourceGroups/rg-db/providers/Microsoft.KeyVault/vaults/kv", tenantId: "22222222-2222-2222-2222-222222222222" };
const subnet = (s: string) => `/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/${s}`;

interface ChartMetric {
  resourceMetadata: { id: string };
  name: string;
  namespace: string;
  aggregationType: number;
  metricVisualization: { displayName: string };
}
interface Part {
  position: { x: number; y: number; colSpan: number; rowSpan: number };
  metadata: { type: string; inputs: Array<{ name: string; value?: { chart: { title: string; metrics: ChartMetric[] } } }>; settings: { content?: { settings: { content: string } } } };
}
interface Properties {
  lenses: Record<string, { order: number; parts: Record<string, Part> }>;
  metadata: { model: { timeRange: unknown } };
}

function dashboards(): Array<{ inputs: { name: string; location: string; resourceGroupName: string }; properties: Properties }> {
  return registered.filter((r) => r.type === DASHBOARD).map((r) => {
    const inputs = plain<{ name: string; location: string; resourceGroupName: string; dashboardProperties: string }>(r.inputs);
    return { inputs, properties: JSON.parse(inputs.dashboardProperties) as Properties };
  });
}

/** Chart title → metric name → resource ids, checking the parts' structure on the way. */
function charts(p: Properties, namespace: keyof typeof AZURE_DASHBOARD_METRICS): Map<string, { metric: string; ids: string[] }> {
  const out = new Map<string, { metric: string; ids: string[] }>();
  expect(Object.keys(p.lenses)).toEqual(["0"]);
  expect(p.metadata.model.timeRange).toBeDefined();
  for (const part of Object.values(p.lenses["0"]!.parts)) {
    expect(part.position.x + part.position.colSpan).toBeLessThanOrEqual(12);
    if (part.metadata.type === "Extension/HubsExtension/PartType/MarkdownPart") continue;
    expect(part.metadata.type).toBe("Extension/HubsExtension/PartType/MonitorChartPart");
    const chart = part.metadata.inputs.find((i) => i.name === "options")!.value!.chart;
    for (const m of chart.metrics) {
      expect(m.namespace).toBe(namespace.toLowerCase());
      expect(AZURE_DASHBOARD_METRICS[namespace] as readonly string[]).toContain(m.name);
      expect([3, 4]).toContain(m.aggregationType);
    }
    out.set(chart.title, { metric: chart.metrics[0]!.name, ids: chart.metrics.map((m) => m.resourceMetadata.id) });
  }
  return out;
}

const header = (p: Properties) => Object.values(p.lenses["0"]!.parts).find((x) => x.metadata.type.endsWith("MarkdownPart"))!.metadata.settings.content!.settings.content;

beforeEach(reset);

describe("Azure dashboards", () => {
  it("PostgreSQL flexible server: CPU, memory, storage, connections of server and replicas; lag on the replicas; URL", async () => {
    const tracker = new Tracker();
    const db = new AzurePostgresFlexibleServer(
      "orders",
      {
        environment: "staging" as Environment,
        ...place,
        input: {
          name: "orders",
          engine: "postgres",
          highAvailability: false,
          replicas: [{ count: 1 }, { region: "northeurope", count: 1 }],
          network: { subnetIds: [subnet("pg")], privateDnsZoneId: "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/db.postgres.database.azure.com" },
        } as DatabaseSpecInput,
        replicaSubnetIds: { northeurope: subnet("pg-ne") },
      } as ConstructorParameters<typeof AzurePostgresFlexibleServer>[1],
      { transformations: [tracker.transformation] },
    );
    await tracker.settle();
    const [d, ...more] = dashboards();
    expect(more).toEqual([]);
    expect(d!.inputs).toMatchObject({ name: "orders-dashboard", location: "westeurope", resourceGroupName: "rg-db" });
    const server = await value(db.serverId);
    const replicas = await Promise.all(db.replicas.map((r) => value(r.id)));
    expect(replicas).toHaveLength(2);
    const c = charts(d!.properties, "Microsoft.DBforPostgreSQL/flexibleServers");
    for (const [title, metric] of [["CPU percent", "cpu_percent"], ["Memory percent", "memory_percent"], ["Storage percent", "storage_percent"], ["Connections", "active_connections"]]) {
      expect(c.get(title!)).toEqual({ metric, ids: [server, ...replicas] });
    }
    expect(c.get("Replica lag (s)")).toEqual({ metric: "physical_replication_delay_in_seconds", ids: replicas });
    expect(header(d!.properties)).toMatch(/replica `[^`]+` in northeurope/);
    expect(await value(db.dashboardUrl)).toBe(`https://portal.azure.com/#@/dashboard/arm${await value(db.dashboard!.id)}`);
  });

  it("MySQL flexible server without replicas: no lag chart", async () => {
    const tracker = new Tracker();
    new AzureMysqlFlexibleServer("shop", { environment: "dev", ...place, input: { name: "shop", engine: "mysql" } as DatabaseSpecInput }, { transformations: [tracker.transformation] });
    await tracker.settle();
    const c = charts(dashboards()[0]!.properties, "Microsoft.DBforMySQL/flexibleServers");
    expect([...c.keys()]).toEqual(["CPU percent", "Storage percent", "Connections", "Memory percent"]);
  });

  it("SQL Database: the database and its geo-secondary by id; DTU only on a DTU SKU", async () => {
    const render = async (input: Partial<DatabaseSpecInput>) => {
      reset();
      const tracker = new Tracker();
      const db = new AzureSqlDatabase("orders", { environment: "staging", ...place, input: { name: "orders", engine: "sqlserver", network: { subnetIds: [subnet("sql")] }, ...input } as DatabaseSpecInput }, { transformations: [tracker.transformation] });
      await tracker.settle();
      return db;
    };
    const db = await render({ replicas: [{ region: "northeurope", count: 1 }] });
    const c = charts(dashboards()[0]!.properties, "Microsoft.Sql/servers/databases");
    const ids = c.get("CPU percent")!.ids;
    expect(ids[0]).toBe(await value(db.databaseId));
    expect(ids).toHaveLength(2);
    expect(ids[1]).toMatch(/\/databases\//);
    expect(c.get("Connections")!.metric).toBe("sessions_count");
    expect(c.has("DTU consumption percent")).toBe(false);
    await render({ size: { instanceClass: "S3" } } as Partial<DatabaseSpecInput>);
    expect(charts(dashboards()[0]!.properties, "Microsoft.Sql/servers/databases").get("DTU consumption percent")?.metric).toBe("dtu_consumption_percent");
  });

  it("observability.dashboard false creates none", async () => {
    const tracker = new Tracker();
    const db = new AzureMysqlFlexibleServer("shop", { environment: "dev", ...place, input: { name: "shop", engine: "mysql", observability: { dashboard: false } } as DatabaseSpecInput }, { transformations: [tracker.transformation] });
    await tracker.settle();
    expect(dashboards()).toEqual([]);
    expect(await value(db.dashboardUrl)).toBeUndefined();
  });
});
