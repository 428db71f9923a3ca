// Cloud Monitoring dashboard of a Cloud SQL primary and its replicas (spec.observability.dashboard): CPU,
// memory, disk, disk I/O, connections, transactions, replication lag. Each chart filters on the instances'
// database_id and region, so a replica elsewhere is charted from its own region. Pure body builder; the
// component supplies the instances it made.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec, Engine } from "../spec/types.js";

const PREFIX = "cloudsql.googleapis.com/database/";

/**
 * Cloud SQL metric types charted, as Cloud Monitoring publishes them
 * (https://cloud.google.com/sql/docs/postgres/admin-api/metrics), with how each is aligned.
 */
export const CLOUDSQL_DASHBOARD_METRICS = {
  cpu: { type: `${PREFIX}cpu/utilization`, aligner: "ALIGN_MEAN" },
  memory: { type: `${PREFIX}memory/utilization`, aligner: "ALIGN_MEAN" },
  disk: { type: `${PREFIX}disk/utilization`, aligner: "ALIGN_MEAN" },
  diskBytes: { type: `${PREFIX}disk/bytes_used`, aligner: "ALIGN_MEAN" },
  readOps: { type: `${PREFIX}disk/read_ops_count`, aligner: "ALIGN_RATE" },
  writeOps: { type: `${PREFIX}disk/write_ops_count`, aligner: "ALIGN_RATE" },
  lag: { type: `${PREFIX}replication/replica_lag`, aligner: "ALIGN_MAX" },
  postgresConnections: { type: `${PREFIX}postgresql/num_backends`, aligner: "ALIGN_MEAN" },
  mysqlConnections: { type: `${PREFIX}network/connections`, aligner: "ALIGN_MEAN" },
  sqlserverConnections: { type: `${PREFIX}sqlserver/connections/user_connections`, aligner: "ALIGN_MEAN" },
  postgresTransactions: { type: `${PREFIX}postgresql/transaction_count`, aligner: "ALIGN_RATE" },
  mysqlTransactions: { type: `${PREFIX}mysql/queries`, aligner: "ALIGN_RATE" },
  sqlserverTransactions: { type: `${PREFIX}sqlserver/transactions/transaction_count`, aligner: "ALIGN_RATE" },
} as const;
type MetricKey = keyof typeof CLOUDSQL_DASHBOARD_METRICS;

const CONNECTIONS: Record<Engine, MetricKey> = { postgres: "postgresConnections", mysql: "mysqlConnections", sqlserver: "sqlserverConnections" };
const TRANSACTIONS: Record<Engine, MetricKey> = { postgres: "postgresTransactions", mysql: "mysqlTransactions", sqlserver: "sqlserverTransactions" };

export interface CloudSqlDashboardInstance {
  project: string;
  /** Cloud SQL instance name. */
  name: string;
  region: string;
  role: "primary" | "replica";
}

export interface GcpDashboardInput {
  title: string;
  engine: Engine;
  /** The primary first, then the replicas. */
  instances: readonly CloudSqlDashboardInstance[];
}

/** The monitoring filter of one metric on one instance, in its region. */
export function instanceFilter(metricType: string, i: CloudSqlDashboardInstance): string {
  return `metric.type="${metricType}" resource.type="cloudsql_database" resource.label."database_id"="${i.project}:${i.name}" resource.label."region"="${i.region}"`;
}

const COLUMNS = 12;
const TILE = { width: 6, height: 4 };

/** The dashboard JSON (mosaicLayout tiles of xyCharts, one dataSet per instance and metric). */
export function cloudMonitoringDashboard(i: GcpDashboardInput): Record<string, unknown> {
  const replicas = i.instances.filter((x) => x.role === "replica");
  const dataSet = (key: MetricKey, x: CloudSqlDashboardInstance, suffix = "") => {
    const m = CLOUDSQL_DASHBOARD_METRICS[key];
    return {
      plotType: "LINE",
      legendTemplate: `${x.name}${suffix}`,
      timeSeriesQuery: { timeSeriesFilter: { filter: instanceFilter(m.type, x), aggregation: { alignmentPeriod: "60s", perSeriesAligner: m.aligner } } },
    };
  };
  const charts: Array<{ title: string; dataSets: unknown[] }> = [
    { title: "CPU utilization", dataSets: i.instances.map((x) => dataSet("cpu", x)) },
    { title: "Memory utilization", dataSets: i.instances.map((x) => dataSet("memory", x)) },
    { title: "Disk utilization", dataSets: i.instances.map((x) => dataSet("disk", x)) },
    { title: "Disk bytes used", dataSets: i.instances.map((x) => dataSet("diskBytes", x)) },
    { title: "Disk read / write operations per second", dataSets: i.instances.flatMap((x) => [dataSet("readOps", x, " read"), dataSet("writeOps", x, " write")]) },
    { title: "Connections", dataSets: i.instances.map((x) => dataSet(CONNECTIONS[i.engine], x)) },
    { title: i.engine === "mysql" ? "Queries per second" : "Transactions per second", dataSets: i.instances.map((x) => dataSet(TRANSACTIONS[i.engine], x)) },
  ];
  if (replicas.length > 0) charts.push({ title: "Replication lag (s)", dataSets: replicas.map((x) => dataSet("lag", x)) });
  return {
    displayName: i.title,
    mosaicLayout: {
      columns: COLUMNS,
      tiles: charts.map((c, n) => ({
        xPos: (n % 2) * TILE.width,
        yPos: Math.floor(n / 2) * TILE.height,
        ...TILE,
        widget: { title: c.title, xyChart: { dataSets: c.dataSets, timeshiftDuration: "0s", yAxis: { scale: "LINEAR" } } },
      })),
    },
  };
}

/** The dashboard's page in the console; its id is `projects/<p>/dashboards/<id>`. */
export function cloudMonitoringDashboardUrl(id: string, project: string): string {
  return `https://console.cloud.google.com/monitoring/dashboards/custom/${id.split("/").pop()}?project=${project}`;
}

export interface GcpDashboardContext {
  parent: pulumi.Resource;
  name: string;
  spec: DatabaseSpec;
  project?: pulumi.Input<string>;
  primary: gcp.sql.DatabaseInstance;
  replicas: readonly gcp.sql.DatabaseInstance[];
}

export interface GcpDashboard {
  dashboard: gcp.monitoring.Dashboard;
  url: pulumi.Output<string>;
}

/** The dashboard, unless spec.observability.dashboard is false. */
export function createGcpDashboard(c: GcpDashboardContext): GcpDashboard | undefined {
  if (c.spec.observability.dashboard === false) return undefined;
  const describe = (r: gcp.sql.DatabaseInstance, role: CloudSqlDashboardInstance["role"]) =>
    pulumi.all([r.project, r.name, r.region]).apply(([project, name, region]): CloudSqlDashboardInstance => ({ project, name, region, role }));
  const instances = pulumi.all([describe(c.primary, "primary"), ...c.replicas.map((r) => describe(r, "replica"))]);
  const json = instances.apply((all) => JSON.stringify(cloudMonitoringDashboard({ title: `${c.spec.name} (${c.spec.engine})`, engine: c.spec.engine, instances: all })));
  const dashboard = new gcp.monitoring.Dashboard(`${c.name}-dashboard`, { dashboardJson: json, ...(c.project ? { project: c.project } : {}) }, { parent: c.parent });
  return { dashboard, url: pulumi.all([dashboard.id, c.primary.project]).apply(([id, project]) => cloudMonitoringDashboardUrl(id, project)) };
}
