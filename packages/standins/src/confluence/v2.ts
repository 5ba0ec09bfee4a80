import type { IncomingHttpHeaders } from 'node:http';
import type { Reply, Router } from '../http/index.js';
import { err, V2, type ConfluenceState } from './state.js';
import { badStorage } from './storage.js';
import type { StoredPage, StoredProperty } from './types.js';

/**
 * The v2 endpoints of the Confluence stand-in: spaces, pages (list, create,
 * read, update with a version), content properties and page labels, with the
 * answers a tenant gives (409 on a stale version, 400 on a title already used
 * in the space or a body that is not well-formed storage format).
 */

interface RouteCtx {
  q: URLSearchParams;
  /** The parsed JSON body (undefined for other media types). */
  body: unknown;
  raw: Buffer;
  contentType: string | undefined;
  headers: IncomingHttpHeaders;
}

export type ConfluenceRouter = Router<RouteCtx, Reply | Promise<Reply>>;

type PageBody = { id?: unknown; spaceId?: unknown; status?: unknown; title?: unknown; parentId?: unknown; body?: { representation?: unknown; value?: unknown }; version?: { number?: unknown; message?: unknown } };

const TITLE_TAKEN = 'A page with this title already exists: A page already exists with the same TITLE in this space';

export function addV2Routes(router: ConfluenceRouter, st: ConfluenceState): void {
  router
    .on('GET', `${V2}/spaces`, ({ q }) => listSpaces(st, q))
    .on('GET', `${V2}/pages`, ({ q }) => listPages(st, q))
    .on('POST', `${V2}/pages`, ({ body }) => createPage(st, body as PageBody | undefined))
    .on('GET', `${V2}/pages/{id:\\d+}`, ({ q }, { id }) => {
      // Archived pages can still be read.
      const pg = st.pages.get(id)?.status === 'archived' ? st.pages.get(id) : st.livePage(id);
      return pg ? { status: 200, json: st.pageJson(pg, q.get('body-format')) } : err(404, `Cannot find page ${id}`);
    })
    .on('PUT', `${V2}/pages/{id:\\d+}`, ({ body }, { id }) => updatePage(st, id, body as PageBody | undefined))
    .on('GET', `${V2}/pages/{id:\\d+}/properties`, ({ q }, { id }) => listProperties(st, id, q))
    .on('POST', `${V2}/pages/{id:\\d+}/properties`, ({ body }, { id }) => createProperty(st, id, body))
    .on('GET', `${V2}/pages/{id:\\d+}/properties/{pid:\\d+}`, (_ctx, { id, pid }) => {
      const prop = findProperty(st, id, pid);
      return prop ? { status: 200, json: st.propJson(prop) } : err(404, 'Property not found');
    })
    .on('PUT', `${V2}/pages/{id:\\d+}/properties/{pid:\\d+}`, ({ body }, { id, pid }) => updateProperty(st, id, pid, body))
    .on('GET', `${V2}/pages/{id:\\d+}/labels`, (_ctx, { id }) => {
      const pg = st.livePage(id);
      if (!pg) return err(404, 'Page not found');
      const l = [...(st.labels.get(pg.id)?.entries() ?? [])];
      return { status: 200, json: { results: l.map(([name, lid]) => ({ id: lid, name, prefix: 'global' })), _links: {} } };
    });
}

function listSpaces(st: ConfluenceState, q: URLSearchParams): Reply {
  const keys = q.getAll('keys').flatMap((k) => k.split(','));
  const list = [...st.spaces.values()].filter((s) => keys.length === 0 || keys.includes(s.key));
  return { status: 200, json: { results: list.map((s) => ({ id: s.id, key: s.key, name: s.key, type: 'global', status: 'current', homepageId: s.homepageId, createdAt: st.now() })), _links: {} } };
}

function listPages(st: ConfluenceState, q: URLSearchParams): Reply {
  const limitRaw = q.get('limit');
  const limit = limitRaw === null ? 25 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) return err(400, 'limit must be between 1 and 250', 'INVALID_REQUEST_PARAMETER');
  const ids = q.getAll('id').flatMap((x) => x.split(',')).filter(Boolean);
  if (ids.length > 250) return err(400, 'at most 250 ids', 'INVALID_REQUEST_PARAMETER');
  if (ids.some((x) => !/^\d+$/.test(x))) return err(400, 'id must be numbers', 'INVALID_REQUEST_PARAMETER');
  const spaceIds = q.getAll('space-id').flatMap((x) => x.split(','));
  const statuses = q.getAll('status').flatMap((x) => x.split(','));
  const title = q.get('title');
  let list = [...st.pages.values()].sort((a, b) => Number(a.id) - Number(b.id));
  if (ids.length > 0) list = list.filter((x) => ids.includes(x.id));
  if (spaceIds.length > 0) list = list.filter((x) => spaceIds.includes(x.spaceId));
  list = list.filter((x) => (statuses.length > 0 ? statuses : ['current', 'archived']).includes(x.status));
  if (title !== null) list = list.filter((x) => x.title === title);
  const cursor = q.get('cursor');
  const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
  const slice = list.slice(start, start + limit);
  const more = start + limit < list.length;
  const next = more ? `${V2}/pages?${withCursor(q, Buffer.from(String(start + limit)).toString('base64url'))}` : undefined;
  return {
    status: 200,
    json: { results: slice.map((x) => st.pageJson(x, q.get('body-format'))), _links: next ? { next, base: '' } : { base: '' } },
    ...(next ? { headers: { Link: `<${next}>; rel="next"` } } : {}),
  };
}

/** A 400 for a missing title, as Confluence words it. */
function badTitle(b: PageBody): Reply | undefined {
  if (typeof b.title !== 'string' || b.title.trim() === '') return err(400, 'Title is required');
  return undefined;
}

/** A 400 for a body that is not well-formed storage format. */
function badStorageBody(b: PageBody): Reply | undefined {
  if (b.body?.representation !== 'storage' || typeof b.body.value !== 'string') return err(400, 'body.representation must be storage');
  const bad = badStorage(b.body.value);
  return bad ? err(400, bad) : undefined;
}

function createPage(st: ConfluenceState, b: PageBody | undefined): Reply {
  const space = typeof b?.spaceId === 'string' ? st.spaceById(b.spaceId) : undefined;
  if (!b || !space) return err(404, 'Space not found');
  const refused = badTitle(b) ?? badStorageBody(b);
  if (refused) return refused;
  if (st.titleTaken(space.id, b.title as string)) return err(400, TITLE_TAKEN);
  let parentId = typeof b.parentId === 'string' ? b.parentId : undefined;
  if (parentId !== undefined) {
    const parent = st.pages.get(parentId);
    if (!parent || parent.status !== 'current' || parent.spaceId !== space.id) return err(404, `Parent page ${parentId} not found`);
  } else parentId = space.homepageId;
  const page = st.addPage({ spaceId: space.id, title: b.title as string, ...(parentId ? { parentId } : {}), body: (b.body as { value: string }).value, version: 1, message: '' });
  st.hideForAWhile(page.id);
  return { status: 200, json: st.pageJson(page, 'storage') };
}

function updatePage(st: ConfluenceState, id: string, b: PageBody | undefined): Reply {
  const pg = st.pages.get(id);
  if (pg?.status === 'archived') return err(400, `Page ${id} is archived: restore it before editing`);
  if (!pg || pg.status !== 'current' || st.notYet(id)) return err(404, `Cannot find page ${id}`);
  if (b?.id !== id) return err(400, 'id in the body must match the path');
  const refusedTitle = badTitle(b);
  if (refusedTitle) return refusedTitle;
  if (typeof b.version?.number !== 'number') return err(400, 'version.number is required');
  if (b.version.number !== pg.version + 1) return err(409, `Version must be incremented when updating a page. Current Version: [${pg.version}]. Provided version: [${b.version.number}]`);
  const refusedBody = badStorageBody(b);
  if (refusedBody) return refusedBody;
  if (st.titleTaken(pg.spaceId, b.title as string, id)) return err(400, TITLE_TAKEN);
  if (typeof b.parentId === 'string' && b.parentId !== pg.parentId) {
    const parent = st.pages.get(b.parentId);
    if (!parent || parent.spaceId !== pg.spaceId) return err(400, `Parent page ${b.parentId} not found in the space`);
    pg.parentId = b.parentId;
  }
  pg.title = b.title as string;
  pg.body = (b.body as { value: string }).value;
  pg.version = b.version.number;
  pg.message = typeof b.version.message === 'string' ? b.version.message : '';
  pg.versionAt = st.now();
  return { status: 200, json: st.pageJson(pg, 'storage') };
}

/** The page's properties, when the page is there to have them. */
function pageProperties(st: ConfluenceState, id: string): [StoredPage, Map<string, StoredProperty>] | undefined {
  const pg = st.livePage(id);
  if (!pg) return undefined;
  const map = st.props.get(pg.id) ?? new Map<string, StoredProperty>();
  st.props.set(pg.id, map);
  return [pg, map];
}

function listProperties(st: ConfluenceState, id: string, q: URLSearchParams): Reply {
  const found = pageProperties(st, id);
  if (!found) return err(404, 'Page not found');
  const key = q.get('key');
  const list = [...found[1].values()].filter((x) => !key || x.key === key);
  return { status: 200, json: { results: list.map(st.propJson), _links: {} } };
}

function createProperty(st: ConfluenceState, id: string, body: unknown): Reply {
  const found = pageProperties(st, id);
  if (!found) return err(404, 'Page not found');
  const map = found[1];
  const b = body as { key?: unknown; value?: unknown } | undefined;
  if (typeof b?.key !== 'string' || b.key === '') return err(400, 'key is required');
  if ([...map.values()].some((x) => x.key === b.key)) return err(409, `A content property with key ${b.key} already exists`);
  const prop: StoredProperty = { id: st.newId(), key: b.key, value: b.value, version: 1 };
  map.set(prop.id, prop);
  return { status: 200, json: st.propJson(prop) };
}

function findProperty(st: ConfluenceState, id: string, pid: string): StoredProperty | undefined {
  const pg = st.livePage(id);
  return pg ? st.props.get(pg.id)?.get(pid) : undefined;
}

function updateProperty(st: ConfluenceState, id: string, pid: string, body: unknown): Reply {
  const prop = findProperty(st, id, pid);
  if (!prop) return err(404, 'Property not found');
  const b = body as { key?: unknown; value?: unknown; version?: { number?: unknown } } | undefined;
  if (b?.version?.number !== prop.version + 1) return err(409, `Version must be incremented: current ${prop.version}`);
  prop.value = b.value;
  prop.version++;
  return { status: 200, json: st.propJson(prop) };
}

function withCursor(q: URLSearchParams, cursor: string): string {
  const n = new URLSearchParams(q);
  n.set('cursor', cursor);
  return n.toString();
}
