import { randomBytes } from 'node:crypto';
import { ConfigError, ErrorCode, SsotError } from '../../core/errors.js';
import { hashHex, sha256Hex } from '../../core/hash.js';
import { CopyConflictError, type Copy, type CopyRead, type CopyVersion, type WriteInfo, type WriteResult } from './copy.js';
import { rcloneError, rcloneOk, runRclone, type RcloneRunner, type RcloneTarget } from './rclone-run.js';
import type { RcloneCopyMeta, RcloneCopyState } from './rclone-state.js';
import { rcloneFile } from './ids.js';
import { listS3Versions, s3VersionPath } from './rclone-versions.js';

/** What learn() found out about the remote, once (kept in the copy's state). */
type LearntMeta = RcloneCopyMeta & Required<Pick<RcloneCopyMeta, 'hashTypes' | 'canMove' | 'backendType'>>;

export interface RcloneCopyOptions {
  /** `NAME:folder` as the user's rclone knows it (`nas:vault`, `gdrive:security`, `sftpbox:`). */
  remote: string;
  /** The file name in that folder (the primary's unless the config gives one). */
  name: string;
  runner: RcloneRunner;
  state: RcloneCopyState;
}

/** One entry of `rclone lsjson`. */
interface RemoteEntry {
  Name: string;
  Size: number;
  ModTime: string;
  Hashes?: Record<string, string>;
}

/** Hashes node computes too, strongest first: the only ones a fingerprint is checked against what was sent. */
const CHECKABLE = ['sha256', 'sha1', 'md5'] as const;

/**
 * A copy on any storage the user's rclone reaches. rev = sha256 of the content.
 * Compare-and-swap as far as the backend allows: before writing, the remote's
 * fingerprint (its hash, or size and modification time where it has none) must
 * still be the one of the version the engine read; the bytes go to a temporary
 * name and are moved over the file server-side (where the backend can), so an
 * interrupted upload never leaves a half file; after writing, the file's hash
 * (or size) must be what was sent, else another writer landed and the engine
 * re-reads and merges. docs/rclone.md says which backend gives which guarantee.
 */
export class RcloneCopy implements Copy {
  readonly kind = 'rclone' as const;
  readonly id: string;
  readonly label: string;
  /** `nas:vault/chronos.kdbx` */
  readonly file: string;
  readonly folder: string;
  readonly name: string;
  private readonly runner: RcloneRunner;
  private readonly state: RcloneCopyState;
  private readonly target: RcloneTarget;

  constructor(opts: RcloneCopyOptions) {
    const colon = opts.remote.indexOf(':');
    if (colon < 1) {
      throw new ConfigError(ErrorCode.Config, `rclone copy: "${opts.remote}" is not an rclone remote and folder ("NAME:folder")`, {
        hint: 'write it as rclone does: "NAME:folder" (NAME from `rclone listremotes`)',
      });
    }
    if (!opts.name || /[/\\]/.test(opts.name)) {
      throw new ConfigError(ErrorCode.Config, `rclone copy: bad file name "${opts.name}"`, { hint: 'give a plain file name, without a folder part' });
    }
    this.folder = opts.remote.replace(/\/+$/, '');
    this.name = opts.name;
    this.file = rcloneFile(opts.remote, opts.name);
    this.id = `rclone:${this.file}`;
    this.label = `rclone ${this.file}`;
    this.runner = opts.runner;
    this.state = opts.state;
    this.target = { label: this.label, remoteName: opts.remote.slice(0, colon) };
  }

  async read(): Promise<CopyRead | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const st = await this.stat();
      if (!st) return null;
      const { meta, data } = await this.state.get();
      const fp = fingerprint(st, meta);
      if (data && meta.fingerprint === fp && meta.rev) return { data, rev: meta.rev };
      const bytes = await this.download(this.file);
      // The file may have changed between the listing and the download: only bytes that match the listing are taken.
      if (!matches(st, bytes, meta)) continue;
      const rev = sha256Hex(bytes); // the rev, as for a folder copy: the same bytes give the same rev everywhere
      await this.state.set({ ...meta, fingerprint: fp, rev }, bytes);
      return { data: bytes, rev };
    }
    throw new SsotError(ErrorCode.Remote, `${this.label} kept changing while it was read`, { hint: 'another machine is writing it; sync again in a moment' });
  }

  /** `ssot doctor`: the remote, its folder and the file's hash, read-only (rclone-doctor.ts). */
  async probe(): Promise<string> {
    const { checkRcloneCopy } = await import('./rclone-doctor.js');
    return checkRcloneCopy(this);
  }

  async head(): Promise<string | null> {
    const st = await this.stat();
    if (!st) return null;
    const { meta } = await this.state.get();
    if (meta.fingerprint === fingerprint(st, meta) && meta.rev) return meta.rev;
    return (await this.read())?.rev ?? null;
  }

  async write(data: Uint8Array, ifRev: string | null, _info: WriteInfo): Promise<WriteResult> {
    const meta = await this.learn();
    const rev = sha256Hex(data);
    const tmp = meta.canMove ? this.tmpPath() : undefined;
    // The check and the upload to the temporary name overlap: that upload does not touch the file.
    const [check, uploaded] = await Promise.allSettled([this.current(meta), tmp ? this.upload(tmp, data) : Promise.resolve()]);
    try {
      if (check.status === 'rejected') throw check.reason;
      const { entry: before, rev: current } = check.value;
      if (current !== ifRev) throw this.conflict(ifRev, current);
      if (current === rev) {
        if (tmp) await this.dropTmp(tmp);
        return { rev }; // the bytes it already holds: not a change
      }
      if (uploaded.status === 'rejected') throw uploaded.reason;
      if (tmp) await this.moveIntoPlace(tmp, before, meta);
      else await this.upload(this.file, data);
    } catch (e) {
      if (tmp) await this.dropTmp(tmp);
      throw e;
    }
    const [after] = await Promise.all([this.stat(), tmp ? this.sweepStaleUploads() : undefined]);
    if (!after || !matches(after, data, meta)) {
      // Another writer landed right after us: its version is the file now. Re-read and merge.
      const { fingerprint: _fp, rev: _rev, ...learnt } = meta;
      await this.state.set(learnt);
      throw new CopyConflictError(this.id, `${this.label} was written by another machine right after this one`);
    }
    await this.state.set({ ...meta, fingerprint: fingerprint(after, meta), rev }, data);
    return { rev };
  }

  async versions(): Promise<CopyVersion[]> {
    const meta = await this.learn();
    if (meta.backendType !== 's3') return [];
    const res = await rcloneOk(this.runner, ['lsjson', '--s3-versions', '--files-only', '--no-mimetype', this.folder], this.target);
    return listS3Versions(JSON.parse(res.stdout.toString('utf8')) as RemoteEntry[], this.name);
  }

  async readVersion(id: string): Promise<Uint8Array> {
    const meta = await this.learn();
    if (meta.backendType !== 's3') {
      throw new ConfigError(ErrorCode.NotFound, `${this.label} keeps no versions ssot can read (asked for "${id}")`, {
        hint: 'restore --from backup; for Drive, the native gdrive copy keeps revisions',
      });
    }
    return this.download(s3VersionPath(this.folder, id), ['--s3-versions']);
  }

  /** Why restore cannot use this copy, or undefined when it can. */
  async versionsUnavailable(): Promise<string | undefined> {
    const meta = await this.learn();
    if (meta.backendType === 's3') return undefined;
    return `${this.label} (a ${meta.backendType} backend) keeps no versions ssot can reach through rclone`;
  }

  /** The backend's hash types, server-side move and type: asked once, then remembered. */
  async learn(): Promise<LearntMeta> {
    const { meta } = await this.state.get();
    if (meta.hashTypes && meta.canMove !== undefined && meta.backendType) return { ...meta, hashTypes: meta.hashTypes, canMove: meta.canMove, backendType: meta.backendType };
    const res = await rcloneOk(this.runner, ['backend', 'features', this.folder], this.target);
    const f = JSON.parse(res.stdout.toString('utf8')) as { Hashes?: string[]; Features?: Record<string, boolean> };
    const hashTypes = CHECKABLE.filter((h) => (f.Hashes ?? []).includes(h));
    const remotes = await rcloneOk(this.runner, ['listremotes', '--long'], this.target);
    const line = remotes.stdout.toString('utf8').split('\n').find((l) => l.startsWith(`${this.target.remoteName}:`));
    const learnt = { ...meta, hashTypes, canMove: f.Features?.['Move'] === true, backendType: line?.split(':')[1]?.trim() || 'unknown' };
    await this.state.set(learnt);
    return learnt;
  }

  /** The file's listing entry; null when it (or its folder) does not exist. */
  async stat(): Promise<RemoteEntry | null> {
    const { meta } = await this.state.get();
    const hashes = (meta.hashTypes ?? (await this.learn()).hashTypes).flatMap((h) => ['--hash-type', h]);
    const res = await runRclone(this.runner, ['lsjson', '--stat', '--no-mimetype', ...hashes, this.file], this.target);
    if (res.code === 3 || res.code === 4) return null; // directory or file not found
    if (res.code !== 0) throw rcloneError(res, this.target, this.runner);
    return JSON.parse(res.stdout.toString('utf8')) as RemoteEntry;
  }

  /** The folder's listing entry; null when it does not exist yet. */
  async statFolder(): Promise<{ IsDir?: boolean } | null> {
    const res = await runRclone(this.runner, ['lsjson', '--stat', '--no-mimetype', this.folder], this.target);
    if (res.code === 3 || res.code === 4) return null;
    if (res.code !== 0) throw rcloneError(res, this.target, this.runner);
    return JSON.parse(res.stdout.toString('utf8')) as { IsDir?: boolean };
  }

  private async revOf(st: RemoteEntry, meta: RcloneCopyMeta): Promise<string | null> {
    const { meta: m, data } = await this.state.get();
    if (data && m.fingerprint === fingerprint(st, meta) && m.rev) return m.rev;
    return (await this.read())?.rev ?? null;
  }

  /** The file's listing entry and rev now (null, null: absent). */
  private async current(meta: RcloneCopyMeta): Promise<{ entry: RemoteEntry | null; rev: string | null }> {
    const entry = await this.stat();
    return { entry, rev: entry ? await this.revOf(entry, meta) : null };
  }

  /** `.<name>.ssot-<random>.tmp` beside the file: random, so two machines never share one. */
  private tmpPath(): string {
    const tmpName = `.${this.name}.ssot-${randomBytes(6).toString('hex')}.tmp`;
    return this.folder.endsWith(':') ? `${this.folder}${tmpName}` : `${this.folder}/${tmpName}`;
  }

  /** The uploaded temporary file moved over the file server-side, if the file is still the version checked. */
  private async moveIntoPlace(tmp: string, before: RemoteEntry | null, meta: RcloneCopyMeta): Promise<void> {
    // Check again just before the move: the upload took time, and another machine may have written meanwhile.
    const now = await this.stat();
    const moved = (now ? fingerprint(now, meta) : null) !== (before ? fingerprint(before, meta) : null);
    if (moved) throw new CopyConflictError(this.id, `${this.label} changed while this machine uploaded`);
    // --ignore-times: rclone would otherwise take two files of the same size and second for the same and drop ours.
    await rcloneOk(this.runner, ['moveto', '--ignore-times', tmp, this.file], this.target);
  }

  private async dropTmp(tmp: string): Promise<void> {
    await runRclone(this.runner, ['deletefile', tmp], this.target).catch(() => undefined);
  }

  /**
   * An upload killed midway leaves its temporary file. Those older than an hour
   * are swept after a good write (a younger one may be another machine's upload in flight).
   */
  private async sweepStaleUploads(): Promise<void> {
    const pattern = `/.${globEscape(this.name)}.ssot-*.tmp`;
    await runRclone(this.runner, ['delete', '--include', pattern, '--min-age', '1h', '--max-depth', '1', this.folder], this.target).catch(() => undefined);
  }

  private async upload(dest: string, data: Uint8Array): Promise<void> {
    await rcloneOk(this.runner, ['rcat', '--size', String(data.length), dest], this.target, data);
  }

  private async download(file: string, extra: string[] = []): Promise<Uint8Array> {
    const res = await rcloneOk(this.runner, ['cat', ...extra, file], this.target);
    return new Uint8Array(res.stdout.buffer, res.stdout.byteOffset, res.stdout.length);
  }

  private conflict(expected: string | null, found: string | null): CopyConflictError {
    const s = (r: string | null): string => (r === null ? 'no file' : r.slice(0, 12));
    return new CopyConflictError(this.id, `${this.label} changed since it was read (expected ${s(expected)}, found ${s(found)})`);
  }
}

/** rclone's filter globs treat these as special. */
function globEscape(s: string): string {
  return s.replace(/[\\*?[\]{}]/g, (c) => `\\${c}`);
}

/** What identifies a remote version without downloading it: the strongest hash, else size and time. */
export function fingerprint(e: RemoteEntry, meta: RcloneCopyMeta): string {
  for (const h of meta.hashTypes ?? []) {
    const v = e.Hashes?.[h];
    if (v) return `${h}:${v.toLowerCase()}`;
  }
  return `size:${e.Size}:time:${e.ModTime}`;
}

/** Do these bytes fit the listing entry? By hash where there is one, else by size. */
function matches(e: RemoteEntry, data: Uint8Array, meta: RcloneCopyMeta): boolean {
  if (e.Size !== data.length && e.Size >= 0) return false;
  for (const h of meta.hashTypes ?? []) {
    const v = e.Hashes?.[h];
    if (v) return hashHex(data, h) === v.toLowerCase();
  }
  return true;
}
