import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../core/atomic.js';
import { ConfigError, ErrorCode, SsotError } from '../../core/errors.js';
import { sha256Hex } from '../../core/hash.js';
import { CopyConflictError, type Copy, type CopyRead, type CopyVersion, type WriteInfo } from './copy.js';

export interface FolderCopyOptions {
  /** The folder (a USB or NAS mount, a synced folder); made on the first write. */
  dir: string;
  /** The file name inside it (the primary's name unless the config gives one). */
  name: string;
}

/** sha256 of the bytes, hex: a folder has no revision of its own, so content is the revision. */
function contentRev(data: Uint8Array): string {
  return sha256Hex(data);
}

/**
 * A copy in a plain folder. rev = sha256 of the content; a write compares the
 * current content's hash with `ifRev` and then replaces the file atomically
 * (temp + fsync + rename), mode 0600. The check and the rename are two steps:
 * a writer on another machine (a NAS shared by two laptops) landing between them
 * is overwritten. The engine's per-database lock covers this machine; for the
 * other machine the window is the few milliseconds of the rename.
 * No version history: a folder keeps only the current file (restore uses the
 * local safety backups, git or Drive).
 */
export class FolderCopy implements Copy {
  readonly kind = 'folder' as const;
  readonly id: string;
  readonly label: string;
  readonly file: string;
  readonly localFile: string;

  constructor(opts: FolderCopyOptions) {
    if (!opts.name || opts.name.includes('/') || opts.name.includes('\\')) {
      throw new ConfigError(ErrorCode.Config, `folder copy: bad file name "${opts.name}"`, {
        hint: 'give a plain file name, without a folder part',
      });
    }
    this.file = path.resolve(opts.dir, opts.name);
    this.localFile = this.file;
    this.id = `folder:${this.file}`;
    this.label = `folder ${this.file}`;
  }

  async read(): Promise<CopyRead | null> {
    const data = await this.readBytes();
    return data === null ? null : { data, rev: contentRev(data) };
  }

  async head(): Promise<string | null> {
    const data = await this.readBytes();
    return data === null ? null : contentRev(data);
  }

  async write(data: Uint8Array, ifRev: string | null, _info: WriteInfo): Promise<{ rev: string }> {
    const current = await this.head();
    if (current !== ifRev) {
      throw new CopyConflictError(
        this.id,
        `${this.label} changed since it was read (expected ${short(ifRev)}, found ${short(current)})`,
      );
    }
    try {
      await writeFileAtomic(this.file, data, { mode: 0o600 });
    } catch (e) {
      throw new SsotError(ErrorCode.Remote, `cannot write ${this.file}: ${(e as Error).message}`, {
        hint: 'check that the folder is mounted and writable',
        cause: e,
      });
    }
    return { rev: contentRev(data) };
  }

  async versions(): Promise<CopyVersion[]> {
    return [];
  }

  async readVersion(id: string): Promise<Uint8Array> {
    throw new ConfigError(ErrorCode.NotFound, `${this.label} keeps no versions (asked for "${id}")`, {
      hint: 'restore --from backup or --from git/gdrive instead',
    });
  }

  private async readBytes(): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await fs.readFile(this.file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new SsotError(ErrorCode.Remote, `cannot read ${this.file}: ${(e as Error).message}`, {
        hint: 'check that the folder is mounted and readable',
        cause: e,
      });
    }
  }
}

function short(rev: string | null): string {
  return rev === null ? 'no file' : rev.slice(0, 12);
}
