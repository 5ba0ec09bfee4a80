import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLValidator } from 'fast-xml-parser';
import { createV1Routes } from './confluence-v1.js';

/**
 * A local stand-in for Confluence Cloud: the v2 pages, spaces and content
 * properties endpoints as the published OpenAPI describes them, plus the v1
 * attachment and label endpoints v2 lacks. It models what the spec leaves
 * out and real tenants do: versions (409 on a stale one), 400 on a body that
 * is not well-formed XML and on a title already used in the space, 404 just
 * after a create (eventual consistency), 429 with Retry-After, and answers
 * lost after the write happened, and archiving (a v1 long task, one page
 * per request as on the Standard plan). Used by the tests, the demo and
 * `ssot dev-services`; loopback only.
 */

export interface StandInOptions {
  port?: number;
  /** Space keys that exist (ids are assigned). Default ["PC"]. */
  spaces?: string[];
  /** Accepted credentials; any Basic credentials when absent. */
  email?: string;
  token?: string;
  /** After a create, this many requests touching that page answer 404 (eventual consistency). */
  notFoundAfterCreate?: number;
  /** Several pages in one archive request are refused, as on Confluence's Standard plan (default true). */
  singlePageArchive?: boolean;
  /** Each archive task answers "running" this many times before it is finished (default 1). */
  archiveSteps?: number;
  /** Called for every request, before it is handled (tests validate requests against the spec here). */
  onRequest?: (req: RecordedRequest) => void;
  /** Called with every answer (tests validate the stand-in's own answers against the spec). */
  onResponse?: (req: RecordedRequest, status: number, json: unknown) => void;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. /wiki/api/v2/pages/12. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined (multipart bodies are not kept). */
  body?: unknown;
  contentType?: string;
  status?: number;
}

export interface Fault {
  method?: string;
  /** Matched against the path (a string: the path contains it). */
  path?: string | RegExp;
  status: number;
  retryAfter?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Perform the request, then answer with `status` (an answer lost on the way). */
  afterApply?: boolean;
  body?: unknown;
}

export interface StoredPage {
  id: string;
  spaceId: string;
  title: string;
  parentId?: string;
  status: 'current' | 'trashed' | 'archived';
  body: string;
  version: number;
  message: string;
  createdAt: string;
  versionAt: string;
  authorId: string;
}

interface StoredProperty {
  id: string;
  key: string;
  value: unknown;
  version: number;
}

export interface StoredAttachment {
  id: string;
  filename: string;
  mediaType: string;
  data: Buffer;
  version: number;
}

export interface ConfluenceStandIn {
  url: string;
  close(): Promise<void>;
  /** Every request since start (or the last reset). */
  requests: RecordedRequest[];
  resetRequests(): void;
  failNext(f: Fault): void;
  pages(): StoredPage[];
  page(id: string): StoredPage | undefined;
  pageByTitle(title: string): StoredPage | undefined;
  properties(pageId: string): StoredProperty[];
  attachments(pageId: string): { filename: string; version: number; size: number }[];
  labels(pageId: string): string[];
  /** A person edits the page in Confluence: a new version, without ssot's marker. */
  editPage(id: string, body: string, message?: string): StoredPage;
  /** Add a page directly (as if made by someone else). */
  seedPage(p: { title: string; space?: string; parentId?: string; body?: string }): StoredPage;
  trashPage(id: string): void;
  spaceId(key: string): string;
}

const V2 = '/wiki/api/v2';
const V1 = '/wiki/rest/api';

export type Out = { status: number; json?: unknown; headers?: Record<string, string> };
const NS = 'xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier" xmlns:at="http://atlassian.com/template"';

export async function startConfluenceStandIn(opts: StandInOptions = {}): Promise<ConfluenceStandIn> {
  let nextId = 65536;
  const newId = (): string => String(++nextId);
  const spaces = new Map<string, { id: string; key: string; homepageId: string }>();
  const pages = new Map<string, StoredPage>();
  const props = new Map<string, Map<string, StoredProperty>>();
  const atts = new Map<string, Map<string, StoredAttachment>>();
  const labels = new Map<string, Map<string, string>>();
  const pendingNotFound = new Map<string, number>();
  const faults: (Fault & { left: number })[] = [];
  const requests: RecordedRequest[] = [];
  const accountId = '557058:ssot-bot';

  const now = (): string => new Date().toISOString();
  const addPage = (p: Omit<StoredPage, 'id' | 'createdAt' | 'versionAt' | 'authorId' | 'status'> & { status?: 'current' }): StoredPage => {
    const t = now();
    const page: StoredPage = { id: newId(), createdAt: t, versionAt: t, authorId: accountId, status: 'current', ...p };
    pages.set(page.id, page);
    return page;
  };
  for (const key of opts.spaces ?? ['PC']) {
    const id = newId();
    const home = addPage({ spaceId: id, title: `${key} Home`, body: '<p>Home</p>', version: 1, message: '' });
    spaces.set(key, { id, key, homepageId: home.id });
  }

  const titleTaken = (spaceId: string, title: string, except?: string): StoredPage | undefined => {
    for (const p of pages.values()) if (p.spaceId === spaceId && p.title === title && p.id !== except) return p;
    return undefined;
  };

  const pageJson = (p: StoredPage, bodyFormat?: string | null): Record<string, unknown> => ({
    id: p.id,
    status: p.status,
    title: p.title,
    spaceId: p.spaceId,
    ...(p.parentId ? { parentId: p.parentId, parentType: 'page' } : {}),
    position: 0,
    authorId: p.authorId,
    ownerId: p.authorId,
    createdAt: p.createdAt,
    version: { createdAt: p.versionAt, message: p.message, number: p.version, minorEdit: false, authorId: p.authorId },
    body: bodyFormat === 'storage' ? { storage: { representation: 'storage', value: p.body } } : {},
    _links: { webui: `/spaces/${spaceKey(p.spaceId)}/pages/${p.id}`, editui: `/pages/resumedraft.action?draftId=${p.id}`, tinyui: `/x/${p.id}` },
  });
  const spaceKey = (id: string): string => [...spaces.values()].find((s) => s.id === id)?.key ?? '';

  const badStorage = (value: string): string | undefined => {
    const v = XMLValidator.validate(`<root ${NS}>${value}</root>`, { allowBooleanAttributes: false });
    if (v !== true) return `Error parsing xhtml: ${v.err.msg} (line ${v.err.line}, column ${v.err.col})`;
    // Named HTML entities are not declared in storage format.
    const ent = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)[A-Za-z][A-Za-z0-9]*;/.exec(value.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''));
    if (ent) return `Error parsing xhtml: undeclared entity ${ent[0]}`;
    return undefined;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((e: unknown) => {
        send(res, 500, { errors: [{ status: 500, code: 'INTERNAL', title: (e as Error).message }] });
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const contentType = req.headers['content-type'];
    let body: unknown;
    if (raw.length > 0 && contentType?.includes('application/json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(res, 400, { errors: [{ status: 400, code: 'INVALID_REQUEST_PARAMETER', title: 'Request body is not valid JSON' }] });
      }
    }
    const rec: RecordedRequest = { method, path: u.pathname, query: u.searchParams, headers: req.headers, ...(body !== undefined ? { body } : {}), ...(contentType ? { contentType } : {}) };
    requests.push(rec);
    opts.onRequest?.(rec);
    const reply = (status: number, json?: unknown, headers: Record<string, string> = {}): void => {
      rec.status = status;
      opts.onResponse?.(rec, status, json);
      send(res, status, json, headers);
    };

    if (!authorised(req.headers.authorization)) return reply(401, { code: 401, message: 'Unauthorized; scope does not match' });

    const fault = faults.find((f) => f.left > 0 && (!f.method || f.method === method) && (!f.path || (typeof f.path === 'string' ? u.pathname.includes(f.path) : f.path.test(u.pathname))));
    if (fault && !fault.afterApply) {
      fault.left--;
      return reply(fault.status, fault.body ?? { errors: [{ status: fault.status, title: 'injected' }] }, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
    }
    const out = route(method, u, body, raw, contentType, req.headers);
    const r = out instanceof Promise ? await out : out;
    if (fault?.afterApply) {
      fault.left--;
      return reply(fault.status, fault.body ?? { errors: [{ status: fault.status, title: 'injected after apply' }] });
    }
    reply(r.status, r.json, r.headers);
  }

  function authorised(h: string | undefined): boolean {
    if (!h?.startsWith('Basic ')) return false;
    if (opts.email === undefined) return true;
    return Buffer.from(h.slice(6), 'base64').toString('utf8') === `${opts.email}:${opts.token ?? ''}`;
  }

  const err = (status: number, title: string, code = status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : 'BAD_REQUEST'): Out => ({ status, json: { errors: [{ status, code, title, detail: null }] } });

  /** 404 for a page created moments ago, while the count lasts. */
  const notYet = (id: string): boolean => {
    const n = pendingNotFound.get(id);
    if (!n) return false;
    pendingNotFound.set(id, n - 1);
    return true;
  };
  const livePage = (id: string): StoredPage | undefined => {
    const p = pages.get(id);
    return p && p.status === 'current' && !notYet(id) ? p : undefined;
  };

  function route(method: string, u: URL, body: unknown, raw: Buffer, contentType: string | undefined, headers: IncomingMessage['headers']): Out | Promise<Out> {
    const p = u.pathname;
    const q = u.searchParams;
    let m: RegExpExecArray | null;
    if (p === `${V2}/spaces` && method === 'GET') {
      const keys = q.getAll('keys').flatMap((k) => k.split(','));
      const list = [...spaces.values()].filter((s) => keys.length === 0 || keys.includes(s.key));
      return { status: 200, json: { results: list.map((s) => ({ id: s.id, key: s.key, name: s.key, type: 'global', status: 'current', homepageId: s.homepageId, createdAt: now() })), _links: {} } };
    }
    if (p === `${V2}/pages` && method === 'GET') return listPages(q);
    if (p === `${V2}/pages` && method === 'POST') return createPage(body);
    if ((m = new RegExp(`^${V2}/pages/(\\d+)$`).exec(p))) {
      const id = m[1]!;
      if (method === 'GET') {
        // Archived pages can still be read.
        const pg = pages.get(id)?.status === 'archived' ? pages.get(id) : livePage(id);
        return pg ? { status: 200, json: pageJson(pg, q.get('body-format')) } : err(404, `Cannot find page ${id}`);
      }
      if (method === 'PUT') return updatePage(id, body);
    }
    if ((m = new RegExp(`^${V2}/pages/(\\d+)/properties$`).exec(p))) {
      const pg = livePage(m[1]!);
      if (!pg) return err(404, 'Page not found');
      const map = props.get(pg.id) ?? new Map<string, StoredProperty>();
      props.set(pg.id, map);
      if (method === 'GET') {
        const key = q.get('key');
        const list = [...map.values()].filter((x) => !key || x.key === key);
        return { status: 200, json: { results: list.map(propJson), _links: {} } };
      }
      if (method === 'POST') {
        const b = body as { key?: unknown; value?: unknown } | undefined;
        if (typeof b?.key !== 'string' || b.key === '') return err(400, 'key is required');
        if ([...map.values()].some((x) => x.key === b.key)) return err(409, `A content property with key ${b.key} already exists`);
        const prop: StoredProperty = { id: newId(), key: b.key, value: b.value, version: 1 };
        map.set(prop.id, prop);
        return { status: 200, json: propJson(prop) };
      }
    }
    if ((m = new RegExp(`^${V2}/pages/(\\d+)/properties/(\\d+)$`).exec(p))) {
      const pg = livePage(m[1]!);
      const prop = pg ? props.get(pg.id)?.get(m[2]!) : undefined;
      if (!pg || !prop) return err(404, 'Property not found');
      if (method === 'GET') return { status: 200, json: propJson(prop) };
      if (method === 'PUT') {
        const b = body as { key?: unknown; value?: unknown; version?: { number?: unknown } } | undefined;
        if (b?.version?.number !== prop.version + 1) return err(409, `Version must be incremented: current ${prop.version}`);
        prop.value = b.value;
        prop.version++;
        return { status: 200, json: propJson(prop) };
      }
    }
    if ((m = new RegExp(`^${V2}/pages/(\\d+)/labels$`).exec(p)) && method === 'GET') {
      const pg = livePage(m[1]!);
      if (!pg) return err(404, 'Page not found');
      const l = [...(labels.get(pg.id)?.entries() ?? [])];
      return { status: 200, json: { results: l.map(([name, id]) => ({ id, name, prefix: 'global' })), _links: {} } };
    }
    if (p.startsWith(V1)) {
      const v1 = v1Routes(method, p, body, raw, contentType, headers);
      if (v1) return v1;
    }
    return err(404, `No route for ${method} ${p}`);
  }

  function listPages(q: URLSearchParams): Out {
    const limitRaw = q.get('limit');
    const limit = limitRaw === null ? 25 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 250) return err(400, 'limit must be between 1 and 250', 'INVALID_REQUEST_PARAMETER');
    const ids = q.getAll('id').flatMap((x) => x.split(',')).filter(Boolean);
    if (ids.length > 250) return err(400, 'at most 250 ids', 'INVALID_REQUEST_PARAMETER');
    if (ids.some((x) => !/^\d+$/.test(x))) return err(400, 'id must be numbers', 'INVALID_REQUEST_PARAMETER');
    const spaceIds = q.getAll('space-id').flatMap((x) => x.split(','));
    const statuses = q.getAll('status').flatMap((x) => x.split(','));
    const title = q.get('title');
    let list = [...pages.values()].sort((a, b) => Number(a.id) - Number(b.id));
    if (ids.length > 0) list = list.filter((x) => ids.includes(x.id));
    if (spaceIds.length > 0) list = list.filter((x) => spaceIds.includes(x.spaceId));
    list = list.filter((x) => (statuses.length > 0 ? statuses : ['current', 'archived']).includes(x.status));
    if (title !== null) list = list.filter((x) => x.title === title);
    const start = q.get('cursor') ? Number(Buffer.from(q.get('cursor')!, 'base64url').toString()) : 0;
    const slice = list.slice(start, start + limit);
    const more = start + limit < list.length;
    const next = more ? `${V2}/pages?${withCursor(q, Buffer.from(String(start + limit)).toString('base64url'))}` : undefined;
    return {
      status: 200,
      json: { results: slice.map((x) => pageJson(x, q.get('body-format'))), _links: next ? { next, base: '' } : { base: '' } },
      ...(next ? { headers: { Link: `<${next}>; rel="next"` } } : {}),
    };
  }

  function createPage(body: unknown): Out {
    const b = body as { spaceId?: unknown; status?: unknown; title?: unknown; parentId?: unknown; body?: { representation?: unknown; value?: unknown } } | undefined;
    if (typeof b?.spaceId !== 'string' || ![...spaces.values()].some((s) => s.id === b.spaceId)) return err(404, 'Space not found');
    if (typeof b.title !== 'string' || b.title.trim() === '') return err(400, 'Title is required');
    if (b.body?.representation !== 'storage' || typeof b.body.value !== 'string') return err(400, 'body.representation must be storage');
    const bad = badStorage(b.body.value);
    if (bad) return err(400, bad);
    if (titleTaken(b.spaceId, b.title)) return err(400, `A page with this title already exists: A page already exists with the same TITLE in this space`);
    let parentId = typeof b.parentId === 'string' ? b.parentId : undefined;
    if (parentId !== undefined) {
      const parent = pages.get(parentId);
      if (!parent || parent.status !== 'current' || parent.spaceId !== b.spaceId) return err(404, `Parent page ${parentId} not found`);
    } else parentId = [...spaces.values()].find((s) => s.id === b.spaceId)!.homepageId;
    const page = addPage({ spaceId: b.spaceId, title: b.title, ...(parentId ? { parentId } : {}), body: b.body.value, version: 1, message: '' });
    if (opts.notFoundAfterCreate) pendingNotFound.set(page.id, opts.notFoundAfterCreate);
    return { status: 200, json: pageJson(page, 'storage') };
  }

  function updatePage(id: string, body: unknown): Out {
    const pg = pages.get(id);
    if (pg?.status === 'archived') return err(400, `Page ${id} is archived: restore it before editing`);
    if (!pg || pg.status !== 'current' || notYet(id)) return err(404, `Cannot find page ${id}`);
    const b = body as { id?: unknown; status?: unknown; title?: unknown; parentId?: unknown; body?: { representation?: unknown; value?: unknown }; version?: { number?: unknown; message?: unknown } } | undefined;
    if (b?.id !== id) return err(400, 'id in the body must match the path');
    if (typeof b.title !== 'string' || b.title.trim() === '') return err(400, 'Title is required');
    if (typeof b.version?.number !== 'number') return err(400, 'version.number is required');
    if (b.version.number !== pg.version + 1) return err(409, `Version must be incremented when updating a page. Current Version: [${pg.version}]. Provided version: [${b.version.number}]`);
    if (b.body?.representation !== 'storage' || typeof b.body.value !== 'string') return err(400, 'body.representation must be storage');
    const bad = badStorage(b.body.value);
    if (bad) return err(400, bad);
    if (titleTaken(pg.spaceId, b.title, id)) return err(400, 'A page with this title already exists: A page already exists with the same TITLE in this space');
    if (typeof b.parentId === 'string' && b.parentId !== pg.parentId) {
      const parent = pages.get(b.parentId);
      if (!parent || parent.spaceId !== pg.spaceId) return err(400, `Parent page ${b.parentId} not found in the space`);
      pg.parentId = b.parentId;
    }
    pg.title = b.title;
    pg.body = b.body.value;
    pg.version = b.version.number;
    pg.message = typeof b.version.message === 'string' ? b.version.message : '';
    pg.versionAt = now();
    return { status: 200, json: pageJson(pg, 'storage') };
  }

  const propJson = (x: StoredProperty): Record<string, unknown> => ({ id: x.id, key: x.key, value: x.value, version: { number: x.version, message: '', createdAt: now(), minorEdit: false, authorId: accountId } });
  const v1Routes = createV1Routes({ pages, atts, labels, livePage, newId, now, err, opts });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/wiki`,
    requests,
    resetRequests: () => void requests.splice(0),
    failNext: (f) => void faults.push({ ...f, left: f.times ?? 1 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    pages: () => [...pages.values()],
    page: (id) => pages.get(id),
    pageByTitle: (title) => [...pages.values()].find((x) => x.title === title),
    properties: (id) => [...(props.get(id)?.values() ?? [])],
    attachments: (id) => [...(atts.get(id)?.values() ?? [])].map((a) => ({ filename: a.filename, version: a.version, size: a.data.length })),
    labels: (id) => [...(labels.get(id)?.keys() ?? [])].sort(),
    editPage: (id, body, message = '') => {
      const pg = pages.get(id);
      if (!pg) throw new Error(`no page ${id}`);
      pg.body = body;
      pg.version++;
      pg.message = message;
      pg.authorId = '557058:a-person';
      pg.versionAt = now();
      return pg;
    },
    seedPage: ({ title, space = 'PC', parentId, body = '<p>seeded</p>' }) => {
      const s = spaces.get(space);
      if (!s) throw new Error(`no space ${space}`);
      return addPage({ spaceId: s.id, title, parentId: parentId ?? s.homepageId, body, version: 1, message: '' });
    },
    trashPage: (id) => {
      const pg = pages.get(id);
      if (pg) pg.status = 'trashed';
    },
    spaceId: (key) => spaces.get(key)?.id ?? '',
  };
}

function send(res: ServerResponse, status: number, json?: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const body = json === undefined || status === 204 ? '' : JSON.stringify(json);
  res.writeHead(status, { ...(body ? { 'Content-Type': 'application/json' } : {}), 'X-Request-Id': randomUUID(), ...headers });
  res.end(body);
}

function withCursor(q: URLSearchParams, cursor: string): string {
  const n = new URLSearchParams(q);
  n.set('cursor', cursor);
  return n.toString();
}
