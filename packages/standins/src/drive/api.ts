import type http from 'node:http';
import { Router, type Reply } from '../http/index.js';
import { FILE_DEFAULT, pick, pickList, REVISION_DEFAULT } from './fields.js';
import { clampPageSize, decodePageToken, encodePageToken, HttpError, parseJsonBody, parseMultipart, randomId } from './google.js';
import type { TokenGrant } from './oauth.js';
import { parseQuery } from './query.js';
import type { DriveStore, StandInFile } from './store.js';

/**
 * The Drive v3 routes of the stand-in (the list is in index.ts), over the
 * store, each request as seen by one token's app and scope.
 */

export interface ApiRequest {
  method: string;
  path: string;
  q: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  viewer: TokenGrant;
}

/** The Drive v3 routes over the store, as seen by one token's app and scope. */
export function driveApi(store: DriveStore, o: { maxUpload: number; maxPageSize: number | undefined; baseUrl: () => string }): { route(r: ApiRequest): Reply } {
  const resumable = new Map<string, { fileId?: string; meta: Record<string, unknown>; fields?: string; viewer: TokenGrant }>();

  const router = new Router<ApiRequest, Reply>()
    .on('GET', '/drive/v3/files', (r) => ({ status: 200, json: listFiles(r.q, r.viewer) }))
    .on('POST', '/drive/v3/files', (r) => ({
      status: 200,
      json: pick(store.fileResource(store.make(parseJsonBody(r.body), r.viewer.clientId, r.viewer)), r.q.get('fields') ?? undefined, FILE_DEFAULT),
    }))
    .on('POST', '/upload/drive/v3/files', (r) => upload(undefined, r))
    .on('PUT', '/upload/drive/v3/files', (r) => resumablePut(r.q, r.body))
    .on(['PATCH', 'PUT'], '/upload/drive/v3/files/{id}', (r, { id }) => upload(id, r))
    .on(['GET', 'PATCH', 'DELETE'], '/drive/v3/files/{id}', (r, { id }) => fileRoute(store.get(id, r.viewer), r))
    .on('GET', '/drive/v3/files/{id}/revisions', (r, { id }) => listRevisions(store.get(id, r.viewer), r.q))
    .on('GET', '/drive/v3/files/{id}/revisions/{rev}', (r, { id, rev }) => getRevision(store.get(id, r.viewer), rev, r.q));

  function route(r: ApiRequest): Reply {
    const handler = router.match(r.method, r.path);
    if (!handler) throw new HttpError(404, 'notFound', `No such method: ${r.method} ${r.path}`);
    return handler(r);
  }

  function getRevision(f: StandInFile, revId: string, q: URLSearchParams): Reply {
    const rev = revId === 'head' ? f.revisions.at(-1) : f.revisions.find((x) => x.id === revId);
    if (!rev) throw new HttpError(404, 'notFound', `Revision not found: ${revId}.`, { location: 'revisionId', locationType: 'parameter' });
    if (q.get('alt') === 'media') return { status: 200, bytes: { data: rev.data, type: f.mimeType } };
    return { status: 200, json: pick(store.revisionResource(rev, f), q.get('fields') ?? undefined, REVISION_DEFAULT) };
  }

  function fileRoute(f: StandInFile, r: ApiRequest): Reply {
    const fields = r.q.get('fields') ?? undefined;
    if (r.method === 'GET') {
      if (r.q.get('alt') !== 'media') return { status: 200, json: pick(store.fileResource(f), fields, FILE_DEFAULT) };
      const head = f.revisions.at(-1);
      if (!head) {
        throw new HttpError(403, 'fileNotDownloadable', 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', { location: 'alt', locationType: 'parameter' });
      }
      return { status: 200, bytes: { data: head.data, type: f.mimeType } };
    }
    if (f.id === store.rootId) throw new HttpError(403, 'insufficientFilePermissions', 'The user does not have sufficient permissions for this file.');
    if (r.method === 'PATCH') {
      applyMeta(f, parseJsonBody(r.body), r.q, r.viewer);
      return { status: 200, json: pick(store.fileResource(f), fields, FILE_DEFAULT) };
    }
    if (r.method === 'DELETE') {
      store.files.delete(f.id);
      return { status: 204 };
    }
    throw new HttpError(404, 'notFound', `No such method: ${r.method} ${r.path}`);
  }

  function listRevisions(f: StandInFile, q: URLSearchParams): Reply {
    const size = clampPageSize(q.get('pageSize'), 200, 1000, o.maxPageSize);
    const start = decodePageToken(q.get('pageToken'));
    const page = f.revisions.slice(start, start + size);
    const next = start + size < f.revisions.length ? encodePageToken(start + size) : undefined;
    const list = { kind: 'drive#revisionList', revisions: page.map((x) => store.revisionResource(x, f)), ...(next ? { nextPageToken: next } : {}) };
    return { status: 200, json: pickList('revisions', list, q.get('fields') ?? undefined, REVISION_DEFAULT) };
  }

  function applyMeta(f: StandInFile, meta: Record<string, unknown>, q: URLSearchParams, viewer: TokenGrant): void {
    if (typeof meta['name'] === 'string') f.name = meta['name'];
    if (typeof meta['trashed'] === 'boolean') f.trashed = meta['trashed'];
    if (meta['appProperties'] && typeof meta['appProperties'] === 'object') {
      for (const [k, v] of Object.entries(meta['appProperties'] as Record<string, unknown>)) {
        // Drive's own rule: a null value removes the property, any other is stored as its string.
        if (v === null) delete f.appProperties[k];
        else f.appProperties[k] = typeof v === 'string' ? v : JSON.stringify(v);
      }
    }
    if (meta['parents'] !== undefined) throw new HttpError(403, 'fieldNotWritable', 'The resource body includes fields which are not directly writable.');
    const add = q.get('addParents');
    const remove = q.get('removeParents');
    if (remove) f.parents = f.parents.filter((p) => !remove.split(',').includes(p));
    if (add) for (const p of add.split(',')) if (!f.parents.includes(p)) f.parents.push(store.get(p, viewer).id);
    f.version++;
  }

  function upload(fileId: string | undefined, r: ApiRequest): Reply {
    const type = r.q.get('uploadType');
    const fields = r.q.get('fields') ?? undefined;
    let meta: Record<string, unknown> = {};
    let data: Buffer;
    if (type === 'media') {
      data = r.body;
    } else if (type === 'multipart') {
      const parts = parseMultipart(r.headers['content-type'] ?? '', r.body);
      const [metaPart, mediaPart, ...more] = parts;
      if (!metaPart || !mediaPart || more.length > 0) throw new HttpError(400, 'badContent', 'Multipart upload needs exactly two parts: metadata and media.');
      meta = parseJsonBody(metaPart.body);
      data = mediaPart.body;
    } else if (type === 'resumable') {
      const id = randomId(24);
      if (fileId) store.get(fileId, r.viewer);
      resumable.set(id, { ...(fileId ? { fileId } : {}), meta: parseJsonBody(r.body), ...(fields ? { fields } : {}), viewer: r.viewer });
      return { status: 200, headers: { location: `${o.baseUrl()}upload/drive/v3/files?uploadType=resumable&upload_id=${id}` } };
    } else {
      throw new HttpError(400, 'invalid', `Invalid value for uploadType: ${type ?? '(none)'}`, { location: 'uploadType', locationType: 'parameter' });
    }
    if (data.length > o.maxUpload) throw new HttpError(413, 'uploadTooLarge', `Media larger than ${o.maxUpload} bytes; use a resumable upload.`);
    return { status: 200, json: pick(store.fileResource(storeUpload(fileId, meta, data, r.q, r.viewer)), fields, FILE_DEFAULT) };
  }

  function storeUpload(fileId: string | undefined, meta: Record<string, unknown>, data: Buffer, q: URLSearchParams, viewer: TokenGrant): StandInFile {
    let f: StandInFile;
    if (fileId) {
      f = store.get(fileId, viewer);
      applyMeta(f, meta, q, viewer);
    } else {
      f = store.make(meta, viewer.clientId, viewer);
    }
    store.addRevision(f, data, 'client');
    return f;
  }

  function resumablePut(q: URLSearchParams, body: Buffer): Reply {
    const id = q.get('upload_id') ?? '';
    const session = resumable.get(id);
    if (!session) throw new HttpError(404, 'notFound', 'Upload session not found.');
    resumable.delete(id);
    const f = storeUpload(session.fileId, session.meta, body, q, session.viewer);
    return { status: 200, json: pick(store.fileResource(f), q.get('fields') ?? session.fields, FILE_DEFAULT) };
  }

  function listFiles(q: URLSearchParams, viewer: TokenGrant): unknown {
    const filter = parseQuery(q.get('q') ?? '', store.rootId);
    const size = clampPageSize(q.get('pageSize'), 100, 1000, o.maxPageSize);
    const start = decodePageToken(q.get('pageToken'));
    const all = [...store.files.values()].filter((f) => store.visible(f, viewer) && filter(f)).sort((a, b) => a.createdTime.localeCompare(b.createdTime));
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? encodePageToken(start + size) : undefined;
    const list = { kind: 'drive#fileList', incompleteSearch: false, files: page.map((f) => store.fileResource(f)), ...(next ? { nextPageToken: next } : {}) };
    return pickList('files', list, q.get('fields') ?? undefined, FILE_DEFAULT);
  }

  return { route };
}
