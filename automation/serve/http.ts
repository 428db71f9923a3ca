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
}

/** The request handler for `templates` (everything under /api/v1). */
export function apiHandler(templates: Templates, extras: ApiExtras): (req: IncomingMessage, res: ServerResponse) => void {
  const route = async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> => {
    // IntegreSQL strips a trailing slash before routing. Hashes are used as sent (no slashes, no escapes).
    const p = (req.url ?? "/").split("?")[0]?.replace(/\/+$/, "") || "/";
    const m = req.method ?? "GET";
    const seg = p.split("/");
    // ["", "api", "v1", "templates", hash?, "tests"?, id?, action?]
    if (seg[1] !== "api" || seg[2] !== "v1") throw new ServeProblem(404, "not_found", `no route ${m} ${p}: the API lives under /api/v1`);
    const [, , , group, hash, tests, id, action] = seg;
    if (group === "templates" && hash === undefined && m === "POST") {
      const h = await hashFrom(req);
      const config = await templates.initialize(h);
      // Nobody got the connection to migrate with: the build would only block the others until stop.
      if (signal.aborted) return templates.discard(h);
      return send(res, 200, { database: { templateHash: h, config } });
    }
    if (group === "templates" && hash !== undefined && tests === undefined) {
      if (m === "PUT") return void (await templates.finalize(hash), send(res, 204));
      if (m === "DELETE") return void (await templates.discard(hash), send(res, 204));
    }
    if (group === "templates" && hash !== undefined && tests === "tests") {
      if (id === undefined && m === "GET") {
        const got = await templates.get(hash, signal);
        if (signal.aborted) return templates.unlock(hash, got.id);
        return send(res, 200, { database: { templateHash: hash, config: got.config }, id: got.id });
      }
      if (id !== undefined && action === undefined && m === "DELETE") return void (await templates.unlock(hash, testId(id)), send(res, 204));
      if (id !== undefined && action === "unlock" && m === "POST") return void (await templates.unlock(hash, testId(id)), send(res, 204));
      if (id !== undefined && action === "recreate" && m === "POST") return void (await templates.recreate(hash, testId(id)), send(res, 204));
    }
    if (group === "admin" && hash === "templates" && tests === undefined && m === "DELETE") return void (await templates.reset(), send(res, 204));
    if (group === "dbtk" && hash === "status" && m === "GET") return send(res, 200, extras.status());
    throw new ServeProblem(404, "not_found", `no route ${m} ${p}: see IntegreSQL's API (POST /api/v1/templates, PUT|DELETE /api/v1/templates/:hash, GET /api/v1/templates/:hash/tests, POST /api/v1/templates/:hash/tests/:id/unlock|recreate)`);
  };

  return (req, res) => {
    const ac = new AbortController();
    // The client went away before its answer was written: whatever it waited for goes back to the pool.
    res.on("close", () => {
      if (!res.writableFinished) ac.abort(new Error("client closed the connection"));
    });
    route(req, res, ac.signal).catch((err: unknown) => {
      if (ac.signal.aborted) return;
      if (err instanceof ServeProblem) return send(res, err.status, { message: err.message, error: err.code });
      send(res, 500, { message: `internal error: ${(err as Error).message ?? String(err)}`, error: "internal" });
    });
  };
}
