import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VaultDatabase } from '../../src/vault/kdbx/database.js';
import { STALE_DEAD_MS } from '../../src/vault/stale-temps.js';
import { REPO, jsonLines, runSsot } from '../support/cli.js';
import { hasKeepassxc, keepassxc } from '../support/keepassxc.js';
import { TEST_KDF, makeVaultWorkspace, openAt, titles, type VaultWorkspace } from '../support/vault-workspace.js';

// `ssot sync` with the conflict copies file-sync tools leave beside a vault:
// real KDBX files, the built CLI, and keepassxc-cli (or ssot's own writer) as
// the other machine that saved at the same time.

const kpxc = hasKeepassxc();

async function workspace(): Promise<VaultWorkspace> {
  const ws = await makeVaultWorkspace({ copies: '      - folder: { path: usb }' });
  const r = await sync(ws);
  expect(r.code, r.stderr).toBe(0);
  return ws;
}

function sync(ws: VaultWorkspace, ...extra: string[]) {
  return runSsot(['sync', '--only', 'vault', ...extra], { cwd: ws.dir, env: ws.env });
}

/** An entry added by keepassxc-cli when it is installed, else by ssot's writer: the "other machine". */
async function addEntry(file: string, ws: VaultWorkspace, title: string, secret: string, writer: 'keepassxc' | 'ssot'): Promise<void> {
  if (writer === 'keepassxc' && kpxc) {
    keepassxc(['add', '-q', '-u', 'someone', '-p', file, title], [ws.password, secret]);
    return;
  }
  const db = await openAt(file, ws.password);
  db.addEntry('', { Title: title, UserName: 'someone', Password: secret });
  await fs.writeFile(file, await db.save());
}

const conflictDir = (ws: VaultWorkspace): string => path.join(ws.dir, 'state', 'ssot', 'backups', 'chronos', 'conflict-copies');

describe('ssot sync merges the conflict copies of file-sync tools', () => {
  // One per naming scheme, beside the primary or beside the folder copy, its edit made by keepassxc-cli or by ssot.
  const schemes: [string, string, 'primary' | 'usb', 'keepassxc' | 'ssot'][] = [
    ['Syncthing', 'chronos.sync-conflict-20251130-101010-ABCDEF7.kdbx', 'usb', 'keepassxc'],
    ['Dropbox', "chronos (Ada's conflicted copy 2025-11-30).kdbx", 'primary', 'ssot'],
    ['Dropbox', 'chronos (conflicted copy 2025-11-30 (1)).kdbx', 'usb', 'ssot'],
    ['Dropbox', 'Chronos (Case Conflict).kdbx', 'primary', 'keepassxc'],
    ['Nextcloud / ownCloud', 'chronos (conflicted copy ada 2025-11-30 101010).kdbx', 'usb', 'keepassxc'],
    ['ownCloud / Nextcloud (older clients)', 'chronos_conflict-20251130-101010.kdbx', 'primary', 'ssot'],
    ['Nextcloud', 'CHRONOS (case clash from 2025-11-30 101010).kdbx', 'usb', 'ssot'],
    ['OneDrive', 'chronos-DESKTOP-AB12CD3.kdbx', 'primary', 'keepassxc'],
    ['OneDrive (Linux client)', 'chronos-ada-laptop-safeBackup-0001.kdbx', 'usb', 'keepassxc'],
    ['Google Drive for desktop / OneDrive', 'chronos (1).kdbx', 'primary', 'ssot'],
  ];

  it.each(schemes)('%s: %s beside the %s (edited by %s): both edits survive everywhere, it moves to the backups', async (tool, name, where, writer) => {
    const ws = await workspace();
    const conflict = path.join(where === 'primary' ? path.dirname(ws.primary) : ws.usb, name);
    // Two machines saved at once: the tool kept one save as the file, the other as the conflict copy.
    await fs.copyFile(where === 'primary' ? ws.primary : ws.usbCopy, conflict);
    await addEntry(conflict, ws, 'Saved on the laptop', 'laptop-secret-value-7', writer);
    await addEntry(where === 'primary' ? ws.primary : ws.usbCopy, ws, 'Saved here', 'here-secret-value-8', writer === 'ssot' ? 'keepassxc' : 'ssot');
    const conflictBytes = await fs.readFile(conflict);

    const r = await sync(ws, '--json');
    expect(r.code, r.stdout).toBe(0);
    for (const f of [ws.primary, ws.usbCopy]) expect(await titles(f, ws.password)).toEqual(['AWS SSO', 'Saved here', 'Saved on the laptop']);
    if (kpxc) expect(keepassxc(['ls', '-q', ws.primary], [ws.password]).stdout).toContain('Saved on the laptop');

    const merged = jsonLines(r.stdout).filter((l) => l['type'] === 'action' && l['action'] === 'merged');
    expect(merged).toHaveLength(1);
    expect(merged[0]!['target']).toBe(`chronos: ${conflict}`);
    expect(merged[0]!['detail']).toContain(`${tool} conflict copy; moved to ${conflictDir(ws)}`);
    await expect(fs.access(conflict)).rejects.toThrow();
    const kept = await fs.readdir(conflictDir(ws));
    expect(kept).toHaveLength(1);
    expect(kept[0]!.endsWith(name)).toBe(true);
    expect(await fs.readFile(path.join(conflictDir(ws), kept[0]!))).toEqual(conflictBytes);
    expect(r.stdout).not.toContain('laptop-secret-value-7');

    const again = await sync(ws, '--json');
    expect(jsonLines(again.stdout).filter((l) => l['type'] === 'action').map((l) => l['action'])).toEqual(['unchanged']);
  });

  it('an edit of an existing entry in the conflict copy and a new entry in the file: both kept', async () => {
    const ws = await workspace();
    const conflict = path.join(ws.usb, 'chronos.sync-conflict-20251130-101010-ABCDEF7.kdbx');
    await fs.copyFile(ws.usbCopy, conflict);
    const db = await openAt(conflict, ws.password);
    // A later second than the entry's creation: the same second would be a same-second conflict (merge rule 3).
    db.clock = () => new Date(Date.now() + 5_000);
    db.editEntry(db.findEntries('AWS SSO')[0]!.uuid, { UserName: 'ops-renamed' });
    await fs.writeFile(conflict, await db.save());
    await addEntry(ws.usbCopy, ws, 'Saved here', 'here-secret-value-8', 'keepassxc');
    expect((await sync(ws)).code).toBe(0);
    for (const f of [ws.primary, ws.usbCopy]) {
      const result = await openAt(f, ws.password);
      expect(result.findEntries('AWS SSO')[0]!.fields['UserName']).toBe('ops-renamed');
      expect(result.findEntries('Saved here')).toHaveLength(1);
    }
  });

  it('a conflict copy of another database, or one the vault password does not open, is left alone with a warning (exit 0)', async () => {
    const ws = await workspace();
    const other = path.join(path.dirname(ws.primary), 'chronos (1).kdbx');
    const otherDb = await VaultDatabase.create({ password: ws.password }, { name: 'another', ...TEST_KDF });
    await fs.writeFile(other, await otherDb.save());
    const locked = path.join(ws.usb, 'chronos.sync-conflict-20251130-101010-ABCDEF7.kdbx');
    const lockedDb = await openAt(ws.primary, ws.password);
    await lockedDb.setKey({ password: 'not the vault password' });
    await fs.writeFile(locked, await lockedDb.save());
    const before = { primary: await fs.readFile(ws.primary), other: await fs.readFile(other), locked: await fs.readFile(locked) };

    const r = await sync(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: vault chronos: ${other} looks like a Google Drive for desktop / OneDrive conflict copy, but it is another database (its root group differs); left alone`);
    expect(r.stderr).toMatch(new RegExp(`warning: vault chronos: ${locked.replace(/[.()]/g, '\\$&')} looks like a Syncthing conflict copy, but .*wrong password or key file.*; left alone`));
    expect(await fs.readFile(ws.primary)).toEqual(before.primary);
    expect(await fs.readFile(other)).toEqual(before.other);
    expect(await fs.readFile(locked)).toEqual(before.locked);
    expect(r.stderr).not.toContain(ws.password);

    const status = await runSsot(['status'], { cwd: ws.dir, env: ws.env });
    expect(status.stdout).toContain(`vault chronos: Syncthing conflict copy ${locked}: LEFT ALONE`);
    const again = await sync(ws, '--json');
    expect(jsonLines(again.stdout).filter((l) => l['type'] === 'warning')).toHaveLength(2);
    // Moved away by hand: status stops reporting it.
    await fs.rm(locked);
    expect((await runSsot(['status'], { cwd: ws.dir, env: ws.env })).stdout).not.toContain(locked);
  });

  it('another vault whose file name looks like a conflict copy of this one is not touched', async () => {
    const ws = await makeVaultWorkspace({
      copies: '      - folder: { path: usb }',
      extraYaml: `  - name: team
    path: home/security/chronos-team.kdbx
    password: { env: SSOT_TEST_PW }
`,
    });
    const team = await VaultDatabase.create({ password: ws.password }, { name: 'team', ...TEST_KDF });
    await fs.writeFile(path.join(path.dirname(ws.primary), 'chronos-team.kdbx'), await team.save());
    const r = await sync(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    await fs.access(path.join(path.dirname(ws.primary), 'chronos-team.kdbx'));
  });

  it('--dry-run says what it would merge and moves nothing; status reports the merge afterwards', async () => {
    const ws = await workspace();
    const conflict = path.join(ws.usb, 'chronos (1).kdbx');
    await fs.copyFile(ws.usbCopy, conflict);
    await addEntry(conflict, ws, 'Saved on the laptop', 'laptop-secret-value-7', 'ssot');
    const dry = await sync(ws, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`would merge +Google Drive for desktop / OneDrive conflict copy; would be moved into the backups`));
    await fs.access(conflict);
    expect(await titles(ws.primary, ws.password)).toEqual(['AWS SSO']);

    expect((await sync(ws)).code).toBe(0);
    const status = await runSsot(['status', '--json'], { cwd: ws.dir, env: ws.env });
    const rec = jsonLines(status.stdout).find((l) => l['type'] === 'vault-conflict-copy');
    expect(rec).toMatchObject({ vault: 'chronos', file: conflict, outcome: 'merged', tool: 'Google Drive for desktop / OneDrive' });
    expect(String(rec!['movedTo'])).toContain(conflictDir(ws));
  });
});

describe('ssot sync removes the temp files of a killed write', () => {
  it('a writer killed between its write and its rename leaves .NAME.PID.HEX.tmp; the next sync removes it and nothing else', async () => {
    const ws = await workspace();
    // A real writeFileAtomic in another process, stopped at its fsync and killed there.
    const script = `
      import { promises as fs } from 'node:fs';
      const { writeFileAtomic } = await import(${JSON.stringify(path.join(REPO, 'dist', 'core', 'atomic.js'))});
      const probe = await fs.open(process.argv[1], 'r');
      Object.getPrototypeOf(probe).sync = () => { process.stdout.write('in fsync\\n'); return new Promise(() => {}); };
      await probe.close();
      await writeFileAtomic(process.argv[1], Buffer.alloc(4096, 7));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, ws.usbCopy], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('in fsync') && resolve()));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const left = (await fs.readdir(ws.usb)).filter((n) => n.startsWith('.chronos.kdbx.'));
    expect(left).toEqual([expect.stringMatching(new RegExp(`^\\.chronos\\.kdbx\\.${child.pid!}\\.[0-9a-f]{8}\\.tmp$`))]);
    const temp = path.join(ws.usb, left[0]!);
    const bystanders = ['.chronos.kdbx.tmp', 'notes.txt', '.other.kdbx.12345.0a1b2c3d.tmp'].map((n) => path.join(ws.usb, n));
    for (const b of bystanders) await fs.writeFile(b, 'keep me');

    // Right after the kill, the writer might as well be another machine's, still writing: kept.
    const soon = await sync(ws, '--json');
    expect(jsonLines(soon.stdout).some((l) => l['action'] === 'removed')).toBe(false);
    await fs.access(temp);

    // A few minutes later, the next sync removes it.
    const past = new Date(Date.now() - STALE_DEAD_MS - 60_000);
    await fs.utimes(temp, past, past);
    const r = await sync(ws, '--json');
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout).filter((l) => l['type'] === 'action').map((l) => [l['action'], l['target']])).toEqual([['removed', `chronos: ${temp}`]]);
    await expect(fs.access(temp)).rejects.toThrow();
    for (const b of bystanders) expect(await fs.readFile(b, 'utf8')).toBe('keep me');
    expect(await titles(ws.usbCopy, ws.password)).toEqual(['AWS SSO']);
  });
});
