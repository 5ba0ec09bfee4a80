/**
 * Retry with exponential backoff and full jitter, honouring a server's
 * Retry-After. One policy for Drive, Confluence and Jira: 429 and 5xx and
 * network errors are retried; 4xx never (auth and input errors must surface).
 * A non-idempotent write is only retried when the caller's classifier says the
 * server did not act on it.
 */
export interface RetryDecision {
  retry: boolean;
  /** Server-mandated wait (Retry-After), in ms. */
  afterMs?: number;
}

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  classify: (err: unknown, attempt: number) => RetryDecision;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (err: unknown, attempt: number, waitMs: number) => void;
  random?: () => number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseMs ?? 250;
  const max = opts.maxMs ?? 30_000;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const d = opts.classify(err, attempt);
      if (!d.retry || attempt >= attempts) throw err;
      const backoff = Math.min(max, base * 2 ** (attempt - 1));
      const wait = d.afterMs !== undefined ? Math.min(max * 4, d.afterMs) : Math.round(random() * backoff);
      opts.onRetry?.(err, attempt, wait);
      await sleep(wait);
    }
  }
}

/** Parse a Retry-After header: delta-seconds or an HTTP date. */
function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The usual classification for an HTTP status. */
export function classifyStatus(status: number | undefined, retryAfter?: string | null): RetryDecision {
  if (status === undefined) return { retry: true };
  if (status === 429 || status >= 500) {
    const afterMs = parseRetryAfter(retryAfter);
    return afterMs === undefined ? { retry: true } : { retry: true, afterMs };
  }
  return { retry: false };
}
