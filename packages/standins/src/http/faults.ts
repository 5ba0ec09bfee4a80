import { retryAfter, type Reply } from './reply.js';

/**
 * Failure injection, the same for every stand-in: a test scripts what the
 * next matching requests meet (an error status, a 429 with Retry-After, an
 * answer lost after the write happened, a hook run before the request), and
 * each script is used up after `times` matching requests.
 */

export interface RequestMatch {
  /** Any method when absent; compared without regard to case. */
  method?: string;
  /** A string is compared with the whole path (or looked for in it, see `Scripts`); a RegExp is tested against it. */
  path?: string | RegExp;
  /** Tested against the query string (without `?`). */
  query?: RegExp;
}

export interface RequestKey {
  method: string;
  path: string;
  /** The query string, without `?`. */
  query: string;
}

function matchesRequest(m: RequestMatch, r: RequestKey, pathContains = false): boolean {
  const path = m.path;
  return (
    (!m.method || m.method.toUpperCase() === r.method.toUpperCase()) &&
    (path === undefined || (typeof path === 'string' ? (pathContains ? r.path.includes(path) : r.path === path) : path.test(r.path))) &&
    (!m.query || m.query.test(r.query))
  );
}

interface Entry<T> {
  match: RequestMatch;
  item: T;
  left: number;
}

/** Scripted behaviours, first added first used. */
export class Scripts<T> {
  private readonly entries: Entry<T>[] = [];
  private readonly pathContains: boolean;

  /** `pathContains`: a string path matches any path that contains it (Confluence's tests script by fragment). */
  constructor(pathContains = false) {
    this.pathContains = pathContains;
  }

  add(match: RequestMatch, item: T, times = 1): void {
    if (times > 0) this.entries.push({ match, item, left: times });
  }

  /** The first script matching the request (and `which`), counted as used. */
  take(r: RequestKey, which: (item: T) => boolean = () => true): T | undefined {
    const i = this.entries.findIndex((e) => which(e.item) && matchesRequest(e.match, r, this.pathContains));
    const e = this.entries[i];
    if (!e) return undefined;
    if (--e.left <= 0) this.entries.splice(i, 1);
    return e.item;
  }
}

/** An error the next matching requests answer instead of (or after) being handled. */
export interface InjectedFailure {
  status: number;
  /** Retry-After value (seconds or an HTTP date), as a rate limit (429) or an outage (503) answers. */
  retryAfter?: string;
  /** The body; the service's own error shape for the status when absent. */
  body?: unknown;
}

export function failureReply(f: InjectedFailure, defaultBody: (status: number) => unknown): Reply {
  return { status: f.status, json: f.body ?? defaultBody(f.status), headers: retryAfter(f.retryAfter) };
}
