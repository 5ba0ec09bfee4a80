import { describe, expect, it } from 'vitest';
import { configError } from '../support/config-error.js';
import { aliasBomb, duplicates, longName } from './hostile-configs.js';

/** Hostile or careless configs: each is exit 2 naming the file and the key, never a raw error. */


describe('hostile and careless configs', () => {
  it('a YAML alias bomb is refused quickly, naming the line and key of the first alias', () => {
    const t0 = Date.now();
    const e = configError(aliasBomb());
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/YAML aliases/);
    expect(e.place).toMatchObject({ file: '/tmp/ssot.config.yaml', line: 6, path: 'bomb.b[0]' });
  });

  it('a 1 MB vault name is refused by the schema, and the message does not repeat it', () => {
    const e = configError(longName);
    expect(e.place?.path).toBe('vaults[0].name');
    expect(e.message).toMatch(/at most 64 characters/);
    expect(e.message.length).toBeLessThan(200);
  });

  it('two vaults of one name are refused, naming the second and the first', () => {
    const e = configError(duplicates);
    expect(e.place).toMatchObject({ path: 'vaults[1].name', line: 5 });
    expect(e.message).toBe('vault name "chronos" is already used by vaults[0]');
    expect(e.hint).toMatch(/its own name/);
  });
});
