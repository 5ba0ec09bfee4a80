import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import { ensurePrivateDir } from '../core/paths.js';
import { isRecord } from '../core/record.js';

/**
 * What this machine last synced, per vault: the merge base of the next sync.
 * Lives under the state folder (0600), never in a repository. A copy whose
 * `rev` still matches is unchanged and needs neither a download nor a KDF.
 */
export interface LocationState {
  /** Folder: content hash; git: commit id; Drive: headRevisionId; primary: sha256 of the bytes. */
  rev: string;
  /** Content digest of the decrypted database (same content = same digest, whatever the salts). */
  digest: string;
  syncedAt: string;
  /** Written by earlier versions; `VaultState.errors` holds the last errors now. */
  lastError?: LastError;
}

export interface LastError {
  code: string;
  message: string;
  at: string;
}

/** The key of a failure that belongs to no one location (a missing credential, a lock). */
export const VAULT_WIDE = 'vault';

export interface VaultState {
  version: 1;
  rootUuid?: string;
  primary?: LocationState;
  copies: Record<string, LocationState>;
  lastSync?: { at: string; outcome: 'ok' | 'error'; conflicts: number };
  /**
   * The errors of the last sync, by location id (`primary`, a copy's id) or
   * VAULT_WIDE: a wrong password, a branch mismatch, a refused token. Kept
   * until a sync succeeds there, so `ssot status` can show them.
   */
  errors?: Record<string, LastError>;
  /** Conflict copies of file-sync tools met beside a location: those left alone, the last ones merged. */
  conflictCopies?: ConflictCopyRecord[];
}

export interface ConflictCopyRecord {
  file: string;
  tool: string;
  /** sha256 of its bytes: one left alone is not decrypted again until it changes. */
  rev: string;
  at: string;
  outcome: 'merged' | 'left alone';
  reason?: string;
  /** Where a merged one was moved (under the state folder's backups). */
  movedTo?: string;
}

const isLocation = (x: unknown): boolean => isRecord(x) && typeof x['rev'] === 'string' && typeof x['digest'] === 'string';

/** The shape the sync relies on (what it reads without checking again), not every optional detail. */
function isVaultState(x: unknown): x is VaultState {
  if (!isRecord(x) || x['version'] !== 1) return false;
  const { copies, primary, errors, conflictCopies } = x;
  return (
    isRecord(copies) &&
    Object.values(copies).every(isLocation) &&
    (primary === undefined || isLocation(primary)) &&
    (errors === undefined || isRecord(errors)) &&
    (conflictCopies === undefined || Array.isArray(conflictCopies))
  );
}

function emptyState(): VaultState {
  return { version: 1, copies: {} };
}

function vaultStateFile(stateDir: string, vault: string): string {
  return path.join(stateDir, 'vaults', `${vault}.json`);
}

export async function readVaultState(stateDir: string, vault: string): Promise<VaultState> {
  try {
    // Another version of ssot may have written it, or a hand or a disk damaged it: only a
    // version 1 state of the right shape is read as one; anything else is a first sync.
    const parsed: unknown = JSON.parse(await fs.readFile(vaultStateFile(stateDir, vault), 'utf8'));
    return isVaultState(parsed) ? { ...emptyState(), ...parsed } : emptyState();
  } catch (e) {
    // A missing or unreadable state is a first sync: every copy counts as changed and is merged. Nothing is lost.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof SyntaxError) return emptyState();
    throw e;
  }
}

export async function writeVaultState(stateDir: string, vault: string, s: VaultState): Promise<void> {
  await ensurePrivateDir(path.dirname(vaultStateFile(stateDir, vault)));
  await writeJsonAtomic(vaultStateFile(stateDir, vault), s, { mode: 0o600 });
}

/**
 * Record a failure of a whole sync (it stopped before writing anything): the
 * location it belongs to when known, else the vault as a whole.
 */
export async function recordVaultError(stateDir: string, vault: string, error: { code: string; message: string }, location = VAULT_WIDE): Promise<void> {
  const s = await readVaultState(stateDir, vault);
  const at = new Date().toISOString();
  await writeVaultState(stateDir, vault, {
    ...s,
    lastSync: { at, outcome: 'error', conflicts: 0 },
    errors: { ...s.errors, [location]: { code: error.code, message: error.message, at } },
  });
}
