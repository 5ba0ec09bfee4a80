import { promises as fs } from 'node:fs';
import path from 'node:path';
import lib from 'kdbxweb';
import type * as KdbxWeb from 'kdbxweb';
import { describe, expect, it } from 'vitest';
import { jsonLines, runSsot } from '../support/cli.js';
import { hasKeepassxc } from '../support/keepassxc.js';
import { runnerIsCI } from '../support/runner.js';
import { findKeepassxc } from '../../src/vault/keepassxc.js';
import { VaultDatabase } from '../../src/vault/kdbx/database.js';
import { TEST_KDF, makeVaultWorkspace, type VaultWorkspace } from '../support/vault-workspace.js';

// `ssot vault verify --keepassxc`: the real keepassxc-cli opens every location,
// its password on standard input.

const kw = lib as unknown as typeof KdbxWeb;
const needsKpxc = !hasKeepassxc() && !runnerIsCI();

function verify(ws: VaultWorkspace, ...extra: string[]) {
  return runSsot(['vault', 'verify', '--keepassxc', ...extra], { cwd: ws.dir, env: ws.env });
}

/** A database ssot reads but KeePassXC refuses: a group whose <EnableSearching> is empty (written by a library, not by ssot). */
async function refusedByKeePassXC(password: string): Promise<Uint8Array> {
  const db = kw.Kdbx.create(new kw.KdbxCredentials(kw.ProtectedValue.fromString(password)), 'made elsewhere');
  db.setKdf(kw.Consts.KdfId.Aes);
  (db.getDefaultGroup() as { enableSearching: boolean | null | undefined }).enableSearching = undefined;
  return new Uint8Array(await db.save());
}

describe('ssot vault verify --keepassxc', () => {
  it.skipIf(needsKpxc)('KeePassXC opens every location: exit 0, a KEEPASSXC column, ok in --json', async () => {
    const ws = await makeVaultWorkspace({ copies: '      - folder: { path: usb }' });
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    const r = await verify(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/LOCATION +STATUS +ENTRIES +CONTENT +KEEPASSXC/);
    const j = await verify(ws, '--json');
    expect(jsonLines(j.stdout).filter((l) => l['type'] === 'verify').map((l) => [l['status'], l['keepassxc']])).toEqual([
      ['ok', 'ok'],
      ['ok', 'ok'],
    ]);
    expect(r.stdout + r.stderr + j.stdout).not.toContain(ws.password);
  });

  it.skipIf(needsKpxc)('a location KeePassXC refuses is an error naming it, with what KeePassXC said (exit 1)', async () => {
    const ws = await makeVaultWorkspace({ copies: '      - folder: { path: usb }' });
    await fs.mkdir(ws.usb);
    await fs.writeFile(ws.usbCopy, await refusedByKeePassXC(ws.password));
    const j = await verify(ws, '--json');
    expect(j.code).toBe(1);
    const rows = jsonLines(j.stdout).filter((l) => l['type'] === 'verify');
    expect(rows.map((l) => [l['location'], l['status'], l['keepassxc']])).toEqual([
      ['primary', 'ok', 'ok'],
      [`folder:${ws.usbCopy}`, 'error', 'refused'],
    ]);
    const r = await verify(ws);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`folder ${ws.usbCopy}`);
    expect(r.stdout).toMatch(/refused/);
    expect(r.stdout + r.stderr).not.toContain(ws.password);
  });

  it('without keepassxc-cli: exit 2 and how to get it, before anything is read', async () => {
    const ws = await makeVaultWorkspace({ copies: '      - folder: { path: usb }' });
    // Only node's own folder on the PATH: no keepassxc-cli there.
    const r = await runSsot(['vault', 'verify', '--keepassxc'], { cwd: ws.dir, env: { ...ws.env, PATH: path.dirname(process.execPath) } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--keepassxc needs keepassxc-cli, which is not installed here (not on PATH)');
    expect(r.stderr).toContain('apt-get install keepassxc');
    expect(r.stdout).not.toContain('LOCATION');
  });

  it.skipIf(needsKpxc)('the password reaches keepassxc-cli on stdin: the empty password is an empty line, no password is --no-password', async () => {
    const empty = await VaultDatabase.create({ password: '' }, { name: 'empty', ...TEST_KDF });
    const bytes = await empty.save();
    expect(await (await findKeepassxc({ password: '' })).refuses(bytes, 'empty.kdbx')).toBeUndefined();
    expect(await (await findKeepassxc({})).refuses(bytes, 'empty.kdbx')).toMatch(/Invalid credentials/);
    const kpxc = await findKeepassxc({ password: 'not it' });
    expect(kpxc.version).toMatch(/^\d+\.\d+/);
    const said = await kpxc.refuses(bytes, 'the label');
    expect(said).toMatch(/^Error while reading the database: Invalid credentials/);
    expect(said).not.toContain('ssot-kpxc-'); // the temp file's path is replaced by the label
  });
});
