// The one HTTP call the cloud restore points make: a request built by a pure function, sent with fetch,
// a non-2xx answer turned into an error naming the call and the provider's own message.
import { DbtkError } from "../../../core/errors.js";

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** Where a provider's API is, and how a request is authorized (a signer or a bearer token). */
export interface CloudAccess {
  /** Base URL override (a local fake, a private endpoint); default the provider's public one. */
  endpoint?: string;
  /** Bearer token (Google Cloud, Azure Resource Manager). */
  token?: string;
  /** AWS credentials. */
  aws?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The clock, for signatures (tests pin it). */
  now?: () => Date;
  signal?: AbortSignal;
}

/** The provider's message in an error body: AWS XML `<Message>`, Google/Azure JSON `error.message`. */
export function providerMessage(body: string): string {
  const xml = /<Message>([\s\S]*?)<\/Message>/.exec(body)?.[1];
  if (xml) return xml;
  try {
    const j = JSON.parse(body) as { error?: { message?: string; code?: string | number } };
    if (j.error?.message) return `${j.error.code !== undefined ? `${j.error.code}: ` : ""}${j.error.message}`;
  } catch {
    // Not JSON.
  }
  return body.slice(0, 300);
}

export async function send(what: string, req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}), ...(signal ? { signal } : {}) });
  } catch (err) {
    throw new DbtkError(`${what}: cannot reach ${req.url.replace(/\?.*$/, "")}: ${(err as Error).message}`);
  }
  const body = await res.text();
  if (res.status < 200 || res.status >= 300) throw new DbtkError(`${what} failed (HTTP ${res.status}): ${providerMessage(body)}`);
  return { status: res.status, body };
}

export function bearer(token: string | undefined, what: string): Record<string, string> {
  if (!token) throw new DbtkError(`${what}: no access token: pass options.token`);
  return { authorization: `Bearer ${token}`, "content-type": "application/json" };
}
