import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { createLogger, defaultLogFile } from '../../src/watch/log.js';
import { createStatusWriter, describeTargets, formatAge, readWatchStatus } from '../../src/watch/status-file.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-log-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const readLines = async (f: string): Promise<Record<string, unknown>[]> =>
  (await fs.readFile(f, 'utf8'))
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('watch log', () => {
  it('writes JSON lines at or above its level, mode 0600, under the state folder by default', async () => {
    expect(defaultLogFile({ XDG_STATE_HOME: '/var/x' })).toBe('/var/x/ssot/logs/watch.log');
    const file = path.join(dir, 'logs', 'watch.log');
    const log = createLogger({ file, level: 'info', now: () => new Date('2026-01-02T03:04:05Z') });
    log.debug('not shown');
    log.info('sync done', { target: 'docs', ms: 12 });
    log.error('sync failed', { target: 'vault:chronos', error: new Error('boom') });
    log.close();
    expect(await readLines(file)).toEqual([
      { time: '2026-01-02T03:04:05.000Z', level: 'info', msg: 'sync done', target: 'docs', ms: 12 },
      { time: '2026-01-02T03:04:05.000Z', level: 'error', msg: 'sync failed', target: 'vault:chronos', error: { name: 'Error', message: 'boom' } },
    ]);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
  });

  it('redacts every value it knows is secret: in messages, fields, nested objects, errors and its echo', async () => {
    const r = new Redactor();
    const secret = 'hunter2-"quoted"-s3cr3t'; // ssot:allow: a made-up test value
    r.add(secret);
    const file = path.join(dir, 'watch.log');
    let echoed = '';
    const log = createLogger({ file, redactor: r, echo: 'json', stdout: { write: (s: string) => (echoed += s) } });
    log.warn(`token ${secret} refused`, { deep: { list: [secret, { v: `x${secret}y` }] }, error: new Error(`bad ${secret}`) });
    log.close();
    const text = await fs.readFile(file, 'utf8');
    for (const out of [text, echoed]) {
      expect(out).not.toContain('hunter2');
      expect(out).toContain('[REDACTED]');
    }
    expect(echoed).toBe(text);
    const [line] = await readLines(file);
    expect(line).toMatchObject({ msg: 'token [REDACTED] refused', deep: { list: ['[REDACTED]', { v: 'x[REDACTED]y' }] }, error: { message: 'bad [REDACTED]' } });
  });

  it('rotates by size and keeps N old files', async () => {
    const file = path.join(dir, 'watch.log');
    const log = createLogger({ file, maxBytes: 400, keep: 2 });
    for (let i = 0; i < 40; i++) log.info(`line ${i}`, { pad: 'x'.repeat(40) });
    log.close();
    const names = (await fs.readdir(dir)).sort();
    expect(names).toEqual(['watch.log', 'watch.log.1', 'watch.log.2']);
    for (const n of names) expect((await fs.stat(path.join(dir, n))).size).toBeLessThanOrEqual(400);
    const newest = await readLines(file);
    expect(newest.at(-1)!['msg']).toBe('line 39');
    const older = await readLines(`${file}.1`);
    expect(Number(String(older.at(-1)!['msg']).split(' ')[1]) + 1).toBe(Number(String(newest[0]!['msg']).split(' ')[1]));
  });

  it('echoes short lines for a person when asked', async () => {
    let echoed = '';
    const log = createLogger({ file: path.join(dir, 'w.log'), echo: 'pretty', stdout: { write: (s: string) => (echoed += s) }, now: () => new Date('2026-01-02T03:04:05Z') });
    log.info('sync done', { target: 'docs' });
    log.close();
    expect(echoed).toBe('03:04:05 info  sync done  target=docs\n');
  });
});

describe('status file', () => {
  it('is written atomically with pid and start time; the reader knows whether the watcher runs', async () => {
    const file = path.join(dir, 'state', 'watch-status.json');
    const w = createStatusWriter({ file, configFile: '/repo/ssot.config.yaml' });
    for (let i = 1; i <= 20; i++) w.update([{ id: 'docs', running: false, pending: false, runs: i, consecutiveFailures: 0 }]);
    await w.flush();
    const live = await readWatchStatus(file);
    expect(live).toMatchObject({ version: 1, pid: process.pid, running: true, configFile: '/repo/ssot.config.yaml' });
    expect(live!.targets[0]!.runs).toBe(20); // the last update always lands
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.readdir(path.dirname(file))).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    await w.stopped(live!.targets);
    expect(await readWatchStatus(file)).toMatchObject({ running: false });

    // A crashed watcher (dead pid, no stoppedAt) is not running either.
    const doc = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    delete doc['stoppedAt'];
    await fs.writeFile(file, JSON.stringify({ ...doc, pid: 2 ** 22 + 12345 }));
    expect(await readWatchStatus(file)).toMatchObject({ running: false });
    expect(await readWatchStatus(path.join(dir, 'none.json'))).toBeUndefined();
  });

  it('describes each target for `ssot status`: age, retry, error', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const rows = describeTargets(
      {
        version: 1,
        pid: 1,
        host: 'h',
        startedAt: '2026-01-01T10:00:00Z',
        updatedAt: '2026-01-01T12:00:00Z',
        running: true,
        targets: [
          { id: 'vault:chronos', running: false, pending: true, runs: 5, consecutiveFailures: 2, lastSuccessAt: '2026-01-01T11:00:00Z', lastError: 'getaddrinfo ENOTFOUND', nextRetryAt: '2026-01-01T12:00:30Z' },
          { id: 'docs', running: true, pending: false, runs: 1, consecutiveFailures: 0 },
          { id: 'tickets', running: false, pending: false, runs: 1, consecutiveFailures: 1, lastError: 'conflict' },
          { id: 'config', running: false, pending: false, runs: 0, consecutiveFailures: 0 },
        ],
      },
      now,
    );
    expect(rows).toEqual([
      ['target', 'last sync', 'state', 'last error'],
      ['vault:chronos', '1h ago', 'retry in 30s (failed 2x)', 'getaddrinfo ENOTFOUND'],
      ['docs', 'never', 'syncing', ''],
      ['tickets', 'never', 'failed 1x, waiting for a change', 'conflict'],
    ]);
    const stopped = describeTargets(
      { version: 1, pid: 1, host: 'h', startedAt: '', updatedAt: '', running: false, targets: [{ id: 'docs', running: false, pending: false, runs: 2, consecutiveFailures: 2, lastError: 'x' }, { id: 'config', running: false, pending: false, runs: 1, consecutiveFailures: 0 }] },
      now,
    );
    expect(stopped.slice(1).map((r) => r[2])).toEqual(['failed 2x', 'stopped']);
    expect([formatAge(5_000), formatAge(3 * 3600_000), formatAge(72 * 3600_000)]).toEqual(['5s', '3h', '3d']);
  });
});
