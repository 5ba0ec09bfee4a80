import type { MergeSummary, VaultCodec, VaultDb } from './codec.js';
import type { ConflictCopyReport } from './conflict-copies.js';
import type { Copy } from './copies/copy.js';
import type { SsotError } from '../core/errors.js';

/** What one sync of one vault is given, tells as it goes, and answers (sync.ts). */
export interface SyncVaultOptions {
  vault: string;
  primaryPath: string;
  copies: readonly Copy[];
  codec: VaultCodec;
  stateDir: string;
  dryRun?: boolean;
  backupsKeep?: number;
  log?: (e: SyncEvent) => void;
  /**
   * After `vault restore`: the primary is the chosen version and is not merged
   * with the last synced content (that would undo the restore). Copies edited
   * elsewhere since the last sync are still merged in: no edit is lost.
   */
  primaryWins?: boolean;
  /** Files of the other configured vaults: never taken for conflict copies of this one. */
  otherVaultFiles?: readonly string[];
  /**
   * When nothing changed: decrypt one location anyway, to find a wrong
   * password before it matters (one key derivation). The vault part asks for
   * it once per process and key (see sync/key-check.ts).
   */
  verifyKey?: boolean;
}

export type SyncEvent =
  | { type: 'read'; location: string; changed: boolean; absent: boolean }
  | { type: 'merge'; sources: string[]; report: MergeSummary }
  | { type: 'write'; location: string; dryRun: boolean }
  | { type: 'retry'; location: string; reason: string }
  | { type: 'location-error'; location: string; code: string; message: string };

export interface SyncVaultResult {
  vault: string;
  outcome: 'unchanged' | 'updated';
  changed: string[];
  written: string[];
  merged: boolean;
  report?: MergeSummary;
  /** Locations that could not be read or written (reported; the others still synced). */
  errors: { location: string; error: SsotError }[];
  /** Copies that held a file this machine had no record of (first sync, a new copy): taken in, merged. */
  adopted: string[];
  /** The safety backup of the primary, when the primary was replaced. */
  backup?: string;
  /** The resulting database, when it was decrypted (for the guard's index). */
  db?: VaultDb;
  dryRun: boolean;
  /** Conflict copies of file-sync tools found beside a location: merged, or left alone and why. */
  conflictCopies?: ConflictCopyReport[];
  /** ssot's own temp files of killed writes, removed (listed under --dry-run). */
  staleTemps?: string[];
}
