import { randomBytes } from 'node:crypto';
import { jsonBody, retryAfter, type Reply, type ReplyStyle } from '../http/index.js';

/**
 * What the Drive stand-in answers the Google way: the JSON media type, the
 * error shape, JSON and multipart/related bodies, page sizes and page tokens.
 */

export const GOOGLE_STYLE: ReplyStyle = { jsonType: 'application/json; charset=UTF-8' };

export class HttpError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly extra: Record<string, string>;
  constructor(status: number, reason: string, message: string, extra: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.extra = extra;
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  412: 'FAILED_PRECONDITION',
  413: 'OUT_OF_RANGE',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
};

export const DEFAULT_REASON: Record<number, string> = {
  400: 'badRequest',
  401: 'authError',
  403: 'insufficientPermissions',
  404: 'notFound',
  429: 'rateLimitExceeded',
  500: 'backendError',
  502: 'backendError',
  503: 'backendError',
};

/** Google's error shape: {error:{code,message,errors:[{message,domain,reason,...}],status}}. */
export function googleError(e: HttpError): Reply {
  const headers: Record<string, string> = retryAfter(e.extra['retryAfter']);
  if (e.status === 401) headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
  const { retryAfter: _r, ...extra } = e.extra;
  const domain = e.status === 429 || e.reason.endsWith('RateLimitExceeded') ? 'usageLimits' : 'global';
  return {
    status: e.status,
    json: { error: { code: e.status, message: e.message, errors: [{ message: e.message, domain, reason: e.reason, ...extra }], status: STATUS_TEXT[e.status] ?? 'UNKNOWN' } },
    headers,
  };
}

export function notFound(id: string): HttpError {
  return new HttpError(404, 'notFound', `File not found: ${id}.`, { location: 'fileId', locationType: 'parameter' });
}

/** A JSON object body (none: an empty one); anything else is Google's 400 parseError. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const parsed = jsonBody(body);
  const v = parsed.ok ? parsed.value : undefined;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  throw new HttpError(400, 'parseError', 'Parse Error');
}

/** multipart/related, binary-safe: split on the boundary in the raw bytes. */
export function parseMultipart(contentType: string, body: Buffer): Array<{ headers: string; body: Buffer }> {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!/^multipart\/related/i.test(contentType) || !m) throw new HttpError(400, 'badContent', 'Expected multipart/related with a boundary.');
  const delim = Buffer.from(`--${m[1] ?? ''}`);
  const parts: Array<{ headers: string; body: Buffer }> = [];
  let pos = body.indexOf(delim);
  if (pos < 0) throw new HttpError(400, 'badContent', 'Malformed multipart body.');
  for (;;) {
    pos += delim.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break; // closing delimiter
    if (body.subarray(pos, pos + 2).toString() === '\r\n') pos += 2;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), pos);
    if (next < 0) throw new HttpError(400, 'badContent', 'Malformed multipart body.');
    const part = body.subarray(pos, next);
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) throw new HttpError(400, 'badContent', 'Malformed multipart part.');
    parts.push({ headers: part.subarray(0, sep).toString('utf8'), body: Buffer.from(part.subarray(sep + 4)) });
    pos = next + 2;
  }
  return parts;
}

export function clampPageSize(v: string | null, def: number, max: number, cap?: number): number {
  const n = v === null ? def : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new HttpError(400, 'invalid', `Invalid value for pageSize: ${String(v)}`, { location: 'pageSize', locationType: 'parameter' });
  return Math.min(n, max, cap ?? Infinity);
}

export function encodePageToken(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodePageToken(t: string | null): number {
  if (!t) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(t, 'base64url').toString('utf8'));
  if (!m) throw new HttpError(400, 'invalid', 'Invalid Value', { location: 'pageToken', locationType: 'parameter' });
  return Number(m[1]);
}

/** A random id of `n` URL-safe characters (file, revision and token ids). */
export function randomId(n: number): string {
  return randomBytes(n).toString('base64url').slice(0, n);
}
