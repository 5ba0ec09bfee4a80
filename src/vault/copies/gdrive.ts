import type { drive_v3 } from '@googleapis/drive';
import { ConfigError, ErrorCode, RemoteError, SsotError } from '../../core/errors.js';
import { CopyConflictError, type Copy, type CopyRead, type CopyVersion, type WriteInfo, type WriteResult } from './copy.js';
import type { DriveScopeName } from './gdrive-client.js';
import { DriveLocator } from './gdrive-find.js';
import { md5, readOnlyState, short, type DriveCopyState, type DriveCopyStateValue, type FileMeta } from './gdrive-meta.js';
import { drivePolicy, type DrivePolicy, type DriveRetry } from './gdrive-policy.js';
import { DriveUploader } from './gdrive-upload.js';
import { driveWhere } from './ids.js';
import { must } from '../../core/must.js';

export { createDriveClient } from './gdrive-client.js';
export { memoryDriveState, type DriveCopyState, type DriveCopyStateValue } from './gdrive-meta.js';

export interface DriveCopyOptions {
  drive: drive_v3.Drive;
  /** File name in the folder. */
  name: string;
  /** Folder path from My Drive's root (`Backups/security`), made once if missing. */
  folder?: string;
  folderId?: string;
  fileId?: string;
  state: DriveCopyState;
  /** The scope the credentials were granted (config `gdrive.scope`, default `drive.file`). */
  scope?: DriveScopeName;
  /** The API root; default: the one the client was built with. */
  rootUrl?: string;
  /** Backoff for 429/5xx/network (tests pass a fake sleep). */
  retry?: DriveRetry;
}

interface RevisionMeta {
  id: string;
  modifiedTime: string;
  size?: string | null;
  md5Checksum?: string | null;
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
 * Finding the folder and the file is gdrive-find.ts; the uploads are
 * gdrive-upload.ts; the retry policy and error mapping gdrive-policy.ts.
 */
export class DriveCopy implements Copy {
  readonly kind = 'gdrive' as const;
  readonly id: string;
  readonly label: string;
  private readonly drive: drive_v3.Drive;
  private readonly state: DriveCopyState;
  private readonly callOpts: { rootUrl?: string; retry: false };
  private readonly policy: DrivePolicy;
  private readonly locator: DriveLocator;
  private readonly uploader: DriveUploader;

  constructor(opts: DriveCopyOptions) {
    if (!opts.folder && !opts.folderId && !opts.fileId) {
      throw new ConfigError(ErrorCode.Config, `gdrive copy of ${opts.name}: no folder, folderId or fileId`, {
        hint: 'give gdrive.folder (a path from My Drive, e.g. "Backups/security")',
      });
    }
    this.drive = opts.drive;
    this.state = opts.state;
    const rootUrl = opts.rootUrl ?? (opts.drive.context._options as { rootUrl?: string }).rootUrl;
    // Per call, so that uploads (built from their own media URL) go to rootUrl too; no
    // client-side retries: one policy (ours, with Retry-After) for every call.
    this.callOpts = { ...(rootUrl ? { rootUrl } : {}), retry: false };
    const where = driveWhere(opts, opts.name);
    this.id = `gdrive:${where}`;
    this.label = `Google Drive ${where}`;
    this.policy = drivePolicy(this.label, opts.retry);
    const base = { drive: this.drive, callOpts: this.callOpts, policy: this.policy, label: this.label, name: opts.name };
    this.locator = new DriveLocator({
      ...base,
      scope: opts.scope ?? 'drive.file',
      ...(opts.folder ? { folder: opts.folder } : {}),
      ...(opts.folderId ? { folderId: opts.folderId } : {}),
      ...(opts.fileId ? { fileId: opts.fileId } : {}),
    });
    this.uploader = new DriveUploader({ ...base, copyId: this.id, locator: this.locator });
  }

  // ---- Copy ----------------------------------------------------------------

  /** Revisions before this one are merged: `missed` starts after it. */
  async synced(rev: string): Promise<void> {
    const st = await this.state.get();
    if (st.lastRev !== rev) await this.state.set({ ...st, lastRev: rev });
  }

  async read(): Promise<CopyRead | null> {
    for (let attempt = 1; ; attempt++) {
      const meta = await this.locator.findFile(this.state);
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
    return (await this.locator.findFile(this.state))?.headRevisionId ?? null;
  }

  /** For `ssot doctor`: what a sync would find, with the same checks, remembering nothing. */
  async probe(): Promise<string> {
    const meta = await this.locator.findFile(readOnlyState(this.state));
    if (meta?.headRevisionId) return `signed in; the file is there (id ${meta.id}, revision ${short(meta.headRevisionId)})`;
    return 'signed in; the file is not there yet (the next sync creates it)';
  }

  async write(data: Uint8Array, ifRev: string | null, _info: WriteInfo): Promise<WriteResult> {
    const ours = md5(data);
    const meta = await this.locator.findFile(this.state);
    const current = meta?.headRevisionId ?? null;
    if (current !== ifRev) {
      throw new CopyConflictError(this.id, `${this.label} is at revision ${short(current)}, expected ${short(ifRev)}`);
    }
    if (meta && current && meta.md5Checksum === ours) return { rev: current }; // same bytes: no new revision
    const { uploaded, damaged } = await this.upload(meta, data, ours, current);
    const rev = uploaded.headRevisionId;
    if (!rev) throw new RemoteError(`${this.label}: Drive answered the upload without the file's revision id`);
    const st = await this.state.get();
    await this.checkLineage(uploaded.id, rev, ifRev, st, damaged);
    await this.state.set({ ...st, fileId: uploaded.id, lastRev: rev });
    return { rev };
  }

  async versions(): Promise<CopyVersion[]> {
    const meta = await this.locator.findFile(this.state);
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
    const meta = await this.locator.findFile(this.state);
    if (!meta) throw new ConfigError(ErrorCode.NotFound, `${this.label} does not exist`);
    try {
      return await this.download(meta.id, id);
    } catch (e) {
      if (e instanceof SsotError && e.code === ErrorCode.NotFound) {
        throw new ConfigError(ErrorCode.NotFound, `${this.label} has no revision ${id}`, {
          hint: 'list the revisions with `ssot vault restore NAME --from gdrive` (revisions older than 30 days may be purged by Drive)',
        });
      }
      throw e;
    }
  }

  // ---- writing ---------------------------------------------------------------

  /**
   * Upload a new file or a new revision; when Drive stored other bytes than
   * we sent (its md5 differs), upload once more over our own bad revision.
   */
  private async upload(meta: FileMeta | null, data: Uint8Array, ours: string, current: string | null): Promise<{ uploaded: FileMeta; damaged: string[] }> {
    let uploaded: FileMeta | undefined;
    const damaged: string[] = []; // our own uploads that Drive stored wrong, replaced since
    for (let tries = 1; ; tries++) {
      if (uploaded) uploaded = await this.uploader.update(uploaded.id, data, ours, uploaded.headRevisionId ?? null);
      else if (meta) uploaded = await this.uploader.update(meta.id, data, ours, current);
      // No file found, so no fileId is configured (findFile throws for a missing one): a folder or folderId is, which makes a folder id.
      else uploaded = await this.uploader.create(must(await this.locator.folderId(this.state, true), 'the folder to create the file in'), data, ours);
      if (uploaded.md5Checksum === ours) return { uploaded, damaged };
      if (uploaded.headRevisionId) damaged.push(uploaded.headRevisionId);
      if (tries >= 2) {
        throw new RemoteError(`${this.label}: Drive's md5Checksum of the upload does not match the bytes sent (twice)`, {
          retryable: true,
          hint: 'a proxy or the network damages uploads; the previous good version is in the revision history',
        });
      }
      const again = await this.locator.getMeta(uploaded.id);
      if (again?.headRevisionId !== uploaded.headRevisionId) {
        throw new CopyConflictError(this.id, `${this.label}: another revision landed while a damaged upload was being replaced`);
      }
    }
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
    const before = i > 0 ? must(revs[i - 1], 'the revision before ours').id : null;
    if (i < 0) return; // purged already, or not listed: nothing to compare
    if (before !== ifRev) {
      const raced = revs.slice(ifRev ? revs.findIndex((r) => r.id === ifRev) + 1 : 0, i).map((r) => r.id);
      // Keep lastRev where it was (ifRev), so the raced revisions are "after the last synced one".
      await this.state.set({ ...st, fileId, ...(ifRev ? { lastRev: ifRev } : {}) });
      throw new CopyConflictError(this.id, `${this.label}: ${raced.length || 'a'} revision(s) landed between ${short(ifRev)} and our upload; read again to merge them`);
    }
  }

  // ---- reading revisions -----------------------------------------------------

  private async missedSince(fileId: string, head: string): Promise<Uint8Array[]> {
    const { lastRev } = await this.state.get();
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
      const res = await this.policy.call('revisions.list', () =>
        this.drive.revisions.list({ fileId, fields: 'nextPageToken,revisions(id,modifiedTime,size,md5Checksum)', pageSize: 1000, ...(token ? { pageToken: token } : {}) }, this.callOpts),
      );
      for (const r of res.data.revisions ?? []) {
        if (r.id && r.modifiedTime) out.push({ id: r.id, modifiedTime: r.modifiedTime, size: r.size ?? null, md5Checksum: r.md5Checksum ?? null });
      }
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  private async download(fileId: string, revisionId: string): Promise<Uint8Array> {
    const res = await this.policy.call('revisions.get', () =>
      this.drive.revisions.get({ fileId, revisionId, alt: 'media' }, { ...this.callOpts, responseType: 'arraybuffer' }),
    );
    const body = res.data as unknown;
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    throw new SsotError(ErrorCode.Remote, `${this.label}: unexpected download body (${typeof body})`);
  }
}
