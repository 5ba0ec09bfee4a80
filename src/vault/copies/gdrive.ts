import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { drive_v3 } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import { ErrorCode, ExitCode, RemoteError, SsotError } from '../../core/errors.js';
import { redactor } from '../../core/redact.js';
import { classifyStatus, withRetry, type RetryOptions } from '../../core/retry.js';
import { CopyConflictError, type Copy, type CopyRead, type CopyVersion, type WriteInfo, type WriteResult } from './copy.js';

export const DRIVE_SCOPES = {
  'drive.file': 'https://www.googleapis.com/auth/drive.file',
  drive: 'https://www.googleapis.com/auth/drive',
} as const;

export type DriveAuth = { accessToken: string } | { clientId: string; clientSecret: string; refreshToken: string };

export interface DriveClientOptions {
  auth: DriveAuth;
  /** API root (config `gdrive.rootUrl`): tests and proxies. Uploads go there too. */
  rootUrl?: string;
  /** OAuth token endpoint (default Google's); the dev stand-in serves one at `<rootUrl>token`. */
  tokenUrl?: string;
}

/**
 * The Drive v3 client. Every secret it is given is registered with the
 * process-wide redactor (and so is every access token it later obtains).
 */
export function createDriveClient(opts: DriveClientOptions): drive_v3.Drive {
  const a = opts.auth;
  let client: OAuth2Client;
  if ('accessToken' in a) {
    redactor.add(a.accessToken);
    client = new OAuth2Client();
    client.setCredentials({ access_token: a.accessToken });
  } else {
    redactor.add(a.clientSecret);
    redactor.add(a.refreshToken);
    client = new OAuth2Client({
      clientId: a.clientId,
      clientSecret: a.clientSecret,
      ...(opts.tokenUrl ? { endpoints: { oauth2TokenUrl: opts.tokenUrl } } : {}),
    });
    client.setCredentials({ refresh_token: a.refreshToken });
    client.on('tokens', (t) => {
      if (t.access_token) redactor.add(t.access_token);
      if (t.refresh_token) redactor.add(t.refresh_token);
    });
  }
  return new drive_v3.Drive({ auth: client, ...(opts.rootUrl ? { rootUrl: opts.rootUrl } : {}) });
}

/** What the copy remembers between runs (kept in ssot's per-machine state). */
export interface DriveCopyStateValue {
  folderId?: string;
  fileId?: string;
  /** The head revision this machine last wrote (or, set by the engine, last synced). */
  lastRev?: string;
}

export interface DriveCopyState {
  get(): Promise<DriveCopyStateValue>;
  set(value: DriveCopyStateValue): Promise<void>;
}

/** A state kept in memory (tests, one-off runs). */
export function memoryDriveState(initial: DriveCopyStateValue = {}): DriveCopyState & { value: DriveCopyStateValue } {
  const s = {
    value: { ...initial },
    get: async () => ({ ...s.value }),
    set: async (v: DriveCopyStateValue) => {
      s.value = { ...v };
    },
  };
  return s;
}

export interface DriveCopyOptions {
  drive: drive_v3.Drive;
  /** File name in the folder. */
  name: string;
  /** Folder path from My Drive's root (`Backups/security`), made once if missing. */
  folder?: string;
  folderId?: string;
  fileId?: string;
  state: DriveCopyState;
  /** The API root; default: the one the client was built with. */
  rootUrl?: string;
  /** Backoff for 429/5xx/network (tests pass a fake sleep). */
  retry?: Partial<Pick<RetryOptions, 'attempts' | 'baseMs' | 'maxMs' | 'sleep' | 'random'>>;
}

const FOLDER_MIME = 'application/vnd.google-apps.folder';
const FILE_FIELDS = 'id,name,headRevisionId,md5Checksum,size,trashed,mimeType';
/** A folderId may be in a shared drive: list and write there too. */
const ALL_DRIVES_LIST = { supportsAllDrives: true, includeItemsFromAllDrives: true } as const;
const OCTET = 'application/octet-stream';
/** Drive documents simple and multipart uploads for 5 MB or less; above that, a resumable upload. */
export const SIMPLE_UPLOAD_MAX = 5 * 1024 * 1024;

interface FileMeta {
  id: string;
  headRevisionId: string | undefined;
  md5Checksum: string | undefined;
  size: number | undefined;
}

interface RevisionMeta {
  id: string;
  modifiedTime: string;
  size?: string | null;
  md5Checksum?: string | null;
}

/** The shape of a gaxios error that matters here (duck-typed: gaxios may be duplicated). */
interface HttpFailure {
  status?: number;
  code?: string | number;
  message: string;
  response?: { status?: number; headers?: unknown; data?: unknown };
  config?: { url?: unknown };
}

/**
 * A copy in Google Drive (v3). rev = the file's headRevisionId; a read
 * downloads exactly that revision (as KeeWeb does), so bytes and rev agree.
 *
 * write() is a check-then-upload: Drive v3 has no enforced precondition on a
 * media update, so the head is compared with ifRev first, the new content is
 * uploaded as a new revision of the same file, its md5 is checked against our
 * bytes, and the revision list is checked for a revision that landed between
 * ifRev and ours. If one did, CopyConflictError: the engine re-reads, and the
 * raced revision comes back in `missed`, so its edits are merged, not lost.
 *
 * A create is never repeated blindly: before any retry the file is looked for
 * by name in the folder, so a lost answer never makes a second file.
 */
export class DriveCopy implements Copy {
  readonly kind = 'gdrive' as const;
  readonly id: string;
  readonly label: string;
  private readonly drive: drive_v3.Drive;
  private readonly opts: DriveCopyOptions;
  private readonly callOpts: { rootUrl?: string; retry: false };

  constructor(opts: DriveCopyOptions) {
    if (!opts.folder && !opts.folderId && !opts.fileId) {
      throw new SsotError(ErrorCode.Config, `gdrive copy of ${opts.name}: no folder, folderId or fileId`, {
        exitCode: ExitCode.USAGE,
        hint: 'give gdrive.folder (a path from My Drive, e.g. "Backups/security")',
      });
    }
    this.opts = opts;
    this.drive = opts.drive;
    const rootUrl = opts.rootUrl ?? (opts.drive.context._options as { rootUrl?: string }).rootUrl;
    // Per call, so that uploads (built from their own media URL) go to rootUrl too; no
    // client-side retries: one policy (ours, with Retry-After) for every call.
    this.callOpts = { ...(rootUrl ? { rootUrl } : {}), retry: false };
    const where = opts.fileId ? `file ${opts.fileId}` : opts.folder ? `${opts.folder.replace(/^\/+|\/+$/g, '')}/${opts.name}` : `folder ${opts.folderId}/${opts.name}`;
    this.id = `gdrive:${where}`;
    this.label = `Google Drive ${where}`;
  }

  // ---- Copy ----------------------------------------------------------------

  /** Revisions before this one are merged: `missed` starts after it. */
  async synced(rev: string): Promise<void> {
    const st = await this.opts.state.get();
    if (st.lastRev !== rev) await this.opts.state.set({ ...st, lastRev: rev });
  }

  async read(): Promise<CopyRead | null> {
    for (let attempt = 1; ; attempt++) {
      const meta = await this.findFile();
      if (!meta?.headRevisionId) return null;
      const data = await this.download(meta.id, meta.headRevisionId);
      if (meta.md5Checksum && md5(data) !== meta.md5Checksum) {
        // The head moved between the metadata and the download, or the bytes were damaged: read again.
        if (attempt < 3) continue;
        throw new RemoteError(`${this.label}: the downloaded bytes do not match Drive's md5Checksum`, { retryable: true });
      }
      const missed = await this.missedSince(meta.id, meta.headRevisionId);
      return missed.length > 0 ? { data, rev: meta.headRevisionId, missed } : { data, rev: meta.headRevisionId };
    }
  }

  async head(): Promise<string | null> {
    return (await this.findFile())?.headRevisionId ?? null;
  }

  async write(data: Uint8Array, ifRev: string | null, _info: WriteInfo): Promise<WriteResult> {
    const ours = md5(data);
    const meta = await this.findFile();
    const current = meta?.headRevisionId ?? null;
    if (current !== ifRev) {
      throw new CopyConflictError(this.id, `${this.label} is at revision ${short(current)}, expected ${short(ifRev)}`);
    }
    if (meta && current && meta.md5Checksum === ours) return { rev: current }; // same bytes: no new revision

    let uploaded: FileMeta | undefined;
    const damaged: string[] = []; // our own uploads that Drive stored wrong, replaced since
    for (let tries = 1; ; tries++) {
      uploaded = uploaded ? await this.update(uploaded.id, data, ours, uploaded.headRevisionId ?? null) : meta ? await this.update(meta.id, data, ours, current) : await this.create(data, ours);
      if (uploaded.md5Checksum === ours) break;
      if (uploaded.headRevisionId) damaged.push(uploaded.headRevisionId);
      // Drive stored other bytes than we sent: upload again over our own bad revision.
      if (tries >= 2) {
        throw new RemoteError(`${this.label}: Drive's md5Checksum of the upload does not match the bytes sent (twice)`, {
          retryable: true,
          hint: 'a proxy or the network damages uploads; the previous good version is in the revision history',
        });
      }
      const again = await this.getMeta(uploaded.id);
      if (again?.headRevisionId !== uploaded.headRevisionId) {
        throw new CopyConflictError(this.id, `${this.label}: another revision landed while a damaged upload was being replaced`);
      }
    }
    const rev = uploaded.headRevisionId!;
    const st = await this.opts.state.get();
    await this.checkLineage(uploaded.id, rev, ifRev, st, damaged);
    await this.opts.state.set({ ...st, fileId: uploaded.id, lastRev: rev });
    return { rev };
  }

  async versions(): Promise<CopyVersion[]> {
    const meta = await this.findFile();
    if (!meta) return [];
    const revs = await this.listRevisions(meta.id);
    return revs
      .map((r) => ({
        id: r.id,
        time: new Date(r.modifiedTime),
        ...(r.size ? { size: Number(r.size) } : {}),
        ...(r.md5Checksum ? { description: `md5 ${r.md5Checksum}` } : {}),
      }))
      .reverse();
  }

  async readVersion(id: string): Promise<Uint8Array> {
    const meta = await this.findFile();
    if (!meta) throw new SsotError(ErrorCode.NotFound, `${this.label} does not exist`, { exitCode: ExitCode.USAGE });
    try {
      return await this.download(meta.id, id);
    } catch (e) {
      if (e instanceof SsotError && e.code === ErrorCode.NotFound) {
        throw new SsotError(ErrorCode.NotFound, `${this.label} has no revision ${id}`, {
          exitCode: ExitCode.USAGE,
          hint: 'list the revisions with `ssot vault restore NAME --from gdrive` (revisions older than 30 days may be purged by Drive)',
        });
      }
      throw e;
    }
  }

  // ---- finding the folder and the file --------------------------------------

  /** The file's metadata, resolving (and remembering) its id; null if there is none. */
  private async findFile(): Promise<FileMeta | null> {
    if (this.opts.fileId) {
      const m = await this.getMeta(this.opts.fileId);
      if (!m) {
        throw new SsotError(ErrorCode.NotFound, `${this.label}: the configured fileId was not found (or is in the trash)`, {
          exitCode: ExitCode.USAGE,
          hint: 'check gdrive.fileId; under the drive.file scope ssot only sees files it created',
        });
      }
      return m;
    }
    const st = await this.opts.state.get();
    if (st.fileId) {
      const m = await this.getMeta(st.fileId);
      if (m) return m;
      // The remembered file is gone (deleted, trashed): forget it and look by name.
      const { fileId: _gone, ...rest } = st;
      await this.opts.state.set(rest);
    }
    const folderId = await this.folderId(false);
    if (!folderId) return null;
    const found = await this.searchByName(folderId);
    if (!found) return null;
    await this.opts.state.set({ ...(await this.opts.state.get()), fileId: found.id });
    return found;
  }

  private async getMeta(fileId: string): Promise<FileMeta | null> {
    try {
      const res = await this.call('files.get', () => this.drive.files.get({ fileId, fields: FILE_FIELDS, supportsAllDrives: true }, this.callOpts));
      if (res.data.trashed) return null;
      return toMeta(res.data);
    } catch (e) {
      if (e instanceof SsotError && e.code === ErrorCode.NotFound) return null;
      throw e;
    }
  }

  private async searchByName(folderId: string): Promise<FileMeta | null> {
    const q = `name = ${quote(this.opts.name)} and ${quote(folderId)} in parents and trashed = false and mimeType != ${quote(FOLDER_MIME)}`;
    const res = await this.call('files.list', () =>
      this.drive.files.list(
        { q, fields: `files(${FILE_FIELDS},createdTime)`, pageSize: 10, orderBy: 'createdTime', ...ALL_DRIVES_LIST },
        this.callOpts,
      ),
    );
    // Two files of the same name (made by hand, or by another tool): the oldest is the copy.
    const f = (res.data.files ?? []).slice().sort((a, b) => String(a.createdTime).localeCompare(String(b.createdTime)))[0];
    return f ? toMeta(f) : null;
  }

  /** The folder's id; made (once) when `create` and missing. */
  private async folderId(create: boolean): Promise<string | null> {
    if (this.opts.folderId) return this.opts.folderId;
    const st = await this.opts.state.get();
    if (st.folderId) {
      const ok = await this.call('files.get', () =>
        this.drive.files.get({ fileId: st.folderId!, fields: 'id,trashed,mimeType', supportsAllDrives: true }, this.callOpts),
      ).then(
        (r) => !r.data.trashed && r.data.mimeType === FOLDER_MIME,
        (e: unknown) => {
          if (e instanceof SsotError && e.code === ErrorCode.NotFound) return false;
          throw e;
        },
      );
      if (ok) return st.folderId;
      const { folderId: _gone, ...rest } = st;
      await this.opts.state.set(rest);
    }
    if (!this.opts.folder) return null;
    let parent = 'root';
    for (const segment of this.opts.folder.split('/').filter(Boolean)) {
      const found = await this.findFolder(segment, parent);
      if (found) {
        parent = found;
        continue;
      }
      if (!create) return null;
      const under = parent;
      const made = await this.createOnce(
        () => this.findFolder(segment, under),
        async () => {
          const res = await this.drive.files.create(
            { requestBody: { name: segment, mimeType: FOLDER_MIME, parents: [under] }, fields: 'id', supportsAllDrives: true },
            this.callOpts,
          );
          if (!res.data.id) throw new SsotError(ErrorCode.Remote, `${this.label}: Drive answered a create without an id`);
          return res.data.id;
        },
      );
      parent = made.value;
    }
    await this.opts.state.set({ ...(await this.opts.state.get()), folderId: parent });
    return parent;
  }

  private async findFolder(name: string, parent: string): Promise<string | null> {
    const q = `name = ${quote(name)} and ${quote(parent)} in parents and mimeType = ${quote(FOLDER_MIME)} and trashed = false`;
    const res = await this.call('files.list', () =>
      this.drive.files.list({ q, fields: 'files(id,createdTime)', pageSize: 10, ...ALL_DRIVES_LIST }, this.callOpts),
    );
    const f = (res.data.files ?? []).slice().sort((a, b) => String(a.createdTime).localeCompare(String(b.createdTime)))[0];
    return f?.id ?? null;
  }

  // ---- uploads ---------------------------------------------------------------

  private async create(data: Uint8Array, ours: string): Promise<FileMeta> {
    const folderId = (await this.folderId(true))!;
    const { value, adopted } = await this.createOnce(
      () => this.searchByName(folderId),
      async () => {
        if (data.byteLength > SIMPLE_UPLOAD_MAX) {
          return this.uploadResumable(undefined, { name: this.opts.name, parents: [folderId], mimeType: OCTET }, data);
        }
        const res = await this.drive.files.create(
          {
            requestBody: { name: this.opts.name, parents: [folderId], mimeType: OCTET },
            // A multipart body must be a stream (googleapis-common pipes it).
            media: { mimeType: OCTET, body: Readable.from(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) },
            fields: FILE_FIELDS,
            supportsAllDrives: true,
          },
          this.callOpts,
        );
        return toMeta(res.data);
      },
    );
    // Found by the lookup after a failed attempt: it is ours only if it holds our bytes.
    if (adopted && value.md5Checksum !== ours) {
      throw new CopyConflictError(this.id, `${this.label} was created by someone else while ours was being created`);
    }
    return value;
  }

  /**
   * Run a create under the retry policy, but never blindly twice: before every
   * retry, look for what the failed attempt may have made (the server may have
   * acted and the answer been lost on the way back).
   */
  private async createOnce<T>(lookup: () => Promise<T | null>, make: () => Promise<T>): Promise<{ value: T; adopted: boolean }> {
    return this.withPolicy('files.create', async (attempt) => {
      if (attempt > 1) {
        const found = await lookup();
        if (found) return { value: found, adopted: true };
      }
      return { value: await make(), adopted: false };
    });
  }

  private async update(fileId: string, data: Uint8Array, ours: string, ifRev: string | null): Promise<FileMeta> {
    return this.withPolicy('files.update', async (attempt) => {
      if (attempt > 1) {
        // Did the previous attempt land after all (answer lost)? Or did someone else write?
        const now = await this.getMeta(fileId);
        if (now?.md5Checksum === ours && now.headRevisionId !== ifRev) return now;
        if (now?.headRevisionId !== ifRev) {
          throw new CopyConflictError(this.id, `${this.label} moved to revision ${short(now?.headRevisionId ?? null)} during the upload`);
        }
      }
      if (data.byteLength > SIMPLE_UPLOAD_MAX) return this.uploadResumable(fileId, {}, data);
      const res = await this.drive.files.update(
        { fileId, media: { mimeType: OCTET, body: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }, fields: FILE_FIELDS, supportsAllDrives: true },
        this.callOpts,
      );
      return toMeta(res.data);
    });
  }

  /**
   * A resumable upload in one go (the generated client does not implement
   * uploadType=resumable): open a session, then PUT the bytes to its URI.
   * Both legs go through the client's auth (token refresh included).
   */
  private async uploadResumable(fileId: string | undefined, meta: drive_v3.Schema$File, data: Uint8Array): Promise<FileMeta> {
    const auth = (this.drive.context._options as { auth?: unknown }).auth as OAuth2Client | undefined;
    if (!auth || typeof auth.request !== 'function') {
      throw new SsotError(ErrorCode.Internal, `${this.label}: the Drive client has no OAuth client for a resumable upload`);
    }
    const root = (this.callOpts.rootUrl ?? 'https://www.googleapis.com/').replace(/\/*$/, '/');
    const url = `${root}upload/drive/v3/files${fileId ? `/${encodeURIComponent(fileId)}` : ''}?uploadType=resumable&supportsAllDrives=true&fields=${encodeURIComponent(FILE_FIELDS)}`;
    const start = await auth.request<unknown>({
      url,
      method: fileId ? 'PATCH' : 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-type': OCTET, 'x-upload-content-length': String(data.byteLength) },
      data: meta,
      retry: false,
    });
    const location = header({ message: '', response: { headers: start.headers } }, 'location');
    if (!location) throw new SsotError(ErrorCode.Remote, `${this.label}: Drive opened no upload session (no Location header)`);
    const done = await auth.request<drive_v3.Schema$File>({
      url: location,
      method: 'PUT',
      headers: { 'content-type': OCTET },
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      retry: false,
    });
    return toMeta(done.data);
  }

  /**
   * After our upload: the revision before ours must be the one we based on.
   * Otherwise a writer slipped in between our check and our upload; its
   * revision is still in the history, and the state keeps the last revision we
   * synced, so the next read() returns it in `missed`.
   */
  private async checkLineage(fileId: string, rev: string, ifRev: string | null, st: DriveCopyStateValue, own: string[]): Promise<void> {
    const revs = (await this.listRevisions(fileId)).filter((r) => !own.includes(r.id));
    const i = revs.findIndex((r) => r.id === rev);
    const before = i > 0 ? revs[i - 1]!.id : null;
    if (i < 0) return; // purged already, or not listed: nothing to compare
    if (before !== ifRev) {
      const raced = revs.slice(ifRev ? revs.findIndex((r) => r.id === ifRev) + 1 : 0, i).map((r) => r.id);
      // Keep lastRev where it was (ifRev), so the raced revisions are "after the last synced one".
      await this.opts.state.set({ ...st, fileId, ...(ifRev ? { lastRev: ifRev } : {}) });
      throw new CopyConflictError(
        this.id,
        `${this.label}: ${raced.length || 'a'} revision(s) landed between ${short(ifRev)} and our upload; read again to merge them`,
      );
    }
  }

  private async missedSince(fileId: string, head: string): Promise<Uint8Array[]> {
    const { lastRev } = await this.opts.state.get();
    if (!lastRev || lastRev === head) return [];
    const revs = await this.listRevisions(fileId);
    const i = revs.findIndex((r) => r.id === lastRev);
    if (i < 0) return []; // purged: nothing we can still fetch
    // Bytes equal to the head's or to one already taken add nothing to a merge.
    const seen = new Set([revs.find((r) => r.id === head)?.md5Checksum].filter(Boolean));
    const out: Uint8Array[] = [];
    for (const r of revs.slice(i + 1)) {
      if (r.id === head || (r.md5Checksum && seen.has(r.md5Checksum))) continue;
      if (r.md5Checksum) seen.add(r.md5Checksum);
      out.push(await this.download(fileId, r.id));
    }
    return out;
  }

  private async listRevisions(fileId: string): Promise<RevisionMeta[]> {
    const out: RevisionMeta[] = [];
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const res = await this.call('revisions.list', () =>
        this.drive.revisions.list(
          {
            fileId,
            fields: 'nextPageToken,revisions(id,modifiedTime,size,md5Checksum)',
            pageSize: 1000,
            ...(token ? { pageToken: token } : {}),
          },
          this.callOpts,
        ),
      );
      for (const r of res.data.revisions ?? []) {
        if (r.id && r.modifiedTime) out.push({ id: r.id, modifiedTime: r.modifiedTime, size: r.size ?? null, md5Checksum: r.md5Checksum ?? null });
      }
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  private async download(fileId: string, revisionId: string): Promise<Uint8Array> {
    const res = await this.call('revisions.get', () =>
      this.drive.revisions.get({ fileId, revisionId, alt: 'media' }, { ...this.callOpts, responseType: 'arraybuffer' }),
    );
    const body = res.data as unknown;
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    throw new SsotError(ErrorCode.Remote, `${this.label}: unexpected download body (${typeof body})`);
  }

  // ---- errors and retries ----------------------------------------------------

  /** One idempotent call under the retry policy, its failures mapped to ssot's errors. */
  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.withPolicy(what, () => fn());
  }

  private async withPolicy<T>(what: string, fn: (attempt: number) => Promise<T>): Promise<T> {
    const r = this.opts.retry ?? {};
    try {
      return await withRetry(fn, {
        attempts: r.attempts ?? 5,
        ...(r.baseMs !== undefined ? { baseMs: r.baseMs } : {}),
        ...(r.maxMs !== undefined ? { maxMs: r.maxMs } : {}),
        ...(r.sleep ? { sleep: r.sleep } : {}),
        ...(r.random ? { random: r.random } : {}),
        classify: (e) => {
          if (e instanceof SsotError || e instanceof CopyConflictError) return { retry: false };
          const f = e as HttpFailure;
          const status = httpStatus(f);
          if (status === 403 && isRateLimit(f)) return classifyStatus(429, header(f, 'retry-after'));
          if (status === undefined && !isNetworkError(f)) return { retry: false };
          return classifyStatus(status, header(f, 'retry-after'));
        },
      });
    } catch (e) {
      throw this.mapError(what, e);
    }
  }

  private mapError(what: string, e: unknown): unknown {
    if (e instanceof SsotError || e instanceof CopyConflictError) return e;
    const f = e as HttpFailure;
    const status = httpStatus(f);
    const message = redactor.redact(googleMessage(f));
    const tokenCall = typeof f.config?.url === 'string' ? /\/token\b/.test(f.config.url) : String(f.config?.url ?? '').includes('/token');
    if (tokenCall || /invalid_grant|invalid_client/.test(message)) {
      return new SsotError(ErrorCode.RemoteAuth, `${this.label}: Google refused the OAuth credentials (${message})`, {
        exitCode: ExitCode.USAGE,
        hint: 'renew the Drive consent (docs/drive-setup.md) and store the new refresh token where gdrive.auth.refreshToken points',
        cause: e,
      });
    }
    if (status === 401 || (status === 403 && !isRateLimit(f))) {
      return new SsotError(ErrorCode.RemoteAuth, `${this.label}: Drive refused access (${status}, ${what}): ${message}`, {
        exitCode: ExitCode.USAGE,
        hint:
          status === 401
            ? 'the access token is invalid or expired: check gdrive.auth (docs/drive-setup.md)'
            : 'the account or scope may not reach this file: with scope drive.file ssot only sees files it created (use scope drive to adopt a file another tool uploaded)',
        cause: e,
      });
    }
    if (status === 404) {
      return new SsotError(ErrorCode.NotFound, `${this.label}: not found (${what}): ${message}`, { exitCode: ExitCode.USAGE, cause: e });
    }
    const retryable = status === undefined || status === 429 || status >= 500 || (status === 403 && isRateLimit(f));
    return new RemoteError(`${this.label}: ${what} failed${status ? ` (${status})` : ''}: ${message}`, {
      retryable,
      ...(status !== undefined ? { status } : {}),
      hint: retryable ? 'Drive is busy or unreachable; the next sync retries' : 'see the message from Drive',
      cause: e,
    });
  }
}

// ---- helpers ------------------------------------------------------------------

function md5(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

function toMeta(f: drive_v3.Schema$File): FileMeta {
  if (!f.id) throw new SsotError(ErrorCode.Remote, 'Drive answered a file without an id');
  return {
    id: f.id,
    headRevisionId: f.headRevisionId ?? undefined,
    md5Checksum: f.md5Checksum ?? undefined,
    size: f.size ? Number(f.size) : undefined,
  };
}

/** A string literal in Drive's query language: quotes and backslashes escaped. */
function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function short(rev: string | null): string {
  return rev === null ? 'none' : rev.length > 14 ? `${rev.slice(0, 12)}…` : rev;
}

function httpStatus(f: HttpFailure): number | undefined {
  const s = f?.response?.status ?? f?.status;
  return typeof s === 'number' ? s : undefined;
}

function header(f: HttpFailure, name: string): string | null {
  const h = f?.response?.headers;
  if (!h) return null;
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name);
  const v = (h as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : null;
}

function googleReasons(f: HttpFailure): string[] {
  const d = f?.response?.data as { error?: { errors?: Array<{ reason?: string }> } } | undefined;
  return (d?.error?.errors ?? []).map((x) => x.reason ?? '').filter(Boolean);
}

/** Drive answers some rate limits with 403 (userRateLimitExceeded, rateLimitExceeded): those are retried. */
function isRateLimit(f: HttpFailure): boolean {
  return googleReasons(f).some((r) => /rateLimitExceeded|RateLimitExceeded/.test(r));
}

function isNetworkError(f: HttpFailure): boolean {
  const code = String(f?.code ?? '');
  return (
    /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR_SOCKET|ECONNABORTED)$/.test(code) ||
    /socket hang up|fetch failed|network|other side closed|terminated/i.test(f?.message ?? '')
  );
}

function googleMessage(f: HttpFailure): string {
  const d = f?.response?.data as { error?: { message?: string } | string; error_description?: string } | undefined;
  if (d && typeof d.error === 'object' && d.error?.message) return d.error.message;
  if (d && typeof d.error === 'string') return `${d.error}${d.error_description ? `: ${d.error_description}` : ''}`;
  return f?.message ?? String(f);
}
