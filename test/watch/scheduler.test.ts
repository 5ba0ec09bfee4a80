import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, createScheduler, type Target } from '../../src/watch/scheduler.js';

/** A target whose runs are counted and can be held open until released. */
function gate(id: string, opts: { fail?: () => boolean } = {}) {
  const starts: number[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  let active = 0;
  let maxActive = 0;
  const target: Target = {
    id,
    run: async () => {
      starts.push(Date.now());
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        if (hold) await new Promise<void>((r) => (release = r));
        if (opts.fail?.()) throw new Error(`${id} failed: network down`);
      } finally {
        active--;
      }
    },
  };
  return {
    target,
    starts,
    hold(on: boolean) {
      hold = on;
    },
    release() {
      release?.();
      release = undefined;
    },
    get maxActive() {
      return maxActive;
    },
  };
}

describe('scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('debounces a burst of triggers into one run, debounceMs after the last one', async () => {
    const g = gate('docs');
    const s = createScheduler({ debounceMs: 2000 });
    s.setTargets([g.target]);
    s.trigger('docs', 'a');
    await vi.advanceTimersByTimeAsync(1500);
    s.trigger('docs', 'b');
    await vi.advanceTimersByTimeAsync(1500);
    s.trigger('docs', 'c');
    await vi.advanceTimersByTimeAsync(1999);
    expect(g.starts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(g.starts).toHaveLength(1);
    expect(s.states()[0]).toMatchObject({ id: 'docs', runs: 1, lastReason: 'c', consecutiveFailures: 0, pending: false });
    expect(s.states()[0]!.lastSuccessAt).toBeDefined();
  });

  it('debounces each target on its own', async () => {
    const a = gate('docs');
    const b = gate('tickets');
    const s = createScheduler({ debounceMs: 1000 });
    s.setTargets([a.target, b.target]);
    s.trigger('docs', 'x');
    await vi.advanceTimersByTimeAsync(600);
    s.trigger('tickets', 'y');
    await vi.advanceTimersByTimeAsync(400);
    expect([a.starts.length, b.starts.length]).toEqual([1, 0]);
    await vi.advanceTimersByTimeAsync(600);
    expect([a.starts.length, b.starts.length]).toEqual([1, 1]);
  });

  it('runs a target one at a time; triggers during a run coalesce into exactly one follow-up', async () => {
    const g = gate('vault:chronos');
    g.hold(true);
    const s = createScheduler({ debounceMs: 100 });
    s.setTargets([g.target]);
    s.trigger('vault:chronos', 'first', { immediate: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(g.starts).toHaveLength(1);
    expect(s.isRunning('vault:chronos')).toBe(true);
    for (let i = 0; i < 5; i++) {
      s.trigger('vault:chronos', `during ${i}`);
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(g.starts).toHaveLength(1);
    expect(s.states()[0]).toMatchObject({ running: true, pending: true });
    g.hold(false);
    g.release();
    await vi.advanceTimersByTimeAsync(99);
    expect(g.starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(g.starts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(g.starts).toHaveLength(2);
    expect(g.maxActive).toBe(1);
    expect(s.states()[0]).toMatchObject({ runs: 2, lastReason: 'during 4', pending: false, running: false });
  });

  it('retries a failing target with growing, capped, jittered backoff and recovers', async () => {
    let failures = 3;
    const g = gate('vault:chronos', { fail: () => failures-- > 0 });
    const seen: string[] = [];
    const s = createScheduler({
      debounceMs: 0,
      backoffBaseMs: 1000,
      backoffMaxMs: 3000,
      random: () => 1, // the longest wait the jitter allows
      onChange: (st) => {
        const e = st[0]!;
        if (e.nextRetryAt) seen.push(`${e.consecutiveFailures}@${e.nextRetryAt}`);
      },
    });
    s.setTargets([g.target]);
    s.trigger('vault:chronos', 'start', { immediate: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(s.states()[0]).toMatchObject({ consecutiveFailures: 1, lastError: 'vault:chronos failed: network down', pending: true });
    expect(s.states()[0]!.nextRetryAt).toBe('2026-01-01T00:00:01.000Z');
    await vi.advanceTimersByTimeAsync(999);
    expect(g.starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(g.starts).toHaveLength(2); // retry 1 after 1 s
    expect(s.states()[0]!.consecutiveFailures).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(g.starts).toHaveLength(3); // retry 2 after 2 s
    await vi.advanceTimersByTimeAsync(2999);
    expect(g.starts).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(g.starts).toHaveLength(4); // retry 3 capped at 3 s, and it succeeds
    const st = s.states()[0]!;
    expect(st).toMatchObject({ consecutiveFailures: 0, pending: false, runs: 4 });
    expect(st.lastError).toBeUndefined();
    expect(st.nextRetryAt).toBeUndefined();
    expect(st.lastErrorAt).toBe('2026-01-01T00:00:03.000Z');
    expect(st.lastSuccessAt).toBe('2026-01-01T00:00:06.000Z');
    expect(seen.length).toBeGreaterThanOrEqual(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(g.starts).toHaveLength(4);
  });

  it('keeps backing off when an event arrives during the wait, and does not retry what is not retryable', async () => {
    const g = gate('docs', { fail: () => true });
    const s = createScheduler({
      debounceMs: 10,
      backoffBaseMs: 5000,
      random: () => 0,
      retryable: (e) => !String(e).includes('conflict'),
    });
    s.setTargets([g.target]);
    s.trigger('docs', 'start', { immediate: true });
    await vi.advanceTimersByTimeAsync(0);
    s.trigger('docs', 'edit');
    await vi.advanceTimersByTimeAsync(100);
    expect(g.starts).toHaveLength(1); // the event did not cut the backoff short
    await vi.advanceTimersByTimeAsync(2400);
    expect(g.starts).toHaveLength(2); // base 5 s with jitter 0 -> 2.5 s

    const c = gate('tickets');
    c.target.run = async () => {
      c.starts.push(Date.now());
      throw new Error('conflict: edited in Jira');
    };
    s.setTargets([g.target, c.target]);
    s.trigger('tickets', 'note', { immediate: true });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(c.starts).toHaveLength(1);
    expect(s.states().find((x) => x.id === 'tickets')).toMatchObject({ consecutiveFailures: 1, pending: false });
    expect(s.states().find((x) => x.id === 'tickets')!.nextRetryAt).toBeUndefined();
    await s.stop();
  });

  it('stop() lets the run in flight finish, starts nothing new, and resolves when idle', async () => {
    const a = gate('vault:chronos');
    const b = gate('docs');
    a.hold(true);
    const s = createScheduler({ debounceMs: 500 });
    s.setTargets([a.target, b.target]);
    s.trigger('vault:chronos', 'x', { immediate: true });
    await vi.advanceTimersByTimeAsync(0);
    s.trigger('docs', 'y'); // debounced, not started
    s.trigger('vault:chronos', 'z'); // would be a follow-up
    let stoppedAt = 0;
    const done = s.stop().then(() => (stoppedAt = Date.now()));
    await vi.advanceTimersByTimeAsync(5000);
    expect(stoppedAt).toBe(0);
    a.hold(false);
    a.release();
    await done;
    expect(stoppedAt).toBe(new Date('2026-01-01T00:00:05Z').getTime());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(a.starts).toHaveLength(1);
    expect(b.starts).toHaveLength(0);
    expect(s.trigger('docs', 'late')).toBe(false);
  });

  it('stop() aborts the run in flight once its patience runs out, and still waits for it', async () => {
    let aborted = false;
    const t: Target = {
      id: 'vault:chronos',
      run: (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            setTimeout(resolve, 10);
          });
        }),
    };
    const s = createScheduler({ debounceMs: 0 });
    s.setTargets([t]);
    s.trigger(t.id, 'x', { immediate: true });
    await vi.advanceTimersByTimeAsync(0);
    let done = false;
    const p = s.stop({ abortAfterMs: 1000 }).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect([aborted, done]).toEqual([false, false]);
    await vi.advanceTimersByTimeAsync(11);
    await p;
    expect([aborted, done]).toEqual([true, true]);
  });

  it('setTargets keeps the state of a known target and drops a removed one', async () => {
    const g = gate('docs', { fail: () => true });
    const s = createScheduler({ debounceMs: 0, backoffBaseMs: 1000 });
    s.setTargets([g.target]);
    s.trigger('docs', 'x', { immediate: true });
    await vi.advanceTimersByTimeAsync(0);
    const calls: string[] = [];
    s.setTargets([{ id: 'docs', run: async () => void calls.push('new docs') }, { id: 'tickets', run: async () => undefined }]);
    expect(s.states().find((x) => x.id === 'docs')!.consecutiveFailures).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual(['new docs']); // the retry used the new run function
    s.setTargets([{ id: 'tickets', run: async () => undefined }]);
    expect(s.states().map((x) => x.id)).toEqual(['tickets']);
    expect(s.trigger('docs', 'gone')).toBe(false);
  });

  it('idle() resolves once debounced and running work is done', async () => {
    const g = gate('docs');
    const s = createScheduler({ debounceMs: 300 });
    s.setTargets([g.target]);
    s.trigger('docs', 'x');
    let idle = false;
    void s.idle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(299);
    expect(idle).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(idle).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base, is capped, and its jitter stays within [half, full]', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, 5000, 300_000, () => 1))).toEqual([5000, 10_000, 20_000, 40_000, 300_000]);
    expect(backoffDelay(3, 5000, 300_000, () => 0)).toBe(10_000);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(4, 5000, 300_000);
      expect(d).toBeGreaterThanOrEqual(20_000);
      expect(d).toBeLessThanOrEqual(40_000);
    }
  });
});
