import { execFileSync } from 'node:child_process';
import { promises as fs, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runSsot } from '../support/cli.js';
import { tmpDir } from '../support/tmp.js';
import { makeVaultWorkspace } from '../support/vault-workspace.js';
import { TEST_ACCESS_TOKEN, TEST_OAUTH, useDriveStandIn } from '../standins/drive/index.js';
import { stringContaining, stringMatching } from '../support/matchers.js';

const drive = await useDriveStandIn();
let folders = 0;

/** Every file and folder under `dir`: path, size, mode and mtime; doctor must change none. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = await fs.lstat(p);
      out.set(p, `${st.size}:${(st.mode & 0o7777).toString(8)}:${st.mtimeMs}`);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out;
}

const checks = (stdout: string) => jsonLines(stdout).filter((l) => l['type'] === 'check') as Array<{ name: string; ok: boolean; detail: string; fix?: string }>;

describe('ssot doctor', () => {
  it('writes nothing: not the clone (no fetch, no commit), not the folder copy, not the state, not Drive', async () => {
    const ws = await makeVaultWorkspace({
      copies: `      - git: { repo: home/keepass_versions }
      - gdrive: { folder: doctor-${++folders} }
      - folder: { path: usb }`,
      extraYaml: `gdrive:\n  auth: { accessToken: { env: GDRIVE_TOKEN } }\n  rootUrl: ${drive.url}\n`,
    });
    const env = { ...ws.env, GDRIVE_TOKEN: TEST_ACCESS_TOKEN };
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env })).code).toBe(0);
    // Another machine pushed since: a fetch would move origin/main; doctor must not.
    const other = path.join(ws.dir, 'other');
    execFileSync('git', ['clone', '-q', ws.remote, other]);
    writeFileSync(path.join(other, 'NOTES.md'), 'x\n');
    execFileSync('git', ['-C', other, 'add', 'NOTES.md']);
    execFileSync('git', ['-C', other, '-c', 'user.name=o', '-c', 'user.email=o@example.invalid', 'commit', '-qm', 'notes']);
    execFileSync('git', ['-C', other, 'push', '-q', 'origin', 'main']);
    const driveRequests = drive.requests.length;
    const before = await snapshot(ws.dir);
    const r = await runSsot(['doctor', '--json'], { cwd: ws.dir, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await snapshot(ws.dir)).toEqual(before);
    expect(drive.requests.slice(driveRequests).filter((q) => q.method !== 'GET')).toEqual([]);
    const byName = checks(r.stdout);
    expect(byName.find((c) => c.name.startsWith('vault chronos: git origin/main'))!.detail).toMatch(/the remote has commits this clone lacks/);
    expect(byName.find((c) => c.name.startsWith('vault chronos: Google Drive'))!.detail).toMatch(/the file is there/);
  });

  it('shows where each credential comes from, never its value; a missing one fails with its fix', async () => {
    const ws = await makeVaultWorkspace({
      extraYaml: `confluence:\n  baseUrl: http://127.0.0.1:9/wiki\n  email: { keyring: "ssot/atlassian-email" }\n  token: { file: token.txt }\n  space: PC\n`,
    });
    await runSsot(['keyring', 'set', 'ssot/atlassian-email'], { cwd: ws.dir, env: ws.env, input: 'me@example.com' });
    await fs.writeFile(path.join(ws.dir, 'token.txt'), 'ATATT-file-token-value', { mode: 0o644 });
    const r = await runSsot(['doctor'], { cwd: ws.dir, env: ws.env });
    expect(r.stdout).toMatch(/ok {4}credential vaults\[0\]\.password \(password of vault chronos\): environment variable SSOT_TEST_PW: set/);
    expect(r.stdout).toMatch(/ok {4}credential confluence\.email \(Confluence account email\): keyring ssot\/atlassian-email, in the file \S+credentials\.json \(mode 0600\): set/);
    expect(r.stdout).toMatch(/FAIL {2}credential confluence\.token \(Confluence API token\): file \S+token\.txt: readable by others \(mode 644\)/);
    for (const secret of [ws.password, 'me@example.com', 'ATATT-file-token-value']) expect(r.stdout + r.stderr).not.toContain(secret);
    const missing = await runSsot(['doctor'], { cwd: ws.dir, env: { ...ws.env, SSOT_TEST_PW: '' } });
    expect(missing.stdout).toMatch(/FAIL {2}credential vaults\[0\]\.password \(password of vault chronos\): environment variable SSOT_TEST_PW: no value/);
  });

  it('a wrong password is found by doctor and by vault verify before anything changes', async () => {
    const ws = await makeVaultWorkspace();
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    const env = { ...ws.env, SSOT_TEST_PW: 'not the password' };
    const before = await snapshot(ws.dir);
    const d = await runSsot(['doctor', '--json'], { cwd: ws.dir, env });
    expect(d.code).toBe(1);
    expect(checks(d.stdout).find((c) => c.name === 'vault chronos: primary')).toMatchObject({ ok: false, detail: stringMatching(/wrong password or key file/) });
    expect(await snapshot(ws.dir)).toEqual(before);
    const v = await runSsot(['vault', 'verify'], { cwd: ws.dir, env });
    expect(v.code).toBe(2);
    expect(v.stdout).toMatch(/wrong password or key file/);
  });

  it('checks the Drive sign-in: a refresh token that works, one that was revoked', async () => {
    const ws = await makeVaultWorkspace({
      copies: `      - folder: { path: usb }`,
      extraYaml: `gdrive:\n  auth: { clientId: ${TEST_OAUTH.clientId}, clientSecret: { env: G_SECRET }, refreshToken: { env: G_REFRESH } }\n  rootUrl: ${drive.url}\n  tokenUrl: ${drive.tokenUrl}\n`,
    });
    const ok = await runSsot(['doctor', '--json'], { cwd: ws.dir, env: { ...ws.env, G_SECRET: TEST_OAUTH.clientSecret, G_REFRESH: TEST_OAUTH.refreshToken } });
    expect(checks(ok.stdout).find((c) => c.name === 'gdrive: sign-in')).toMatchObject({ ok: true, detail: 'the refresh token works (scope drive.file)' });
    const bad = await runSsot(['doctor', '--json'], { cwd: ws.dir, env: { ...ws.env, G_SECRET: TEST_OAUTH.clientSecret, G_REFRESH: '1//revoked' } });
    expect(checks(bad.stdout).find((c) => c.name === 'gdrive: sign-in')).toMatchObject({ ok: false, fix: stringContaining('ssot auth gdrive') });
    expect(bad.stdout).not.toContain('1//revoked');
  });
});

describe('a vault repository on master, and a clone of an empty one', () => {
  /** A bare remote whose branch is master, and a config that names no branch. */
  async function masterWorkspace() {
    const ws = await makeVaultWorkspace({ copies: `      - git: { repo: home/empty_clone }` });
    const bare = path.join(ws.dir, 'master.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'master', bare]);
    const clone = path.join(ws.dir, 'home', 'empty_clone');
    execFileSync('git', ['clone', '-q', bare, clone], { stdio: 'ignore' });
    return { ws, bare, clone, head: () => fs.readFile(path.join(clone, '.git', 'HEAD'), 'utf8') };
  }

  it('doctor on a clone of an empty bare repository: no "ambiguous argument", HEAD stays on master, nothing written', async () => {
    const { ws, clone, head } = await masterWorkspace();
    expect(await head()).toBe('ref: refs/heads/master\n');
    const before = await snapshot(clone);
    const r = await runSsot(['doctor', '--json'], { cwd: ws.dir, env: ws.env });
    expect(r.stdout + r.stderr).not.toContain('ambiguous argument');
    const git = checks(r.stdout).find((c) => c.name.includes('git origin'))!;
    expect(git).toMatchObject({ ok: true, name: stringContaining('git origin/master'), detail: stringMatching(/no master there yet.*no commit here yet/) });
    expect(r.code).toBe(0);
    expect(await head()).toBe('ref: refs/heads/master\n');
    expect(await snapshot(clone)).toEqual(before);
  });

  it('a sync works on master; with `branch: main` configured, doctor fails with hints that name commands that exist there', async () => {
    const { ws, bare, head } = await masterWorkspace();
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    expect(execFileSync('git', ['-C', bare, 'ls-tree', '--name-only', 'master'], { encoding: 'utf8' }).trim()).toBe('chronos.kdbx');
    expect(await head()).toBe('ref: refs/heads/master\n');
    const ok = await runSsot(['doctor', '--json'], { cwd: ws.dir, env: ws.env });
    expect(checks(ok.stdout).find((c) => c.name.includes('git origin/master'))!.detail).toMatch(/push to origin\/master accepted \(dry run\)/);
    await fs.writeFile(ws.config, (await fs.readFile(ws.config, 'utf8')).replace('{ repo: home/empty_clone }', '{ repo: home/empty_clone, branch: main }'));
    const bad = await runSsot(['doctor', '--json'], { cwd: ws.dir, env: ws.env });
    const failed = checks(bad.stdout).find((c) => c.name.includes('git origin/main'))!;
    expect(failed.ok).toBe(false);
    expect(failed.detail).toContain('is on master, not main');
    expect(failed.fix).toContain('has no branch main');
    expect(failed.fix).toContain('branch: master');
    expect(failed.fix).not.toMatch(/switch main\b/); // there is no main to switch to
  });
});

describe('ssot keyring on Linux without a Secret Service', () => {
  it('stores in the documented 0600 file and says so; the kernel keyring is never used', async () => {
    const home = tmpDir();
    const account = `test-${process.pid}-${Date.now()}`;
    const env = { XDG_CONFIG_HOME: path.join(home, 'cfg'), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    const r = await runSsot(['keyring', 'set', `ssot/${account}`], { cwd: home, env, input: 'kernel-keyring-must-not-hold-this' });
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(home, 'cfg', 'ssot', 'credentials.json');
    expect(r.stdout).toContain(`stored ssot/${account} in the file ${file} (mode 0600) (no OS keyring answered: no Secret Service on this session)`);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({ [`ssot/${account}`]: 'kernel-keyring-must-not-hold-this' });
    const { Entry } = await import('@napi-rs/keyring');
    expect(new Entry('ssot', account, { linux: { store: 'keyutils' } }).getPassword()).toBeNull();
  });
});
