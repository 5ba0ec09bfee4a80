import type http from 'node:http';
import { clampPageSize, decodePageToken, encodePageToken, HttpError, parseJsonBody, parseMultipart } from './drive-http.js';
import { FILE_DEFAULT, pick, pickList, REVISION_DEFAULT } from './drive-fields.js';
import { parseQuery } from './drive-query.js';
import { randomId, type DriveStore, type StandInFile } from './drive-store.js';
import type { TokenGrant } from './google-oauth.js';

/**
 * The Drive v3 routes of the stand-in (the list is in drive.ts), over the
 * store, each request as seen by one token's app and scope.
 */

export type Answer =
  | { kind: 'json'; body: unknown; status?: number; headers?: Record<string, string> }
  | { kind: 'bytes'; data: Buffer; mimeType: string }
  | { kind: 'empty'; status: number; headers?: Record<string, string> };

export interface ApiRequest {
  method: string;
  path: string;
  q: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  viewer: TokenGrant;
}

/** The Drive v3 routes over the store, as seen by one token's app and scope. */
export function driveApi(store: DriveStore, o: { maxUpload: number; maxPageSize: number | undefined; baseUrl: () => string }) {
  const resumable = new Map<string, { fileId?: string; meta: Record<string, unknown>; fields?: string; viewer: TokenGrant }>();

  function route(r: ApiRequest): Answer {
    const { method, path, q, viewer } = r;
    const fields = q.get('fields') ?? undefined;
    let m: RegExpExecArray | null;
    if (path === '/drive/v3/files' && method === 'GET') return { kind: 'json', body: listFiles(q, viewer) };
    if (path === '/drive/v3/files' && method === 'POST') {
      return { kind: 'json', body: pick(store.fileResource(store.make(parseJsonBody(r.body), viewer.clientId, viewer)), fields, FILE_DEFAULT) };
    }
    if (path === '/upload/drive/v3/files' && method === 'POST') return upload(undefined, r);
    if (path === '/upload/drive/v3/files' && method === 'PUT') return resumablePut(q, r.body);
    if ((m = /^\/upload\/drive\/v3\/files\/([^/]+)$/.exec(path)) && (method === 'PATCH' || method === 'PUT')) return upload(decodeURIComponent(m[1]!), r);
    if ((m = /^\/drive\/v3\/files\/([^/]+)$/.exec(path))) return fileRoute(store.get(decodeURIComponent(m[1]!), viewer), r);
    if ((m = /^\/drive\/v3\/files\/([^/]+)\/revisions$/.exec(path)) && method === 'GET') return listRevisions(store.get(decodeURIComponent(m[1]!), viewer), q);
    if ((m = /^\/drive\/v3\/files\/([^/]+)\/revisions\/([^/]+)$/.exec(path)) && method === 'GET') {
      const f = store.get(decodeURIComponent(m[1]!), viewer);
      const revId = decodeURIComponent(m[2]!);
      const rev = revId === 'head' ? f.revisions.at(-1) : f.revisions.find((x) => x.id === revId);
      if (!rev) throw new HttpError(404, 'notFound', `Revision not found: ${revId}.`, { location: 'revisionId', locationType: 'parameter' });
      if (q.get('alt') === 'media') return { kind: 'bytes', data: rev.data, mimeType: f.mimeType };
      return { kind: 'json', body: pick(store.revisionResource(rev, f), fields, REVISION_DEFAULT) };
    }
    throw new HttpError(404, 'notFound', `No such method: ${method} ${path}`);
  }

  function fileRoute(f: StandInFile, r: ApiRequest): Answer {
    const fields = r.q.get('fields') ?? undefined;
    if (r.method === 'GET') {
      if (r.q.get('alt') !== 'media') return { kind: 'json', body: pick(store.fileResource(f), fields, FILE_DEFAULT) };
      const head = f.revisions.at(-1);
      if (!head) {
        throw new HttpError(403, 'fileNotDownloadable', 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', { location: 'alt', locationType: 'parameter' });
      }
      return { kind: 'bytes', data: head.data, mimeType: f.mimeType };
    }
    if (f.id === store.rootId) throw new HttpError(403, 'insufficientFilePermissions', 'The user does not have sufficient permissions for this file.');
    if (r.method === 'PATCH') {
      applyMeta(f, parseJsonBody(r.body), r.q, r.viewer);
      return { kind: 'json', body: pick(store.fileResource(f), fields, FILE_DEFAULT) };
    }
    if (r.method === 'DELETE') {
      store.files.delete(f.id);
      return { kind: 'empty', status: 204 };
    }
    throw new HttpError(404, 'notFound', `No such method: ${r.method} ${r.path}`);
  }

  function listRevisions(f: StandInFile, q: URLSearchParams): Answer {
    const size = clampPageSize(q.get('pageSize'), 200, 1000, o.maxPageSize);
    const start = decodePageToken(q.get('pageToken'));
    const page = f.revisions.slice(start, start + size);
    const next = start + size < f.revisions.length ? encodePageToken(start + size) : undefined;
    const list = { kind: 'drive#revisionList', revisions: page.map((x) => store.revisionResource(x, f)), ...(next ? { nextPageToken: next } : {}) };
    return { kind: 'json', body: pickList('revisions', list, q.get('fields') ?? undefined, REVISION_DEFAULT) };
  }

  function applyMeta(f: StandInFile, meta: Record<string, unknown>, q: URLSearchParams, viewer: TokenGrant): void {
    if (typeof meta['name'] === 'string') f.name = meta['name'];
    if (typeof meta['trashed'] === 'boolean') f.trashed = meta['trashed'];
    if (meta['appProperties'] && typeof meta['appProperties'] === 'object') {
      for (const [k, v] of Object.entries(meta['appProperties'] as Record<string, unknown>)) {
        if (v === null) delete f.appProperties[k];
        else f.appProperties[k] = String(v);
      }
    }
    if (meta['parents'] !== undefined) throw new HttpError(403, 'fieldNotWritable', 'The resource body includes fields which are not directly writable.');
    const add = q.get('addParents');
    const remove = q.get('removeParents');
    if (remove) f.parents = f.parents.filter((p) => !remove.split(',').includes(p));
    if (add) for (const p of add.split(',')) if (!f.parents.includes(p)) f.parents.push(store.get(p, viewer).id);
    f.version++;
  }

  function upload(fileId: string | undefined, r: ApiRequest): Answer {
    const type = r.q.get('uploadType');
    const fields = r.q.get('fields') ?? undefined;
    let meta: Record<string, unknown> = {};
    let data: Buffer;
    if (type === 'media') {
      data = r.body;
    } else if (type === 'multipart') {
      const parts = parseMultipart(String(r.headers['content-type'] ?? ''), r.body);
      if (parts.length !== 2) throw new HttpError(400, 'badContent', 'Multipart upload needs exactly two parts: metadata and media.');
      meta = parseJsonBody(parts[0]!.body);
      data = parts[1]!.body;
    } else if (type === 'resumable') {
      const id = randomId(24);
      if (fileId) store.get(fileId, r.viewer);
      resumable.set(id, { ...(fileId ? { fileId } : {}), meta: parseJsonBody(r.body), ...(fields ? { fields } : {}), viewer: r.viewer });
      return { kind: 'empty', status: 200, headers: { location: `${o.baseUrl()}upload/drive/v3/files?uploadType=resumable&upload_id=${id}` } };
    } else {
      throw new HttpError(400, 'invalid', `Invalid value for uploadType: ${type ?? '(none)'}`, { location: 'uploadType', locationType: 'parameter' });
    }
    if (data.length > o.maxUpload) throw new HttpError(413, 'uploadTooLarge', `Media larger than ${o.maxUpload} bytes; use a resumable upload.`);
    return { kind: 'json', body: pick(store.fileResource(storeUpload(fileId, meta, data, r.q, r.viewer)), fields, FILE_DEFAULT) };
  }

  function storeUpload(fileId: string | undefined, meta: Record<string, unknown>, data: Buffer, q: URLSearchParams, viewer: TokenGrant): StandInFile {
    let f: StandInFile;
    if (fileId) {
      f = store.get(fileId, viewer);
      applyMeta(f, meta, q, viewer);
    } else {
      f = store.make(meta as { name?: string; mimeType?: string; parents?: string[] }, viewer.clientId, viewer);
    }
    store.addRevision(f, data, 'client');
    return f;
  }

  function resumablePut(q: URLSearchParams, body: Buffer): Answer {
    const id = q.get('upload_id') ?? '';
    const session = resumable.get(id);
    if (!session) throw new HttpError(404, 'notFound', 'Upload session not found.');
    resumable.delete(id);
    const f = storeUpload(session.fileId, session.meta, body, q, session.viewer);
    return { kind: 'json', body: pick(store.fileResource(f), q.get('fields') ?? session.fields, FILE_DEFAULT) };
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
