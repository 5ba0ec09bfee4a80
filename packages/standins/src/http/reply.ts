import type { ServerResponse } from 'node:http';

/**
 * What a stand-in route answers, and how it goes on the wire. Each service
 * has its own JSON media type and headers (the `ReplyStyle`); the rest is the
 * same everywhere: no body on 204, a Content-Length on every answer.
 */

export interface Reply {
  status: number;
  /** A JSON body; none when undefined, nor ever on a 204. */
  json?: unknown;
  /** Raw bytes (a download), sent with their own media type instead of `json`. */
  bytes?: { data: Buffer; type: string };
  headers?: Record<string, string>;
}

export interface ReplyStyle {
  /** The service's JSON media type, e.g. `application/json;charset=UTF-8` for Jira. */
  jsonType: string;
  /** Headers the service adds to every answer (a request id). */
  headers?: () => Record<string, string>;
}

/** Sends the answer; resolves once it is handed to the socket (unless the answer was already sent). */
export function sendReply(res: ServerResponse, reply: Reply, style: ReplyStyle): Promise<void> {
  if (res.headersSent) return Promise.resolve();
  const text = reply.json === undefined || reply.status === 204 ? undefined : JSON.stringify(reply.json);
  const data = reply.bytes?.data ?? (text === undefined ? undefined : Buffer.from(text, 'utf8'));
  const type = reply.bytes ? reply.bytes.type : text === undefined ? undefined : style.jsonType;
  res.writeHead(reply.status, {
    ...(type ? { 'content-type': type } : {}),
    'content-length': String(data?.length ?? 0),
    ...style.headers?.(),
    ...reply.headers,
  });
  return new Promise((resolve) => res.end(data ?? '', () => resolve()));
}

export type JsonBody = { ok: true; value: unknown } | { ok: false };

/** The request body as JSON: undefined when empty, `ok: false` when it does not parse. */
export function jsonBody(raw: Buffer): JsonBody {
  if (raw.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A Retry-After header when the service says when to come back (seconds or an HTTP date). */
export function retryAfter(value: string | undefined): Record<string, string> {
  return value ? { 'retry-after': value } : {};
}
