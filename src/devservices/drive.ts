import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { driveApi, type Answer } from './drive-api.js';
import { DEFAULT_REASON, HttpError, readBody, sendError, sendJson } from './drive-http.js';
import { createDriveStore, type StandInFile, type StandInRevision } from './drive-store.js';
import { createGoogleOAuth, type DriveScope, type OAuthClientSpec, type TokenGrant } from './google-oauth.js';

export { FOLDER_MIME, type StandInFile, type StandInRevision } from './drive-store.js';
export type { DriveScope, TokenGrant } from './google-oauth.js';

/**
 * A local stand-in for the Google Drive v3 API and Google's OAuth endpoints,
 * for tests, the demo and `ssot dev-services`. It follows the v3 reference for
 * what ssot's client uses:
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
 *   GET    /o/oauth2/v2/auth, POST /token      Google's OAuth endpoints (google-oauth.ts)
 *
 * Every Drive call needs `Authorization: Bearer <token>` (401 otherwise), and
 * sees what the token's scope lets it see (drive-store.ts). Errors have
 * Google's JSON shape. Tests script failures (`failNext`), lose answers
 * (`dropNextResponse`), run a hook before a request (`beforeNext`, e.g. another
 * machine uploading in the window between our check and our upload) and
 * inspect the state.
 */

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

/** An access token given up front: a plain string has the full `drive` scope. */
export type StaticToken = string | { token: string; scope?: DriveScope; clientId?: string };

export interface DriveStandInOptions {
  host?: string;
  port?: number;
  /** Bearer tokens accepted (default: ["test-access-token"]). */
  accessTokens?: StaticToken[];
  /** OAuth clients of the token and authorization endpoints (refresh tokens issued earlier, per client). */
  oauthClients?: OAuthClientSpec[];
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
  /** The OAuth authorization endpoint (where the consent screen would be). */
  authUrl: string;
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
  /** Refresh tokens issued by the authorization-code exchange. */
  issuedRefreshTokens(): string[];
  /** The query of every authorization request (what the browser was sent to). */
  authorizations(): URLSearchParams[];
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
  /** What the person at the consent screen answers next. */
  setConsent(answer: 'approve' | 'deny'): void;
  /** Another machine uploads a new revision of a file. Returns the new revision. */
  uploadRevision(fileId: string, data: Uint8Array, by?: string): StandInRevision;
  /** Another tool (rclone, the web UI: `app`, default "another-app") creates a file. */
  createFile(opts: { name: string; parents?: string[]; mimeType?: string; data?: Uint8Array; app?: string }): StandInFile;
  addAccessToken(token: string, grant?: Partial<TokenGrant>): void;
  revokeAccessToken(token: string): void;
}

interface Script {
  match: RequestMatch;
  times: number;
  kind: 'fail' | 'drop' | 'before';
  failure?: ScriptedFailure;
  fn?: () => void | Promise<void>;
}

/** The app behind tokens given as plain strings. */
export const STATIC_APP = 'standin-static-app';

export async function startDriveStandIn(opts: DriveStandInOptions = {}): Promise<DriveStandIn> {
  const store = createDriveStore(opts.now);
  const oauth = createGoogleOAuth(opts.oauthClients ?? []);
  const grantOf = (t: StaticToken): [string, TokenGrant] =>
    typeof t === 'string' ? [t, { clientId: STATIC_APP, scope: 'drive' }] : [t.token, { clientId: t.clientId ?? STATIC_APP, scope: t.scope ?? 'drive' }];
  for (const t of opts.accessTokens ?? ['test-access-token']) oauth.addAccessToken(...grantOf(t));
  const scripts: Script[] = [];
  const requests: RequestLogEntry[] = [];
  let down = false;
  // Drive documents simple and multipart uploads for files of 5 MB or less; the stand-in
  // enforces that, so a client that sends more must use a resumable upload.
  const api = driveApi(store, { maxUpload: opts.maxSimpleUploadBytes ?? 5 * 1024 * 1024, maxPageSize: opts.maxPageSize, baseUrl: () => baseUrl() });

  const takeScript = (kind: Script['kind'], method: string, path: string, query: string): Script | undefined => {
    const i = scripts.findIndex((s) => s.kind === kind && s.times > 0 && matches(s.match, method, path, query));
    if (i < 0) return undefined;
    const s = scripts[i]!;
    if (--s.times <= 0) scripts.splice(i, 1);
    return s;
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, new HttpError(500, 'backendError', `stand-in failure: ${(e as Error).message}`));
    });
  });
  const baseUrl = (): string => `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}/`;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/\/{2,}/g, '/');
    const query = url.searchParams.toString();
    const body = await readBody(req);
    logRequests(res, requests, { method, path, query });
    const before = takeScript('before', method, path, query);
    if (before?.fn) await before.fn();
    try {
      if (oauth.handle(method, path, url.searchParams, body, res)) return;
      if (down) throw new HttpError(503, 'backendError', 'The service is currently unavailable.');
      const failure = takeScript('fail', method, path, query)?.failure;
      if (failure) throw scripted(failure);
      const viewer = authenticate(req.headers.authorization);
      const drop = takeScript('drop', method, path, query);
      const answer = await api.route({ method, path, q: url.searchParams, headers: req.headers, body, viewer });
      if (drop) return void res.socket?.destroy(); // the server acted; the answer is lost on the way back
      send(res, answer);
    } catch (e) {
      if (e instanceof HttpError) sendError(res, e);
      else throw e;
    }
  }

  const authenticate = (header: string | undefined): TokenGrant => {
    const m = /^Bearer (.+)$/.exec(header ?? '');
    const grant = m ? oauth.grant(m[1]!) : undefined;
    if (!grant) {
      throw new HttpError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', {
        location: 'Authorization',
        locationType: 'header',
      });
    }
    return grant;
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const url = baseUrl();

  return {
    url,
    tokenUrl: `${url}token`,
    authUrl: `${url}o/oauth2/v2/auth`,
    rootId: store.rootId,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    files: () => [...store.files.values()],
    file: (id) => store.files.get(id),
    findByName: (name, parentId) =>
      [...store.files.values()].filter((f) => f.name === name && !f.trashed && (!parentId || f.parents.includes(parentId === 'root' ? store.rootId : parentId))),
    content: (id) => store.files.get(id)?.revisions.at(-1)?.data,
    issuedTokens: () => oauth.issuedTokens(),
    issuedRefreshTokens: () => oauth.issuedRefreshTokens(),
    authorizations: () => [...oauth.authorizations],
    failNext: (match, failure, times = 1) => void scripts.push({ match, failure, times, kind: 'fail' }),
    dropNextResponse: (match, times = 1) => void scripts.push({ match, times, kind: 'drop' }),
    beforeNext: (match, fn, times = 1) => void scripts.push({ match, fn, times, kind: 'before' }),
    setDown: (d: boolean) => {
      down = d;
    },
    setConsent: (a) => oauth.setConsent(a),
    corruptNextUpload: (times = 1) => store.corruptNext(times),
    uploadRevision: (fileId, data, by = 'other machine') => store.addRevision(store.get(fileId, undefined), Buffer.from(data), by),
    createFile: (o) => {
      const f = store.make({ name: o.name, ...(o.parents ? { parents: o.parents } : {}), ...(o.mimeType ? { mimeType: o.mimeType } : {}) }, o.app ?? 'another-app', undefined);
      if (o.data) store.addRevision(f, Buffer.from(o.data), 'other machine');
      return f;
    },
    addAccessToken: (t, g = {}) => oauth.addAccessToken(t, { clientId: g.clientId ?? STATIC_APP, scope: g.scope ?? 'drive' }),
    revokeAccessToken: (t) => oauth.revokeAccessToken(t),
  };
}

function matches(m: RequestMatch, method: string, path: string, query: string): boolean {
  return (
    (!m.method || m.method.toUpperCase() === method) &&
    (!m.path || (typeof m.path === 'string' ? m.path === path : m.path.test(path))) &&
    (!m.query || m.query.test(query))
  );
}

function scripted(failure: ScriptedFailure): HttpError {
  return new HttpError(failure.status, failure.reason ?? DEFAULT_REASON[failure.status] ?? 'error', failure.message ?? `Scripted ${failure.status}.`, {
    ...(failure.retryAfter ? { retryAfter: failure.retryAfter } : {}),
  });
}

/** Every answered request goes into the log with its status (0: the connection was dropped). */
function logRequests(res: http.ServerResponse, log: RequestLogEntry[], entry: Omit<RequestLogEntry, 'status'>): void {
  let status = 0;
  const origWriteHead = res.writeHead.bind(res);
  res.writeHead = ((code: number, ...rest: unknown[]) => {
    status = code;
    return (origWriteHead as (...a: unknown[]) => http.ServerResponse)(code, ...rest);
  }) as typeof res.writeHead;
  res.on('finish', () => log.push({ ...entry, status }));
  res.on('close', () => {
    if (!res.writableFinished) log.push({ ...entry, status: 0 });
  });
}

function send(res: http.ServerResponse, answer: Answer): void {
  if (answer.kind === 'json') sendJson(res, answer.status ?? 200, answer.body, answer.headers);
  else if (answer.kind === 'bytes') {
    res.writeHead(200, { 'content-type': answer.mimeType, 'content-length': answer.data.length });
    res.end(answer.data);
  } else {
    res.writeHead(answer.status, answer.headers ?? {});
    res.end();
  }
}
