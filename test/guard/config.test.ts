import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema, guardSchema } from '../../src/config/schema.js';
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
