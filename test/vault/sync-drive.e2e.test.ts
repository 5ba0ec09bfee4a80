import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VaultDatabase } from '../../src/vault/kdbx/database.js';
import { jsonLines, runSsot } from '../support/cli.js';
import { makeVaultWorkspace, openAt, titles } from '../support/vault-workspace.js';
import { TEST_ACCESS_TOKEN, TEST_OAUTH, useDriveStandIn } from '../standins/drive/index.js';

// `ssot sync` with a Google Drive copy: the real @googleapis/drive client over
// HTTP against the Drive v3 stand-in, beside a git and a folder copy.

const drive = await useDriveStandIn();

let workspaces = 0;

/** Each workspace is a machine with its own Drive folder (a folder left by another, showing no file, is refused under drive.file). */
async function driveWorkspace(auth = `{ accessToken: { env: GDRIVE_TOKEN } }`) {
  return makeVaultWorkspace({
    copies: `      - git: { repo: home/keepass_versions }
      - gdrive: { folder: Backups/security-${++workspaces} }
      - folder: { path: usb }`,
    extraYaml: `gdrive:\n  auth: ${auth}\n  rootUrl: ${drive.url}\n  tokenUrl: ${drive.tokenUrl}\n`,
  });
}

function driveFile(name = 'chronos.kdbx') {
  const all = drive.findByName(name);
  return all.length === 1 ? all[0]! : undefined;
}

describe('ssot sync with a Drive copy (stand-in)', () => {
  it('creates the file once in the folder path, then leaves it alone; an edit from another machine reaches the primary', async () => {
    for (const f of drive.findByName('chronos.kdbx')) f.trashed = true;
    const ws = await driveWorkspace();
    const env = { ...ws.env, GDRIVE_TOKEN: TEST_ACCESS_TOKEN };
    const first = await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const file = driveFile()!;
    expect(drive.file(file.parents[0]!)!.name).toMatch(/^security-\d+$/);
    expect(await titles(ws.primary, ws.password)).toEqual(['AWS SSO']);
    const revisions = file.revisions.length;
    const again = await runSsot(['sync', '--only', 'vault', '--json'], { cwd: ws.dir, env });
    expect(jsonLines(again.stdout).filter((l) => l['type'] === 'action').map((l) => l['action'])).toEqual(['unchanged']);
    expect(file.revisions.length).toBe(revisions);

    // Another machine (KeePassXC or KeeWeb saving to Drive) adds an entry.
    const other = await VaultDatabase.open(drive.content(file.id)!, { password: ws.password }, 'drive');
    other.addEntry('', { Title: 'Saved on the laptop', Password: 'laptop-secret-value-1' });
    drive.uploadRevision(file.id, await other.save(), 'laptop');
    // And this machine edits its primary meanwhile.
    const mine = await openAt(ws.primary, ws.password);
    mine.addEntry('', { Title: 'Saved here', Password: 'here-secret-value-2' });
    await fs.writeFile(ws.primary, await mine.save());
    const r = await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env });
    expect(r.code).toBe(0);
    const want = ['AWS SSO', 'Saved here', 'Saved on the laptop'];
    expect(await titles(ws.primary, ws.password)).toEqual(want);
    expect(await titles(ws.gitCopy, ws.password)).toEqual(want);
    const head = await VaultDatabase.open(drive.content(file.id)!, { password: ws.password }, 'drive');
    expect(head.entries().map((e) => e.path).sort()).toEqual(want);
    expect(drive.findByName('chronos.kdbx')).toHaveLength(1);
  });

  it('an OAuth refresh-token client works through the token endpoint', async () => {
    for (const f of drive.findByName('chronos.kdbx')) f.trashed = true;
    const ws = await driveWorkspace(`{ clientId: ${TEST_OAUTH.clientId}, clientSecret: { env: G_SECRET }, refreshToken: { env: G_REFRESH } }`);
    const r = await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: { ...ws.env, G_SECRET: TEST_OAUTH.clientSecret, G_REFRESH: TEST_OAUTH.refreshToken } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(driveFile()).toBeDefined();
    for (const t of drive.issuedTokens()) expect(r.stdout + r.stderr).not.toContain(t);
  });

  it('a refused Drive token is reported (exit 2 at the end) while the other copies still sync', async () => {
    const ws = await driveWorkspace();
    const r = await runSsot(['sync', '--only', 'vault', '--json'], { cwd: ws.dir, env: { ...ws.env, GDRIVE_TOKEN: 'ya29.revoked-token' } });
    expect(r.code).toBe(2);
    const actions = jsonLines(r.stdout).filter((l) => l['type'] === 'action');
    expect(actions.find((a) => String(a['target']).includes('Google Drive'))?.['action']).toBe('error');
    expect(await titles(ws.gitCopy, ws.password)).toEqual(['AWS SSO']);
    expect(await titles(ws.usbCopy, ws.password)).toEqual(['AWS SSO']);
    expect(r.stdout + r.stderr).not.toContain('ya29.revoked-token');
  });
});
