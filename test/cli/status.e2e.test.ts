import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runSsot } from '../support/cli.js';
import { git, makeVaultWorkspace, openAt } from '../support/vault-workspace.js';
import { stringContaining } from '../support/matchers.js';

/** What `ssot status` says after what a new user did: it must be true, and about this config only. */

const locations = (out: string) => jsonLines(out).filter((l) => l['type'] === 'vault-location');

describe('ssot status tells the truth', () => {
  it('a primary saved (by KeePassXC) after the last sync is not "same"', async () => {
    const ws = await makeVaultWorkspace();
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    const db = await openAt(ws.primary, ws.password);
    db.addEntry('', { Title: 'Saved in KeePassXC', Password: 'x' });
    await fs.writeFile(ws.primary, await db.save());
    const r = await runSsot(['status'], { cwd: ws.dir, env: ws.env });
    expect(r.stdout).toMatch(/chronos\s+primary \S+\s+CHANGED, not synced yet/);
    const json = await runSsot(['status', '--json'], { cwd: ws.dir, env: ws.env });
    const primary = locations(json.stdout).find((l) => l['location'] === 'primary')!;
    expect(primary).toMatchObject({ agrees: false, changedSinceSync: true });
    // The copies still agree with what was synced.
    expect(locations(json.stdout).filter((l) => l['location'] !== 'primary').every((l) => l['agrees'] === true)).toBe(true);
  });

  it('a wrong password fills "last error" (even when nothing changed); the next good sync clears it', async () => {
    const ws = await makeVaultWorkspace();
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    const bad = await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: { ...ws.env, SSOT_TEST_PW: 'not the password' } });
    expect(bad.code).toBe(2);
    let r = await runSsot(['status'], { cwd: ws.dir, env: ws.env });
    expect(r.stdout).toMatch(/primary \S+\s+same\s+\S+ ago\s+VAULT_INVALID_KEY: /);
    expect(r.stdout).not.toContain('not the password');
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    r = await runSsot(['status', '--json'], { cwd: ws.dir, env: ws.env });
    expect(locations(r.stdout).every((l) => l['lastError'] === null)).toBe(true);
  });

  it('a branch mismatch in the vault repository fills "last error" of the git copy', async () => {
    const ws = await makeVaultWorkspace();
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    git(ws.repo, 'switch', '-q', '-c', 'experiment');
    const bad = await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env });
    expect(bad.code).toBe(3);
    const r = await runSsot(['status', '--json'], { cwd: ws.dir, env: ws.env });
    const gitRow = locations(r.stdout).find((l) => String(l['location']).startsWith('git:'))!;
    expect(gitRow['lastError']).toMatchObject({ code: 'CONFLICT', message: stringContaining('is on experiment, not main') });
    git(ws.repo, 'switch', '-q', 'main');
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    const after = await runSsot(['status', '--json'], { cwd: ws.dir, env: ws.env });
    expect(locations(after.stdout).every((l) => l['lastError'] === null)).toBe(true);
  });

  it('a credential that is missing is the vault\'s last error', async () => {
    const ws = await makeVaultWorkspace();
    // Unset, not empty: an empty variable is the empty master password (a wrong one here).
    const { SSOT_TEST_PW: _unset, ...noPassword } = ws.env;
    const r1 = await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: noPassword });
    expect(r1.code).toBe(2);
    const r = await runSsot(['status'], { cwd: ws.dir, env: ws.env });
    expect(r.stdout).toMatch(/chronos\s+\(the vault\)\s+\S+ ago\s+CREDENTIAL: no value for the password of vault chronos/);
    const empty = await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: { ...ws.env, SSOT_TEST_PW: '' } });
    expect(empty.code).toBe(2);
    expect((await runSsot(['status'], { cwd: ws.dir, env: ws.env })).stdout).toMatch(/VAULT_INVALID_KEY: cannot decrypt .*: wrong password or key file/);
  });

  it('lists only the copies the config has now, and no watcher targets of another config', async () => {
    const ws = await makeVaultWorkspace();
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    // The folder copy is taken out of the config.
    const text = await fs.readFile(ws.config, 'utf8');
    await fs.writeFile(ws.config, text.replace('      - folder: { path: usb }\n', ''));
    // A watcher ran here with another config (a stopped one: its pid is gone).
    const statusFile = path.join(ws.env['XDG_STATE_HOME']!, 'ssot', 'watch-status.json');
    const other = { version: 1, pid: 999_999, host: os.hostname(), startedAt: new Date().toISOString(), updatedAt: new Date().toISOString(), stoppedAt: new Date().toISOString(), configFile: '/elsewhere/ssot.config.yaml', targets: [{ id: 'vault:old', runs: 1, consecutiveFailures: 0, running: false, pending: false }] };
    await fs.writeFile(statusFile, JSON.stringify(other));
    const r = await runSsot(['status', '--json'], { cwd: ws.dir, env: ws.env });
    expect(locations(r.stdout).map((l) => String(l['location']).split(':')[0])).toEqual(['primary', 'git']);
    const w = jsonLines(r.stdout).find((l) => l['type'] === 'watcher')!;
    expect(w['targets']).toEqual([]);
    const t = await runSsot(['status'], { cwd: ws.dir, env: ws.env });
    expect(t.stdout).toContain('for another config (/elsewhere/ssot.config.yaml)');
    expect(t.stdout).not.toContain('vault:old');
    expect(t.stdout).not.toContain('usb');
    // The same watcher status for this config: only the targets this config still has.
    await fs.writeFile(statusFile, JSON.stringify({ ...other, configFile: ws.config, targets: [...other.targets, { id: 'vault:chronos', runs: 1, consecutiveFailures: 0, running: false, pending: false, lastSuccessAt: new Date().toISOString() }] }));
    const mine = jsonLines((await runSsot(['status', '--json'], { cwd: ws.dir, env: ws.env })).stdout).find((l) => l['type'] === 'watcher')!;
    expect((mine['targets'] as { id: string }[]).map((x) => x.id)).toEqual(['vault:chronos']);
  });
});
