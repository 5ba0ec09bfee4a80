import { execFileSync } from 'node:child_process';
import { promises as fs, mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FOLDER_MIME } from '@ssot/standins/drive';
import { jsonLines, runSsot } from '../support/cli.js';
import { git, makeVaultWorkspace, openAt, titles } from '../support/vault-workspace.js';
import { TEST_ACCESS_TOKEN, useDriveStandIn } from '../standins/drive/index.js';
import { stringContaining } from '../support/matchers.js';

// A new user adopting what they had by hand: a keepass_versions repository
// with history, a Drive file rclone uploaded, a stale copy on a USB stick.
// The first sync takes all of it in, and says so.

const drive = await useDriveStandIn();

describe('adopting an existing setup', () => {
  it('says what was adopted, that the primary was replaced by the merge, and where its backup is; history and the Drive file are kept', async () => {
    const folder = drive.createFile({ name: 'adopt-security', mimeType: FOLDER_MIME, app: 'rclone' });
    const ws = await makeVaultWorkspace({
      copies: `      - git: { repo: home/keepass_versions }
      - gdrive: { folder: adopt-security }
      - folder: { path: usb }`,
      extraYaml: `gdrive:\n  auth: { accessToken: { env: GDRIVE_TOKEN } }\n  rootUrl: ${drive.url}\n  scope: drive\n`,
    });
    const env = { ...ws.env, GDRIVE_TOKEN: TEST_ACCESS_TOKEN };
    // The same database, edited elsewhere, in each place (as the user's manual routine left them).
    const copyWith = async (title: string): Promise<Uint8Array> => {
      const db = await openAt(ws.primary, ws.password);
      db.addEntry('', { Title: title, Password: `${title}-value` });
      return db.save();
    };
    await fs.writeFile(ws.gitCopy, await copyWith('From git'));
    git(ws.repo, 'add', 'chronos.kdbx');
    git(ws.repo, 'commit', '-qm', 'manual backup');
    git(ws.repo, 'push', '-q', 'origin', 'main');
    const history = Number(git(ws.repo, 'rev-list', '--count', 'HEAD'));
    const rclone = drive.createFile({ name: 'chronos.kdbx', parents: [folder.id], data: await copyWith('From Drive'), app: 'rclone' });
    mkdirSync(ws.usb);
    await fs.writeFile(ws.usbCopy, await copyWith('From the USB stick'));
    const oldPrimary = await fs.readFile(ws.primary);

    const r = await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/chronos: git origin\/main in \S+\s+adopted\s+the existing file and its git history, merged in; was updated with the merge/);
    expect(r.stdout).toMatch(/chronos: Google Drive adopt-security\/chronos\.kdbx\s+adopted\s+the existing Drive file \(same id, its revisions kept\), merged in/);
    expect(r.stdout).toMatch(/chronos: folder \S+usb\/chronos\.kdbx\s+adopted\s+the existing file, merged in/);
    const backup = /chronos: \S+chronos\.kdbx\s+written\s+replaced by the merge; the previous version is backed up at (\S+)/.exec(r.stdout)?.[1];
    expect(backup, r.stdout).toBeDefined();
    expect(await fs.readFile(backup!)).toEqual(oldPrimary);

    const all = ['AWS SSO', 'From Drive', 'From git', 'From the USB stick'];
    expect(await titles(ws.primary, ws.password)).toEqual(all);
    expect(Number(git(ws.repo, 'rev-list', '--count', 'HEAD'))).toBe(history + 1); // history kept, one commit on top
    expect(drive.findByName('chronos.kdbx', folder.id)).toEqual([rclone]); // the same file, a new revision
    expect(rclone.revisions).toHaveLength(2);

    // --json says the same, and a second run adopts nothing.
    const again = await runSsot(['sync', '--only', 'vault', '--json'], { cwd: ws.dir, env });
    expect(jsonLines(again.stdout).filter((l) => l['type'] === 'action').map((l) => l['action'])).toEqual(['unchanged']);
  });

  it('an unknown folderId is one error row with a hint, not "written" and "error" for the same copy', async () => {
    const ws = await makeVaultWorkspace({
      copies: `      - gdrive: { folderId: no-such-folder }
      - folder: { path: usb }`,
      extraYaml: `gdrive:\n  auth: { accessToken: { env: GDRIVE_TOKEN } }\n  rootUrl: ${drive.url}\n`,
    });
    const r = await runSsot(['sync', '--only', 'vault', '--json'], { cwd: ws.dir, env: { ...ws.env, GDRIVE_TOKEN: TEST_ACCESS_TOKEN } });
    expect(r.code).toBe(2);
    const rows = jsonLines(r.stdout).filter((l) => l['type'] === 'action' && String(l['target']).includes('Google Drive'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'error', error: { code: 'NOT_FOUND', message: stringContaining('Drive shows no folder with id no-such-folder'), hint: stringContaining('gdrive.folderId') } });
    expect(jsonLines(r.stdout).some((l) => l['type'] === 'action' && String(l['target']).includes('usb') && l['action'] === 'written')).toBe(true);
    execFileSync('test', ['-f', ws.usbCopy]);
  });
});
