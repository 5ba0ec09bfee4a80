import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSsot } from '../support/cli.js';
import { tmpDir } from '../support/tmp.js';
import { aliasBomb, duplicates, longName } from './hostile-configs.js';

/** Hostile or careless configs: each is exit 2 naming the file and the key, never a raw error. */

describe('hostile and careless configs', () => {
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
