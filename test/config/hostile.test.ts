import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { InputError } from '../../src/core/errors.js';
import { runSsot } from '../support/cli.js';
import { tmpDir } from '../support/tmp.js';

/** Hostile or careless configs: each is exit 2 naming the file and the key, never a raw error. */

/** "Billion laughs": each alias expands to nine of the one before, 9^9 strings in all. */
function aliasBomb(): string {
  let text = 'vaults: []\nguard:\n  blockPaths: &a ["x","x","x","x","x","x","x","x","x"]\n  ignorePaths: []\nbomb:\n';
  let prev = 'a';
  for (const c of 'bcdefghi') {
    text += `  ${c}: &${c} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
    prev = c;
  }
  return text;
}

const longName = `vaults:\n  - name: ${'a'.repeat(1_000_000)}\n    path: x.kdbx\n    password: { env: X }\n`;
const duplicates = `vaults:
  - name: chronos
    path: a.kdbx
    password: { env: X }
  - name: chronos
    path: b.kdbx
    password: { env: X }
`;

function err(text: string): InputError {
  try {
    parseConfig(text, '/tmp/ssot.config.yaml');
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('hostile and careless configs', () => {
  it('a YAML alias bomb is refused quickly, naming the line and key of the first alias', () => {
    const t0 = Date.now();
    const e = err(aliasBomb());
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/YAML aliases/);
    expect(e.place).toMatchObject({ file: '/tmp/ssot.config.yaml', line: 6, path: 'bomb.b[0]' });
  });

  it('a 1 MB vault name is refused by the schema, and the message does not repeat it', () => {
    const e = err(longName);
    expect(e.place?.path).toBe('vaults[0].name');
    expect(e.message).toMatch(/at most 64 characters/);
    expect(e.message.length).toBeLessThan(200);
  });

  it('two vaults of one name are refused, naming the second and the first', () => {
    const e = err(duplicates);
    expect(e.place).toMatchObject({ path: 'vaults[1].name', line: 5 });
    expect(e.message).toBe('vault name "chronos" is already used by vaults[0]');
    expect(e.hint).toMatch(/its own name/);
  });

  it('the CLI exits 2 on each, naming the file and the key, with nothing written', async () => {
    const dir = tmpDir();
    for (const [name, text, key] of [
      ['bomb', aliasBomb(), 'bomb.b[0]'],
      ['long', longName, 'vaults[0].name'],
      ['dup', duplicates, 'vaults[1].name'],
    ] as const) {
      const file = path.join(dir, `${name}.yaml`);
      writeFileSync(file, text);
      const state = path.join(dir, `state-${name}`);
      const r = await runSsot(['sync', '--config', file], { cwd: dir, env: { X: 'pw', XDG_STATE_HOME: state } });
      expect(r.code, r.stderr.slice(0, 500)).toBe(2);
      expect(r.stderr).toContain(`${file}:`);
      expect(r.stderr).toContain(`(${key})`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stderr.length).toBeLessThan(1000);
      expect(await import('node:fs').then((fs) => fs.existsSync(state))).toBe(false);
    }
  });
});
