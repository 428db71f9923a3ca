// The exporter's HTTP endpoint: GET /metrics scrapes the database and answers in the text format; / links
// to it. Nothing else is served.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exposition, EXPOSITION_CONTENT_TYPE } from "./exposition.js";
import type { Scrape } from "./scraper.js";

export interface MetricsServerOptions {
  /** Address to listen on. @default "127.0.0.1" (query texts are in the metrics: expose them deliberately) */
  host?: string;
  /** Port; 0 picks a free one. */
  port: number;
  scrape: () => Promise<Scrape>;
  /** Told about each scrape that could not read the database. */
  onScrapeError?: (err: Error) => void;
}

export interface MetricsServer {
  /** http://host:port/metrics */
  url: string;
  close(): Promise<void>;
}

export async function serveMetrics(o: MetricsServerOptions): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (path === "/metrics") {
      o.scrape()
        .then(async (s) => {
          if (s.error) o.onScrapeError?.(s.error);
          const body = await exposition(s.families);
          res.writeHead(200, { "content-type": EXPOSITION_CONTENT_TYPE }).end(req.method === "HEAD" ? undefined : body);
        })
        .catch((err: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${err.message}\n`));
    } else if (path === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end('<html><body><a href="/metrics">metrics</a></body></html>\n');
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host ?? "127.0.0.1", () => resolve());
  });
  const a = server.address() as AddressInfo;
  const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
  return {
    url: `http://${host}:${a.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
