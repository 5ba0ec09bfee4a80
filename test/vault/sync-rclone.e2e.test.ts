import { execFileSync, spawn } from 'node:child_process';
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, pathWith, REPO, runSsot } from '../support/cli.js';
import { startRcloneWorld, stopProcess } from '../support/rclone.js';
import { makeVaultWorkspace, openAt, titles, type VaultWorkspace } from '../support/vault-workspace.js';
import { VaultDatabase } from '../../src/vault/kdbx/database.js';

// `ssot sync --only vault` with an rclone copy, end to end: the built CLI, the
// real rclone (through an argv-recording shim) against the webdav and sftp
// servers rclone serves on loopback and a local remote, real kdbx crypto.

const world = await startRcloneWorld();
afterAll(() => world.stop());

const UPLOADS = / (rcat|moveto|copyto|copy|sync|deletefile|delete|purge|mkdir) /;

async function workspace(remote: string, extra: { rclone?: string; copyExtra?: string } = {}): Promise<VaultWorkspace> {
  return makeVaultWorkspace({
    copies: `      - rclone: { remote: "${remote}"${extra.copyExtra ?? ''} }\n      - folder: { path: usb }`,
    extraYaml: `rclone: ${extra.rclone ?? `{ path: "${world.shim}", config: "${world.config}" }`}\n`,
  });
}

function sync(ws: VaultWorkspace, env: NodeJS.ProcessEnv = {}) {
  return runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: { ...world.env, ...ws.env, ...env } });
}

/** The file behind `wd:vN` / `sf:vN` / `loc:/abs` on disk, as the server stores it. */
function servedFile(remote: string): string {
  if (remote.startsWith('wd:')) return path.join(world.served.webdav, remote.slice(3), 'chronos.kdbx');
  if (remote.startsWith('sf:')) return path.join(world.served.sftp, remote.slice(3), 'chronos.kdbx');
  return path.join(remote.slice(remote.indexOf(':') + 1), 'chronos.kdbx');
}

/** "Another machine" writing through the server with its own rclone: download, change, upload. */
async function editRemote(remote: string, password: string, fn: (db: VaultDatabase) => void): Promise<void> {
  const file = path.join(world.dir, `other-machine-${Date.now()}.kdbx`);
  execFileSync(world.real, ['copyto', `${remote}/chronos.kdbx`, file], { env: world.env });
  await editAt(file, password, fn);
  execFileSync(world.real, ['copyto', '--ignore-times', file, `${remote}/chronos.kdbx`], { env: world.env });
}

/** Open a file, change it, save it back in place. */
async function editAt(file: string, password: string, fn: (db: VaultDatabase) => void): Promise<void> {
  const db = await openAt(file, password);
  fn(db);
  await fs.writeFile(file, await db.save());
}

describe('ssot sync with an rclone copy', () => {
  for (const server of ['webdav', 'sftp', 'local'] as const) {
    it(`${server}: first sync creates the file; another machine's edit is merged; an unchanged sync uploads nothing`, async () => {
      const remote = world.remotes[server];
      const ws = await workspace(remote);
      const first = await sync(ws);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(await titles(servedFile(remote), ws.password)).toEqual(['AWS SSO']);

      await editRemote(remote, ws.password, (db) => db.addEntry('', { Title: 'From laptop B', Password: 'laptop-b-secret-0002' }));
      const second = await sync(ws);
      expect(second.code).toBe(0);
      expect(await titles(ws.primary, ws.password)).toEqual(['AWS SSO', 'From laptop B']);
      expect(await titles(ws.usbCopy, ws.password)).toEqual(['AWS SSO', 'From laptop B']);

      const mtime = statSync(servedFile(remote)).mtimeMs;
      const before = world.calls().length;
      const third = await sync(ws);
      expect(third.code).toBe(0);
      const calls = world.calls().slice(before);
      expect(calls.filter((c) => UPLOADS.test(c))).toEqual([]);
      expect(calls.filter((c) => / cat /.test(c))).toEqual([]); // not even a download: one listing
      expect(statSync(servedFile(remote)).mtimeMs).toBe(mtime);
    });
  }

  it('a write racing another machine is merged, not lost', async () => {
    const remote = world.remotes.webdav;
    const ws = await workspace(remote);
    expect((await sync(ws)).code).toBe(0);
    // Laptop B's version, saved aside: it lands on the server the moment our upload starts.
    const theirs = path.join(ws.dir, 'theirs.kdbx');
    await fs.copyFile(servedFile(remote), theirs);
    await editAt(theirs, ws.password, (db) => db.addEntry('', { Title: 'Raced in by B', Password: 'raced-secret-0003' }));
    world.beforeNextUpload(`RCLONE_CONFIG='${world.config}' '${world.real}' copyto --ignore-times '${theirs}' '${remote}/chronos.kdbx'\n`);
    await editAt(ws.primary, ws.password, (db) => db.addEntry('', { Title: 'Ours', Password: 'ours-secret-0004' }));
    const before = world.calls().length;
    const r = await sync(ws);
    expect(r.code).toBe(0);
    // Our first upload saw B's version land and was dropped, not moved over it; the second carried the merge.
    const calls = world.calls().slice(before);
    expect(calls.filter((c) => / rcat /.test(c)).length).toBe(2);
    expect(calls.filter((c) => / moveto /.test(c)).length).toBe(1);
    expect(calls.some((c) => / deletefile .*\.tmp/.test(c))).toBe(true);
    expect(await fs.readdir(path.dirname(servedFile(remote)))).toEqual(['chronos.kdbx']);
    for (const f of [ws.primary, servedFile(remote), ws.usbCopy]) expect(await titles(f, ws.password)).toEqual(['AWS SSO', 'Ours', 'Raced in by B']);
  });

  it('a kill during an upload leaves the remote file decryptable, and the next sync finishes the job', async () => {
    const remote = world.remotes.sftp;
    const ws = await workspace(remote);
    expect((await sync(ws)).code).toBe(0);
    // Big enough that the upload is still going after the shim's first 64 KiB.
    await editAt(ws.primary, ws.password, (db) => db.addAttachment(db.addEntry('', { Title: 'Big' }), 'blob.bin', new Uint8Array(400_000).map((_, i) => (i * 7919) % 251)));
    world.slowUploads(true);
    const child = spawn(process.execPath, [BIN, 'sync', '--only', 'vault'], { cwd: ws.dir, env: { ...process.env, ...world.env, ...ws.env, NO_COLOR: '1' }, stdio: 'ignore', detached: true });
    try {
      for (let i = 0; i < 300 && !world.uploadStalled(); i++) await new Promise((res) => setTimeout(res, 100));
      expect(world.uploadStalled()).toBe(true);
      process.kill(-child.pid!, 'SIGKILL'); // ssot, the shim and rclone: the whole process group
    } finally {
      world.slowUploads(false);
      await stopProcess(child);
    }
    expect(await titles(servedFile(remote), ws.password)).toEqual(['AWS SSO']);
    const again = await sync(ws);
    expect(again.code).toBe(0);
    expect(await titles(servedFile(remote), ws.password)).toEqual(['AWS SSO', 'Big']);
  });

  it('RCLONE_CONFIG_PASS comes from a credential reference, only in rclone\'s environment; no secret in any argv or output', async () => {
    const enc = path.join(world.dir, 'enc.conf');
    await fs.copyFile(path.join(REPO, 'test', 'support', 'rclone-encrypted.conf'), enc);
    const folder = path.join(world.dir, 'enc-target');
    const ws = await workspace(`encloc:${folder}`, { rclone: `{ path: "${world.shim}", config: "${enc}", configPass: { env: RC_PASS } }` });
    const pass = 'ssot-test-rclone-config-pass';
    const before = world.calls().length;
    const r = await sync(ws, { RC_PASS: pass });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await titles(path.join(folder, 'chronos.kdbx'), ws.password)).toEqual(['AWS SSO']);
    const calls = world.calls().slice(before);
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      expect(c.startsWith('PASS=set ')).toBe(true);
      for (const secret of [pass, ws.password, world.serverPass, 'aws-sso-secret-value-0001']) expect(c).not.toContain(secret);
    }
    for (const secret of [pass, ws.password, world.serverPass]) expect(r.stdout + r.stderr).not.toContain(secret);

    const wrong = await sync(ws, { RC_PASS: 'not-the-config-password' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/rclone encloc:.*encrypted/);
    expect(wrong.stderr).toMatch(/rclone\.configPass/);
    expect(wrong.stdout + wrong.stderr).not.toContain('not-the-config-password');
  });
});

describe('an rclone copy that cannot work: a clear error naming the copy and the fix; the folder copy still synced', () => {
  const cases = [
    { what: 'rclone not installed', remote: () => world.remotes.webdav, rclone: () => `{ path: "${path.join(world.dir, 'no-such', 'rclone')}", config: "${world.config}" }`, code: 2, says: /rclone is not installed[\s\S]*install rclone/ },
    { what: 'a remote name that does not exist', remote: () => 'nosuchremote:vault', code: 2, says: /no rclone remote "nosuchremote"[\s\S]*rclone listremotes/ },
    { what: 'a remote that refuses the credentials', remote: () => 'wdbad:vault', code: 2, says: /refused rclone's credentials[\s\S]*rclone config reconnect wdbad:/ },
    { what: 'a network that is down', remote: () => 'gone:vault', code: 1, says: /rclone gone:vault\/chronos\.kdbx: cannot reach the remote[\s\S]*check the network/ },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const ws = await workspace(c.remote(), c.rclone ? { rclone: c.rclone() } : {});
      const r = await sync(ws);
      expect(r.code).toBe(c.code);
      expect(r.stderr).toMatch(c.says);
      expect(r.stdout + r.stderr).not.toContain(world.serverPass);
      expect(await titles(ws.usbCopy, ws.password)).toEqual(['AWS SSO']);
    });
  }
});

describe('doctor, restore and init with rclone', () => {
  it('doctor checks the remote, the folder and the file\'s hash, and names the guarantee; a missing remote fails with the fix', async () => {
    const remote = world.remotes.sftp;
    const ws = await workspace(remote);
    expect((await sync(ws)).code).toBe(0);
    const r = await runSsot(['doctor'], { cwd: ws.dir, env: { ...world.env, ...ws.env } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`ok +vault chronos: rclone ${remote}/chronos\\.kdbx: sftp remote reachable; the folder exists; the file's sha1 hash reads [0-9a-f]{12}; writes go to a temporary name, moved over the file server-side`));

    const bad = await workspace('nosuchremote:vault');
    const d = await runSsot(['doctor'], { cwd: bad.dir, env: { ...world.env, ...bad.env } });
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/FAIL +vault chronos: rclone nosuchremote:vault\/chronos\.kdbx: .*no rclone remote "nosuchremote"/);
    expect(d.stdout).toMatch(/fix: `rclone listremotes` lists the remotes/);
  });

  it('restore --from rclone says it cannot where the backend keeps no versions, and writes nothing', async () => {
    const ws = await workspace(world.remotes.webdav);
    expect((await sync(ws)).code).toBe(0);
    const before = await fs.readFile(ws.primary);
    const r = await runSsot(['vault', 'restore', 'chronos', '--from', 'rclone', '--yes'], { cwd: ws.dir, env: { ...world.env, ...ws.env } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot restore from rclone: rclone wd:v\d+\/chronos\.kdbx \(a webdav backend\) keeps no versions/);
    expect(r.stderr).toMatch(/--from backup/);
    expect((await fs.readFile(ws.primary)).equals(before)).toBe(true);
  });

  it('init offers the remotes in the user\'s rclone config, as commented copy lines that load', async () => {
    const dir = path.join(world.dir, `init-${Date.now()}`);
    await fs.mkdir(dir);
    const env = { ...world.env, PATH: pathWith(path.dirname(world.shim)), XDG_STATE_HOME: path.join(dir, 'state'), XDG_CONFIG_HOME: path.join(dir, 'cfg') };
    const r = await runSsot(['init'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rclone remotes you can use as a vault copy: gone \(webdav\), loc \(local\), sf \(sftp\), wd \(webdav\)/);
    const text = await fs.readFile(path.join(dir, 'ssot.config.yaml'), 'utf8');
    expect(text).toContain('#      - rclone: { remote: "sf:security" }   # sftp');
    const { parseConfig } = await import('../../src/config/load.js');
    const offered = /^#( {6}- rclone: \{ remote: "sf:security" \}.*)$/m.exec(text)![1]!;
    const uncommented = `vaults:\n  - name: chronos\n    path: x.kdbx\n    copies:\n${offered}\n`;
    expect(parseConfig(uncommented, path.join(dir, 'ssot.config.yaml')).vaults[0]!.copies).toEqual([{ rclone: { remote: 'sf:security' } }]);
  });
});
