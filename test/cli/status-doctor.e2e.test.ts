import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonLines, runSsot } from '../support/cli.js';
import { makeVaultWorkspace } from '../support/vault-workspace.js';

describe('ssot status and ssot doctor', () => {
  it('status shows every vault location from the state, without a password', async () => {
    const ws = await makeVaultWorkspace();
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    const r = await runSsot(['status', '--json'], { cwd: ws.dir, env: { ...ws.env, SSOT_TEST_PW: '' } });
    expect(r.code).toBe(0);
    const locs = jsonLines(r.stdout).filter((l) => l['type'] === 'vault-location');
    expect(locs).toHaveLength(3);
    expect(locs.every((l) => l['agrees'] === true && typeof l['lastSync'] === 'string')).toBe(true);
    const text = await runSsot(['status'], { cwd: ws.dir, env: ws.env });
    expect(text.stdout).toContain('same');
    expect(text.stdout).toContain('watcher: has not run');
  });

  it('doctor passes every check on a healthy workspace and names the fix when a remote is gone', async () => {
    const ws = await makeVaultWorkspace();
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    const ok = await runSsot(['doctor'], { cwd: ws.dir, env: ws.env });
    expect(ok.stdout).toMatch(/0 failed/);
    expect(ok.stdout).toMatch(/push to origin\/main accepted/);
    expect(ok.code).toBe(0);
    await fs.rename(ws.remote, `${ws.remote}.moved`);
    const bad = await runSsot(['doctor', '--json'], { cwd: ws.dir, env: ws.env });
    expect(bad.code).toBe(1);
    const failed = jsonLines(bad.stdout).filter((l) => l['type'] === 'check' && l['ok'] === false);
    expect(failed.map((f) => f['name'])).toEqual([expect.stringContaining('git origin')]);
    expect(String(failed[0]!['fix'])).not.toBe('');
    expect(bad.stdout).not.toContain(ws.password);
  });

  it('doctor fails the vault check with a wrong password, exit 1, no secret printed', async () => {
    const ws = await makeVaultWorkspace();
    const r = await runSsot(['doctor'], { cwd: ws.dir, env: { ...ws.env, SSOT_TEST_PW: 'not the password' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+vault chronos: primary/);
    expect(r.stdout).not.toContain('not the password');
  });
});
