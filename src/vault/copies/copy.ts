/**
 * A copy of a vault is a copy, whether it lives in a folder, a Git repository
 * or Google Drive. The sync engine sees only this interface; one conformance
 * suite (test/vault/copies/conformance.ts) runs against every kind.
 *
 * Contract:
 * - Copies deal in bytes. They never decrypt; the engine checks that bytes
 *   decrypt and belong to the same database before it asks a copy to write.
 * - `rev` is an opaque revision token: it changes whenever the stored bytes
 *   change, and only then (folder: content hash; git: commit id; Drive:
 *   headRevisionId).
 * - `write` is a compare-and-swap: it writes only if the copy is still at
 *   `ifRev` (null: the copy must not exist yet) and throws CopyConflictError
 *   otherwise. A copy never overwrites a version it has not been shown.
 * - Every write is atomic where the medium allows it (folder: temp + fsync +
 *   rename; git: commit + push; Drive: one upload, a new revision of the same file).
 */
export interface Copy {
  /** Stable id for logs, state and --json: `folder:/media/usb/vault/x.kdbx`. */
  readonly id: string;
  readonly kind: CopyKind;
  /** Short human description: "git origin/main in ~/security/keepass_versions". */
  readonly label: string;
  /**
   * Optional: the file, when the copy is one on a local or mounted filesystem
   * (a folder copy). File-sync tools leave conflict copies beside it and a
   * killed write leaves ssot's temp file there; the engine looks after both.
   */
  readonly localFile?: string;

  /** Current bytes and revision; null if the copy does not exist yet. */
  read(): Promise<CopyRead | null>;

  /** The current revision without downloading the bytes; null if absent. */
  head(): Promise<string | null>;

  /** Compare-and-swap write; see the contract above. */
  write(data: Uint8Array, ifRev: string | null, info: WriteInfo): Promise<WriteResult>;

  /** Past versions, newest first (restore). */
  versions(): Promise<CopyVersion[]>;

  /** The bytes of one version from `versions()`. */
  readVersion(id: string): Promise<Uint8Array>;

  /**
   * Optional: the engine has synced this copy at `rev` (read it and merged it,
   * or wrote it). A copy that reports `missed` versions counts from here.
   */
  synced?(rev: string): Promise<void>;

  /**
   * Optional: what `ssot doctor` says of this copy: the checks a sync would
   * make (reachable, authorised, the file found, refusals included), with
   * nothing written anywhere (no fetch, no state, no commit). Without it,
   * doctor asks `head()`.
   */
  probe?(): Promise<string>;

  /**
   * Optional: what `read()` would return, found without changing anything (a
   * fetch aside): `ssot vault verify` reads with it. Needed where `read()`
   * itself writes (git commits an uncommitted edit, fast-forwards or merges);
   * without it, verify asks `read()`.
   */
  peek?(): Promise<CopyRead | null>;
}

/** The kinds a config names, and `memory`: the sync engine's tests' in-memory copy (test/support/memory-copy.ts), which no config builds. */
export type CopyKind = 'folder' | 'git' | 'gdrive' | 'rclone' | 'memory';

export interface CopyRead {
  data: Uint8Array;
  rev: string;
  /**
   * Versions written since the last one this machine synced that are no
   * longer the head (a Drive revision overwritten between our check and our
   * upload, the other side of a git divergence). The engine merges them in,
   * so an edit that raced us is not lost.
   */
  missed?: Uint8Array[];
}

export interface WriteInfo {
  /** Commit message / revision description: counts only, never a value. */
  message: string;
}

/**
 * Refinement (copies branch): a git push that was rejected because another
 * machine pushed first is fetched and merged (through the engine's merge
 * callback) before it is pushed again, so what the copy stores in the end may
 * differ from `data`. `stored` then holds those bytes, so the engine records the
 * right content for `rev` and carries the merge to the other copies. Absent:
 * the copy stores exactly `data`. Writing the bytes the copy already holds is
 * not a change: it returns the current rev and makes no new version.
 */
export interface WriteResult {
  rev: string;
  stored?: Uint8Array;
}

export interface CopyVersion {
  /** Commit id, Drive revision id or backup name. */
  id: string;
  time: Date;
  size?: number;
  description?: string;
}

/** The copy moved on since `ifRev`: re-read, merge, and try again. */
export class CopyConflictError extends Error {
  readonly copyId: string;
  constructor(copyId: string, message: string) {
    super(message);
    this.name = 'CopyConflictError';
    this.copyId = copyId;
  }
}
