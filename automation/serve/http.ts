// IntegreSQL's HTTP API (v1) over node:http, route for route and status for status, so its published clients
// work unchanged. Errors are JSON: `{"message": …}` as IntegreSQL's framework writes them, plus a stable
// `error` code. A request whose client goes away gives back whatever it was about to receive.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ServeProblem, problems } from "./problem.js";
import type { Templates } from "./templates.js";

const MAX_BODY = 64 * 1024;

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent || res.destroyed) return;
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text) }).end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw problems.badRequest(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The `hash` of an initialize request: JSON (the npm client) or a form body (the Python client sends one). */
async function hashFrom(req: IncomingMessage): Promise<string> {
  const text = await readBody(req);
  const type = req.headers["content-type"] ?? "";
  let hash: unknown;
  if (type.includes("application/x-www-form-urlencoded")) {
    hash = new URLSearchParams(text).get("hash");
  } else if (text.trim()) {
    try {
      hash = (JSON.parse(text) as { hash?: unknown }).hash;
    } catch {
      throw problems.badRequest('the body is not JSON: send {"hash": "<hash of your migrations>"}');
    }
  }
  if (typeof hash !== "string" || hash.length === 0) throw problems.badRequest('hash is required: send {"hash": "<hash of your migrations>"}');
  if (hash.length > 256 || /[/\s]/.test(hash)) throw problems.badRequest("hash: at most 256 characters, no slashes or spaces");
  return hash;
}

function testId(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw problems.badRequest(`invalid test database ID "${text}": use the id GET …/tests answered`);
  return Number(text);
}

export interface ApiExtras {
  /** `GET /api/v1/dbtk/status`: the server's own view (not part of IntegreSQL's API). */
  status(): unknown;
  /** Told how long each hand-out took, from its request event to its answer written (milliseconds). */
  handedOut?(ms: number): void;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  signal: AbortSignal;
  /** The path's `:params`, in order. */
  params: string[];
  /** performance.now() at the request event. */
  t0: number;
}
type Handler = (c: Ctx) => Promise<void> | void;
interface Route {
  path: string;
  segments: string[];
  methods: Partial<Record<string, Handler>>;
  /** The `Allow` header of a 405, in the order IntegreSQL's router (echo v4) writes it. */
  allow: string;
}

// echo's order: OPTIONS first, then the route's methods in a fixed order.
const ALLOW_ORDER = ["CONNECT", "DELETE", "GET", "HEAD", "PATCH", "POST", "PROPFIND", "PUT", "TRACE", "REPORT"];

function route(path: string, methods: Partial<Record<string, Handler>>): Route {
  const allow = ["OPTIONS", ...ALLOW_ORDER.filter((m) => methods[m])].join(", ");
  return { path, segments: path.split("/").slice(1), methods, allow };
}

/** The route table of IntegreSQL v1.1.0 (internal/api/{templates,admin}/routes.go), plus our status. */
function routes(templates: Templates, extras: ApiExtras): Route[] {
  const done = (res: ServerResponse) => () => send(res, 204);
  return [
    route("/api/v1/templates", {
      async POST({ req, res, signal }) {
        const h = await hashFrom(req);
        const config = await templates.initialize(h);
        // Nobody got the connection to migrate with: the build would only block the others until stop.
        if (signal.aborted) return templates.discard(h);
        send(res, 200, { database: { templateHash: h, config } });
      },
    }),
    route("/api/v1/templates/:hash", {
      PUT: ({ res, params: [h] }) => templates.finalize(h as string).then(done(res)),
      DELETE: ({ res, params: [h] }) => templates.discard(h as string).then(done(res)),
    }),
    route("/api/v1/templates/:hash/tests", {
      async GET({ res, signal, params: [h], t0 }) {
        const hash = h as string;
        const got = await templates.get(hash, signal);
        if (signal.aborted) return templates.unlock(hash, got.id);
        send(res, 200, { database: { templateHash: hash, config: got.config }, id: got.id });
        extras.handedOut?.(performance.now() - t0);
      },
    }),
    // Deprecated in IntegreSQL (use POST …/unlock), still served.
    route("/api/v1/templates/:hash/tests/:id", { DELETE: ({ res, params: [h, id] }) => templates.unlock(h as string, testId(id as string)).then(done(res)) }),
    route("/api/v1/templates/:hash/tests/:id/recreate", { POST: ({ res, params: [h, id] }) => templates.recreate(h as string, testId(id as string)).then(done(res)) }),
    route("/api/v1/templates/:hash/tests/:id/unlock", { POST: ({ res, params: [h, id] }) => templates.unlock(h as string, testId(id as string)).then(done(res)) }),
    route("/api/v1/admin/templates", { DELETE: ({ res }) => templates.reset().then(done(res)) }),
    route("/api/v1/dbtk/status", { GET: ({ res }) => send(res, 200, extras.status()) }),
  ];
}

/** The route whose pattern matches `segments` (static segments before `:params`, as echo prefers), and its params. */
function match(table: Route[], segments: string[]): { route: Route; params: string[] } | undefined {
  let best: { route: Route; params: string[]; score: number } | undefined;
  for (const r of table) {
    if (r.segments.length !== segments.length) continue;
    const params: string[] = [];
    let score = 0;
    let ok = true;
    for (const [i, s] of r.segments.entries()) {
      const got = segments[i] as string;
      if (s.startsWith(":")) {
        if (!got) ok = false;
        params.push(got);
      } else if (s === got) score++;
      else ok = false;
      if (!ok) break;
    }
    if (ok && (!best || score > best.score)) best = { route: r, params, score };
  }
  return best;
}

const ROUTE_LIST =
  "POST /api/v1/templates, PUT|DELETE /api/v1/templates/:hash, GET /api/v1/templates/:hash/tests, POST /api/v1/templates/:hash/tests/:id/unlock|recreate, DELETE /api/v1/admin/templates";

/** The request handler for `templates` (everything under /api/v1). */
export function apiHandler(templates: Templates, extras: ApiExtras): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(templates, extras);
  const dispatch = async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal, t0: number): Promise<void> => {
    // IntegreSQL strips a trailing slash before routing. Hashes are used as sent (no slashes, no escapes).
    const p = (req.url ?? "/").split("?")[0]?.replace(/\/+$/, "") || "/";
    const m = req.method ?? "GET";
    const found = match(table, p.split("/").slice(1));
    if (!found) throw new ServeProblem(404, "not_found", `no route ${m} ${p}: see IntegreSQL's API (${ROUTE_LIST})`);
    const handler = found.route.methods[m];
    if (handler) return handler({ req, res, signal, params: found.params, t0 });
    // As echo: OPTIONS on a known path lists its methods; any other method is a 405 naming them.
    res.setHeader("allow", found.route.allow);
    if (m === "OPTIONS") return send(res, 204);
    const allowed = found.route.allow.replace(/^OPTIONS, /, "");
    throw new ServeProblem(405, "method_not_allowed", `method ${m} not allowed on ${found.route.path}: use ${allowed.replace(/, (?=[^,]*$)/, " or ")}`);
  };

  return (req, res) => {
    const t0 = performance.now();
    const ac = new AbortController();
    // The client went away before its answer was written: whatever it waited for goes back to the pool.
    res.on("close", () => {
      if (!res.writableFinished) ac.abort(new Error("client closed the connection"));
    });
    dispatch(req, res, ac.signal, t0).catch((err: unknown) => {
      if (ac.signal.aborted) return;
      if (err instanceof ServeProblem) return send(res, err.status, { message: err.message, error: err.code });
      send(res, 500, { message: `internal error: ${(err as Error).message ?? String(err)}`, error: "internal" });
    });
  };
}
