import path from 'node:path';
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import { ExitCode, formatPlace, isSsotError } from '../core/errors.js';
import { sha256File } from '../core/hash.js';
import { redactor } from '../core/redact.js';
import type { Logger } from './log.js';
import { createScheduler, type RunReport, type Scheduler, type Target, type TargetState } from './scheduler.js';
import { createStatusWriter, type StatusWriter } from './status-file.js';

/**
 * The watcher: file events become debounced per-target syncs.
 *
 * - A single file (a vault's primary, the config) is watched through its
 *   FOLDER, filtered to its name: KeePassXC saves by writing a temp file and
 *   renaming it over the database, and a watch on the file itself dies with
 *   the first save.
 * - A folder (docs root, notes) is watched recursively.
 * - Our own writes are ignored by content: the hash of each path is recorded
 *   after its target runs, and an event whose file still has that hash (our
 *   write, a no-op save, a touch) triggers nothing.
 * - Remotes are polled every `watch.pollRemotesMinutes` (targets marked
 *   `poll`), so an edit made on another machine reaches the primary.
 * - The config file reloads itself: a config that does not load is logged and
 *   the old one kept.
 */

const CONFIG_TARGET = 'config';

export interface WatchPath {
  path: string;
  /** The target id a change here triggers. */
  target: string;
  /** `file`: watched through its folder, filtered by name. `dir`: watched recursively. */
  kind: 'file' | 'dir';
  /** A `file`'s other names in its folder that count as a change of it (conflict copies a file-sync tool leaves beside it). */
  siblings?: (name: string) => boolean;
}

/** Whether a change at `p` concerns the watched path `wp`. */
function concerns(wp: WatchPath, p: string): boolean {
  if (wp.kind === 'dir') return p === wp.path || p.startsWith(wp.path + path.sep);
  return p === wp.path || (wp.siblings !== undefined && path.dirname(p) === path.dirname(wp.path) && wp.siblings(path.basename(p)));
}

export interface WatchableConfig {
  watch?: { debounceMs?: number; pollRemotesMinutes?: number } | undefined;
}

export interface WatcherOptions<C extends WatchableConfig> {
  loadConfig: () => Promise<C>;
  targetsFor: (config: C) => Target[];
  pathsFor: (config: C) => WatchPath[];
  logger: Logger;
  /** Watched, and reloaded on change. */
  configFile?: string;
  /** The status file for `ssot status`; false: none. */
  statusFile?: string | false;
  /** Sync every target once at start (default true). */
  initialSync?: boolean;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  retryable?: (err: unknown) => boolean;
  random?: () => number;
  /** Chokidar's polling backend (network filesystems); default native events. */
  usePolling?: boolean;
}

export interface Watcher<C> {
  readonly scheduler: Scheduler;
  config(): C;
  /** Re-read the config soon (as a change of the file would). */
  reload(): Promise<void>;
  /** The watched paths, after the last (re)load. */
  paths(): WatchPath[];
  states(): TargetState[];
  /** Stop watching, let the step in flight finish; resolves when idle and the status file is final. */
  stop(opts?: { abortAfterMs?: number }): Promise<void>;
}

const DEFAULT_DEBOUNCE_MS = 2000;
const DEFAULT_POLL_MINUTES = 10;

/** Config, credential and conflict errors wait for the next change: retrying cannot fix them. */
export function defaultRetryable(err: unknown): boolean {
  return !(isSsotError(err) && (err.exitCode === ExitCode.USAGE || err.exitCode === ExitCode.CONFLICT));
}

/** The one line kept in the status file: the place when known, values redacted. */
export function describeError(err: unknown): string {
  const msg = isSsotError(err) && err.place ? `${formatPlace(err.place)}: ${err.message}` : err instanceof Error ? err.message : String(err);
  return redactor.redact(msg);
}

async function hashFile(p: string): Promise<string | null> {
  try {
    return await sha256File(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'EISDIR') return 'dir';
    throw e;
  }
}

/** Editor swap files, our own atomic-write temp files, git internals. */
function noise(p: string): boolean {
  const b = path.basename(p);
  return b === '.git' || p.includes(`${path.sep}.git${path.sep}`) || b.endsWith('.swp') || b.endsWith('~') || /^\..*\.tmp$/.test(b);
}

export async function startWatcher<C extends WatchableConfig>(opts: WatcherOptions<C>): Promise<Watcher<C>> {
  const log = opts.logger;
  let config = await opts.loadConfig();
  let watchPaths: WatchPath[] = [];
  let fsWatchers: FSWatcher[] = [];
  let pathsKey = '';
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let pollMinutes = -1;
  let stopping = false;
  /** Content hash of each path as of its target's last run (or the last event that triggered). */
  const known = new Map<string, string | null>();
  /** Paths that changed while their target was running: settled when it ends. */
  const duringRun = new Map<string, Set<string>>();

  const status: StatusWriter | undefined =
    opts.statusFile === false
      ? undefined
      : createStatusWriter({
          ...(opts.statusFile ? { file: opts.statusFile } : {}),
          ...(opts.configFile ? { configFile: opts.configFile } : {}),
          onError: (e) => log.warn('cannot write the status file', { error: e }),
        });

  const debounceOf = (c: C): number => c.watch?.debounceMs ?? DEFAULT_DEBOUNCE_MS;

  const scheduler = createScheduler({
    debounceMs: debounceOf(config),
    retryable: opts.retryable ?? defaultRetryable,
    describeError,
    ...(opts.backoffBaseMs !== undefined ? { backoffBaseMs: opts.backoffBaseMs } : {}),
    ...(opts.backoffMaxMs !== undefined ? { backoffMaxMs: opts.backoffMaxMs } : {}),
    ...(opts.random ? { random: opts.random } : {}),
    onChange: (states) => status?.update(states),
    onRunStart: (id, reason) => log.info('sync start', { target: id, reason }),
    onRunEnd: async (id, r) => {
      await settleOwnWrites(id, r.report, r.ok);
      if (r.ok) log.info('sync done', { target: id, ms: r.ms });
      else {
        const st = scheduler.states().find((s) => s.id === id);
        log.error('sync failed', {
          target: id,
          ms: r.ms,
          error: r.error,
          consecutiveFailures: st?.consecutiveFailures,
          retry: opts.retryable ? opts.retryable(r.error) : defaultRetryable(r.error),
        });
      }
    },
  });

  /**
   * After a run: what its paths hold now is ours (or already synced), not a
   * change to react to; except a file whose content differs from what the run
   * reports it left it at: someone saved it after the run read or wrote it
   * (KeePassXC, while the sync was writing the copies), and that needs a run.
   * A target that watches a folder and reports nothing (docs, notes) cannot
   * tell its writes from a save that landed while it ran: a file there whose
   * content moved during a successful run makes one more run. The parts are
   * idempotent, so that run finds the save or writes nothing, and it ends there.
   */
  async function settleOwnWrites(id: string, report: RunReport | undefined, ok: boolean): Promise<void> {
    const during = duringRun.get(id) ?? new Set<string>();
    const settle = new Set(during);
    duringRun.delete(id);
    const inWatchedFolder = (p: string): boolean => watchPaths.some((wp) => wp.target === id && wp.kind === 'dir' && concerns(wp, p));
    let theirs: string | undefined;
    for (const wp of watchPaths) {
      if (wp.target !== id || wp.kind !== 'file') continue;
      settle.add(wp.path);
      // A sibling the run moved away (a merged conflict copy): its removal is the run's, not news.
      for (const p of known.keys()) if (concerns(wp, p)) settle.add(p);
    }
    for (const p of settle) {
      try {
        const h = await hashFile(p);
        const before = known.get(p);
        known.set(p, h);
        const left = report?.left[p];
        const changedByOthers = report ? left !== undefined && h !== left : ok && h !== 'dir' && during.has(p) && h !== before && inWatchedFolder(p);
        if (changedByOthers) theirs ??= p;
      } catch (e) {
        log.warn('cannot read a watched file', { path: p, error: e });
      }
    }
    if (theirs !== undefined && !stopping) {
      log.debug('changed while its sync ran', { path: theirs, target: id });
      scheduler.trigger(id, `change during the last sync ${theirs}`);
    }
  }

  const configTarget: Target | undefined = opts.configFile ? { id: CONFIG_TARGET, run: () => reload() } : undefined;

  const allTargets = (c: C): Target[] => {
    const ts = opts.targetsFor(c).filter((t) => t.id !== CONFIG_TARGET);
    return configTarget ? [...ts, configTarget] : ts;
  };

  const allPaths = (c: C): WatchPath[] => {
    const ps = opts.pathsFor(c).map((p) => ({ ...p, path: path.resolve(p.path) }));
    if (opts.configFile && !ps.some((p) => p.target === CONFIG_TARGET)) {
      ps.push({ path: path.resolve(opts.configFile), target: CONFIG_TARGET, kind: 'file' });
    }
    return ps;
  };

  async function onEvent(event: string, raw: string): Promise<void> {
    if (stopping || event === 'addDir') return;
    const p = path.resolve(raw);
    const targets = new Set<string>();
    for (const wp of watchPaths) if (concerns(wp, p)) targets.add(wp.target);
    if (targets.size === 0) return;
    const idle: string[] = [];
    for (const t of targets) {
      if (scheduler.isRunning(t)) {
        // Probably our own write: decided by content once the run ends.
        let set = duringRun.get(t);
        if (!set) duringRun.set(t, (set = new Set()));
        set.add(p);
      } else idle.push(t);
    }
    if (idle.length === 0) return;
    let h: string | null;
    try {
      h = await hashFile(p);
    } catch (e) {
      log.warn('cannot read a changed file', { path: p, error: e });
      h = null;
    }
    if (h === 'dir') return;
    if (known.has(p) && known.get(p) === h) {
      log.debug('unchanged content, ignored', { path: p, event });
      return;
    }
    known.set(p, h);
    log.debug('change', { path: p, event, targets: idle });
    for (const t of idle) scheduler.trigger(t, `${event} ${p}`);
  }

  async function closeFsWatchers(): Promise<void> {
    const old = fsWatchers;
    fsWatchers = [];
    await Promise.all(old.map((w) => w.close().catch(() => undefined)));
  }

  async function watchAll(ps: WatchPath[]): Promise<void> {
    const key = JSON.stringify([...ps].map((p) => `${p.kind}:${p.target}:${p.path}`).sort());
    watchPaths = ps;
    if (key === pathsKey) return;
    pathsKey = key;
    await closeFsWatchers();
    const byFolder = new Map<string, WatchPath[]>();
    const dirs = new Set<string>();
    for (const wp of ps) {
      if (wp.kind === 'dir') dirs.add(wp.path);
      else {
        const dir = path.dirname(wp.path);
        byFolder.set(dir, [...(byFolder.get(dir) ?? []), wp]);
      }
    }
    const common = { ignoreInitial: true, persistent: true, ...(opts.usePolling ? { usePolling: true } : {}) };
    const started: Promise<void>[] = [];
    const add = (w: FSWatcher): void => {
      fsWatchers.push(w);
      w.on('all', (event, p) => void onEvent(event, p));
      w.on('error', (e) => log.warn('watch error', { error: e }));
      started.push(new Promise<void>((r) => w.once('ready', () => r())));
    };
    for (const [dir, files] of byFolder) {
      add(
        chokidarWatch(dir, {
          ...common,
          depth: 0,
          ignored: (p: string) => path.resolve(p) !== dir && !files.some((wp) => concerns(wp, path.resolve(p))),
        }),
      );
    }
    for (const dir of dirs) add(chokidarWatch(dir, { ...common, ignored: (p: string) => noise(p) }));
    await Promise.all(started);
    log.info('watching', { paths: ps.map((p) => ({ path: p.path, target: p.target, kind: p.kind })) });
  }

  function setPoll(c: C): void {
    const minutes = c.watch?.pollRemotesMinutes ?? DEFAULT_POLL_MINUTES;
    if (minutes === pollMinutes) return;
    pollMinutes = minutes;
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = undefined;
    if (minutes > 0) pollTimer = setInterval(() => scheduler.triggerPolled('poll remotes'), minutes * 60_000);
  }

  async function apply(c: C, reason: string): Promise<void> {
    config = c;
    scheduler.setDebounce(debounceOf(c));
    const targets = allTargets(c);
    scheduler.setTargets(targets);
    await watchAll(allPaths(c));
    setPoll(c);
    for (const t of targets) if (t.id !== CONFIG_TARGET) scheduler.trigger(t.id, reason, { immediate: reason === 'start' });
  }

  async function reload(): Promise<void> {
    let next: C;
    try {
      next = await opts.loadConfig();
    } catch (e) {
      log.error('config not reloaded; the previous one stays in use', { error: e });
      throw e;
    }
    if (stopping) return;
    log.info('config reloaded');
    await apply(next, 'config changed');
  }

  scheduler.setDebounce(debounceOf(config));
  if (opts.initialSync === false) {
    scheduler.setTargets(allTargets(config));
    await watchAll(allPaths(config));
    setPoll(config);
  } else {
    await apply(config, 'start');
  }

  return {
    scheduler,
    config: () => config,
    // Through the scheduler when the config is a target, so two reloads never overlap.
    reload: async () => {
      if (configTarget) scheduler.trigger(CONFIG_TARGET, 'reload requested', { immediate: true });
      else await reload();
    },
    paths: () => [...watchPaths],
    states: () => scheduler.states(),
    async stop(sopts = {}) {
      stopping = true;
      if (pollTimer) clearInterval(pollTimer);
      pollTimer = undefined;
      await closeFsWatchers();
      await scheduler.stop(sopts);
      await status?.stopped(scheduler.states());
    },
  };
}
