import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import { ensurePrivateDir, stateDir } from '../core/paths.js';
import { processAlive } from '../core/process.js';
import type { TargetState } from './scheduler.js';

/**
 * `<state>/watch-status.json`: what the watcher is doing, for `ssot status`.
 * Written atomically (a reader never sees half a file) after state changes,
 * at most one write in flight and the last state always written.
 */

interface WatchStatus {
  version: 1;
  pid: number;
  host: string;
  startedAt: string;
  updatedAt: string;
  /** Set when the watcher exits cleanly. */
  stoppedAt?: string;
  configFile?: string;
  targets: TargetState[];
}

/** What `ssot status` shows: the file, plus whether its watcher still runs. */
export interface WatchStatusView extends WatchStatus {
  running: boolean;
}

export function defaultStatusFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), 'watch-status.json');
}

export interface StatusWriter {
  /** Record the targets' states; the write happens soon, coalesced. */
  update(targets: TargetState[]): void;
  /** Wait for pending writes. */
  flush(): Promise<void>;
  /** Final write with `stoppedAt`. */
  stopped(targets: TargetState[]): Promise<void>;
}

export function createStatusWriter(opts: {
  file?: string;
  configFile?: string;
  now?: () => Date;
  onError?: (err: unknown) => void;
}): StatusWriter {
  const file = opts.file ?? defaultStatusFile();
  const now = opts.now ?? (() => new Date());
  const base = {
    version: 1 as const,
    pid: process.pid,
    host: os.hostname(),
    startedAt: now().toISOString(),
    ...(opts.configFile ? { configFile: opts.configFile } : {}),
  };
  let latest: WatchStatus | undefined;
  let writing: Promise<void> | undefined;

  const pump = (): Promise<void> => {
    if (writing) return writing;
    writing = (async () => {
      while (latest) {
        const doc = latest;
        latest = undefined;
        try {
          await ensurePrivateDir(path.dirname(file));
          await writeJsonAtomic(file, doc, { mode: 0o600 });
        } catch (e) {
          opts.onError?.(e);
        }
      }
      writing = undefined;
    })();
    return writing;
  };

  return {
    update(targets) {
      latest = { ...base, updatedAt: now().toISOString(), targets };
      void pump();
    },
    async flush() {
      while (writing) await writing;
    },
    async stopped(targets) {
      const at = now().toISOString();
      latest = { ...base, updatedAt: at, stoppedAt: at, targets };
      await pump();
      while (writing) await writing;
    },
  };
}


/** Reads the status file; undefined when the watcher never ran here. */
export async function readWatchStatus(file = defaultStatusFile()): Promise<WatchStatusView | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isWatchStatus(doc)) return undefined;
  const running = !doc.stoppedAt && doc.host === os.hostname() && processAlive(doc.pid);
  return { ...doc, running };
}

/** One line per target for `ssot status`: last sync, its age, retry and error. */
export function describeTargets(status: WatchStatusView, now = Date.now()): string[][] {
  const rows: string[][] = [['target', 'last sync', 'state', 'last error']];
  for (const t of status.targets) {
    // The config "target" is only worth a line when a reload ran or failed.
    if (t.id === 'config' && t.runs === 0 && !t.lastError) continue;
    const last = t.lastSuccessAt ? `${formatAge(now - Date.parse(t.lastSuccessAt))} ago` : 'never';
    let state: string;
    if (!status.running) state = t.consecutiveFailures > 0 ? `failed ${t.consecutiveFailures}x` : 'stopped';
    else if (t.nextRetryAt) state = `retry in ${formatAge(Date.parse(t.nextRetryAt) - now)} (failed ${t.consecutiveFailures}x)`;
    else if (t.running) state = 'syncing';
    else if (t.consecutiveFailures > 0) state = `failed ${t.consecutiveFailures}x, waiting for a change`;
    else state = t.pending ? 'queued' : 'idle';
    rows.push([t.id, last, state, t.lastError ?? '']);
  }
  return rows;
}

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.round(h / 24)}d`;
}

/** A file this version wrote: another version's (or a torn) file reads as no status. */
function isWatchStatus(doc: unknown): doc is WatchStatus {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as Record<string, unknown>;
  return d['version'] === 1 && Array.isArray(d['targets']);
}
