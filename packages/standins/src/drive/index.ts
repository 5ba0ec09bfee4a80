import type { ServerResponse } from 'node:http';
import { bearerToken, Scripts, sendReply, startServer, type Exchange, type RequestKey, type Reply } from '../http/index.js';
import { driveApi } from './api.js';
import { DEFAULT_REASON, GOOGLE_STYLE, googleError, HttpError } from './google.js';
import { createGoogleOAuth, type GoogleOAuth, type TokenGrant } from './oauth.js';
import { createDriveStore, type DriveStore } from './store.js';
import type { DriveStandIn, DriveStandInOptions, RequestLogEntry, ScriptedFailure, StaticToken } from './types.js';

export { FOLDER_MIME, type StandInFile, type StandInRevision } from './store.js';
export type { DriveScope, OAuthClientSpec, TokenGrant } from './oauth.js';
export type { DriveStandIn, DriveStandInOptions, RequestLogEntry, RequestMatch, ScriptedFailure, StaticToken } from './types.js';

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
 *   GET    /o/oauth2/v2/auth, POST /token      Google's OAuth endpoints (oauth.ts)
 *
 * Every Drive call needs `Authorization: Bearer <token>` (401 otherwise), and
 * sees what the token's scope lets it see (store.ts). Errors have
 * Google's JSON shape. Tests script failures (`failNext`), lose answers
 * (`dropNextResponse`), run a hook before a request (`beforeNext`, e.g. another
 * machine uploading in the window between our check and our upload) and
 * inspect the state.
 */

type Script = { kind: 'fail'; failure: ScriptedFailure } | { kind: 'drop' } | { kind: 'before'; fn: () => void | Promise<void> };

/** The app behind tokens given as plain strings. */
export const STATIC_APP = 'standin-static-app';

export async function startDriveStandIn(opts: DriveStandInOptions = {}): Promise<DriveStandIn> {
  const store = createDriveStore(opts.now);
  const oauth = createGoogleOAuth(opts.oauthClients ?? []);
  for (const t of opts.accessTokens ?? ['test-access-token']) oauth.addAccessToken(...grantOf(t));
  const scripts = new Scripts<Script>();
  const requests: RequestLogEntry[] = [];
  let down = false;
  let url = '';
  // Drive documents simple and multipart uploads for files of 5 MB or less; the stand-in
  // enforces that, so a client that sends more must use a resumable upload.
  const api = driveApi(store, { maxUpload: opts.maxSimpleUploadBytes ?? 5 * 1024 * 1024, maxPageSize: opts.maxPageSize, baseUrl: () => url });
  const take = <K extends Script['kind']>(kind: K, key: RequestKey) => scripts.take(key, (s) => s.kind === kind) as Extract<Script, { kind: K }> | undefined;

  /** The answer, or undefined when the answer is to be lost (the server acted; the connection drops). */
  const answer = (x: Exchange, key: RequestKey): Reply | undefined => {
    const auth = oauth.handle(x.method, key.path, x.query, x.body);
    if (auth) return auth;
    if (down) throw new HttpError(503, 'backendError', 'The service is currently unavailable.');
    const failure = take('fail', key)?.failure;
    if (failure) throw scripted(failure);
    const viewer = authenticate(oauth, x.headers.authorization);
    const drop = take('drop', key);
    const reply = api.route({ method: x.method, path: key.path, q: x.query, headers: x.headers, body: x.body, viewer });
    return drop ? undefined : reply;
  };

  const handle = async (x: Exchange): Promise<void> => {
    const key: RequestKey = { method: x.method, path: x.path.replace(/\/{2,}/g, '/'), query: x.query.toString() };
    logRequests(x.res, requests, key);
    await take('before', key)?.fn();
    let reply: Reply | undefined;
    try {
      reply = answer(x, key);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      reply = googleError(e);
    }
    if (reply) await sendReply(x.res, reply, GOOGLE_STYLE);
    else x.res.socket?.destroy();
  };

  const server = await startServer(handle, {
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    onError: (x, e) => void sendReply(x.res, googleError(new HttpError(500, 'backendError', `stand-in failure: ${e.message}`)), GOOGLE_STYLE),
  });
  url = `${server.origin}/`;
  return {
    url,
    tokenUrl: `${url}token`,
    authUrl: `${url}o/oauth2/v2/auth`,
    requests,
    close: server.close,
    failNext: (match, failure, times = 1) => scripts.add(match, { kind: 'fail', failure }, times),
    dropNextResponse: (match, times = 1) => scripts.add(match, { kind: 'drop' }, times),
    beforeNext: (match, fn, times = 1) => scripts.add(match, { kind: 'before', fn }, times),
    setDown: (d: boolean) => {
      down = d;
    },
    ...inspection(store, oauth),
  };
}

/** What tests read and change directly, as if another machine, another app or the person at the consent screen did it. */
function inspection(store: DriveStore, oauth: GoogleOAuth): Omit<DriveStandIn, 'url' | 'tokenUrl' | 'authUrl' | 'requests' | 'close' | 'failNext' | 'dropNextResponse' | 'beforeNext' | 'setDown'> {
  return {
    rootId: store.rootId,
    files: () => [...store.files.values()],
    file: (id) => store.files.get(id),
    findByName: (name, parentId) =>
      [...store.files.values()].filter((f) => f.name === name && !f.trashed && (!parentId || f.parents.includes(parentId === 'root' ? store.rootId : parentId))),
    content: (id) => store.files.get(id)?.revisions.at(-1)?.data,
    issuedTokens: () => oauth.issuedTokens(),
    issuedRefreshTokens: () => oauth.issuedRefreshTokens(),
    authorizations: () => [...oauth.authorizations],
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

function grantOf(t: StaticToken): [string, TokenGrant] {
  return typeof t === 'string' ? [t, { clientId: STATIC_APP, scope: 'drive' }] : [t.token, { clientId: t.clientId ?? STATIC_APP, scope: t.scope ?? 'drive' }];
}

function authenticate(oauth: GoogleOAuth, header: string | undefined): TokenGrant {
  const token = bearerToken(header);
  const grant = token === undefined ? undefined : oauth.grant(token);
  if (!grant) {
    throw new HttpError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', {
      location: 'Authorization',
      locationType: 'header',
    });
  }
  return grant;
}

function scripted(failure: ScriptedFailure): HttpError {
  return new HttpError(failure.status, failure.reason ?? DEFAULT_REASON[failure.status] ?? 'error', failure.message ?? `Scripted ${failure.status}.`, {
    ...(failure.retryAfter ? { retryAfter: failure.retryAfter } : {}),
  });
}

/** Every answered request goes into the log with its status (0: the connection was dropped). */
function logRequests(res: ServerResponse, log: RequestLogEntry[], entry: Omit<RequestLogEntry, 'status'>): void {
  let status = 0;
  const origWriteHead = res.writeHead.bind(res);
  res.writeHead = ((code: number, ...rest: unknown[]) => {
    status = code;
    return (origWriteHead as (...a: unknown[]) => ServerResponse)(code, ...rest);
  });
  res.on('finish', () => log.push({ ...entry, status }));
  res.on('close', () => {
    if (!res.writableFinished) log.push({ ...entry, status: 0 });
  });
}
