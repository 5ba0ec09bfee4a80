import { promises as fs } from 'node:fs';
import path from 'node:path';
import { processAlive } from '../core/process.js';

/**
 * ssot's own temp files left by a write that was killed before its rename
 * (src/core/atomic.ts names them `.<file>.<pid>.<8 hex>.tmp`, beside the file).
 * Only those names, and only once stale:
 * - never one of this process (a write of ours may be in flight);
 * - the writer is gone (no such process here) and the file has not been
 *   written to for STALE_DEAD_MS: on a NAS shared by two machines the PID may
 *   be another machine's writer, which the grace leaves to finish;
 * - or the file is older than STALE_ANY_MS whatever the PID says (PIDs are
 *   reused; no write takes that long).
 */
export const STALE_DEAD_MS = 2 * 60_000;
export const STALE_ANY_MS = 24 * 60 * 60_000;

export interface StaleTempOptions {
  now?: number;
  /** Whether a process of this id runs here (a seam for tests). */
  alive?: (pid: number) => boolean;
  /** Report only; remove nothing. */
  dryRun?: boolean;
}

/** Matches the temp files of `fileName` made by writeFileAtomic; group 1 is the writer's PID. */
function tempPattern(fileName: string): RegExp {
  return new RegExp(`^\\.${fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
}


/**
 * Removes (or, dry, lists) the stale temp files of each of `files` from its
 * folder. Returns their paths. A folder that cannot be read is skipped: the
 * copy's own read reports it.
 */
export async function removeStaleTemps(files: readonly string[], o: StaleTempOptions = {}): Promise<string[]> {
  const now = o.now ?? Date.now();
  const alive = o.alive ?? processAlive;
  const removed: string[] = [];
  for (const file of new Set(files)) {
    const dir = path.dirname(file);
    const re = tempPattern(path.basename(file));
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const pid = Number(re.exec(name)?.[1] ?? NaN);
      if (!Number.isSafeInteger(pid) || pid === process.pid) continue;
      const p = path.join(dir, name);
      const st = await fs.lstat(p).catch(() => null);
      if (!st?.isFile()) continue;
      const age = now - st.mtimeMs;
      if (age < STALE_ANY_MS && (age < STALE_DEAD_MS || alive(pid))) continue;
      // One that cannot be removed (gone already, a read-only mount) is left for the next sync.
      if (!o.dryRun && !(await fs.rm(p).then(() => true, () => false))) continue;
      removed.push(p);
    }
  }
  return removed;
}
