import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonLines, runSsot } from '../support/cli.js';
import { git, makeVaultWorkspace, openAt, titles } from '../support/vault-workspace.js';

async function addEntry(file: string, password: string, title: string): Promise<void> {
  const db = await openAt(file, password);
  db.addEntry('', { Title: title, Password: `${title}-secret-value` });
  await fs.writeFile(file, await db.save());
}

describe('ssot vault restore and verify', () => {
  it('restores a git version: the current primary is backed up, the copies get it as a new version, history is kept', async () => {
    const ws = await makeVaultWorkspace();
    const run = (...a: string[]) => runSsot(a, { cwd: ws.dir, env: ws.env });
    expect((await run('sync', '--only', 'vault')).code).toBe(0);
    const good = git(ws.repo, 'rev-parse', 'HEAD');
    await addEntry(ws.primary, ws.password, 'Mistake');
    expect((await run('sync', '--only', 'vault')).code).toBe(0);
    const commitsBefore = Number(git(ws.repo, 'rev-list', '--count', 'HEAD'));

    const list = await run('vault', 'restore', 'chronos', '--from', 'git', '--list', '--json');
    expect(jsonLines(list.stdout).map((l) => l['id'])).toContain(good);

    const r = await run('vault', 'restore', 'chronos', '--from', 'git', '--at', good.slice(0, 10), '--yes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/backed up as \S+\.kdbx/);
    for (const f of [ws.primary, ws.gitCopy, ws.usbCopy]) expect(await titles(f, ws.password)).toEqual(['AWS SSO']);
    // A new commit on top, never a rewrite.
    expect(Number(git(ws.repo, 'rev-list', '--count', 'HEAD'))).toBe(commitsBefore + 1);
    // The replaced primary is in the backups, and can be restored in turn.
    const backups = jsonLines((await run('vault', 'restore', 'chronos', '--from', 'backup', '--list', '--json')).stdout);
    expect(backups.length).toBeGreaterThan(0);
    const back = await run('vault', 'restore', 'chronos', '--from', 'backup', '--at', String(backups[0]!['id']), '--yes');
    expect(back.code).toBe(0);
    expect(await titles(ws.primary, ws.password)).toEqual(['AWS SSO', 'Mistake']);
  });

  it('restore by date picks the newest version at or before it; off a terminal it needs --yes', async () => {
    const ws = await makeVaultWorkspace();
    const run = (...a: string[]) => runSsot(a, { cwd: ws.dir, env: ws.env });
    expect((await run('sync', '--only', 'vault')).code).toBe(0);
    const noYes = await run('vault', 'restore', 'chronos', '--from', 'git');
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('--yes');
    const bad = await run('vault', 'restore', 'chronos', '--from', 'git', '--at', 'not-a-date', '--yes');
    expect(bad.code).toBe(2);
    const early = await run('vault', 'restore', 'chronos', '--from', 'git', '--at', '2001-01-01', '--yes');
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('no version at or before 2001-01-01');
  });

  it('verify: every location agrees; a missing required entry or a differing copy is exit 1', async () => {
    const ws = await makeVaultWorkspace({ extraYaml: '' });
    const run = (...a: string[]) => runSsot(a, { cwd: ws.dir, env: ws.env });
    expect((await run('sync', '--only', 'vault')).code).toBe(0);
    const ok = await run('vault', 'verify', '--json');
    expect(ok.code).toBe(0);
    expect(jsonLines(ok.stdout).filter((l) => l['type'] === 'verify').map((l) => l['status'])).toEqual(['ok', 'ok', 'ok']);
    await addEntry(ws.usbCopy, ws.password, 'Only on the stick');
    const differs = await run('vault', 'verify', '--json');
    expect(differs.code).toBe(1);
    expect(jsonLines(differs.stdout).find((l) => String(l['location']).startsWith('folder:'))?.['status']).toBe('differs');
    // require: an entry the vault must have
    const cfg = await fs.readFile(ws.config, 'utf8');
    await fs.writeFile(ws.config, cfg.replace('    password: { env: SSOT_TEST_PW }', '    password: { env: SSOT_TEST_PW }\n    require: { entries: ["Lightsail SSH"] }'));
    const missing = await run('vault', 'verify');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('entry "Lightsail SSH" is missing');
    // and a sync refuses to spread a database that lacks it
    const s = await run('sync', '--only', 'vault');
    expect(s.code).not.toBe(0);
    expect(s.stderr).toContain('Lightsail SSH');
  });

  it('verify changes nothing in a git copy: an uncommitted edit there is read as it is, not committed', async () => {
    const ws = await makeVaultWorkspace({ extraYaml: '' });
    const run = (...a: string[]) => runSsot(a, { cwd: ws.dir, env: ws.env });
    expect((await run('sync', '--only', 'vault')).code).toBe(0);
    await addEntry(ws.gitCopy, ws.password, 'Edited in the clone');
    const before = [git(ws.repo, 'rev-parse', 'HEAD'), git(ws.repo, 'status', '--porcelain')];
    expect(before[1]).toContain('chronos.kdbx');
    const r = await run('vault', 'verify', '--json');
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout).find((l) => String(l['location']).startsWith('git:'))?.['status']).toBe('differs');
    expect([git(ws.repo, 'rev-parse', 'HEAD'), git(ws.repo, 'status', '--porcelain')]).toEqual(before);
    // The sync still takes the edit in (read() commits it, as it always did).
    expect((await run('sync', '--only', 'vault')).code).toBe(0);
    expect(await titles(ws.primary, ws.password)).toContain('Edited in the clone');
  });
});
