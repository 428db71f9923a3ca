// The exporter against real servers after a short workload: what it reads from PostgreSQL's statistics views
// and MariaDB's status, written in the text format 0.0.4 and read back by an independent parser.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScraper, exposition, Families, statementLabel, statusMetric } from "../../../core/metrics/index.ts";
import { parseExposition, startServers, type ParsedFamily, type Servers } from "./support.ts";

let servers: Servers;
beforeAll(async () => {
  servers = await startServers("metrics");
});
afterAll(async () => {
  await servers?.stop();
});

/** Text format 0.0.4 line by line: HELP then TYPE once per family, samples only under their own TYPE. */
function checkStructure(text: string): void {
  let current = "";
  const typed = new Set<string>();
  for (const line of text.split("\n").filter(Boolean)) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === "TYPE") {
        expect(["counter", "gauge"]).toContain(meta[3]);
        expect(typed.has(meta[2]!), `second TYPE for ${meta[2]}`).toBe(false);
        typed.add(meta[2]!);
        current = meta[2]!;
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    expect(sample, line).not.toBeNull();
    expect(sample![1], line).toBe(current);
    expect(Number.isNaN(Number(sample![3])), line).toBe(false);
  }
}

async function scrape(t: Servers["pg"], top?: number): Promise<Map<string, ParsedFamily>> {
  const scraper = await createScraper(t, top === undefined ? {} : { topStatements: top });
  try {
    const s = await scraper.scrape();
    expect(s.error).toBeUndefined();
    const text = await exposition(s.families);
    checkStructure(text);
    return parseExposition(text);
  } finally {
    await scraper.close();
  }
}

const value = (f: ParsedFamily | undefined, labels: Record<string, string> = {}): number => {
  const m = f?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  return m ? Number(m.value) : NaN;
};

describe("PostgreSQL", () => {
  it("serves pg_stat_database, pg_stat_activity and settings, counters as counters", async () => {
    const m = await scrape(servers.pg);
    expect(value(m.get("pg_up"))).toBe(1);
    expect(m.get("pg_stat_database_xact_commit_total")?.type).toBe("COUNTER");
    expect(value(m.get("pg_stat_database_xact_commit_total"), { datname: "shop" })).toBeGreaterThan(20);
    expect(value(m.get("pg_stat_database_xact_rollback_total"), { datname: "shop" })).toBeGreaterThanOrEqual(1);
    expect(value(m.get("pg_stat_database_blks_hit_total"), { datname: "shop" })).toBeGreaterThan(0);
    expect(m.get("pg_stat_database_numbackends")?.type).toBe("GAUGE");
    expect(value(m.get("pg_database_size_bytes"), { datname: "shop" })).toBeGreaterThan(1_000_000);
    expect(value(m.get("pg_settings_max_connections"))).toBeGreaterThan(0);
    // The exporter's own connection is a client backend on `shop`, running the scrape.
    expect(value(m.get("pg_stat_activity_count"), { datname: "shop", state: "active" })).toBeGreaterThanOrEqual(1);
    expect(m.get("pg_stat_database_blk_read_time_seconds_total")?.help).toMatch(/track_io_timing/);
  });

  it("serves replication state of a primary, and per-standby families declared while there are none", async () => {
    const m = await scrape(servers.pg);
    expect(value(m.get("pg_replication_is_replica"))).toBe(0);
    expect(value(m.get("pg_replication_replica_lag_seconds"))).toBe(0);
    expect(value(m.get("pg_stat_replication_replicas"))).toBe(0);
    expect(m.get("pg_stat_replication_replay_lag_seconds")).toMatchObject({ type: "GAUGE", metrics: [] });
  });

  it("serves the top statements of pg_stat_statements, their text folded into a label", async () => {
    const m = await scrape(servers.pg, 50);
    expect(value(m.get("pg_stat_statements_available"))).toBe(1);
    const calls = m.get("pg_stat_statements_calls_total")!;
    const select = calls.metrics.find((s) => s.labels?.query?.startsWith("select count(*), sum(total) from orders"));
    expect(select?.labels).toMatchObject({ datname: "shop", user: servers.pg.user });
    expect(Number(select?.value)).toBe(10);
    expect(value(m.get("pg_stat_statements_exec_seconds_total"), { queryid: select!.labels!.queryid! })).toBeGreaterThan(0);
    const few = await scrape(servers.pg, 2);
    expect(few.get("pg_stat_statements_calls_total")!.metrics).toHaveLength(2);
    expect(statementLabel(`select\n  1,\t${"x".repeat(200)}`)).toMatch(/^select 1, x+…$/);
    expect(statementLabel("x".repeat(200))).toHaveLength(120);
  });

  it("answers pg_up 0 and nothing else when the server cannot be reached", async () => {
    const scraper = await createScraper({ ...servers.pg, port: 1 });
    try {
      const s = await scraper.scrape();
      expect(s.error?.message).toMatch(/ECONNREFUSED/);
      const m = parseExposition(await exposition(s.families));
      expect(value(m.get("pg_up"))).toBe(0);
      expect(m.get("pg_stat_database_xact_commit_total")?.metrics).toEqual([]);
    } finally {
      await scraper.close();
    }
  });
});

describe("MariaDB", () => {
  it("serves SHOW GLOBAL STATUS, counters and gauges told apart, and max_connections", async () => {
    const m = await scrape(servers.mysql);
    expect(value(m.get("mysql_up"))).toBe(1);
    expect(m.get("mysql_global_status_com_insert_total")?.type).toBe("COUNTER");
    expect(value(m.get("mysql_global_status_com_insert_total"))).toBeGreaterThanOrEqual(10);
    expect(m.get("mysql_global_status_threads_connected")?.type).toBe("GAUGE");
    expect(value(m.get("mysql_global_status_threads_connected"))).toBeGreaterThanOrEqual(1);
    expect(m.get("mysql_global_status_innodb_buffer_pool_pages_free")?.type).toBe("GAUGE");
    expect(value(m.get("mysql_global_status_innodb_buffer_pool_read_requests_total"))).toBeGreaterThan(0);
    expect(value(m.get("mysql_global_variables_max_connections"))).toBeGreaterThan(0);
    expect(value(m.get("mysql_replication_is_replica"))).toBe(0);
    expect(m.get("mysql_replica_lag_seconds")).toMatchObject({ type: "GAUGE", metrics: [] });
  });

  it("names status variables the way the mysqld exporter's users expect", () => {
    expect(statusMetric("Com_select")).toEqual({ name: "mysql_global_status_com_select_total", type: "counter" });
    expect(statusMetric("Threads_running")).toEqual({ name: "mysql_global_status_threads_running", type: "gauge" });
    expect(statusMetric("Opened_tables")).toEqual({ name: "mysql_global_status_opened_tables_total", type: "counter" });
    expect(statusMetric("Open_tables")).toEqual({ name: "mysql_global_status_open_tables", type: "gauge" });
  });
});

describe("text exposition", () => {
  it("escapes label values and help text, and leaves out an unlabelled metric without a value", async () => {
    const f = new Families()
      .declare("t_total", "counter", "help with \\ and\nnewline", ["q"])
      .declare("t_unset", "gauge", "never read");
    const odd = 'a "quoted" \\ back\nslash';
    f.add("t_total", 3, { q: odd });
    const text = await exposition(f.list());
    expect(text).toContain(String.raw`t_total{q="a \"quoted\" \\ back\nslash"} 3`);
    expect(text).toContain(String.raw`# HELP t_total help with \\ and\nnewline`);
    expect(text).not.toContain("t_unset");
    expect(parseExposition(text).get("t_total")?.metrics[0]?.labels?.q).toBe(odd);
    expect(() => new Families().declare("bad", "counter", "x")).toThrow(/_total/);
  });
});
