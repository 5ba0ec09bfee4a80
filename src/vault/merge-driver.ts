import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../core/atomic.js';
import { ConfigError, ErrorCode } from '../core/errors.js';
import type { MergeSummary, VaultCodec, VaultDb } from './codec.js';

/**
 * `git merge` calls the driver with %O %A %B: base, ours (the result goes
 * here), theirs. A kdbx merge needs no base: entries carry their own times
 * and tombstones, so ours and theirs are merged entry by entry.
 */
export async function mergeKdbxFiles<D extends VaultDb>(codec: VaultCodec<D>, ours: string, theirs: string, label: string): Promise<MergeSummary> {
  const a = await codec.open(await fs.readFile(ours), `${label} (ours)`);
  const b = await codec.open(await fs.readFile(theirs), `${label} (theirs)`);
  if (a.rootUuid !== b.rootUuid) {
    throw new ConfigError(ErrorCode.NotSameDatabase, `${label}: the two sides are not copies of the same database`);
  }
  const report = codec.merge(a, b);
  await writeFileAtomic(ours, await a.save());
  return report;
}
