/**
 * What the sync engine needs of a decrypted database. The kdbx layer
 * (src/vault/kdbx) provides it; the engine never touches kdbxweb, and its
 * logic can be tested apart from the crypto.
 */
export interface VaultDb {
  readonly rootUuid: string;
  /** Same content, same digest, whatever the salts and the XML order. */
  contentDigest(): string;
  /**
   * Encrypts; a real database also checks what it made before returning it
   * (SsotError otherwise). `digest`: its contentDigest, when the caller has it.
   */
  save(opts?: { digest?: string }): Promise<Uint8Array>;
  summary(): { entries: number; groups: number; deleted: number };
  /** Counts of what changed since `before` (another state of the same database), for commit messages. */
  changesSince?(before: VaultDb): ChangeCounts;
  /** What KeePassXC would refuse in the file this was read from: its bytes are then never copied as they are. */
  readonly readerProblems?: readonly string[];
}

export interface ItemCounts {
  added: number;
  updated: number;
  deleted: number;
  moved: number;
}

interface ChangeCounts {
  entries: ItemCounts;
  groups: ItemCounts;
}

export interface MergeSummary {
  /** The target's content changed (its contentDigest differs from before). */
  changed: boolean;
  /** The target's contentDigest after the merge, when the codec knows it (a caller need not compute it again). */
  digest?: string;
  added: number;
  updated: number;
  deleted: number;
  moved: number;
  conflicts: { uuid: string; path: string; kept: 'target' | 'source' }[];
}

export interface VaultCodec<D extends VaultDb = VaultDb> {
  /** Decrypt with the vault's key; typed errors name `source`. */
  open(bytes: Uint8Array, source: string): Promise<D>;
  /** Merge `source` into `target` (mutated). Order-independent in content. `targetDigest` saves computing it. */
  merge(target: D, source: D, targetDigest?: string): MergeSummary;
  /** What the vault's `require` finds missing; empty when all is there. */
  check(db: D): string[];
}
