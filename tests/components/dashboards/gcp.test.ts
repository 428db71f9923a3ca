// The Cloud Monitoring dashboard of GcpCloudSqlDatabase under Pulumi mocks: dashboard JSON with a
// mosaicLayout of xyChart tiles whose dataSets filter on Cloud SQL metric types from Cloud Monitoring's
// published list, on exactly the component's instances, each in its own region; the URL an output; none with
// observability.dashboard false.
import { beforeEach, describe, expect, it } from "vitest";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { Tracker, installMocks, plain, registered, reset, value } from "../support/harness.ts";

installMocks();
const { GcpCloudSqlDatabase } = await import("../../../components/gcp/index.ts");
const { CLOUDSQL_DASHBOARD_METRICS } = await import("../../../components/gcp/dashboard.ts");

const DASHBOARD = "gcp:monitoring/dashboard:Dashboard";

async function render(input: Partial<DatabaseSpecInput>, environment: Environment) {
  const tracker = new Tracker();
  const db = new GcpCloudSqlDatabase(
    "orders",
    { environment, region: "europe-west1", project: "acme", input: { name: "orders", engine: "postgres", network: { vpcId: "projects/acme/global/networks/main" }, ...input } as DatabaseSpecInput },
    { transformations: [tracker.transformation] },
  );
  await tracker.settle();
  return db;
}

interface Tile {
  xPos: number;
  yPos: number;
  width: number;
  height: number;
  widget: { title: string; xyChart: { dataSets: Array<{ plotType: string; timeSeriesQuery: { timeSeriesFilter: { filter: string; aggregation: { alignmentPeriod: string; perSeriesAligner: string } } } }> } };
}
interface DashboardJson {
  displayName: string;
  mosaicLayout: { columns: number; tiles: Tile[] };
}

function dashboards(): Array<{ json: DashboardJson; project: unknown }> {
  return registered.filter((r) => r.type === DASHBOARD).map((r) => {
    const inputs = plain<{ dashboardJson: string; project?: string }>(r.inputs);
    return { json: JSON.parse(inputs.dashboardJson) as DashboardJson, project: inputs.project };
  });
}

const PUBLISHED = new Set(Object.values(CLOUDSQL_DASHBOARD_METRICS).map((m) => m.type));
const FILTER = /^metric\.type="([^"]+)" resource\.type="cloudsql_database" resource\.label\."database_id"="([^"]+)" resource\.label\."region"="([^"]+)"$/;

/** Each chart's filters parsed: metric type, database_id, region. */
function series(json: DashboardJson): Array<{ title: string; metric: string; databaseId: string; region: string }> {
  return json.mosaicLayout.tiles.flatMap((t) =>
    t.widget.xyChart.dataSets.map((d) => {
      const m = FILTER.exec(d.timeSeriesQuery.timeSeriesFilter.filter);
      expect(m, d.timeSeriesQuery.timeSeriesFilter.filter).not.toBeNull();
      return { title: t.widget.title, metric: m![1]!, databaseId: m![2]!, region: m![3]! };
    }),
  );
}

beforeEach(reset);

describe("GcpCloudSqlDatabase dashboard", () => {
  it("charts CPU, memory, disk, connections, transactions and replica lag of exactly its instances, each in its region", async () => {
    const db = await render({ replicas: [{ count: 1 }, { region: "us-east1", count: 1 }] }, "prod");
    const [d, ...more] = dashboards();
    expect(more).toEqual([]);
    expect(d!.project).toBe("acme");
    const { mosaicLayout } = d!.json;
    for (const t of mosaicLayout.tiles) {
      expect(t.xPos + t.width).toBeLessThanOrEqual(mosaicLayout.columns);
      expect(t.widget.xyChart.dataSets.length).toBeGreaterThan(0);
      for (const s of t.widget.xyChart.dataSets) expect(s.timeSeriesQuery.timeSeriesFilter.aggregation.alignmentPeriod).toBe("60s");
    }
    const all = series(d!.json);
    for (const s of all) expect(PUBLISHED).toContain(s.metric);
    const instances = new Map<string, string>();
    for (const i of [db.instance, ...db.replicas]) instances.set(`acme:${await value(i.name)}`, await value(i.region));
    expect([...instances.values()]).toEqual(["europe-west1", "europe-west1", "us-east1"]);
    for (const metric of ["cpu/utilization", "memory/utilization", "disk/utilization", "postgresql/num_backends", "postgresql/transaction_count"]) {
      const charted = all.filter((s) => s.metric === `cloudsql.googleapis.com/database/${metric}`);
      expect(new Map(charted.map((s) => [s.databaseId, s.region])), metric).toEqual(instances);
    }
    const lag = all.filter((s) => s.metric.endsWith("replication/replica_lag"));
    expect(lag.map((s) => [s.databaseId, s.region])).toEqual([...instances].slice(1));
    const id = registered.find((r) => r.type === DASHBOARD)!.name;
    expect(await value(db.dashboardUrl)).toBe(`https://console.cloud.google.com/monitoring/dashboards/custom/${id}-id?project=acme`);
  });

  it("uses each engine's own connection and transaction metrics", async () => {
    await render({ engine: "mysql" }, "dev");
    const metrics = series(dashboards()[0]!.json).map((s) => s.metric);
    expect(metrics).toContain("cloudsql.googleapis.com/database/network/connections");
    expect(metrics).toContain("cloudsql.googleapis.com/database/mysql/queries");
    expect(metrics.some((m) => m.includes("postgresql") || m.includes("replica_lag"))).toBe(false);
  });

  it("observability.dashboard false creates none", async () => {
    const db = await render({ observability: { dashboard: false } } as Partial<DatabaseSpecInput>, "prod");
    expect(dashboards()).toEqual([]);
    expect(await value(db.dashboardUrl)).toBeUndefined();
  });
});
