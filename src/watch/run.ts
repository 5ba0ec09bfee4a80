import type { EventEmitter } from 'node:events';
import type { Logger } from './log.js';
import { startWatcher, type WatchableConfig, type Watcher, type WatcherOptions } from './watcher.js';

/**
 * `ssot watch` as a function: start the watcher, run until SIGTERM or SIGINT,
 * then stop taking work, let the step in flight finish and resolve 0.
 * A second signal aborts the step in flight (it is still awaited, so nothing
 * is left half-written); SIGHUP reloads the config.
 *
 * No process.exit() here: the caller returns the code and Node exits once the
 * watchers and timers are closed, so a log line is never cut off.
 */

export interface RunWatchOptions<C extends WatchableConfig> extends WatcherOptions<C> {
  logger: Logger;
  /** Where signals come from (default: process). */
  signals?: Pick<EventEmitter, 'on' | 'off'>;
  /** After this long the step in flight is aborted (default 60 s, under systemd's TimeoutStopSec). */
  stopTimeoutMs?: number;
  onStarted?: (w: Watcher<C>) => void;
}

export async function runWatch<C extends WatchableConfig>(opts: RunWatchOptions<C>): Promise<number> {
  const signals = opts.signals ?? process;
  const log = opts.logger;
  let received: string | undefined;
  let wake: (() => void) | undefined;
  const stopRequested = new Promise<void>((r) => (wake = r));
  let watcher: Watcher<C> | undefined;

  const onStop = (sig: string): void => {
    if (received) {
      log.warn('second signal: aborting the step in flight', { signal: sig });
      void watcher?.scheduler.stop({ abortAfterMs: 0 });
      return;
    }
    received = sig;
    log.info('stopping: finishing the step in flight', { signal: sig });
    wake?.();
  };
  const onTerm = (): void => onStop('SIGTERM');
  const onInt = (): void => onStop('SIGINT');
  const onHup = (): void => {
    log.info('SIGHUP: reloading the config');
    void watcher?.reload().catch(() => undefined);
  };
  // Installed before the watcher starts: a signal during start-up still stops cleanly.
  signals.on('SIGTERM', onTerm);
  signals.on('SIGINT', onInt);
  signals.on('SIGHUP', onHup);
  try {
    log.info('watcher starting', { pid: process.pid, ...(opts.configFile ? { config: opts.configFile } : {}) });
    watcher = await startWatcher(opts);
    opts.onStarted?.(watcher);
    await stopRequested;
    await watcher.stop({ abortAfterMs: opts.stopTimeoutMs ?? 60_000 });
    log.info('watcher stopped', { signal: received });
    return 0;
  } finally {
    signals.off('SIGTERM', onTerm);
    signals.off('SIGINT', onInt);
    signals.off('SIGHUP', onHup);
  }
}
