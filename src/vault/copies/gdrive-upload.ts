import { Readable } from 'node:stream';
import type { drive_v3 } from '@googleapis/drive';
import type { OAuth2Client } from 'google-auth-library';
import { ErrorCode, SsotError } from '../../core/errors.js';
import { CopyConflictError } from './copy.js';
import type { DriveLocator } from './gdrive-find.js';
import { asBuffer, FILE_FIELDS, OCTET, short, toMeta, type FileMeta } from './gdrive-meta.js';
import { createOnce, header, type DrivePolicy } from './gdrive-policy.js';

/** Drive documents simple and multipart uploads for 5 MB or less; above that, a resumable upload. */
const SIMPLE_UPLOAD_MAX = 5 * 1024 * 1024;

export interface UploaderOptions {
  drive: drive_v3.Drive;
  callOpts: { rootUrl?: string; retry: false };
  policy: DrivePolicy;
  label: string;
  copyId: string;
  name: string;
  locator: DriveLocator;
}

/**
 * The uploads of a Drive copy: a new file (never created twice: a lost answer
 * is looked for before a retry), a new revision of the same file (a retry
 * first checks whether the lost attempt landed), and the resumable upload
 * for files over 5 MiB.
 */
export class DriveUploader {
  private readonly o: UploaderOptions;
  constructor(o: UploaderOptions) {
    this.o = o;
  }

  async create(folderId: string, data: Uint8Array, ours: string): Promise<FileMeta> {
    const { value, adopted } = await createOnce(
      this.o.policy,
      () => this.o.locator.searchByName(folderId),
      async () => {
        if (data.byteLength > SIMPLE_UPLOAD_MAX) return this.uploadResumable(undefined, { name: this.o.name, parents: [folderId], mimeType: OCTET }, data);
        const res = await this.o.drive.files.create(
          {
            requestBody: { name: this.o.name, parents: [folderId], mimeType: OCTET },
            // A multipart body must be a stream (googleapis-common pipes it).
            media: { mimeType: OCTET, body: Readable.from(asBuffer(data)) },
            fields: FILE_FIELDS,
            supportsAllDrives: true,
          },
          this.o.callOpts,
        );
        return toMeta(res.data);
      },
    );
    // Found by the lookup after a failed attempt: it is ours only if it holds our bytes.
    if (adopted && value.md5Checksum !== ours) {
      throw new CopyConflictError(this.o.copyId, `${this.o.label} was created by someone else while ours was being created`);
    }
    return value;
  }

  async update(fileId: string, data: Uint8Array, ours: string, ifRev: string | null): Promise<FileMeta> {
    return this.o.policy.withPolicy('files.update', async (attempt) => {
      if (attempt > 1) {
        // Did the previous attempt land after all (answer lost)? Or did someone else write?
        const now = await this.o.locator.getMeta(fileId);
        if (now?.md5Checksum === ours && now.headRevisionId !== ifRev) return now;
        if (now?.headRevisionId !== ifRev) {
          throw new CopyConflictError(this.o.copyId, `${this.o.label} moved to revision ${short(now?.headRevisionId ?? null)} during the upload`);
        }
      }
      if (data.byteLength > SIMPLE_UPLOAD_MAX) return this.uploadResumable(fileId, {}, data);
      const res = await this.o.drive.files.update({ fileId, media: { mimeType: OCTET, body: asBuffer(data) }, fields: FILE_FIELDS, supportsAllDrives: true }, this.o.callOpts);
      return toMeta(res.data);
    });
  }

  /**
   * A resumable upload in one go (the generated client does not implement
   * uploadType=resumable): open a session, then PUT the bytes to its URI.
   * Both legs go through the client's auth (token refresh included).
   */
  private async uploadResumable(fileId: string | undefined, meta: drive_v3.Schema$File, data: Uint8Array): Promise<FileMeta> {
    const auth = (this.o.drive.context._options as { auth?: unknown }).auth as OAuth2Client | undefined;
    if (!auth || typeof auth.request !== 'function') {
      throw new SsotError(ErrorCode.Internal, `${this.o.label}: the Drive client has no OAuth client for a resumable upload`);
    }
    const root = (this.o.callOpts.rootUrl ?? 'https://www.googleapis.com/').replace(/\/*$/, '/');
    const url = `${root}upload/drive/v3/files${fileId ? `/${encodeURIComponent(fileId)}` : ''}?uploadType=resumable&supportsAllDrives=true&fields=${encodeURIComponent(FILE_FIELDS)}`;
    const start = await auth.request<unknown>({
      url,
      method: fileId ? 'PATCH' : 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-type': OCTET, 'x-upload-content-length': String(data.byteLength) },
      data: meta,
      retry: false,
    });
    const location = header({ message: '', response: { headers: start.headers } }, 'location');
    if (!location) throw new SsotError(ErrorCode.Remote, `${this.o.label}: Drive opened no upload session (no Location header)`);
    const done = await auth.request<drive_v3.Schema$File>({ url: location, method: 'PUT', headers: { 'content-type': OCTET }, data: asBuffer(data), retry: false });
    return toMeta(done.data);
  }
}
