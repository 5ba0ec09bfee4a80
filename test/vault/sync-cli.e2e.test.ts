import { execFileSync, spawn } from 'node:child_process';
import { promises as fs, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, jsonLines, pathWith, runSsot } from '../support/cli.js';
import { hasKeepassxc, keepassxc } from '../support/keepassxc.js';
import { git, makeVaultWorkspace, openAt, titles, type VaultWorkspace } from '../support/vault-workspace.js';
import { runnerIsCI } from '../support/runner.js';

// `ssot sync --only vault` end to end: the built CLI, real kdbx crypto, real git
// with a bare remote, a folder copy, and the real KeePassXC editing the files.

const needsKpxc = !hasKeepassxc() && !runnerIsCI();

function sync(ws: VaultWorkspace, ...extra: string[]) {
  return runSsot(['sync', '--only', 'vault', ...extra], { cwd: ws.dir, env: ws.env });
}

function kpxcAdd(file: string, password: string, title: string, secret: string): void {
  keepassxc(['add', '-q', '-u', 'someone', '-p', file, title], [password, secret]);
}

function snapshot(files: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    try {
      out[f] = `${statSync(f).mtimeMs}:${readFileSync(f).toString('base64').slice(0, 64)}:${statSync(f).size}`;
    } catch {
      out[f] = 'absent';
    }
  }
  return out;
}

describe('ssot sync --only vault (end to end)', () => {
  it('first sync creates the copies; a re-run writes nothing and makes no empty commit', async () => {
    const ws = await makeVaultWorkspace();
    const r = await sync(ws);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await titles(ws.gitCopy, ws.password)).toEqual(['AWS SSO']);
    expect(await titles(ws.usbCopy, ws.password)).toEqual(['AWS SSO']);
    expect(git(ws.dir, '--git-dir', ws.remote, 'log', '--format=%s', 'main')).toMatch(/^ssot: chronos: /);
    const commits = git(ws.repo, 'rev-list', '--count', 'HEAD');
    const before = snapshot([ws.primary, ws.gitCopy, ws.usbCopy]);
    const again = await sync(ws, '--json');
    expect(again.code).toBe(0);
    expect(jsonLines(again.stdout).filter((l) => l['type'] === 'action').map((l) => l['action'])).toEqual(['unchanged']);
    expect(git(ws.repo, 'rev-list', '--count', 'HEAD')).toBe(commits);
    expect(snapshot([ws.primary, ws.gitCopy, ws.usbCopy])).toEqual(before);
  });

  it.skipIf(needsKpxc)('entries added with keepassxc-cli to two different copies both survive, and KeePassXC opens the result', async () => {
    const ws = await makeVaultWorkspace();
    expect((await sync(ws)).code).toBe(0);
    kpxcAdd(ws.primary, ws.password, 'Added on primary', 'primary-added-secret-1');
    kpxcAdd(ws.usbCopy, ws.password, 'Added on usb', 'usb-added-secret-2');
    const r = await sync(ws);
    expect(r.code).toBe(0);
    for (const f of [ws.primary, ws.gitCopy, ws.usbCopy]) {
      expect(await titles(f, ws.password)).toEqual(['AWS SSO', 'Added on primary', 'Added on usb']);
    }
    const ls = keepassxc(['ls', '-q', ws.primary], [ws.password]).stdout;
    expect(ls).toContain('Added on usb');
    expect(keepassxc(['show', '-q', '-s', '-a', 'Password', ws.gitCopy, 'Added on primary'], [ws.password]).stdout.trim()).toBe('primary-added-secret-1');
  });

  it('a push that races another machine is merged, not overwritten', async () => {
    const ws = await makeVaultWorkspace();
    expect((await sync(ws)).code).toBe(0);
    // Machine two: clones the vault repository, adds an entry, pushes.
    const m2 = path.join(ws.dir, 'm2');
    git(ws.dir, 'clone', '-q', ws.remote, m2);
    const m2file = path.join(m2, 'chronos.kdbx');
    const db2 = await openAt(m2file, ws.password);
    db2.addEntry('', { Title: 'From machine two', Password: 'machine-two-secret-3' });
    await fs.writeFile(m2file, await db2.save());
    git(m2, '-c', 'user.name=m2', '-c', 'user.email=m2@example.invalid', 'commit', '-q', '-am', 'machine two edit');
    git(m2, 'push', '-q', 'origin', 'main');
    // Machine one edits its primary and syncs: the git copy has moved on.
    const db1 = await openAt(ws.primary, ws.password);
    db1.addEntry('', { Title: 'From machine one', Password: 'machine-one-secret-4' });
    await fs.writeFile(ws.primary, await db1.save());
    const r = await sync(ws);
    expect(r.code).toBe(0);
    for (const f of [ws.primary, ws.gitCopy, ws.usbCopy]) {
      expect(await titles(f, ws.password)).toEqual(['AWS SSO', 'From machine one', 'From machine two']);
    }
    git(m2, 'pull', '-q', '--ff-only');
    expect(await titles(m2file, ws.password)).toEqual(['AWS SSO', 'From machine one', 'From machine two']);
  });

  it('a plain `git pull` merges two .kdbx versions through the merge driver set up by `ssot init`', async () => {
    const ws = await makeVaultWorkspace();
    expect((await sync(ws)).code).toBe(0);
    const m2 = path.join(ws.dir, 'm2');
    git(ws.dir, 'clone', '-q', ws.remote, m2);
    // Machine two's own config points its vault repository at its clone; init installs the driver there.
    const cfg2 = path.join(ws.dir, 'm2.config.yaml');
    await fs.writeFile(cfg2, `vaults:\n  - name: chronos\n    path: m2/chronos.kdbx\n    password: { env: SSOT_TEST_PW }\n    copies:\n      - git: { repo: m2 }\n`);
    const init = await runSsot(['init', '--config', cfg2], { cwd: ws.dir, env: { ...ws.env, SSOT_CONFIG: cfg2 } });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(readFileSync(path.join(m2, '.gitattributes'), 'utf8')).toContain('*.kdbx -text -diff merge=ssot-kdbx');
    const m2file = path.join(m2, 'chronos.kdbx');
    const db2 = await openAt(m2file, ws.password);
    db2.addEntry('', { Title: 'Committed on two', Password: 'two-secret-5' });
    await fs.writeFile(m2file, await db2.save());
    git(m2, 'add', '.gitattributes', 'chronos.kdbx');
    git(m2, '-c', 'user.name=m2', '-c', 'user.email=m2@example.invalid', 'commit', '-q', '-m', 'two');
    // Meanwhile machine one syncs an edit of its own.
    const db1 = await openAt(ws.primary, ws.password);
    db1.addEntry('', { Title: 'Synced from one', Password: 'one-secret-6' });
    await fs.writeFile(ws.primary, await db1.save());
    expect((await sync(ws)).code).toBe(0);
    // Machine two pulls: git calls the driver for the diverged .kdbx.
    const pull = spawnEnv('git', ['-c', 'user.name=m2', '-c', 'user.email=m2@example.invalid', 'pull', '--no-rebase', '--no-edit', '-q'], m2, { ...ws.env, SSOT_CONFIG: cfg2 });
    expect((await pull).code).toBe(0);
    expect(await titles(m2file, ws.password)).toEqual(['AWS SSO', 'Committed on two', 'Synced from one']);
  });

  describe('bad input: a clear error naming the file, exit 2, nothing written anywhere', () => {
    async function expectNothingWritten(ws: VaultWorkspace, run: () => Promise<{ code: number | null; stderr: string; stdout: string }>, mention: string | RegExp) {
      const files = [ws.primary, ws.gitCopy, ws.usbCopy];
      const before = snapshot(files);
      const commits = git(ws.dir, '--git-dir', ws.remote, 'rev-list', '--count', 'main');
      const r = await run();
      expect(r.code).toBe(2);
      expect(r.stderr + r.stdout).toMatch(mention);
      expect(snapshot(files)).toEqual(before);
      expect(git(ws.dir, '--git-dir', ws.remote, 'rev-list', '--count', 'main')).toBe(commits);
      expect(r.stderr + r.stdout).not.toContain(ws.password);
      return r;
    }

    it('wrong password', async () => {
      const ws = await makeVaultWorkspace();
      expect((await sync(ws)).code).toBe(0);
      // A change must be decrypted: with nothing changed, a sync needs no key at all.
      const db = await openAt(ws.primary, ws.password);
      db.addEntry('', { Title: 'changed', Password: 'changed-secret-9' });
      await fs.writeFile(ws.primary, await db.save());
      await expectNothingWritten(ws, () => runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: { ...ws.env, SSOT_TEST_PW: 'wrong password' } }), /chronos\.kdbx.*(wrong password|cannot decrypt)|cannot decrypt/i);
    });

    it('a truncated copy', async () => {
      const ws = await makeVaultWorkspace();
      expect((await sync(ws)).code).toBe(0);
      const bytes = readFileSync(ws.usbCopy);
      await fs.writeFile(ws.usbCopy, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await expectNothingWritten(ws, () => sync(ws), /usb/);
    });

    it('a copy that is not a copy of the same database', async () => {
      const ws = await makeVaultWorkspace();
      expect((await sync(ws)).code).toBe(0);
      const other = await makeVaultWorkspace({ password: ws.password });
      await fs.copyFile(other.primary, ws.usbCopy);
      const r = await expectNothingWritten(ws, () => sync(ws), /not a copy of vault chronos/);
      expect(r.stderr).toContain('usb');
    });

    it('a config with a typo', async () => {
      const ws = await makeVaultWorkspace({ copies: '      - folder: { pth: usb }' });
      const r = await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${ws.config}:6`);
      expect(r.stderr).toContain('did you mean "path"');
      await expect(fs.access(ws.usbCopy)).rejects.toThrow();
    });
  });

  it('a kill -9 at any point of a sync leaves every copy decryptable, and the next run converges', async () => {
    const ws = await makeVaultWorkspace({ kdf: { memoryKiB: 16 * 1024, iterations: 3 } });
    expect((await sync(ws)).code).toBe(0);
    let n = 0;
    for (const delay of [40, 120, 250, 400, 600, 900, 1300]) {
      n++;
      const a = await openAt(ws.primary, ws.password);
      a.addEntry('', { Title: `primary ${n}`, Password: `p-secret-${n}-abcdef` });
      await fs.writeFile(ws.primary, await a.save());
      const b = await openAt(ws.usbCopy, ws.password);
      b.addEntry('', { Title: `usb ${n}`, Password: `u-secret-${n}-abcdef` });
      await fs.writeFile(ws.usbCopy, await b.save());
      await killAfter(ws, delay);
      for (const f of [ws.primary, ws.gitCopy, ws.usbCopy]) await openAt(f, ws.password); // decryptable
    }
    const r = await sync(ws);
    expect(r.code).toBe(0);
    const expected = ['AWS SSO', ...Array.from({ length: n }, (_, i) => [`primary ${i + 1}`, `usb ${i + 1}`]).flat()].sort();
    for (const f of [ws.primary, ws.gitCopy, ws.usbCopy]) expect(await titles(f, ws.password)).toEqual(expected);
    const again = await sync(ws, '--json');
    expect(jsonLines(again.stdout).filter((l) => l['type'] === 'action').map((l) => l['action'])).toEqual(['unchanged']);
  });

  it('no password or entry value in any output, commit message or git command line', async () => {
    const ws = await makeVaultWorkspace();
    // Every git the CLI starts goes through a wrapper that records its command line.
    const trace = path.join(ws.dir, 'git-argv.log');
    const shim = path.join(ws.dir, 'shim');
    await fs.mkdir(shim);
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    await fs.writeFile(path.join(shim, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${trace}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
    const env = { ...ws.env, PATH: pathWith(shim) };
    const db = await openAt(ws.primary, ws.password);
    db.addEntry('', { Title: 'Token', Password: 'value-that-must-not-leak-77' });
    await fs.writeFile(ws.primary, await db.save());
    const outs = [await runSsot(['sync', '--only', 'vault', '--verbose'], { cwd: ws.dir, env }), await runSsot(['sync', '--only', 'vault', '--json'], { cwd: ws.dir, env }), await runSsot(['vault', 'verify', '--verbose'], { cwd: ws.dir, env })];
    const everything = outs.map((o) => o.stdout + o.stderr).join('\n') + git(ws.repo, 'log', '--format=%B') + readFileSync(trace, 'utf8');
    for (const secret of [ws.password, 'value-that-must-not-leak-77', 'aws-sso-secret-value-0001']) expect(everything).not.toContain(secret);
    expect(outs.every((o) => o.code === 0)).toBe(true);
    expect(readFileSync(trace, 'utf8')).toMatch(/push/);
  });
});

function spawnEnv(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { cwd, env: { ...process.env, ...env } });
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Start `ssot sync` and SIGKILL it after `ms`. */
function killAfter(ws: VaultWorkspace, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, 'sync', '--only', 'vault'], { cwd: ws.dir, env: { ...process.env, ...ws.env }, stdio: 'ignore' });
    const t = setTimeout(() => c.kill('SIGKILL'), ms);
    c.on('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
