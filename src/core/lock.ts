import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, SsotError } from './errors.js';
import { processAlive } from './process.js';

/**
 * An inter-process lock (one per database), kept in the state folder, never
 * beside a synced .kdbx. The lock file is created with O_EXCL; it holds the
 * holder's pid, host and start time. A lock from this host whose pid is dead,
 * or older than `staleMs`, is stale and taken over.
 */
interface LockInfo {
  pid: number;
  host: string;
  time: string;
  command: string;
}

export interface Lock {
  release(): Promise<void>;
}

const STALE_MS = 30 * 60_000; // a sync never holds a lock this long; restic uses the same bound

export async function acquireLock(
  file: string,
  opts: { command?: string; waitMs?: number; staleMs?: number } = {},
): Promise<Lock> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const info: LockInfo = { pid: process.pid, host: os.hostname(), time: new Date().toISOString(), command: opts.command ?? 'ssot' };
  const deadline = Date.now() + (opts.waitMs ?? 0);
  for (;;) {
    try {
      const fh = await fs.open(file, 'wx', 0o600);
      await fh.writeFile(JSON.stringify(info));
      await fh.close();
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          await fs.rm(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readLock(file);
    if (!holder || isStale(holder, opts.staleMs ?? STALE_MS)) {
      // Take over by removing; a racing taker fails its O_EXCL create and loops.
      await fs.rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new SsotError(ErrorCode.Locked, `locked by pid ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.time})`, {
        hint: `wait for it to finish; if no such process runs, remove ${file}`,
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

function isStale(l: LockInfo, staleMs: number): boolean {
  if (Date.now() - Date.parse(l.time) > staleMs) return true;
  if (l.host !== os.hostname()) return false;
  return !processAlive(l.pid);
}
