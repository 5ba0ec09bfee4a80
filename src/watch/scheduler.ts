/**
 * Per-target scheduling for the watcher. A burst of file events becomes one
 * run (debounce); a target never runs twice at once (a trigger during a run
 * asks for exactly one follow-up run after it); a failed run is retried with
 * exponential backoff and jitter, because the network being down is normal.
 * The state of every target is kept for `ssot status`.
 *
 * Only setTimeout/clearTimeout and Date.now are used, so fake timers drive it.
 */

export interface Target {
  /** `vault:chronos`, `docs`, `tickets`, `config`, ... */
  id: string;
  /**
   * One sync of this target. The signal is aborted only when a stop runs out of patience.
   * It may report the content it left each file at (RunReport), so that a file
   * changed by someone else while it ran is told apart from its own write.
   */
  run: (signal: AbortSignal) => Promise<void> | Promise<RunReport>;
  /** Triggered by the periodic remote poll (vaults: edits made on another machine). */
  poll?: boolean;
}

/** What a run left behind: sha256 hex of each file's content by absolute path (null: no file). */
export interface RunReport {
  left: Record<string, string | null>;
}

export interface TargetState {
  id: string;
  running: boolean;
  /** A run is waiting: debounced, queued behind the current run, or a retry. */
  pending: boolean;
  runs: number;
  lastReason?: string;
  lastRunAt?: string;
  lastRunMs?: number;
  lastSuccessAt?: string;
  lastError?: string;
  lastErrorAt?: string;
  consecutiveFailures: number;
  /** When the next retry after a failure runs (ISO time); absent when none is scheduled. */
  nextRetryAt?: string;
}

export interface SchedulerOptions {
  debounceMs: number;
  /** First retry delay; doubles with each consecutive failure. */
  backoffBaseMs?: number;
  /** Longest wait between retries. */
  backoffMaxMs?: number;
  /** Is this failure worth retrying by itself? A config or conflict error waits for the next trigger instead. */
  retryable?: (err: unknown) => boolean;
  /** Turns an error into the one line kept in the state (values already redacted by the caller's logger). */
  describeError?: (err: unknown) => string;
  random?: () => number;
  /** Called after every state change (the status file is written from here). */
  onChange?: (states: TargetState[]) => void;
  /** Called when a run ends, before any follow-up is scheduled. */
  onRunEnd?: (id: string, result: { ok: boolean; error?: unknown; ms: number; report?: RunReport }) => void | Promise<void>;
  onRunStart?: (id: string, reason: string) => void;
}

interface TriggerOptions {
  /** Skip the debounce (start-up sync, a poll). */
  immediate?: boolean;
}

export interface Scheduler {
  /** Sets the targets; a target with a known id keeps its state and gets the new run function. */
  setTargets(targets: readonly Target[]): void;
  setDebounce(ms: number): void;
  trigger(id: string, reason: string, opts?: TriggerOptions): boolean;
  /** Triggers every target marked `poll`. */
  triggerPolled(reason: string): void;
  isRunning(id: string): boolean;
  states(): TargetState[];
  /** Resolves when no run is in flight and none is waiting to start now. */
  idle(): Promise<void>;
  /**
   * No new runs; the runs in flight finish. After `abortAfterMs` their signals
   * are aborted (they still are awaited). Resolves when nothing runs.
   */
  stop(opts?: { abortAfterMs?: number }): Promise<void>;
  readonly stopped: boolean;
}

interface Slot {
  target: Target;
  state: TargetState;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The timer is a retry after a failure, not a debounce. */
  timerIsRetry: boolean;
  followUp: boolean;
  followUpReason: string;
  inFlight: Promise<void> | undefined;
  abort: AbortController | undefined;
  removed: boolean;
}

const DEFAULT_BASE_MS = 5_000;
const DEFAULT_MAX_MS = 5 * 60_000;

/** The wait before retry number `failures` (1-based): exponential, capped, with "equal jitter" so it never collapses to 0. */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export function createScheduler(opts: SchedulerOptions): Scheduler {
  let debounceMs = opts.debounceMs;
  const baseMs = opts.backoffBaseMs ?? DEFAULT_BASE_MS;
  const maxMs = opts.backoffMaxMs ?? DEFAULT_MAX_MS;
  const random = opts.random ?? Math.random;
  const retryable = opts.retryable ?? (() => true);
  const describeError = opts.describeError ?? ((e: unknown) => (e instanceof Error ? e.message : String(e)));
  const slots = new Map<string, Slot>();
  let stopped = false;
  let idleWaiters: (() => void)[] = [];

  const iso = (ms: number): string => new Date(ms).toISOString();
  const changed = (): void => {
    opts.onChange?.(states());
    if (isIdle()) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const f of w) f();
    }
  };
  const isIdle = (): boolean => [...slots.values()].every((s) => !s.inFlight && !(s.timer && !s.timerIsRetry));

  function clearTimer(s: Slot): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = undefined;
    s.timerIsRetry = false;
  }

  function schedule(s: Slot, delayMs: number, reason: string, isRetry: boolean): void {
    clearTimer(s);
    s.state.pending = true;
    s.timerIsRetry = isRetry;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      s.timerIsRetry = false;
      start(s, reason);
    }, delayMs);
  }

  function start(s: Slot, reason: string): void {
    if (stopped || s.removed) {
      s.state.pending = false;
      changed();
      return;
    }
    const t0 = Date.now();
    const abort = new AbortController();
    s.abort = abort;
    s.state.running = true;
    s.state.pending = false;
    s.state.runs++;
    s.state.lastReason = reason;
    s.state.lastRunAt = iso(t0);
    delete s.state.nextRetryAt;
    opts.onRunStart?.(s.target.id, reason);
    changed();
    const target = s.target;
    s.inFlight = (async () => {
      let ok = true;
      let error: unknown;
      let report: RunReport | undefined;
      try {
        report = (await target.run(abort.signal)) ?? undefined;
      } catch (e) {
        ok = false;
        error = e;
      }
      const end = Date.now();
      s.state.lastRunMs = end - t0;
      if (ok) {
        s.state.lastSuccessAt = iso(end);
        s.state.consecutiveFailures = 0;
        delete s.state.lastError;
      } else {
        s.state.consecutiveFailures++;
        s.state.lastError = describeError(error);
        s.state.lastErrorAt = iso(end);
      }
      try {
        await opts.onRunEnd?.(target.id, ok ? { ok, ms: end - t0, ...(report ? { report } : {}) } : { ok, error, ms: end - t0 });
      } catch {
        // A broken observer must not wedge the target.
      }
      s.state.running = false;
      s.abort = undefined;
      s.inFlight = undefined;
      afterRun(s, ok, error);
    })();
  }

  function afterRun(s: Slot, ok: boolean, error: unknown): void {
    if (stopped || s.removed) {
      s.followUp = false;
      s.state.pending = false;
      if (s.removed && slots.get(s.state.id) === s) slots.delete(s.state.id);
      changed();
      return;
    }
    if (!ok && retryable(error)) {
      // The retry covers any trigger that came in during the run.
      s.followUp = false;
      const wait = backoffDelay(s.state.consecutiveFailures, baseMs, maxMs, random);
      s.state.nextRetryAt = iso(Date.now() + wait);
      schedule(s, wait, 'retry', true);
    } else if (s.followUp) {
      s.followUp = false;
      schedule(s, debounceMs, s.followUpReason, false);
    } else {
      s.state.pending = false;
    }
    changed();
  }

  function trigger(id: string, reason: string, topts: TriggerOptions = {}): boolean {
    const s = slots.get(id);
    if (stopped || !s) return false;
    if (s.inFlight) {
      // Exactly one follow-up, however many triggers arrive during the run.
      s.followUp = true;
      s.followUpReason = reason;
      s.state.pending = true;
    } else if (s.timer && s.timerIsRetry && !topts.immediate) {
      // Backing off: the retry will run anyway; an event must not hammer a remote that is down.
      s.state.lastReason = reason;
    } else {
      schedule(s, topts.immediate ? 0 : debounceMs, reason, false);
    }
    changed();
    return true;
  }

  function states(): TargetState[] {
    return [...slots.values()].filter((s) => !s.removed).map((s) => ({ ...s.state }));
  }

  return {
    get stopped() {
      return stopped;
    },
    setTargets(targets) {
      const ids = new Set(targets.map((t) => t.id));
      for (const [id, s] of slots) {
        if (!ids.has(id)) {
          s.removed = true;
          clearTimer(s);
          // A removed target that is running finishes; its slot goes when it ends.
          if (!s.inFlight) slots.delete(id);
        }
      }
      for (const t of targets) {
        const s = slots.get(t.id);
        if (s) {
          // Known (or removed but still running): keep its state, so it never runs twice at once.
          s.removed = false;
          s.target = t;
        } else {
          slots.set(t.id, {
            target: t,
            state: { id: t.id, running: false, pending: false, runs: 0, consecutiveFailures: 0 },
            timer: undefined,
            timerIsRetry: false,
            followUp: false,
            followUpReason: '',
            inFlight: undefined,
            abort: undefined,
            removed: false,
          });
        }
      }
      changed();
    },
    setDebounce(ms) {
      debounceMs = ms;
    },
    trigger,
    triggerPolled(reason) {
      for (const s of slots.values()) if (s.target.poll && !s.removed) trigger(s.target.id, reason, { immediate: true });
    },
    isRunning(id) {
      return Boolean(slots.get(id)?.inFlight);
    },
    states,
    idle() {
      if (isIdle()) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },
    async stop(sopts = {}) {
      stopped = true;
      for (const s of slots.values()) {
        clearTimer(s);
        s.followUp = false;
        s.state.pending = false;
        delete s.state.nextRetryAt;
      }
      changed();
      const inFlight = [...slots.values()].map((s) => s.inFlight).filter((p): p is Promise<void> => p !== undefined);
      if (inFlight.length === 0) return;
      let abortTimer: ReturnType<typeof setTimeout> | undefined;
      if (sopts.abortAfterMs !== undefined) {
        abortTimer = setTimeout(() => {
          for (const s of slots.values()) s.abort?.abort(new Error('the watcher is stopping'));
        }, sopts.abortAfterMs);
      }
      await Promise.all(inFlight);
      if (abortTimer) clearTimeout(abortTimer);
      for (const [id, s] of slots) if (s.removed) slots.delete(id);
      changed();
    },
  };
}
