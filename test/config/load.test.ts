import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { configError } from '../support/config-error.js';


describe('config loading', () => {
  it('accepts the example from DESIGN and resolves paths against the config folder', () => {
    const c = parseConfig(
      `vaults:
  - name: chronos
    path: secrets/chronos.kdbx
    password: { env: CHRONOS_PW }
    copies:
      - git: { repo: ../versions }
      - gdrive: { folder: security }
      - folder: { path: /media/usb/vault }
docs: { root: docs }
`,
      '/work/repo/ssot.config.yaml',
    );
    expect(c.vaults[0]!.path).toBe('/work/repo/secrets/chronos.kdbx');
    expect(c.vaults[0]!.copies[0]).toEqual({ git: { repo: '/work/versions', remote: 'origin' } });
    expect(c.docs!.mapping).toBe('/work/repo/mapping/confluence.json');
  });

  it('names the line and suggests the nearest key for a typo', () => {
    const e = configError(`vaults:
  - name: chronos
    path: a.kdbx
    pasword: { env: X }
`);
    expect(e.exitCode).toBe(2);
    expect(e.place).toMatchObject({ file: '/tmp/ssot.config.yaml', line: 4, path: 'vaults[0].pasword' });
    expect(e.hint).toContain('"password"');
  });

  it('reports the branch the user meant inside a union (a copy)', () => {
    const e = configError(`vaults:
  - name: v
    path: a.kdbx
    copies:
      - git: { repo: x, remot: origin }
`);
    expect(e.place?.path).toBe('vaults[0].copies[0].git.remot');
    expect(e.place?.line).toBe(5);
    expect(e.hint).toContain('"remote"');
  });

  it('rejects broken YAML with a line number', () => {
    const e = configError('vaults:\n  - name: [unclosed\n');
    expect(e.place?.line).toBeGreaterThan(0);
    expect(e.message).toMatch(/YAML/);
  });

  it('rejects a credential written inline', () => {
    const e = configError(`confluence:
  baseUrl: https://x.atlassian.net/wiki
  email: { env: E }
  token: hunter2
  space: PC
`);
    expect(e.place?.path).toBe('confluence.token');
    expect(e.place?.line).toBe(4);
    expect(e.message).not.toContain('hunter2');
  });
});
