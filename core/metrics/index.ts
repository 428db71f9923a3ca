// Prometheus metrics for one database: collectors (PostgreSQL statistics views, MariaDB/MySQL status),
// the text exposition, and a small HTTP endpoint serving them.
export { Families, type MetricFamily, type MetricType, type Sample } from "./families.js";
export { exposition, EXPOSITION_CONTENT_TYPE } from "./exposition.js";
export { collectPostgres, declarePostgres, statementLabel, type PgCollectOptions, type PgQueryable } from "./postgres.js";
export { collectMysql, declareMysql, statusMetric, type MysqlQueryable } from "./mysql.js";
export { createScraper, type Scrape, type Scraper, type ScraperOptions } from "./scraper.js";
export { serveMetrics, type MetricsServer, type MetricsServerOptions } from "./server.js";
