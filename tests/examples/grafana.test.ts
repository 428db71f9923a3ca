// examples/grafana: the dashboard and the alert rules chart and alert only on metrics `dbtk metrics` serves.
// The exporter runs against real servers after a short workload; every PromQL expression is parsed by
// Prometheus's own grammar (lezer-promql) and its metric names looked up in what was served. promtool
// (tools/install-promtool.sh) checks the rules file and runs its unit tests.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parser } from "@prometheus-io/lezer-promql";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScraper, exposition } from "../../core/metrics/index.ts";
import { cacheDir, dirsFromEnv } from "../../core/servers/paths.ts";
import { parseExposition, startServers, type ParsedFamily, type Servers } from "../core/metrics/support.ts";

const dir = path.resolve(import.meta.dirname, "../../examples/grafana");

interface Target {
  expr: string;
  refId: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  datasource?: { type: string; uid: string };
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: string | { query: string } }> };
}
interface Rules {
  groups: Array<{ name: string; rules: Array<{ alert: string; expr: string; for?: string; labels: { severity: string }; annotations: { summary: string } }> }>;
}

const dashboard = JSON.parse(readFileSync(path.join(dir, "dashboard.json"), "utf8")) as Dashboard;
const rules = parse(readFileSync(path.join(dir, "rules.yml"), "utf8")) as Rules;

/** Grafana's interval variables made PromQL durations; label-matcher variables are inside strings already. */
const promql = (expr: string) => expr.replace(/\$__(rate_interval|interval|range)\b/g, "5m");

/** Metric names a PromQL expression selects; throws where Prometheus's grammar finds an error. */
function metricNames(expr: string): string[] {
  const text = promql(expr);
  const names: string[] = [];
  const errors: string[] = [];
  parser.parse(text).iterate({
    enter(n) {
      if (n.type.isError) errors.push(`at ${n.from}: "${text.slice(n.from, n.from + 20)}"`);
      if (n.type.name === "VectorSelector") {
        const first = n.node.firstChild;
        if (first?.type.name === "Identifier") names.push(text.slice(first.from, first.to));
      }
    },
  });
  if (errors.length) throw new Error(`PromQL does not parse: ${errors.join(", ")} in ${expr}`);
  return names;
}

const dashboardExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const variableMetrics = dashboard.templating.list.flatMap((v) => {
  const q = typeof v.query === "string" ? v.query : v.query.query;
  return v.type === "query" ? [/^label_values\((\w+),/.exec(q)?.[1] ?? `unparsed ${q}`] : [];
});
const ruleList = rules.groups.flatMap((g) => g.rules);
const dashboardMetrics = new Set([...dashboardExprs.flatMap(metricNames), ...variableMetrics]);
const ruleMetrics = new Set(ruleList.flatMap((r) => metricNames(r.expr)));

/**
 * Families with samples only where replication runs: served, but empty on a lone server. The PostgreSQL ones
 * are checked with a real streaming standby in tests/core/metrics/replication.test.ts.
 */
const REPLICATION_ONLY = ["pg_stat_replication_replay_lag_seconds", "pg_stat_replication_lag_bytes", "mysql_replica_lag_seconds", "mysql_replica_running"];

let servers: Servers;
let served: Map<string, ParsedFamily>;
beforeAll(async () => {
  servers = await startServers("grafana");
  served = new Map();
  for (const t of [servers.pg, servers.mysql]) {
    const scraper = await createScraper(t);
    const s = await scraper.scrape();
    await scraper.close();
    expect(s.error).toBeUndefined();
    for (const [k, v] of parseExposition(await exposition(s.families))) served.set(k, v);
  }
});
afterAll(async () => {
  await servers?.stop();
});

describe("the dashboard and the rules name only served metrics", () => {
  it("finds the metric names in every expression (and the parser finds errors)", () => {
    expect(metricNames('sum by (instance) (rate(pg_stat_database_xact_commit_total{instance=~"$instance"}[$__rate_interval]))')).toEqual([
      "pg_stat_database_xact_commit_total",
    ]);
    expect(() => metricNames("sum(rate(pg_up[5m])")).toThrow(/does not parse/);
    expect(dashboardMetrics.size).toBeGreaterThan(30);
    expect(ruleMetrics.size).toBeGreaterThan(10);
  });

  it("every metric the dashboard and the rules name is served by dbtk metrics", () => {
    const missing = [...dashboardMetrics, ...ruleMetrics].filter((m) => !served.has(m));
    expect(missing).toEqual([]);
  });

  it("every one has samples after the workload, but per-standby lag where nothing replicates", () => {
    const empty = [...new Set([...dashboardMetrics, ...ruleMetrics])].filter((m) => served.get(m)?.metrics.length === 0);
    expect(empty.sort()).toEqual([...REPLICATION_ONLY].sort());
  });

  it("the dashboard charts every signal the rules alert on", () => {
    expect([...ruleMetrics].filter((m) => !dashboardMetrics.has(m))).toEqual([]);
  });
});

describe("dashboard.json", () => {
  it("is a Grafana dashboard: unique panel ids, panels on the 24-column grid without overlap, Prometheus targets", () => {
    expect(dashboard).toMatchObject({ uid: "dbtk-databases", schemaVersion: expect.any(Number) as number });
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w, p.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
        expect(cells.has(`${i},${j}`), `${p.title} overlaps at ${i},${j}`).toBe(false);
        cells.add(`${i},${j}`);
      }
      if (p.type === "row") continue;
      expect(p.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
      const refs = (p.targets ?? []).map((t) => t.refId);
      expect(refs.length, p.title).toBeGreaterThan(0);
      expect(new Set(refs).size).toBe(refs.length);
    }
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(["datasource", "instance", "mysql_instance"]);
  });

  it("charts the signals the issue and the cloud dashboards name", () => {
    for (const m of ["pg_stat_activity_count", "pg_stat_database_xact_commit_total", "pg_stat_database_blks_hit_total", "pg_replication_replica_lag_seconds", "pg_stat_statements_exec_seconds_total", "mysql_global_status_threads_connected", "mysql_replica_lag_seconds"]) {
      expect(dashboardMetrics, m).toContain(m);
    }
  });
});

describe("rules.yml", () => {
  it("alerts on the cloud alarms' signals with their default thresholds", () => {
    const byName = Object.fromEntries(ruleList.map((r) => [r.alert, r]));
    expect(byName.PostgresConnectionsHigh?.expr).toContain("0.8 * pg_settings_max_connections");
    expect(byName.MysqlConnectionsHigh?.expr).toContain("0.8 * mysql_global_variables_max_connections");
    for (const lag of ["PostgresReplicaLagHigh", "PostgresStandbyReplayLagHigh", "MysqlReplicaLagHigh"]) {
      expect(byName[lag]).toMatchObject({ for: "5m", expr: expect.stringMatching(/> 60\b/) as string });
    }
    for (const r of ruleList) expect(["critical", "warning", "info"], r.alert).toContain(r.labels.severity);
  });

  const promtool = [path.join(cacheDir(dirsFromEnv(process.env)), "bin", "promtool"), ...(process.env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "promtool"))].find((p) => existsSync(p));
  describe.skipIf(!promtool && !process.env.CI)("promtool", () => {
    it("is installed (tools/install-promtool.sh)", () => {
      expect(promtool, "promtool not found: run tools/install-promtool.sh").toBeDefined();
    });

    it("checks the rules file and passes its unit tests (rules.test.yml: each alert fires on dbtk-shaped series)", async () => {
      const check = await execa(promtool!, ["check", "rules", "rules.yml"], { cwd: dir, reject: false });
      expect(check.exitCode, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toContain(`SUCCESS: ${ruleList.length} rules found`);
      const test = await execa(promtool!, ["test", "rules", "rules.test.yml"], { cwd: dir, reject: false });
      expect(test.exitCode, test.stdout + test.stderr).toBe(0);
    });
  });
});
