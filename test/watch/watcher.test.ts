import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/watch/log.js';
import type { RunReport, Target } from '../../src/watch/scheduler.js';
import { readWatchStatus } from '../../src/watch/status-file.js';
import { startWatcher, type Watcher, type WatchPath } from '../../src/watch/watcher.js';

/** A stand-in config: the watcher only needs `watch`, the rest is the test's. */
interface TestConfig {
  watch: { debounceMs: number; pollRemotesMinutes: number };
  vault: string;
  docs?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

/** Save like KeePassXC's QSaveFile: write a temp file beside the target, then rename it over. */
async function saveLikeKeePassXC(file: string, content: string): Promise<void> {
  const tmp = `${file}.Ab12Cd`;
  await fs.writeFile(tmp, content);
  await fs.rename(tmp, file);
}

let dir: string;
let w: Watcher<TestConfig> | undefined;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-watch-'));
});
afterEach(async () => {
  await w?.stop();
  w = undefined;
  await fs.rm(dir, { recursive: true, force: true });
});

function setup(opts: { runs?: Record<string, ((signal: AbortSignal) => Promise<void>) | undefined>; debounceMs?: number; poll?: number } = {}) {
  const runs: { id: string; at: number }[] = [];
  const configFile = path.join(dir, 'ssot.config.json');
  const vaultDir = path.join(dir, 'security');
  const vault = path.join(vaultDir, 'chronos.kdbx');
  const docs = path.join(dir, 'docs');
  const write = (c: Partial<TestConfig> & { broken?: boolean }) =>
    fs.writeFile(
      configFile,
      c.broken
        ? '{ not json'
        : JSON.stringify({ watch: { debounceMs: opts.debounceMs ?? 300, pollRemotesMinutes: opts.poll ?? 0 }, vault, ...c }),
    );
  const loadConfig = async (): Promise<TestConfig> => JSON.parse(await fs.readFile(configFile, 'utf8')) as TestConfig;
  const target = (id: string, poll = false): Target => ({
    id,
    poll,
    run: async (signal) => {
      runs.push({ id, at: Date.now() });
      await opts.runs?.[id]?.(signal);
    },
  });
  const targetsFor = (c: TestConfig): Target[] => [target('vault:chronos', true), ...(c.docs ? [target('docs')] : [])];
  const pathsFor = (c: TestConfig): WatchPath[] => [
    { path: c.vault, target: 'vault:chronos', kind: 'file' },
    ...(c.docs ? [{ path: c.docs, target: 'docs', kind: 'dir' as const }] : []),
  ];
  const count = (id: string): number => runs.filter((r) => r.id === id).length;
  return { runs, count, configFile, vault, vaultDir, docs, write, loadConfig, targetsFor, pathsFor };
}

describe('watcher', () => {
  it('syncs once at start, then a KeePassXC-style save (temp file + rename) makes exactly one debounced run, save after save', async () => {
    const s = setup();
    await fs.mkdir(s.vaultDir, { recursive: true });
    await fs.writeFile(s.vault, 'v1');
    await fs.writeFile(path.join(s.vaultDir, 'other.kdbx'), 'x');
    await s.write({});
    const log = memoryLogger();
    w = await startWatcher({ ...s, configFile: s.configFile, logger: log, statusFile: false });
    await waitFor(() => s.count('vault:chronos') === 1, 'the start-up sync');
    await w.scheduler.idle();

    for (const [i, content] of ['v2', 'v3'].entries()) {
      const before = s.count('vault:chronos');
      const savedAt = Date.now();
      await saveLikeKeePassXC(s.vault, content);
      await waitFor(() => s.count('vault:chronos') === before + 1, `run after save ${i + 1}`);
      const run = s.runs.filter((r) => r.id === 'vault:chronos').at(-1)!;
      expect(run.at - savedAt).toBeGreaterThanOrEqual(280); // debounced
      await sleep(800);
      expect(s.count('vault:chronos')).toBe(before + 1); // exactly one run per save
    }
    // A file beside it, and the temp file itself, are not the vault.
    await fs.writeFile(path.join(s.vaultDir, 'other.kdbx'), 'y');
    await sleep(700);
    expect(s.count('vault:chronos')).toBe(3);
  });

  it('does not loop on what a target writes itself, nor on a save that changes nothing', async () => {
    const s = setup({
      runs: {
        // Like the vault sync: it replaces the primary (atomically) with the merged result.
        'vault:chronos': async () => {
          const cur = await fs.readFile(s.vault, 'utf8');
          if (!cur.endsWith('+merged')) await saveLikeKeePassXC(s.vault, `${cur}+merged`);
        },
      },
    });
    await fs.mkdir(s.vaultDir, { recursive: true });
    await fs.writeFile(s.vault, 'v1');
    await s.write({});
    w = await startWatcher({ ...s, configFile: s.configFile, logger: memoryLogger(), statusFile: false });
    await waitFor(() => s.count('vault:chronos') === 1, 'the start-up sync');
    await sleep(1200);
    expect(s.count('vault:chronos')).toBe(1);
    expect(await fs.readFile(s.vault, 'utf8')).toBe('v1+merged');

    await saveLikeKeePassXC(s.vault, 'v2');
    await waitFor(() => s.count('vault:chronos') === 2, 'the run after a user save');
    await sleep(1200);
    expect(s.count('vault:chronos')).toBe(2);

    // Same bytes saved again (KeePassXC "save" without edits, a touch): nothing to do.
    await saveLikeKeePassXC(s.vault, 'v2+merged');
    await sleep(900);
    expect(s.count('vault:chronos')).toBe(2);
  });

  it('a save that lands while the sync runs, after the sync wrote the file, makes another run (the run reports what it left)', async () => {
    let userSaveDuringRun = false;
    const sha = async (f: string) => (await import('node:crypto')).createHash('sha256').update(await fs.readFile(f)).digest('hex');
    const s = setup();
    const vaultRun = async (): Promise<RunReport> => {
      const cur = await fs.readFile(s.vault, 'utf8');
      if (!cur.endsWith('+merged')) await saveLikeKeePassXC(s.vault, `${cur}+merged`);
      const left = await sha(s.vault);
      if (userSaveDuringRun) {
        userSaveDuringRun = false;
        await saveLikeKeePassXC(s.vault, 'v3 saved by KeePassXC while the sync wrote the copies');
        await sleep(300); // the event reaches the watcher while the run is still in flight
      }
      return { left: { [s.vault]: left } };
    };
    const targetsFor = (): Target[] => [{ id: 'vault:chronos', poll: true, run: async () => { s.runs.push({ id: 'vault:chronos', at: Date.now() }); return vaultRun(); } }];
    await fs.mkdir(s.vaultDir, { recursive: true });
    await fs.writeFile(s.vault, 'v1');
    await s.write({});
    w = await startWatcher({ ...s, targetsFor, configFile: s.configFile, logger: memoryLogger(), statusFile: false });
    await waitFor(() => s.count('vault:chronos') === 1, 'the start-up sync');
    await w.scheduler.idle();
    await sleep(600);
    expect(s.count('vault:chronos')).toBe(1); // its own write, reported as what it left: no second run

    userSaveDuringRun = true;
    await saveLikeKeePassXC(s.vault, 'v2');
    await waitFor(() => s.count('vault:chronos') === 3, 'the run after the save that landed during the previous run');
    await w.scheduler.idle();
    expect(await fs.readFile(s.vault, 'utf8')).toBe('v3 saved by KeePassXC while the sync wrote the copies+merged');
    await sleep(800);
    expect(s.count('vault:chronos')).toBe(3);
  });

  it('a folder target that reports nothing (docs): a save landing during its run makes one more run; its own writes settle after one', async () => {
    let saveDuringRun = false;
    const s = setup({
      runs: {
        docs: async () => {
          // Like a docs run: reads the docs, and the first time writes a file of its own into the folder.
          const note = path.join(s.docs, 'page.confluence.md');
          if (!(await fs.stat(note).catch(() => undefined))) await fs.writeFile(note, 'what Confluence held');
          if (saveDuringRun) {
            saveDuringRun = false;
            await fs.writeFile(path.join(s.docs, 'page.md'), '# edited while the run published the old text');
            await sleep(300); // the event reaches the watcher while the run is in flight
          }
        },
      },
    });
    await fs.mkdir(s.vaultDir, { recursive: true });
    await fs.writeFile(s.vault, 'v1');
    await fs.mkdir(s.docs, { recursive: true });
    await fs.writeFile(path.join(s.docs, 'page.md'), '# one');
    await s.write({ docs: s.docs });
    w = await startWatcher({ ...s, configFile: s.configFile, logger: memoryLogger(), statusFile: false });
    await waitFor(() => s.count('docs') >= 1, 'the start-up docs run');
    await w.scheduler.idle();
    await sleep(900);
    const settled = s.count('docs');
    // The file it wrote the first time makes at most one more run, which writes nothing: then quiet.
    expect(settled).toBeLessThanOrEqual(2);
    await sleep(900);
    expect(s.count('docs')).toBe(settled);

    saveDuringRun = true;
    await fs.writeFile(path.join(s.docs, 'page.md'), '# two');
    await waitFor(() => s.count('docs') === settled + 2, 'the run after the save that landed during the previous run');
    await w.scheduler.idle();
    await sleep(900);
    expect(s.count('docs')).toBe(settled + 2);
  });

  it("a file-sync tool's conflict copy appearing beside the vault file makes a run; its removal by that run does not make another", async () => {
    const s = setup({
      runs: {
        // Like the vault sync: it merges the conflict copy and moves it away.
        'vault:chronos': async () => {
          await fs.rm(path.join(s.vaultDir, 'chronos (1).kdbx'), { force: true });
        },
      },
    });
    await fs.mkdir(s.vaultDir, { recursive: true });
    await fs.writeFile(s.vault, 'v1');
    await s.write({});
    const pathsFor = (c: TestConfig): WatchPath[] => [{ path: c.vault, target: 'vault:chronos', kind: 'file', siblings: (n) => n === 'chronos (1).kdbx' }];
    w = await startWatcher({ ...s, pathsFor, configFile: s.configFile, logger: memoryLogger(), statusFile: false });
    await waitFor(() => s.count('vault:chronos') === 1, 'the start-up sync');
    await w.scheduler.idle();

    await fs.writeFile(path.join(s.vaultDir, 'chronos (2).kdbx'), 'not one of its names');
    await sleep(800);
    expect(s.count('vault:chronos')).toBe(1);

    await fs.writeFile(path.join(s.vaultDir, 'chronos (1).kdbx'), 'the other machine');
    await waitFor(() => s.count('vault:chronos') === 2, 'the run after the conflict copy appeared');
    await w.scheduler.idle();
    await sleep(800);
    expect(s.count('vault:chronos')).toBe(2);
  });

  it('reloads an edited config (new paths and targets), and keeps the old one when the new one does not load', async () => {
    const s = setup();
    await fs.mkdir(s.vaultDir, { recursive: true });
    await fs.writeFile(s.vault, 'v1');
    await s.write({});
    const log = memoryLogger();
    w = await startWatcher({ ...s, configFile: s.configFile, logger: log, statusFile: false });
    await waitFor(() => s.count('vault:chronos') === 1, 'the start-up sync');
    expect(w.states().map((x) => x.id).sort()).toEqual(['config', 'vault:chronos']);

    await fs.mkdir(s.docs, { recursive: true });
    await s.write({ docs: s.docs });
    await waitFor(() => s.count('docs') === 1, 'docs synced after the reload');
    expect(w.config().docs).toBe(s.docs);
    expect(w.paths().map((p) => p.target).sort()).toEqual(['config', 'docs', 'vault:chronos']);
    await w.scheduler.idle();

    await fs.writeFile(path.join(s.docs, 'guide.md'), '# Guide\n');
    await waitFor(() => s.count('docs') === 2, 'a docs edit after the reload');

    await s.write({ broken: true });
    await waitFor(() => log.records.some((r) => r.msg.startsWith('config not reloaded')), 'the reload error logged');
    expect(w.config().docs).toBe(s.docs);
    // The log line is written while the run ends; the retry is scheduled just after it.
    await waitFor(() => w!.states().find((x) => x.id === 'config')?.nextRetryAt !== undefined, 'the reload retry scheduled');
    const cfgState = w.states().find((x) => x.id === 'config')!;
    expect(cfgState.lastError).toMatch(/JSON/);
    expect(cfgState.nextRetryAt).toBeDefined(); // a plain Error: retried (an InputError would wait for the next edit)
    await fs.writeFile(path.join(s.docs, 'guide.md'), '# Guide, edited\n');
    await waitFor(() => s.count('docs') === 3, 'the old config still watches docs');
  });

  it('retries a failing target with backoff until it recovers, and writes it all to the status file', async () => {
    let fail = 3;
    const s = setup({
      runs: {
        'vault:chronos': async () => {
          if (fail-- > 0) throw new Error('getaddrinfo ENOTFOUND www.googleapis.com');
        },
      },
    });
    await fs.mkdir(s.vaultDir, { recursive: true });
    await fs.writeFile(s.vault, 'v1');
    await s.write({});
    const statusFile = path.join(dir, 'state', 'watch-status.json');
    const log = memoryLogger();
    w = await startWatcher({ ...s, configFile: s.configFile, logger: log, statusFile, backoffBaseMs: 100, backoffMaxMs: 400 });
    await waitFor(() => s.count('vault:chronos') === 2, 'the first retry');
    const mid = await readWatchStatus(statusFile);
    expect(mid?.running).toBe(true);
    expect(mid?.pid).toBe(process.pid);
    await waitFor(() => s.count('vault:chronos') === 4, 'recovery');
    await w.scheduler.idle();
    const gaps = s.runs.map((r, i, a) => (i ? r.at - a[i - 1]!.at : 0)).slice(1);
    // Jitter keeps each wait in [half, full] of 100, 200, 400 ms.
    expect(gaps[0]).toBeGreaterThanOrEqual(45);
    expect(gaps[2]).toBeGreaterThanOrEqual(190);
    const st = w.states().find((x) => x.id === 'vault:chronos')!;
    expect(st).toMatchObject({ consecutiveFailures: 0, runs: 4 });
    expect(log.records.filter((r) => r.msg === 'sync failed')).toHaveLength(3);
    await w.stop();
    w = undefined;
    const end = await readWatchStatus(statusFile);
    expect(end?.running).toBe(false);
    expect(end?.stoppedAt).toBeDefined();
    expect(end?.targets.find((t) => t.id === 'vault:chronos')).toMatchObject({ consecutiveFailures: 0 });
    expect((await fs.stat(statusFile)).mode & 0o777).toBe(0o600);
  });

  it('polls the remotes of the targets marked poll', async () => {
    const s = setup({ poll: 0.01 }); // 600 ms
    await fs.mkdir(s.vaultDir, { recursive: true });
    await fs.writeFile(s.vault, 'v1');
    await fs.mkdir(s.docs, { recursive: true });
    await s.write({ docs: s.docs });
    w = await startWatcher({ ...s, configFile: s.configFile, logger: memoryLogger(), statusFile: false });
    await waitFor(() => s.count('vault:chronos') >= 3, 'two polls', 5000);
    expect(s.count('docs')).toBe(1);
  });
});
