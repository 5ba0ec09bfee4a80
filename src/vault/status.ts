import type { VaultConfig } from '../config/schema.js';
import { readVaultState } from './state.js';

/** What `ssot status` shows of a vault, from the state alone: no decryption, no network. */
export interface VaultLocationStatus {
  vault: string;
  location: string;
  lastSync?: string;
  ageSeconds?: number;
  agrees: boolean;
  lastError?: { code: string; message: string; at: string };
}

export async function vaultStatus(v: VaultConfig, copyIds: string[], stateDir: string, now = Date.now()): Promise<VaultLocationStatus[]> {
  const s = await readVaultState(stateDir, v.name);
  const ref = s.primary?.digest;
  const row = (location: string, ls: { digest: string; syncedAt: string; lastError?: VaultLocationStatus['lastError'] } | undefined): VaultLocationStatus => ({
    vault: v.name,
    location,
    ...(ls ? { lastSync: ls.syncedAt, ageSeconds: Math.round((now - Date.parse(ls.syncedAt)) / 1000) } : {}),
    agrees: ls !== undefined && ls.digest === ref,
    ...(ls?.lastError ? { lastError: ls.lastError } : {}),
  });
  return [row('primary', s.primary), ...copyIds.map((id) => row(id, s.copies[id]))];
}

export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined) return 'never';
  if (seconds < 90) return `${seconds}s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 129600) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86400)}d ago`;
}
