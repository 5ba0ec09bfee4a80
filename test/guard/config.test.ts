import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema, guardSchema } from '../../src/config/schema.js';
import { RACY_MS } from '../../src/guard/config-cache.js';
import { GUARD_KEYS, loadGuardConfig } from '../../src/guard/config.js';
import { tempDir } from './helpers.js';

// The hook reads the guard: section without the schema (zod costs a commit ~40 ms);
// both must accept the same keys and values.

const dir = tempDir('ssot-guard-cfg-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const load = (yaml: string) => {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, yaml);
  return loadGuardConfig({ explicit: file, cwd: dir, env: {} });
};

describe('the guard: section', () => {
  it('has the same keys in the lean reader and in the config schema', () => {
    expect([...GUARD_KEYS].sort()).toEqual(Object.keys(guardSchema.shape).sort());
  });

  it('vaultIndex: required by default, optional when asked, anything else an error in both readers', async () => {
    expect((await load('vaults: []\n')).vaultIndex).toBe('required');
    expect((await load('guard:\n  vaultIndex: optional\n')).vaultIndex).toBe('optional');
    expect(configSchema.parse({ guard: { vaultIndex: 'optional' } }).guard?.vaultIndex).toBe('optional');
    await expect(load('guard:\n  vaultIndex: off\n')).rejects.toThrow(/guard\.vaultIndex must be `required` or `optional`/);
    expect(configSchema.safeParse({ guard: { vaultIndex: 'off' } }).success).toBe(false);
  });

  it('knows whether the config names vaults', async () => {
    expect((await load('vaults:\n  - name: a\n    path: a.kdbx\n')).hasVaults).toBe(true);
    expect((await load('guard:\n  blockPaths: []\n')).hasVaults).toBe(false);
  });
});

describe('the guard: section remembered between commits', () => {
  const cacheDir = path.join(dir, 'state');
  const file = path.join(dir, 'remembered.yaml');
  // The files here are written a moment before they are read: the racy rule is tested apart.
  const loadCached = (racyMs = 0) => loadGuardConfig({ explicit: file, cwd: dir, env: { XDG_STATE_HOME: dir }, cacheDir, racyMs });
  const cacheFile = path.join(cacheDir, 'guard-config.json');
  const remembered = (): { entries: { file: string; config: { blockPaths: string[] } }[] } => JSON.parse(readFileSync(cacheFile, 'utf8')) as never;

  it('is used while the config is the same file, and read again when it is edited or replaced', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, 'guard:\n  blockPaths: [one]\n');
    expect((await loadCached()).blockPaths).toEqual(['one']);
    expect(remembered().entries.map((e) => e.file)).toEqual([file]);
    // What is remembered is what a commit uses (the proof that the file is not read again)…
    const c = remembered();
    c.entries[0]!.config.blockPaths = ['remembered'];
    writeFileSync(cacheFile, JSON.stringify(c));
    expect((await loadCached()).blockPaths).toEqual(['remembered']);
    // …until the config is written to: same size, same second, still a change.
    writeFileSync(file, 'guard:\n  blockPaths: [two]\n');
    expect((await loadCached()).blockPaths).toEqual(['two']);
    // An editor that saves by replacing the file.
    writeFileSync(`${file}.new`, 'guard:\n  blockPaths: [three]\n');
    renameSync(`${file}.new`, file);
    expect((await loadCached()).blockPaths).toEqual(['three']);
  });

  it('a damaged or foreign cache is read past, and a config error is never remembered', async () => {
    writeFileSync(file, 'guard:\n  blockPaths: [four]\n');
    mkdirSync(cacheDir, { recursive: true });
    const damaged = [
      'not json',
      'null',
      '{"version":1,"entries":[{"file":"x"}]}',
      '{"version":1,"entries":"x"}',
      JSON.stringify({ version: 1, entries: [null, { file, stamp: null, config: null }] }),
      JSON.stringify({ version: 1, entries: [{ file, stamp: 'x', config: { blockPaths: ['stale'] } }] }),
    ];
    for (const bad of damaged) {
      writeFileSync(cacheFile, bad);
      expect((await loadCached()).blockPaths, bad).toEqual(['four']);
    }
    // A remembered config missing a setting (another version) is read again.
    const c = remembered();
    delete (c.entries[0]!.config as Record<string, unknown>)['maxFileBytes'];
    c.entries[0]!.config.blockPaths = ['stale'];
    writeFileSync(cacheFile, JSON.stringify(c));
    expect((await loadCached()).blockPaths).toEqual(['four']);
    writeFileSync(file, 'guard:\n  blockPaths: five\n');
    await expect(loadCached()).rejects.toThrow(/guard\.blockPaths must be a list/);
    await expect(loadCached()).rejects.toThrow(/guard\.blockPaths must be a list/);
  });

  it('a config written a moment ago is read but not remembered (a second write in the same second could keep its stamp)', async () => {
    rmSync(cacheDir, { recursive: true, force: true });
    writeFileSync(file, 'guard:\n  blockPaths: [six]\n');
    expect((await loadCached(RACY_MS)).blockPaths).toEqual(['six']);
    expect(existsSync(cacheFile)).toBe(false);
    expect((await loadCached(0)).blockPaths).toEqual(['six']);
    expect(existsSync(cacheFile)).toBe(true);
  });
});
