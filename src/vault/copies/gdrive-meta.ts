import type { drive_v3 } from '@googleapis/drive';
import { ErrorCode, SsotError } from '../../core/errors.js';
import { hashHex } from '../../core/hash.js';

/** What a Drive copy shares among its modules: file metadata, its remembered ids, small helpers. */

export const FOLDER_MIME = 'application/vnd.google-apps.folder';
export const FILE_FIELDS = 'id,name,headRevisionId,md5Checksum,size,trashed,mimeType';
/** A folderId may be in a shared drive: list and write there too. */
export const ALL_DRIVES_LIST = { supportsAllDrives: true, includeItemsFromAllDrives: true } as const;
export const OCTET = 'application/octet-stream';

export interface FileMeta {
  id: string;
  headRevisionId: string | undefined;
  md5Checksum: string | undefined;
  size: number | undefined;
}

/** What the copy remembers between runs (kept in ssot's per-machine state). */
export interface DriveCopyStateValue {
  folderId?: string;
  fileId?: string;
  /** The head revision this machine last wrote (or, set by the engine, last synced). */
  lastRev?: string;
  /** The folder this machine made for the copy (so an empty one is not taken for another tool's). */
  madeFolderId?: string;
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

/** The same state, read-only: `ssot doctor` looks, and remembers nothing. */
export function readOnlyState(state: DriveCopyState): DriveCopyState {
  return { get: () => state.get(), set: async () => undefined };
}

export function toMeta(f: drive_v3.Schema$File): FileMeta {
  if (!f.id) throw new SsotError(ErrorCode.Remote, 'Drive answered a file without an id');
  return {
    id: f.id,
    headRevisionId: f.headRevisionId ?? undefined,
    md5Checksum: f.md5Checksum ?? undefined,
    size: f.size ? Number(f.size) : undefined,
  };
}

export function md5(data: Uint8Array): string {
  return hashHex(data, 'md5');
}

/** A string literal in Drive's query language: quotes and backslashes escaped. */
export function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function short(rev: string | null): string {
  return rev === null ? 'none' : rev.length > 14 ? `${rev.slice(0, 12)}…` : rev;
}

export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
