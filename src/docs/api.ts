import { createClient, type Client } from 'confluence.js/core';
import * as v1 from 'confluence.js/v1';
import * as v2 from 'confluence.js/v2';
import { isApiError, isNetworkError, isNotFoundError, isRateLimitError } from 'confluence.js';
import { RemoteError } from '../core/errors.js';
import { withRetry, type RetryDecision } from '../core/retry.js';

/**
 * The few Confluence calls the publisher makes, over confluence.js v3: pages
 * and content properties with v2, attachments and labels with v1 (v2 cannot
 * write them). Every call goes through one retry policy: 429 always retried
 * (the server did nothing), honouring Retry-After; 5xx and network errors only
 * for reads. Writes that may have happened are checked by the caller, never
 * repeated blindly.
 */

export interface RemotePage {
  id: string;
  title: string;
  version: number;
  message: string;
  parentId?: string;
  status?: string;
}

interface RemoteProperty {
  id: string;
  version: number;
  value: unknown;
}

export interface ApiOptions {
  /** `https://site.atlassian.net` or `…/wiki`: both work. */
  baseUrl: string;
  email: string;
  token: string;
  attempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** How many times an archive task is checked before giving up (default 60). */
  archivePolls?: number;
  /** Told of each retry (for logs). */
  onRetry?: (what: string, status: number | undefined, waitMs: number) => void;
}

export interface ConfluenceApi {
  spaceId(key: string): Promise<string>;
  /** Versions of many pages; ids not returned do not exist (or are trashed). */
  pagesByIds(ids: readonly string[]): Promise<Map<string, RemotePage>>;
  findByTitle(spaceId: string, title: string): Promise<RemotePage | undefined>;
  /** A page with its storage body (one read). */
  pageWithBody(id: string): Promise<RemotePage & { body: string }>;
  /** Archive a page (v1, a long task) and wait until it is archived. */
  archivePage(id: string): Promise<void>;
  createPage(p: { spaceId: string; parentId?: string; title: string; body: string }): Promise<RemotePage>;
  updatePage(p: { id: string; parentId?: string; title: string; body: string; version: number; message: string }): Promise<RemotePage>;
  getProperty(pageId: string, key: string, fresh?: boolean): Promise<RemoteProperty | undefined>;
  createProperty(pageId: string, key: string, value: unknown, fresh?: boolean): Promise<RemoteProperty>;
  updateProperty(pageId: string, propertyId: string, key: string, value: unknown, version: number): Promise<RemoteProperty>;
  uploadAttachment(pageId: string, filename: string, data: Uint8Array, fresh?: boolean): Promise<void>;
  addLabels(pageId: string, labels: readonly string[], fresh?: boolean): Promise<void>;
  removeLabel(pageId: string, label: string): Promise<void>;
}

/** Batch size of `GET /pages?id=…` (the spec's maxItems). */
const PAGE_BATCH = 250;

function siteHost(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/wiki$/, '');
}

export function createApi(o: ApiOptions): ConfluenceApi {
  const client: Client = createClient({ host: siteHost(o.baseUrl), auth: { type: 'basic', email: o.email, apiToken: o.token } });
  const attempts = o.attempts ?? 5;

  /** `kind`: read (5xx retried), write (only 429), fresh (a page just created: 404 retried too). */
  const call = <T>(what: string, kind: 'read' | 'write', fresh: boolean, fn: () => Promise<T>): Promise<T> =>
    withRetry(() => fn(), {
      attempts,
      baseMs: o.baseDelayMs ?? 500,
      ...(o.sleep ? { sleep: o.sleep } : {}),
      classify: (err) => classify(err, kind, fresh),
      onRetry: (err, _attempt, wait) => o.onRetry?.(what, statusOf(err), wait),
    }).catch((err: unknown) => {
      throw toRemoteError(what, err);
    });

  return {
    async spaceId(key) {
      const r = await call(`space ${key}`, 'read', false, () => v2.getSpaces(client, { keys: [key], limit: 1 }));
      const id = r.results?.[0]?.id;
      if (id === undefined) throw new RemoteError(`space ${key} does not exist or this account cannot see it`, { status: 404, hint: 'check confluence.space and the account\'s permissions' });
      return id;
    },

    async pagesByIds(ids) {
      const out = new Map<string, RemotePage>();
      for (let i = 0; i < ids.length; i += PAGE_BATCH) {
        const batch = ids.slice(i, i + PAGE_BATCH);
        let cursor: string | undefined;
        do {
          const c = cursor;
          const r = await call('page versions', 'read', false, () =>
            v2.getPages(client, { id: batch.map(Number), limit: PAGE_BATCH, ...(c ? { cursor: c } : {}) }),
          );
          for (const p of r.results ?? []) {
            const rp = toRemote(p);
            if (rp) out.set(rp.id, rp);
          }
          cursor = nextCursor(r._links?.next);
        } while (cursor);
      }
      return out;
    },

    async findByTitle(spaceId, title) {
      const r = await call(`page "${title}"`, 'read', false, () => v2.getPages(client, { spaceId: [Number(spaceId)], title, status: ['current'], limit: 5 }));
      for (const p of r.results ?? []) {
        const rp = toRemote(p);
        if (rp && rp.title === title) return rp;
      }
      return undefined;
    },

    async pageWithBody(id) {
      const r = await call(`page ${id}`, 'read', false, () => v2.getPageById(client, { id: Number(id), bodyFormat: 'storage' }));
      const body = r.body as { storage?: { value?: string } } | undefined;
      const rp = toRemote(r);
      if (!rp) throw new RemoteError(`page ${id}: the answer has no page id`);
      return { ...rp, body: body?.storage?.value ?? '' };
    },

    async archivePage(id) {
      // One page per request: Confluence's Standard plan refuses to archive several at once.
      const task = await call(`archive page ${id}`, 'write', false, () => v1.archivePages(client, { pages: [{ id: Number(id) }] }));
      for (let i = 0; ; i++) {
        const t = await call(`archive page ${id}`, 'read', false, () => v1.getTask(client, { id: task.id }));
        if (t.finished) {
          if (!t.successful) throw new RemoteError(`archive page ${id}: Confluence did not archive it${t.messages[0]?.translation ? ` (${t.messages[0].translation})` : ''}`);
          return;
        }
        if (i >= (o.archivePolls ?? 60)) throw new RemoteError(`archive page ${id}: still running after ${i} checks`, { retryable: true });
        await (o.sleep ?? sleep)(Math.min(1000, 100 * 2 ** i));
      }
    },

    async createPage(p) {
      const r = await call(`create "${p.title}"`, 'write', false, () =>
        v2.createPage(client, {
          body: {
            spaceId: p.spaceId,
            status: 'current',
            title: p.title,
            ...(p.parentId ? { parentId: p.parentId } : {}),
            body: { representation: 'storage', value: p.body },
          },
        }),
      );
      const rp = toRemote(r);
      if (!rp) throw new RemoteError(`create "${p.title}": the answer has no page id`);
      return rp;
    },

    async updatePage(p) {
      const r = await call(`update page ${p.id}`, 'write', false, () =>
        v2.updatePage(client, {
          id: Number(p.id),
          body: {
            id: p.id,
            status: 'current',
            title: p.title,
            ...(p.parentId ? { parentId: p.parentId } : {}),
            body: { representation: 'storage', value: p.body },
            version: { number: p.version, message: p.message },
          },
        }),
      );
      return toRemote(r) ?? { id: p.id, title: p.title, version: p.version, message: p.message };
    },

    async getProperty(pageId, key, fresh = false) {
      const r = await call(`property of page ${pageId}`, 'read', fresh, () => v2.getPageContentProperties(client, { pageId: Number(pageId), key }));
      const p = r.results?.find((x) => x.key === key);
      if (!p?.id) return undefined;
      return { id: p.id, version: p.version?.number ?? 1, value: p.value };
    },

    async createProperty(pageId, key, value, fresh = false) {
      const r = await call(`property of page ${pageId}`, 'write', fresh, () => v2.createPageProperty(client, { pageId: Number(pageId), key, value }));
      return { id: String(r.id), version: r.version?.number ?? 1, value: r.value };
    },

    async updateProperty(pageId, propertyId, key, value, version) {
      const r = await call(`property of page ${pageId}`, 'write', false, () =>
        v2.updatePagePropertyById(client, { pageId: Number(pageId), propertyId: Number(propertyId), key, value, version: { number: version, message: 'ssot' } }),
      );
      return { id: r.id ?? propertyId, version: r.version?.number ?? version, value: r.value };
    },

    async uploadAttachment(pageId, filename, data, fresh = false) {
      // PUT creates or updates by file name: replaying it gives the same end state.
      await call(`attachment ${filename}`, 'read', fresh, () =>
        v1.createOrUpdateAttachments(client, { id: pageId, attachments: { filename, content: data } }),
      );
    },

    async addLabels(pageId, labels, fresh = false) {
      if (labels.length === 0) return;
      // Adding a label twice is harmless: retried like a read.
      await call(`labels of page ${pageId}`, 'read', fresh, () =>
        v1.addLabelsToContent(client, { id: pageId, body: labels.map((name) => ({ prefix: 'global', name })) }),
      );
    },

    async removeLabel(pageId, label) {
      await call(`label ${label}`, 'read', false, () => v1.removeLabelFromContent(client, { id: pageId, label }));
    },
  };
}

function classify(err: unknown, kind: 'read' | 'write', fresh: boolean): RetryDecision {
  if (isRateLimitError(err)) return err.retryAfterMs !== undefined ? { retry: true, afterMs: err.retryAfterMs } : { retry: true };
  // Confluence is eventually consistent: a page just created may answer 404 for a moment.
  if (fresh && isNotFoundError(err)) return { retry: true };
  if (kind === 'write') return { retry: false };
  if (isNetworkError(err)) return { retry: true };
  const status = statusOf(err);
  return { retry: status !== undefined && status >= 500 };
}

export function statusOf(err: unknown): number | undefined {
  return isApiError(err) ? err.status : undefined;
}

/** Confluence's own message (`errors[].title`, `message`) where there is one. */
export function serverMessage(err: unknown): string | undefined {
  if (!isApiError(err)) return undefined;
  const body = err.body as { errors?: { title?: string }[]; message?: string } | string | undefined;
  if (typeof body === 'string') return body.slice(0, 300);
  return body?.errors?.[0]?.title ?? body?.message;
}

function toRemoteError(what: string, err: unknown): RemoteError {
  if (err instanceof RemoteError) return err;
  const status = statusOf(err);
  const msg = serverMessage(err) ?? (err instanceof Error ? err.message : String(err));
  const retryable = status === undefined || status === 429 || status >= 500;
  const hint =
    status === 401 ? 'check confluence.email and confluence.token (an Atlassian API token, see docs/confluence-setup.md)'
    : status === 403 ? 'the account needs permission to add and edit pages in the space'
    : undefined;
  return new RemoteError(`${what}: ${status ? `HTTP ${status}: ` : ''}${msg}`, { retryable, ...(status !== undefined ? { status } : {}), ...(hint ? { hint } : {}), cause: err });
}

/** An id as Confluence sends it: a string in v2, a number in some v1 answers. */
function idText(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

function toRemote(p: unknown): RemotePage | undefined {
  const x = p as { id?: unknown; title?: unknown; version?: { number?: unknown; message?: unknown } | null; parentId?: unknown; status?: unknown } | undefined;
  const id = idText(x?.id);
  if (x === undefined || id === undefined) return undefined;
  const parentId = idText(x.parentId);
  return {
    id,
    title: typeof x.title === 'string' ? x.title : '',
    version: typeof x.version?.number === 'number' ? x.version.number : 0,
    message: typeof x.version?.message === 'string' ? x.version.message : '',
    ...(parentId !== undefined ? { parentId } : {}),
    ...(typeof x.status === 'string' ? { status: x.status } : {}),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nextCursor(next: string | undefined): string | undefined {
  if (!next) return undefined;
  const q = next.indexOf('?');
  return new URLSearchParams(q >= 0 ? next.slice(q + 1) : '').get('cursor') ?? undefined;
}
