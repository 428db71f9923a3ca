// The CloudWatch dashboard of AwsRdsDatabase under Pulumi mocks: a valid dashboard body (widgets with type,
// x, y, width, height; metric widgets with a region and [namespace, metric, dimension, value, options]
// lines), AWS/RDS metrics from CloudWatch's published list, every instance the component made charted from
// its own region, Performance Insights linked, the URL an output; none with observability.dashboard false.
import { beforeEach, describe, expect, it } from "vitest";
import type { DatabaseSpecInput, Environment } from "../../../components/spec/index.ts";
import { Tracker, installMocks, plain, registered, reset, value } from "../support/harness.ts";

installMocks();
const { AwsRdsDatabase } = await import("../../../components/aws/index.ts");
const { RDS_DASHBOARD_METRICS, cloudWatchDashboardBody } = await import("../../../components/aws/dashboard.ts");

const network = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"], allowedCidrs: ["10.0.0.0/16"] };
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";

async function render(input: Partial<DatabaseSpecInput>, environment: Environment) {
  const tracker = new Tracker();
  const db = new AwsRdsDatabase(
    "orders",
    { environment, region: "us-east-1", input: { name: "orders", engine: "postgres", network, ...input } as DatabaseSpecInput },
    { transformations: [tracker.transformation] },
  );
  await tracker.settle();
  return db;
}

interface Widget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { title?: string; region?: string; markdown?: string; metrics?: Array<[string, string, string, string, { region: string; stat: string }]> };
}

function dashboards() {
  return registered.filter((r) => r.type === DASHBOARD).map((r) => {
    const inputs = plain<{ dashboardName: string; dashboardBody: string }>(r.inputs);
    return { name: inputs.dashboardName, body: JSON.parse(inputs.dashboardBody) as { widgets: Widget[] }, parentName: r.name };
  });
}

/** The dashboard body's structure, as CloudWatch's PutDashboard validates it. */
function checkStructure(widgets: Widget[]): void {
  expect(widgets.length).toBeGreaterThan(0);
  for (const w of widgets) {
    expect(["metric", "text"]).toContain(w.type);
    for (const k of ["x", "y", "width", "height"] as const) expect(Number.isInteger(w[k]), k).toBe(true);
    expect(w.x + w.width).toBeLessThanOrEqual(24);
    if (w.type === "text") {
      expect(typeof w.properties.markdown).toBe("string");
      continue;
    }
    expect(w.properties.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(w.properties.metrics?.length).toBeGreaterThan(0);
    for (const m of w.properties.metrics!) {
      expect(m.slice(0, 3)).toEqual(["AWS/RDS", m[1], "DBInstanceIdentifier"]);
      expect(RDS_DASHBOARD_METRICS).toContain(m[1]);
      expect(m[4].region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    }
  }
}

const lines = (widgets: Widget[], metric: string) => widgets.flatMap((w) => w.properties.metrics ?? []).filter((m) => m[1] === metric);

beforeEach(reset);

describe("AwsRdsDatabase dashboard", () => {
  it("charts the primary and each replica from its own region, links Performance Insights, exports the URL", async () => {
    const db = await render({ replicas: [{ count: 1 }, { region: "eu-west-1", count: 1 }] }, "prod");
    const [d, ...more] = dashboards();
    expect(more).toEqual([]);
    expect(d!.name).toBe("orders-us-east-1");
    checkStructure(d!.body.widgets);
    const ids = new Map([[await value(db.instance.identifier), "us-east-1"]]);
    for (const r of db.replicas) ids.set(await value(r.identifier), (await value(r.arn)).split(":")[3]!);
    expect([...ids.values()]).toEqual(["us-east-1", "us-east-1", "eu-west-1"]);
    for (const metric of ["CPUUtilization", "FreeStorageSpace", "DatabaseConnections", "ReadIOPS", "WriteIOPS", "ReadLatency", "WriteLatency"]) {
      // Exactly the component's instances, each in the region it runs in.
      expect(new Map(lines(d!.body.widgets, metric).map((m) => [m[3], m[4].region]))).toEqual(ids);
    }
    const lag = lines(d!.body.widgets, "ReplicaLag").map((m) => [m[3], m[4].region]);
    expect(lag).toEqual([...ids].slice(1));
    const text = d!.body.widgets.find((w) => w.type === "text")!.properties.markdown!;
    const resourceId = await value(db.resourceId);
    expect(text).toContain(`https://us-east-1.console.aws.amazon.com/rds/home?region=us-east-1#performance-insights-v20206:/resourceId/${resourceId}/resourceName/orders`);
    expect(await value(db.dashboardUrl)).toBe("https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/orders-us-east-1");
  });

  it("without replicas there is no lag chart, without Performance Insights no link", async () => {
    await render({}, "dev");
    const [d] = dashboards();
    checkStructure(d!.body.widgets);
    expect(lines(d!.body.widgets, "ReplicaLag")).toEqual([]);
    expect(d!.body.widgets[0]!.properties.markdown).toContain("Performance Insights is off");
  });

  it("observability.dashboard false creates none", async () => {
    const db = await render({ observability: { dashboard: false } } as Partial<DatabaseSpecInput>, "prod");
    expect(dashboards()).toEqual([]);
    expect(db.dashboard).toBeUndefined();
    expect(await value(db.dashboardUrl)).toBeUndefined();
  });

  it("lays widgets out on the 24-column grid without overlap", () => {
    const body = cloudWatchDashboardBody({
      title: "t",
      region: "us-east-1",
      instances: [{ identifier: "a", region: "us-east-1", role: "primary" }, { identifier: "b", region: "eu-west-1", role: "replica" }],
    });
    const cells = new Set<string>();
    for (const w of body.widgets) {
      for (let x = w.x; x < w.x + w.width; x++) for (let y = w.y; y < w.y + w.height; y++) {
        expect(cells.has(`${x},${y}`)).toBe(false);
        cells.add(`${x},${y}`);
      }
    }
  });
});
