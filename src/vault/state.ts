import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import { ensurePrivateDir } from '../core/paths.js';

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
  /** The last error met on this location, cleared by a successful sync. */
  lastError?: { code: string; message: string; at: string };
}

export interface VaultState {
  version: 1;
  rootUuid?: string;
  primary?: LocationState;
  copies: Record<string, LocationState>;
  lastSync?: { at: string; outcome: 'ok' | 'error'; conflicts: number };
}

export function emptyState(): VaultState {
  return { version: 1, copies: {} };
}

export function vaultStateFile(stateDir: string, vault: string): string {
  return path.join(stateDir, 'vaults', `${vault}.json`);
}

export async function readVaultState(stateDir: string, vault: string): Promise<VaultState> {
  try {
    const parsed = JSON.parse(await fs.readFile(vaultStateFile(stateDir, vault), 'utf8')) as VaultState;
    return parsed.version === 1 ? { ...emptyState(), ...parsed } : emptyState();
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
