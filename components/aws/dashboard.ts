// CloudWatch dashboard of an RDS primary and its replicas (spec.observability.dashboard): CPU, free storage,
// memory, connections, read/write IOPS and latency, replica lag (each replica charted from its own region),
// and a link to Performance Insights. The body is built by a pure function; the component only supplies
// the identifiers of the instances it made.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSpec } from "../spec/types.js";
import { instanceClass, performanceInsightsEnabled, type ReplicaPlan } from "./mapping.js";

/**
 * AWS/RDS instance-level metrics charted, as CloudWatch publishes them
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html).
 */
export const RDS_DASHBOARD_METRICS = [
  "CPUUtilization",
  "FreeStorageSpace",
  "FreeableMemory",
  "DatabaseConnections",
  "ReadIOPS",
  "WriteIOPS",
  "ReadLatency",
  "WriteLatency",
  "ReplicaLag",
] as const;
export type RdsDashboardMetric = (typeof RDS_DASHBOARD_METRICS)[number];

export interface DashboardInstance {
  /** DBInstanceIdentifier. */
  identifier: string;
  region: string;
  role: "primary" | "replica";
}

export interface AwsDashboardInput {
  title: string;
  /** Region of the primary (and of the dashboard's default). */
  region: string;
  /** The primary first, then the replicas. */
  instances: readonly DashboardInstance[];
  /** The primary's DbiResourceId when Performance Insights is on: the dashboard links to it. */
  performanceInsightsResourceId?: string;
}

/** One metric line: [namespace, metric, dimension, value, rendering options]. */
export type MetricLine = [string, RdsDashboardMetric, "DBInstanceIdentifier", string, { region: string; label: string; stat: string }];

export interface Widget {
  type: "metric" | "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const WIDTH = 12;
const HEIGHT = 6;

/** The Performance Insights page of an instance in the RDS console. */
export function performanceInsightsUrl(region: string, resourceId: string, identifier: string): string {
  return `https://${region}.console.aws.amazon.com/rds/home?region=${region}#performance-insights-v20206:/resourceId/${resourceId}/resourceName/${identifier}`;
}

/** The dashboard's page in the CloudWatch console. */
export function cloudWatchDashboardUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(name)}`;
}

/** Dashboard names allow letters, digits, `-` and `_` (255 at most); one per database and region. */
export function dashboardName(specName: string, region: string): string {
  return `${specName}-${region}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255);
}

/** The dashboard body (DashboardBody JSON structure: widgets with type, x, y, width, height, properties). */
export function cloudWatchDashboardBody(i: AwsDashboardInput): { widgets: Widget[] } {
  const primary = i.instances.find((x) => x.role === "primary");
  const replicas = i.instances.filter((x) => x.role === "replica");
  const line = (x: DashboardInstance, metric: RdsDashboardMetric, stat: string, suffix = ""): MetricLine => [
    "AWS/RDS",
    metric,
    "DBInstanceIdentifier",
    x.identifier,
    { region: x.region, label: `${x.identifier}${suffix}`, stat },
  ];
  const charts: Array<{ title: string; lines: MetricLine[]; unit?: string }> = [
    { title: "CPU utilization (%)", lines: i.instances.map((x) => line(x, "CPUUtilization", "Average")) },
    { title: "Free storage (bytes)", lines: i.instances.map((x) => line(x, "FreeStorageSpace", "Minimum")) },
    { title: "Database connections", lines: i.instances.map((x) => line(x, "DatabaseConnections", "Maximum")) },
    { title: "Freeable memory (bytes)", lines: i.instances.map((x) => line(x, "FreeableMemory", "Minimum")) },
    {
      title: "Read / write IOPS",
      lines: i.instances.flatMap((x) => [line(x, "ReadIOPS", "Average", " read"), line(x, "WriteIOPS", "Average", " write")]),
    },
    {
      title: "Read / write latency (s)",
      lines: i.instances.flatMap((x) => [line(x, "ReadLatency", "Average", " read"), line(x, "WriteLatency", "Average", " write")]),
    },
  ];
  if (replicas.length > 0) charts.push({ title: "Replica lag (s)", lines: replicas.map((x) => line(x, "ReplicaLag", "Maximum")) });
  const where = (x: DashboardInstance) => `\`${x.identifier}\` (${x.region})`;
  const text = [
    `# ${i.title}`,
    `Primary ${primary ? where(primary) : "-"}${replicas.length ? `; replicas ${replicas.map(where).join(", ")}` : ""}.`,
    primary && i.performanceInsightsResourceId
      ? `[Performance Insights](${performanceInsightsUrl(primary.region, i.performanceInsightsResourceId, primary.identifier)}): load by wait, top SQL.`
      : "Performance Insights is off (spec.observability.queryInsights).",
  ].join("\n\n");
  const widgets: Widget[] = [{ type: "text", x: 0, y: 0, width: 24, height: 3, properties: { markdown: text } }];
  charts.forEach((c, n) => {
    widgets.push({
      type: "metric",
      x: (n % 2) * WIDTH,
      y: 3 + Math.floor(n / 2) * HEIGHT,
      width: WIDTH,
      height: HEIGHT,
      properties: { title: c.title, view: "timeSeries", stacked: false, region: i.region, period: 60, metrics: c.lines },
    });
  });
  return { widgets };
}

export interface AwsDashboardContext {
  parent: pulumi.Resource;
  name: string;
  spec: DatabaseSpec;
  /** The primary's region, when known from the arguments or the provider's configuration. */
  primaryRegion: string | undefined;
  primary: aws.rds.Instance;
  plans: readonly ReplicaPlan[];
  /** The replicas made, by RDS identifier. */
  replicas: ReadonlyMap<string, aws.rds.Instance>;
}

export interface AwsDashboard {
  dashboard: aws.cloudwatch.Dashboard;
  url: pulumi.Output<string>;
}

/** The dashboard, unless spec.observability.dashboard is false. */
export function createAwsDashboard(c: AwsDashboardContext): AwsDashboard | undefined {
  if (c.spec.observability.dashboard === false) return undefined;
  const replicas = c.plans.flatMap((p) => {
    const instance = c.replicas.get(p.identifier);
    return instance ? [{ instance, region: p.region }] : [];
  });
  const insights = performanceInsightsEnabled(c.spec, instanceClass(c.spec.size, c.spec.engine));
  const region = c.primaryRegion !== undefined ? pulumi.output(c.primaryRegion) : aws.getRegionOutput({}, { parent: c.parent }).region;
  const name = region.apply((r) => dashboardName(c.spec.name, r));
  const body = pulumi
    .all([region, c.primary.identifier, c.primary.resourceId, pulumi.all(replicas.map((r) => r.instance.identifier))])
    .apply(([r, primaryId, resourceId, replicaIds]) =>
      JSON.stringify(
        cloudWatchDashboardBody({
          title: `${c.spec.name} (${c.spec.engine})`,
          region: r,
          instances: [
            { identifier: primaryId, region: r, role: "primary" },
            ...replicaIds.map((id, n) => ({ identifier: id, region: replicas[n]?.region ?? r, role: "replica" as const })),
          ],
          ...(insights ? { performanceInsightsResourceId: resourceId } : {}),
        }),
      ),
    );
  const dashboard = new aws.cloudwatch.Dashboard(`${c.name}-dashboard`, { dashboardName: name, dashboardBody: body }, { parent: c.parent });
  return { dashboard, url: pulumi.all([region, dashboard.dashboardName]).apply(([r, n]) => cloudWatchDashboardUrl(r, n)) };
}
