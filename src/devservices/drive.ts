import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Google Drive v3 API (and Google's OAuth token
 * endpoint), for tests, the demo and `ssot dev-services`. It follows the v3
 * reference for what ssot's client uses:
 *
 *   GET    /drive/v3/files                     files.list   (q subset, fields, pageSize, pageToken)
 *   GET    /drive/v3/files/{id}                files.get    (fields; alt=media)
 *   POST   /drive/v3/files                     files.create (metadata only, e.g. a folder)
 *   POST   /upload/drive/v3/files              files.create (uploadType=multipart|media|resumable)
 *   PATCH  /drive/v3/files/{id}                files.update (metadata; addParents/removeParents)
 *   PATCH  /upload/drive/v3/files/{id}         files.update (uploadType=media|multipart|resumable)
 *   PUT    /upload/drive/v3/files?upload_id=…  second leg of a resumable upload
 *   DELETE /drive/v3/files/{id}                files.delete
 *   GET    /drive/v3/files/{id}/revisions      revisions.list (pageSize, pageToken, fields)
 *   GET    /drive/v3/files/{id}/revisions/{r}  revisions.get (fields; alt=media)
 *   POST   /token                              OAuth 2 token endpoint (refresh_token grant)
 *
 * Every Drive call needs `Authorization: Bearer <token>` (401 otherwise).
 * Errors have Google's JSON shape: {error:{code,message,errors:[{message,domain,reason,...}],status}}.
 * Tests script failures (`failNext`), lose answers (`dropNextResponse`), run a
 * hook before a request (`beforeNext`, e.g. another machine uploading in the
 * window between our check and our upload) and inspect the state.
 */

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

export interface StandInRevision {
  id: string;
  data: Buffer;
  md5Checksum: string;
  modifiedTime: string;
  /** Who uploaded it: "client" (through the API) or a label given to uploadRevision. */
  by: string;
}

export interface StandInFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  createdTime: string;
  modifiedTime: string;
  version: number;
  appProperties: Record<string, string>;
  revisions: StandInRevision[];
}

export interface RequestMatch {
  method?: string;
  /** Matched against the path (no query string): a string exactly, or a RegExp. */
  path?: string | RegExp;
  /** Matched against the query string. */
  query?: RegExp;
}

export interface ScriptedFailure {
  status: number;
  reason?: string;
  message?: string;
  /** Retry-After header value (seconds or an HTTP date). */
  retryAfter?: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
}

export interface DriveStandInOptions {
  host?: string;
  port?: number;
  /** Bearer tokens accepted (default: ["test-access-token"]). */
  accessTokens?: string[];
  /** OAuth clients for the token endpoint: refresh tokens it accepts, per client. */
  oauthClients?: Array<{ clientId: string; clientSecret: string; refreshTokens: string[] }>;
  /** Clock for modifiedTime (tests make revisions strictly ordered). */
  now?: () => Date;
  /**
   * Cap on page sizes: Drive may return fewer items than pageSize asked for
   * (clients must follow nextPageToken); tests set this low to prove they do.
   */
  maxPageSize?: number;
  /** Max bytes of a simple or multipart upload (default 5 MiB, as Drive documents). */
  maxSimpleUploadBytes?: number;
}

export interface DriveStandIn {
  /** The API root, to give as `rootUrl` (ends with "/"). */
  url: string;
  /** The OAuth token endpoint. */
  tokenUrl: string;
  close(): Promise<void>;
  // ---- state inspection ----
  files(): StandInFile[];
  file(id: string): StandInFile | undefined;
  /** Files (not trashed) with this name, optionally under one parent. */
  findByName(name: string, parentId?: string): StandInFile[];
  /** The bytes of the head revision. */
  content(id: string): Buffer | undefined;
  /** Every request answered, in order. */
  requests: RequestLogEntry[];
  /** Access tokens issued by the token endpoint. */
  issuedTokens(): string[];
  readonly rootId: string;
  // ---- scripting ----
  /** Answer the next `times` matching requests with this error instead. */
  failNext(match: RequestMatch, failure: ScriptedFailure, times?: number): void;
  /** Process the next matching request, then drop the connection without an answer. */
  dropNextResponse(match: RequestMatch, times?: number): void;
  /** Run `fn` before the next matching request is handled. */
  beforeNext(match: RequestMatch, fn: () => void | Promise<void>, times?: number): void;
  /** Answer the next matching upload with a corrupted md5Checksum (as if bytes were damaged in transit). */
  corruptNextUpload(times?: number): void;
  /** An outage: while down, every API request answers 503. */
  setDown(down: boolean): void;
  /** Another machine uploads a new revision of a file. Returns the new revision. */
  uploadRevision(fileId: string, data: Uint8Array, by?: string): StandInRevision;
  /** Another machine (or the user in the web UI) creates a file. */
  createFile(opts: { name: string; parents?: string[]; mimeType?: string; data?: Uint8Array }): StandInFile;
  addAccessToken(token: string): void;
  revokeAccessToken(token: string): void;
}

interface Script {
  match: RequestMatch;
  times: number;
  kind: 'fail' | 'drop' | 'before';
  failure?: ScriptedFailure;
  fn?: () => void | Promise<void>;
}

class HttpError extends Error {
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

const DEFAULT_REASON: Record<number, string> = {
  400: 'badRequest',
  401: 'authError',
  403: 'insufficientPermissions',
  404: 'notFound',
  429: 'rateLimitExceeded',
  500: 'backendError',
  502: 'backendError',
  503: 'backendError',
};

export async function startDriveStandIn(opts: DriveStandInOptions = {}): Promise<DriveStandIn> {
  const files = new Map<string, StandInFile>();
  const tokens = new Set(opts.accessTokens ?? ['test-access-token']);
  const issued: string[] = [];
  const scripts: Script[] = [];
  /** An outage: every API request answers 503 until it is over. */
  let down = false;
  const requests: RequestLogEntry[] = [];
  const resumable = new Map<string, { fileId?: string; meta: Record<string, unknown>; fields?: string }>();
  let corrupt = 0;
  let lastTime = 0;
  // Drive documents simple and multipart uploads for files of 5 MB or less; the stand-in
  // enforces that, so a client that sends more must use a resumable upload.
  const maxUpload = opts.maxSimpleUploadBytes ?? 5 * 1024 * 1024;
  const rootId = `0A${randomId(20)}`; // My Drive's root folder id ("root" is its alias)

  const now = (): string => {
    // Strictly increasing times, so revisions and files order the way they were made.
    let t = (opts.now ? opts.now() : new Date()).getTime();
    if (t <= lastTime) t = lastTime + 1;
    lastTime = t;
    return new Date(t).toISOString();
  };

  const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

  const makeFile = (meta: { name?: string; mimeType?: string; parents?: string[]; appProperties?: Record<string, string> }): StandInFile => {
    const t = now();
    const parents = (meta.parents && meta.parents.length > 0 ? meta.parents : [rootId]).map((p) => (p === 'root' ? rootId : p));
    for (const p of parents) {
      if (p !== rootId && files.get(p)?.mimeType !== FOLDER_MIME) {
        throw new HttpError(404, 'notFound', `File not found: ${p}.`, { location: 'fileId', locationType: 'parameter' });
      }
    }
    const f: StandInFile = {
      id: `1${randomId(32)}`,
      name: meta.name ?? 'Untitled',
      mimeType: meta.mimeType ?? 'application/octet-stream',
      parents,
      trashed: false,
      createdTime: t,
      modifiedTime: t,
      version: 1,
      appProperties: { ...(meta.appProperties ?? {}) },
      revisions: [],
    };
    files.set(f.id, f);
    return f;
  };

  const addRevision = (f: StandInFile, data: Buffer, by: string): StandInRevision => {
    if (f.mimeType === FOLDER_MIME) throw new HttpError(400, 'badRequest', 'A folder has no content.');
    const t = now();
    const rev: StandInRevision = { id: `0B${randomId(40)}`, data, md5Checksum: md5(data), modifiedTime: t, by };
    if (corrupt > 0 && by === 'client') {
      corrupt--;
      rev.md5Checksum = md5(Buffer.concat([data, Buffer.from('x')]));
    }
    f.revisions.push(rev);
    f.modifiedTime = t;
    f.version++;
    return rev;
  };

  const fileResource = (f: StandInFile): Record<string, unknown> => {
    const head = f.revisions.at(-1);
    return {
      kind: 'drive#file',
      id: f.id,
      name: f.name,
      mimeType: f.mimeType,
      parents: f.parents,
      trashed: f.trashed,
      createdTime: f.createdTime,
      modifiedTime: f.modifiedTime,
      version: String(f.version),
      appProperties: f.appProperties,
      ...(head
        ? {
            headRevisionId: head.id,
            md5Checksum: head.md5Checksum,
            sha256Checksum: createHash('sha256').update(head.data).digest('hex'),
            size: String(head.data.length),
          }
        : {}),
    };
  };

  const revisionResource = (r: StandInRevision, f: StandInFile): Record<string, unknown> => ({
    kind: 'drive#revision',
    id: r.id,
    mimeType: f.mimeType,
    modifiedTime: r.modifiedTime,
    keepForever: false,
    published: false,
    md5Checksum: r.md5Checksum,
    size: String(r.data.length),
    originalFilename: f.name,
  });

  // My Drive's root folder: gettable by id or by its alias "root", never listed.
  const rootFile: StandInFile = {
    id: rootId,
    name: 'My Drive',
    mimeType: FOLDER_MIME,
    parents: [],
    trashed: false,
    createdTime: new Date(0).toISOString(),
    modifiedTime: new Date(0).toISOString(),
    version: 1,
    appProperties: {},
    revisions: [],
  };

  const getFile = (id: string): StandInFile => {
    const f = id === 'root' || id === rootId ? rootFile : files.get(id);
    if (!f) throw new HttpError(404, 'notFound', `File not found: ${id}.`, { location: 'fileId', locationType: 'parameter' });
    return f;
  };

  // ---- request handling ---------------------------------------------------

  const matches = (m: RequestMatch, method: string, path: string, query: string): boolean =>
    (!m.method || m.method.toUpperCase() === method) &&
    (!m.path || (typeof m.path === 'string' ? m.path === path : m.path.test(path))) &&
    (!m.query || m.query.test(query));

  const takeScript = (kind: Script['kind'], method: string, path: string, query: string): Script | undefined => {
    const i = scripts.findIndex((s) => s.kind === kind && s.times > 0 && matches(s.match, method, path, query));
    if (i < 0) return undefined;
    const s = scripts[i]!;
    s.times--;
    if (s.times <= 0) scripts.splice(i, 1);
    return s;
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, new HttpError(500, 'backendError', `stand-in failure: ${(e as Error).message}`));
    });
  });

  const baseUrl = (): string => {
    const a = server.address() as AddressInfo;
    return `http://${opts.host ?? '127.0.0.1'}:${a.port}/`;
  };

  const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const sendError = (res: http.ServerResponse, e: HttpError): void => {
    const headers: Record<string, string> = {};
    if (e.extra['retryAfter']) headers['retry-after'] = e.extra['retryAfter'];
    if (e.status === 401) headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
    const { retryAfter: _r, ...extra } = e.extra;
    sendJson(
      res,
      e.status,
      {
        error: {
          code: e.status,
          message: e.message,
          errors: [{ message: e.message, domain: e.status === 429 || e.reason.endsWith('RateLimitExceeded') ? 'usageLimits' : 'global', reason: e.reason, ...extra }],
          status: STATUS_TEXT[e.status] ?? 'UNKNOWN',
        },
      },
      headers,
    );
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/\/{2,}/g, '/');
    const query = url.searchParams.toString();
    const body = await readBody(req);
    let status = 0;
    const origWriteHead = res.writeHead.bind(res);
    res.writeHead = ((code: number, ...rest: unknown[]) => {
      status = code;
      return (origWriteHead as (...a: unknown[]) => http.ServerResponse)(code, ...rest);
    }) as typeof res.writeHead;
    res.on('finish', () => requests.push({ method, path, query, status }));
    res.on('close', () => {
      if (!res.writableFinished) requests.push({ method, path, query, status: 0 });
    });

    const before = takeScript('before', method, path, query);
    if (before?.fn) await before.fn();

    try {
      if (path === '/token' && method === 'POST') return tokenEndpoint(res, body);
      if (down) throw new HttpError(503, 'backendError', 'The service is currently unavailable.');
      const failure = takeScript('fail', method, path, query)?.failure;
      if (failure) {
        throw new HttpError(failure.status, failure.reason ?? DEFAULT_REASON[failure.status] ?? 'error', failure.message ?? `Scripted ${failure.status}.`, {
          ...(failure.retryAfter ? { retryAfter: failure.retryAfter } : {}),
        });
      }
      const auth = req.headers.authorization ?? '';
      const m = /^Bearer (.+)$/.exec(auth);
      if (!m || !tokens.has(m[1]!)) {
        throw new HttpError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', {
          location: 'Authorization',
          locationType: 'header',
        });
      }
      const drop = takeScript('drop', method, path, query);
      const answer = await route(method, path, url.searchParams, req.headers, body);
      if (drop) {
        // The server acted; the answer is lost on the way back.
        res.socket?.destroy();
        return;
      }
      if (answer.kind === 'json') sendJson(res, answer.status ?? 200, answer.body, answer.headers);
      else if (answer.kind === 'bytes') {
        res.writeHead(200, { 'content-type': answer.mimeType, 'content-length': answer.data.length });
        res.end(answer.data);
      } else {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end();
      }
    } catch (e) {
      if (e instanceof HttpError) sendError(res, e);
      else throw e;
    }
  }

  type Answer =
    | { kind: 'json'; body: unknown; status?: number; headers?: Record<string, string> }
    | { kind: 'bytes'; data: Buffer; mimeType: string }
    | { kind: 'empty'; status: number; headers?: Record<string, string> };

  async function route(method: string, path: string, q: URLSearchParams, headers: http.IncomingHttpHeaders, body: Buffer): Promise<Answer> {
    const fields = q.get('fields') ?? undefined;
    let m: RegExpExecArray | null;
    if (path === '/drive/v3/files' && method === 'GET') return { kind: 'json', body: listFiles(q) };
    if (path === '/drive/v3/files' && method === 'POST') {
      const meta = parseJsonBody(body);
      const f = makeFile(meta);
      return { kind: 'json', body: pick(fileResource(f), fields, FILE_DEFAULT) };
    }
    if (path === '/upload/drive/v3/files' && method === 'POST') return upload(undefined, q, headers, body);
    if (path === '/upload/drive/v3/files' && method === 'PUT') return resumablePut(q, body);
    if ((m = /^\/upload\/drive\/v3\/files\/([^/]+)$/.exec(path))) {
      if (method === 'PATCH' || method === 'PUT') return upload(decodeURIComponent(m[1]!), q, headers, body);
    }
    if ((m = /^\/drive\/v3\/files\/([^/]+)$/.exec(path))) {
      const f = getFile(decodeURIComponent(m[1]!));
      if (method === 'GET') {
        if (q.get('alt') === 'media') {
          const head = f.revisions.at(-1);
          if (!head) {
            throw new HttpError(403, 'fileNotDownloadable', 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', {
              location: 'alt',
              locationType: 'parameter',
            });
          }
          return { kind: 'bytes', data: head.data, mimeType: f.mimeType };
        }
        return { kind: 'json', body: pick(fileResource(f), fields, FILE_DEFAULT) };
      }
      if (f === rootFile && method !== 'GET') throw new HttpError(403, 'insufficientFilePermissions', 'The user does not have sufficient permissions for this file.');
      if (method === 'PATCH') {
        applyMeta(f, parseJsonBody(body), q);
        return { kind: 'json', body: pick(fileResource(f), fields, FILE_DEFAULT) };
      }
      if (method === 'DELETE') {
        files.delete(f.id);
        return { kind: 'empty', status: 204 };
      }
    }
    if ((m = /^\/drive\/v3\/files\/([^/]+)\/revisions$/.exec(path)) && method === 'GET') {
      const f = getFile(decodeURIComponent(m[1]!));
      const size = clampPageSize(q.get('pageSize'), 200, 1000, opts.maxPageSize);
      const start = decodePageToken(q.get('pageToken'));
      const page = f.revisions.slice(start, start + size);
      const next = start + size < f.revisions.length ? encodePageToken(start + size) : undefined;
      return {
        kind: 'json',
        body: pickList('revisions', { kind: 'drive#revisionList', revisions: page.map((r) => revisionResource(r, f)), ...(next ? { nextPageToken: next } : {}) }, fields, REVISION_DEFAULT),
      };
    }
    if ((m = /^\/drive\/v3\/files\/([^/]+)\/revisions\/([^/]+)$/.exec(path)) && method === 'GET') {
      const f = getFile(decodeURIComponent(m[1]!));
      const revId = decodeURIComponent(m[2]!);
      const r = revId === 'head' ? f.revisions.at(-1) : f.revisions.find((x) => x.id === revId);
      if (!r) throw new HttpError(404, 'notFound', `Revision not found: ${revId}.`, { location: 'revisionId', locationType: 'parameter' });
      if (q.get('alt') === 'media') return { kind: 'bytes', data: r.data, mimeType: f.mimeType };
      return { kind: 'json', body: pick(revisionResource(r, f), fields, REVISION_DEFAULT) };
    }
    throw new HttpError(404, 'notFound', `No such method: ${method} ${path}`);
  }

  function applyMeta(f: StandInFile, meta: Record<string, unknown>, q: URLSearchParams): void {
    if (typeof meta['name'] === 'string') f.name = meta['name'];
    if (typeof meta['trashed'] === 'boolean') f.trashed = meta['trashed'];
    if (meta['appProperties'] && typeof meta['appProperties'] === 'object') {
      for (const [k, v] of Object.entries(meta['appProperties'] as Record<string, unknown>)) {
        if (v === null) delete f.appProperties[k];
        else f.appProperties[k] = String(v);
      }
    }
    if (meta['parents'] !== undefined) {
      throw new HttpError(403, 'fieldNotWritable', 'The resource body includes fields which are not directly writable.');
    }
    const add = q.get('addParents');
    const remove = q.get('removeParents');
    if (remove) f.parents = f.parents.filter((p) => !remove.split(',').includes(p));
    if (add) for (const p of add.split(',')) if (!f.parents.includes(p)) f.parents.push(p === 'root' ? rootId : p);
    f.version++;
  }

  async function upload(fileId: string | undefined, q: URLSearchParams, headers: http.IncomingHttpHeaders, body: Buffer): Promise<Answer> {
    const type = q.get('uploadType');
    const fields = q.get('fields') ?? undefined;
    let meta: Record<string, unknown> = {};
    let data: Buffer;
    if (type === 'media') {
      data = body;
    } else if (type === 'multipart') {
      const parts = parseMultipart(String(headers['content-type'] ?? ''), body);
      if (parts.length !== 2) throw new HttpError(400, 'badContent', 'Multipart upload needs exactly two parts: metadata and media.');
      meta = parseJsonBody(parts[0]!.body);
      data = parts[1]!.body;
    } else if (type === 'resumable') {
      const id = randomId(24);
      if (fileId) getFile(fileId);
      resumable.set(id, { ...(fileId ? { fileId } : {}), meta: parseJsonBody(body), ...(fields ? { fields } : {}) });
      return { kind: 'empty', status: 200, headers: { location: `${baseUrl()}upload/drive/v3/files?uploadType=resumable&upload_id=${id}` } };
    } else {
      throw new HttpError(400, 'invalid', `Invalid value for uploadType: ${type ?? '(none)'}`, { location: 'uploadType', locationType: 'parameter' });
    }
    if (data.length > maxUpload) {
      throw new HttpError(413, 'uploadTooLarge', `Media larger than ${maxUpload} bytes; use a resumable upload.`);
    }
    return { kind: 'json', body: pick(fileResource(store(fileId, meta, data, q)), fields, FILE_DEFAULT) };
  }

  function store(fileId: string | undefined, meta: Record<string, unknown>, data: Buffer, q: URLSearchParams): StandInFile {
    let f: StandInFile;
    if (fileId) {
      f = getFile(fileId);
      applyMeta(f, meta, q);
    } else {
      f = makeFile(meta as { name?: string; mimeType?: string; parents?: string[] });
    }
    addRevision(f, data, 'client');
    return f;
  }

  function resumablePut(q: URLSearchParams, body: Buffer): Answer {
    const id = q.get('upload_id') ?? '';
    const session = resumable.get(id);
    if (!session) throw new HttpError(404, 'notFound', 'Upload session not found.');
    resumable.delete(id);
    return { kind: 'json', body: pick(fileResource(store(session.fileId, session.meta, body, q)), q.get('fields') ?? session.fields, FILE_DEFAULT) };
  }

  function listFiles(q: URLSearchParams): unknown {
    const filter = parseQuery(q.get('q') ?? '');
    const size = clampPageSize(q.get('pageSize'), 100, 1000, opts.maxPageSize);
    const start = decodePageToken(q.get('pageToken'));
    const all = [...files.values()].filter((f) => filter(f)).sort((a, b) => a.createdTime.localeCompare(b.createdTime));
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? encodePageToken(start + size) : undefined;
    return pickList(
      'files',
      { kind: 'drive#fileList', incompleteSearch: false, files: page.map(fileResource), ...(next ? { nextPageToken: next } : {}) },
      q.get('fields') ?? undefined,
      FILE_DEFAULT,
    );
  }

  /**
   * The subset of Drive's query language ssot uses: clauses joined by `and`:
   * name = '…', name != '…', mimeType = '…', mimeType != '…', '…' in parents,
   * trashed = true|false. Anything else is a 400, as Drive answers an invalid query.
   */
  function parseQuery(text: string): (f: StandInFile) => boolean {
    const tests: Array<(f: StandInFile) => boolean> = [];
    const s = text.trim();
    if (!s) return () => true;
    let i = 0;
    const str = (): string => {
      if (s[i] !== "'") throw bad();
      i++;
      let out = '';
      while (i < s.length && s[i] !== "'") {
        if (s[i] === '\\') i++;
        out += s[i++] ?? '';
      }
      if (s[i] !== "'") throw bad();
      i++;
      return out;
    };
    const ws = (): void => {
      while (s[i] === ' ') i++;
    };
    const word = (): string => {
      const m = /^[A-Za-z]+|^!=|^=/.exec(s.slice(i));
      if (!m) throw bad();
      i += m[0].length;
      return m[0];
    };
    const bad = (): HttpError => new HttpError(400, 'invalid', 'Invalid Value', { location: 'q', locationType: 'parameter' });
    for (;;) {
      ws();
      if (s[i] === "'") {
        const id = str();
        ws();
        if (word() !== 'in') throw bad();
        ws();
        if (word() !== 'parents') throw bad();
        const real = id === 'root' ? rootId : id;
        tests.push((f) => f.parents.includes(real));
      } else {
        const field = word();
        ws();
        const op = word();
        ws();
        if (op !== '=' && op !== '!=') throw bad();
        if (field === 'trashed') {
          const v = word();
          if (v !== 'true' && v !== 'false') throw bad();
          const want = v === 'true';
          tests.push((f) => (op === '=' ? f.trashed === want : f.trashed !== want));
        } else if (field === 'name' || field === 'mimeType') {
          const v = str();
          tests.push((f) => (op === '=' ? f[field] === v : f[field] !== v));
        } else throw bad();
      }
      ws();
      if (i >= s.length) break;
      if (word().toLowerCase() !== 'and') throw bad();
    }
    return (f) => tests.every((t) => t(f));
  }

  function tokenEndpoint(res: http.ServerResponse, body: Buffer): void {
    const form = new URLSearchParams(body.toString('utf8'));
    const client = (opts.oauthClients ?? []).find((c) => c.clientId === form.get('client_id'));
    if (!client || client.clientSecret !== form.get('client_secret')) {
      sendJson(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
      return;
    }
    if (form.get('grant_type') !== 'refresh_token' || !client.refreshTokens.includes(form.get('refresh_token') ?? '')) {
      sendJson(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      return;
    }
    const token = `ya29.standin-${randomId(24)}`;
    tokens.add(token);
    issued.push(token);
    sendJson(res, 200, { access_token: token, expires_in: 3599, scope: 'https://www.googleapis.com/auth/drive.file', token_type: 'Bearer' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const url = baseUrl();

  return {
    url,
    tokenUrl: `${url}token`,
    rootId,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    files: () => [...files.values()],
    file: (id) => files.get(id),
    findByName: (name, parentId) =>
      [...files.values()].filter((f) => f.name === name && !f.trashed && (!parentId || f.parents.includes(parentId === 'root' ? rootId : parentId))),
    content: (id) => files.get(id)?.revisions.at(-1)?.data,
    issuedTokens: () => [...issued],
    failNext: (match, failure, times = 1) => scripts.push({ match, failure, times, kind: 'fail' }),
    dropNextResponse: (match, times = 1) => scripts.push({ match, times, kind: 'drop' }),
    beforeNext: (match, fn, times = 1) => scripts.push({ match, fn, times, kind: 'before' }),
    setDown: (d: boolean) => {
      down = d;
    },
    corruptNextUpload: (times = 1) => {
      corrupt += times;
    },
    uploadRevision: (fileId, data, by = 'other machine') => addRevision(getFile(fileId), Buffer.from(data), by),
    createFile: (o) => {
      const f = makeFile({ name: o.name, ...(o.parents ? { parents: o.parents } : {}), ...(o.mimeType ? { mimeType: o.mimeType } : {}) });
      if (o.data) addRevision(f, Buffer.from(o.data), 'other machine');
      return f;
    },
    addAccessToken: (t) => void tokens.add(t),
    revokeAccessToken: (t) => void tokens.delete(t),
  };
}

// ---- helpers ----------------------------------------------------------------

/** Fields Drive v3 returns when `fields` is not given. */
const FILE_DEFAULT = ['kind', 'id', 'name', 'mimeType'];
const REVISION_DEFAULT = ['kind', 'id', 'mimeType', 'modifiedTime'];

function randomId(n: number): string {
  return randomBytes(n).toString('base64url').slice(0, n);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'parseError', 'Parse Error');
}

/** multipart/related, binary-safe: split on the boundary in the raw bytes. */
function parseMultipart(contentType: string, body: Buffer): Array<{ headers: string; body: Buffer }> {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!/^multipart\/related/i.test(contentType) || !m) throw new HttpError(400, 'badContent', 'Expected multipart/related with a boundary.');
  const delim = Buffer.from(`--${m[1]}`);
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

function clampPageSize(v: string | null, def: number, max: number, cap?: number): number {
  const n = v === null ? def : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new HttpError(400, 'invalid', `Invalid value for pageSize: ${v}`, { location: 'pageSize', locationType: 'parameter' });
  return Math.min(n, max, cap ?? Infinity);
}

function encodePageToken(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodePageToken(t: string | null): number {
  if (!t) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(t, 'base64url').toString('utf8'));
  if (!m) throw new HttpError(400, 'invalid', 'Invalid Value', { location: 'pageToken', locationType: 'parameter' });
  return Number(m[1]);
}

/** A parsed `fields` selector: name -> sub-selector (null: the whole value). */
type Selector = Map<string, Selector | null>;

function parseFields(text: string): Selector {
  let i = 0;
  const parseList = (): Selector => {
    const sel: Selector = new Map();
    for (;;) {
      while (text[i] === ' ') i++;
      let name = '';
      while (i < text.length && /[A-Za-z0-9_*/]/.test(text[i]!)) name += text[i++];
      if (!name) throw new HttpError(400, 'invalidParameter', `Invalid field selection ${text}`, { location: 'fields', locationType: 'parameter' });
      let sub: Selector | null = null;
      if (text[i] === '(') {
        i++;
        sub = parseList();
        if (text[i] !== ')') throw new HttpError(400, 'invalidParameter', `Invalid field selection ${text}`, { location: 'fields', locationType: 'parameter' });
        i++;
      }
      // a/b is the same as a(b)
      const [head, ...rest] = name.split('/');
      if (rest.length > 0) sub = parseFields(rest.join('/') + (sub ? `(${[...sub.keys()].join(',')})` : ''));
      sel.set(head!, sub);
      while (text[i] === ' ') i++;
      if (text[i] !== ',') return sel;
      i++;
    }
  };
  const sel = parseList();
  if (i !== text.length) throw new HttpError(400, 'invalidParameter', `Invalid field selection ${text}`, { location: 'fields', locationType: 'parameter' });
  return sel;
}

function applySelector(value: Record<string, unknown>, sel: Selector | null): Record<string, unknown> {
  if (!sel || sel.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [k, sub] of sel) {
    if (!(k in value)) continue;
    const v = value[k];
    if (sub && Array.isArray(v)) out[k] = v.map((x) => (x && typeof x === 'object' ? applySelector(x as Record<string, unknown>, sub) : x));
    else if (sub && v && typeof v === 'object') out[k] = applySelector(v as Record<string, unknown>, sub);
    else out[k] = v;
  }
  return out;
}

function pick(value: Record<string, unknown>, fields: string | undefined, defaults: string[]): Record<string, unknown> {
  if (fields === undefined) return applySelector(value, new Map(defaults.map((d) => [d, null])));
  return applySelector(value, parseFields(fields));
}

/** For list answers: without `fields`, the list's own keys plus the items' default fields. */
function pickList(key: string, value: Record<string, unknown>, fields: string | undefined, itemDefaults: string[]): Record<string, unknown> {
  if (fields !== undefined) return applySelector(value, parseFields(fields));
  const sel: Selector = new Map(Object.keys(value).map((k) => [k, null]));
  sel.set(key, new Map(itemDefaults.map((d) => [d, null])));
  return applySelector(value, sel);
}
