import path from 'node:path';
import type { Copy } from './copies/copy.js';
import { ConflictCopies, type ConflictPlace } from './conflict-copies.js';
import { removeStaleTemps } from './stale-temps.js';
import type { VaultState } from './state.js';

/**
 * What lies beside the primary and each folder copy, looked at before a sync:
 * ssot's own stale temp files are removed (listed under --dry-run), and the
 * conflict copies of file-sync tools are found for the merge.
 */
export interface Beside {
  conflictCopies: ConflictCopies;
  staleTemps: string[];
}

export async function lookBeside(
  primary: ConflictPlace,
  o: { copies: readonly Copy[]; dryRun?: boolean | undefined; otherVaultFiles?: readonly string[] | undefined },
  state: VaultState,
): Promise<Beside> {
  const places: ConflictPlace[] = [primary, ...o.copies.flatMap((c) => (c.localFile ? [{ location: c.id, file: c.localFile }] : []))].map((p) => ({
    ...p,
    file: path.resolve(p.file),
  }));
  const staleTemps = await removeStaleTemps(
    places.map((p) => p.file),
    { dryRun: o.dryRun === true },
  );
  // Never taken for a conflict copy: a file this vault or another one is configured to use.
  const skip = new Set([...places.map((p) => p.file), ...(o.otherVaultFiles ?? []).map((f) => path.resolve(f))]);
  return { conflictCopies: await ConflictCopies.find(places, skip, state), staleTemps };
}
