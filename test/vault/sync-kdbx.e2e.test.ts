/**
 * `ssot sync` and `ssot vault verify` end to end on what issues 10 and 14 saw:
 * a file KeePassXC would refuse is written nowhere (exit 1, every location
 * untouched, the reason said); verify fails for a location KeePassXC would
 * refuse; Git commit messages count what changed for that copy; the empty
 * master password works through env, file and keyring without a terminal.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSsot } from '../support/cli.js';
import { plainXml, sealXml } from '../support/kdbx-xml.js';
import { hasKeepassxc, keepassxc } from '../support/keepassxc.js';
import { runnerIsCI } from '../support/runner.js';
import { git, makeVaultWorkspace, openAt, type VaultWorkspace } from '../support/vault-workspace.js';

const needsKpxc = !hasKeepassxc() && !runnerIsCI();
const sync = (ws: VaultWorkspace, env: NodeJS.ProcessEnv = {}) => runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: { ...ws.env, ...env } });
const verify = (ws: VaultWorkspace, env: NodeJS.ProcessEnv = {}) => runSsot(['vault', 'verify', 'chronos'], { cwd: ws.dir, env: { ...ws.env, ...env } });
const subjects = (ws: VaultWorkspace): string[] => git(ws.dir, '--git-dir', ws.remote, 'log', '--format=%s', 'main').split('\n');
const state = (files: string[]): string[] => files.map((f) => `${statSync(f).mtimeMs}:${readFileSync(f).toString('base64')}`);

/** The primary as another writer would have it: its XML passed through `edit`. */
async function rewritePrimary(ws: VaultWorkspace, edit: (xml: string) => string): Promise<void> {
  const bytes = readFileSync(ws.primary);
  const key = { password: ws.password };
  writeFileSync(ws.primary, await sealXml(edit(await plainXml(bytes, key)), key, bytes));
}

describe('the check before any write (issue 10)', () => {
  it('a merged file KeePassXC would refuse is written nowhere: exit 1, every location untouched, the reason said', async () => {
    const ws = await makeVaultWorkspace();
    expect((await sync(ws)).code).toBe(0);
    // Another client saved the primary with a value KeePassXC cannot read and a new entry; the usb copy
    // gained another entry: the merge makes new bytes, which carry the odd value on (it is kept as read).
    await rewritePrimary(ws, (x) => x.replace(/<IconID>0<\/IconID>/, '<IconID>key</IconID>'));
    const primary = await openAt(ws.primary, ws.password);
    primary.addEntry('', { Title: 'from the other client', Password: 'other-client-secret' });
    writeFileSync(ws.primary, await primary.save({ check: false }));
    const copy = await openAt(ws.usbCopy, ws.password);
    copy.addEntry('', { Title: 'from the usb side', Password: 'usb-side-secret' });
    writeFileSync(ws.usbCopy, await copy.save());
    const before = state([ws.primary, ws.gitCopy, ws.usbCopy]);
    const commits = git(ws.repo, 'rev-list', '--count', 'HEAD');
    const r = await sync(ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed its check, so it was written nowhere/);
    expect(r.stderr).toMatch(/invalid number "key" in IconID/);
    expect(r.stderr).not.toContain('usb-side-secret');
    expect(state([ws.primary, ws.gitCopy, ws.usbCopy])).toEqual(before);
    expect(git(ws.repo, 'rev-list', '--count', 'HEAD')).toBe(commits);
  });

  it('verify fails (exit 1) for a location KeePassXC would refuse, naming the problem', async () => {
    const ws = await makeVaultWorkspace({ copies: '      - folder: { path: usb }' });
    expect((await sync(ws)).code).toBe(0);
    expect((await verify(ws)).code).toBe(0);
    await rewritePrimary(ws, (x) => x.replace(/<EnableSearching>[^<]*<\/EnableSearching>/, '<EnableSearching></EnableSearching>'));
    const r = await verify(ws);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/KeePassXC would not open .*chronos\.kdbx.*invalid EnableSearching value/s);
  });
});

describe.skipIf(needsKpxc)('Git commit messages count what changed (issue 14)', () => {
  it('created on the first commit; an entry added in KeePassXC is "1 entry added"; a new group is counted; plurals are right', async () => {
    const ws = await makeVaultWorkspace();
    expect((await sync(ws)).code).toBe(0);
    expect(subjects(ws)[0]).toBe('ssot: chronos: created (1 entry, 0 groups)');
    keepassxc(['add', '-q', '-u', 'someone', ws.primary, 'Added in KeePassXC'], [ws.password]);
    expect((await sync(ws)).code).toBe(0);
    expect(subjects(ws)[0]).toBe('ssot: chronos: 1 entry added (2 entries, 0 groups)');
    keepassxc(['mkdir', '-q', ws.primary, 'Infra'], [ws.password]);
    keepassxc(['add', '-q', ws.primary, 'Infra/one'], [ws.password]);
    keepassxc(['add', '-q', ws.primary, 'Infra/two'], [ws.password]);
    expect((await sync(ws)).code).toBe(0);
    expect(subjects(ws)[0]).toBe('ssot: chronos: 2 entries added, 1 group added (4 entries, 1 group)');
    for (const s of subjects(ws)) expect(s).not.toMatch(/AWS SSO|Added in KeePassXC|Infra|one|two/);
  });

  it('a two-sided edit counts what changed for the Git copy, not for the primary', async () => {
    const ws = await makeVaultWorkspace();
    expect((await sync(ws)).code).toBe(0);
    keepassxc(['add', '-q', ws.primary, 'on the primary'], [ws.password]);
    const usb = await openAt(ws.usbCopy, ws.password);
    usb.addEntry('', { Title: 'on the usb copy' });
    writeFileSync(ws.usbCopy, await usb.save());
    expect((await sync(ws)).code).toBe(0);
    expect(subjects(ws)[0]).toBe('ssot: chronos: 2 entries added (3 entries, 0 groups)');
  });
});

describe.skipIf(needsKpxc)('the empty master password, without a terminal (issue 10)', () => {
  it('works through { env } set to "", an empty 0600 { file } and a keyring item stored with --empty', async () => {
    const ws = await makeVaultWorkspace({ password: '', copies: '      - folder: { path: usb }' });
    const env = { SSOT_TEST_PW: '' };
    const r = await sync(ws, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(keepassxc(['ls', '-q', ws.usbCopy], ['']).stdout).toContain('AWS SSO');

    const pwFile = path.join(ws.dir, 'empty-password');
    writeFileSync(pwFile, '');
    chmodSync(pwFile, 0o600);
    const config = readFileSync(ws.config, 'utf8');
    writeFileSync(ws.config, config.replace('password: { env: SSOT_TEST_PW }', `password: { file: ${pwFile} }`));
    expect((await verify(ws)).code).toBe(0);

    writeFileSync(ws.config, config.replace('password: { env: SSOT_TEST_PW }', 'password: { keyring: "ssot/empty" }'));
    const stored = await runSsot(['keyring', 'set', 'ssot/empty', '--empty'], { cwd: ws.dir, env: ws.env });
    expect(stored.code).toBe(0);
    expect((await verify(ws)).code).toBe(0);
    // Unset is not empty: no value, exit 2.
    writeFileSync(ws.config, config);
    const unset = await runSsot(['vault', 'verify', 'chronos'], { cwd: ws.dir, env: { ...ws.env, SSOT_TEST_PW: undefined } });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/no value for the password of vault chronos/);
  });
});
