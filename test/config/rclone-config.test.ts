import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { InputError } from '../../src/core/errors.js';

function parse(text: string) {
  return parseConfig(text, '/work/repo/ssot.config.yaml');
}

describe('rclone in the config', () => {
  it('accepts an rclone copy and the top-level rclone section of DESIGN; paths resolve against the config folder', () => {
    const c = parse(`vaults:
  - name: chronos
    path: chronos.kdbx
    copies:
      - rclone: { remote: "nas:vault" }
      - rclone: { remote: "gdrive:security", name: other.kdbx, config: conf/rclone.conf }
rclone: { path: bin/rclone, config: ~/.config/rclone/rclone.conf, configPass: { keyring: "ssot/rclone" } }
`);
    expect(c.vaults[0]!.copies).toEqual([
      { rclone: { remote: 'nas:vault' } },
      { rclone: { remote: 'gdrive:security', name: 'other.kdbx', config: '/work/repo/conf/rclone.conf' } },
    ]);
    expect(c.rclone!.path).toBe('/work/repo/bin/rclone');
    expect(c.rclone!.config).toMatch(/\/\.config\/rclone\/rclone\.conf$/);
    expect(c.rclone!.configPass).toEqual({ keyring: 'ssot/rclone' });
    // A bare name is looked up on PATH, not made a path.
    expect(parse('rclone: {}\n').rclone!.path).toBe('rclone');
  });

  it('a remote without NAME: is an error on its line, naming the form; a password written inline is refused', () => {
    let e: unknown;
    try {
      parse(`vaults:
  - name: chronos
    path: chronos.kdbx
    copies:
      - rclone: { remote: "/media/nas/vault" }
`);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).exitCode).toBe(2);
    expect((e as InputError).place).toMatchObject({ line: 5, path: 'vaults[0].copies[0].rclone.remote' });
    expect((e as InputError).message).toMatch(/NAME:folder/);
    expect(() => parse('rclone: { configPass: "hunter2hunter2" }\n')).toThrow(InputError);
  });
});
