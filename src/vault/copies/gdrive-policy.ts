import { ConfigError, CredentialError, ErrorCode, RemoteError, SsotError } from '../../core/errors.js';
import { redactor } from '../../core/redact.js';
import { classifyStatus, withRetry, type RetryOptions } from '../../core/retry.js';
import { CopyConflictError } from './copy.js';

/**
 * How a Drive copy calls Drive: one retry policy for every call (429, 5xx,
 * Drive's 403 rate limits and network errors, with backoff and Retry-After),
 * and Google's failures mapped to ssot's errors (401/403: credentials, exit 2
 * with the fix; 404: not found; the rest: a retryable RemoteError).
 */

export type DriveRetry = Partial<Pick<RetryOptions, 'attempts' | 'baseMs' | 'maxMs' | 'sleep' | 'random'>>;

/** The shape of a gaxios error that matters here (duck-typed: gaxios may be duplicated). */
interface HttpFailure {
  status?: number;
  code?: string | number;
  message?: string;
  response?: { status?: number; headers?: unknown; data?: unknown };
  config?: { url?: string | URL };
}
/** What a failed call rejected with, read as a gaxios error: it may be anything, null included. */
type Failure = HttpFailure | null | undefined;

export interface DrivePolicy {
  /** One idempotent call under the retry policy, its failures mapped to ssot's errors. */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** The same, for a call that decides itself what a retry must check first (`attempt` > 1). */
  withPolicy<T>(what: string, fn: (attempt: number) => Promise<T>): Promise<T>;
}

export function drivePolicy(label: string, r: DriveRetry = {}): DrivePolicy {
  const withPolicy = async <T>(what: string, fn: (attempt: number) => Promise<T>): Promise<T> => {
    try {
      return await withRetry(fn, {
        attempts: r.attempts ?? 5,
        ...(r.baseMs !== undefined ? { baseMs: r.baseMs } : {}),
        ...(r.maxMs !== undefined ? { maxMs: r.maxMs } : {}),
        ...(r.sleep ? { sleep: r.sleep } : {}),
        ...(r.random ? { random: r.random } : {}),
        classify,
      });
    } catch (e) {
      throw mapDriveError(label, what, e);
    }
  };
  return { withPolicy, call: (what, fn) => withPolicy(what, () => fn()) };
}

/**
 * Run a create under the retry policy, but never blindly twice: before every
 * retry, look for what the failed attempt may have made (the server may have
 * acted and the answer been lost on the way back).
 */
export async function createOnce<T>(policy: DrivePolicy, lookup: () => Promise<T | null>, make: () => Promise<T>): Promise<{ value: T; adopted: boolean }> {
  return policy.withPolicy('files.create', async (attempt) => {
    if (attempt > 1) {
      const found = await lookup();
      if (found) return { value: found, adopted: true };
    }
    return { value: await make(), adopted: false };
  });
}

function classify(e: unknown): { retry: boolean; afterMs?: number } {
  if (e instanceof SsotError || e instanceof CopyConflictError) return { retry: false };
  const f = e as Failure;
  const status = httpStatus(f);
  if (status === 403 && isRateLimit(f)) return classifyStatus(429, header(f, 'retry-after'));
  if (status === undefined && !isNetworkError(f)) return { retry: false };
  return classifyStatus(status, header(f, 'retry-after'));
}

function mapDriveError(label: string, what: string, e: unknown): unknown {
  if (e instanceof SsotError || e instanceof CopyConflictError) return e;
  const f = e as Failure;
  const status = httpStatus(f);
  const message = redactor.redact(googleMessage(e));
  const url = f?.config?.url;
  const tokenCall = typeof url === 'string' ? /\/token\b/.test(url) : String(url ?? '').includes('/token');
  if (tokenCall || /invalid_grant|invalid_client/.test(message)) {
    return new CredentialError(ErrorCode.RemoteAuth, `${label}: Google refused the OAuth credentials (${message})`, {
      hint: 'run `ssot auth gdrive` to renew the consent (it stores the new refresh token where gdrive.auth.refreshToken points); see docs/drive-setup.md',
      cause: e,
    });
  }
  if (status === 401 || (status === 403 && !isRateLimit(f))) {
    return new CredentialError(ErrorCode.RemoteAuth, `${label}: Drive refused access (${status}, ${what}): ${message}`, {
      hint:
        status === 401
          ? 'the access token is invalid or expired: check gdrive.auth, or run `ssot auth gdrive` (docs/drive-setup.md)'
          : 'the account or scope may not reach this file: with scope drive.file ssot only sees files it created (use scope drive to adopt a file another tool uploaded)',
      cause: e,
    });
  }
  if (status === 404) {
    return new ConfigError(ErrorCode.NotFound, `${label}: not found (${what}): ${message}`, { cause: e });
  }
  const retryable = status === undefined || status === 429 || status >= 500 || (status === 403 && isRateLimit(f));
  return new RemoteError(`${label}: ${what} failed${status ? ` (${status})` : ''}: ${message}`, {
    retryable,
    ...(status !== undefined ? { status } : {}),
    hint: retryable ? 'Drive is busy or unreachable; the next sync retries' : 'see the message from Drive',
    cause: e,
  });
}

function httpStatus(f: Failure): number | undefined {
  const s = f?.response?.status ?? f?.status;
  return typeof s === 'number' ? s : undefined;
}

export function header(f: Failure, name: string): string | null {
  const h = f?.response?.headers;
  if (!h) return null;
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name);
  const v = (h as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : null;
}

function googleReasons(f: Failure): string[] {
  const d = f?.response?.data as { error?: { errors?: Array<{ reason?: string }> } } | undefined;
  return (d?.error?.errors ?? []).map((x) => x.reason ?? '').filter(Boolean);
}

/** Drive answers some rate limits with 403 (userRateLimitExceeded, rateLimitExceeded): those are retried. */
function isRateLimit(f: Failure): boolean {
  return googleReasons(f).some((r) => /rateLimitExceeded|RateLimitExceeded/.test(r));
}

function isNetworkError(f: Failure): boolean {
  const code = String(f?.code ?? '');
  return (
    /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR_SOCKET|ECONNABORTED)$/.test(code) ||
    /socket hang up|fetch failed|network|other side closed|terminated/i.test(f?.message ?? '')
  );
}

function googleMessage(e: unknown): string {
  const f = e as Failure;
  const d = f?.response?.data as { error?: { message?: string } | string; error_description?: string } | undefined;
  if (d && typeof d.error === 'object' && d.error.message) return d.error.message;
  if (d && typeof d.error === 'string') return `${d.error}${d.error_description ? `: ${d.error_description}` : ''}`;
  // Whatever else was thrown, as text (a string rejection is its own message).
  return f?.message ?? String(e);
}
