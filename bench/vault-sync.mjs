#!/usr/bin/env node
// A full `ssot sync --only vault` of a 500-entry database (KeePassXC's default
// KDF: Argon2id 64 MiB, 10 iterations, 2 lanes) with three copies (git with a
// bare remote, Google Drive through the local stand-in, a folder) where two
// locations changed (the primary and the Drive copy), timed as a whole
// process, median of N rounds. Also: the same sync with nothing changed.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { VaultDatabase } = await import(path.join(root, 'dist/vault/kdbx/database.js'));
const { startDriveStandIn } = await import('@ssot/standins/drive');
const rounds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
const work = mkdtempSync(path.join(os.tmpdir(), 'ssot-bench-sync-'));
const password = 'bench password 1234';
const token = 'ya29.bench-token';
const drive = await startDriveStandIn({ accessTokens: [token] });
try {
  const primary = path.join(work, 'chronos.kdbx');
  const db = await VaultDatabase.create({ password }, { name: 'chronos' });
  for (let i = 0; i < 500; i++) {
    db.addEntry(`Group ${i % 10}`, { Title: `entry ${i}`, UserName: `user${i}`, Password: `pw-${i}-${Math.random().toString(36).slice(2)}`, URL: `https://svc${i}.example.com`, Notes: 'note '.repeat(20) });
  }
  writeFileSync(primary, await db.save(), { mode: 0o600 });
  const git = (cwd, ...a) => execFileSync('git', a, { cwd, encoding: 'utf8' });
  git(work, 'init', '-q', '--bare', '-b', 'main', 'remote.git');
  git(work, 'clone', '-q', 'remote.git', 'repo');
  const repo = path.join(work, 'repo');
  writeFileSync(path.join(repo, 'README.md'), 'x\n');
  git(repo, '-c', 'user.name=b', '-c', 'user.email=b@x', 'commit', '-qm', 'init', '--allow-empty');
  git(repo, 'add', '.');
  git(repo, '-c', 'user.name=b', '-c', 'user.email=b@x', 'commit', '-qm', 'readme');
  git(repo, 'push', '-q', 'origin', 'main');
  const config = path.join(work, 'ssot.config.yaml');
  writeFileSync(config, `vaults:
  - name: chronos
    path: chronos.kdbx
    password: { env: BENCH_PW }
    copies:
      - git: { repo: repo }
      - gdrive: { folder: security }
      - folder: { path: usb }
gdrive:
  auth: { accessToken: { env: BENCH_TOKEN } }
  rootUrl: ${drive.url}
`);
  const env = { ...process.env, BENCH_PW: password, BENCH_TOKEN: token, SSOT_CONFIG: config, XDG_STATE_HOME: path.join(work, 'state'), SSOT_KEYRING: 'file', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' };
  // Async: the Drive stand-in runs in this process and must keep answering.
  const sync = () =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      const c = spawn(process.execPath, [path.join(root, 'bin/ssot'), 'sync', '--only', 'vault', '--quiet'], { cwd: work, env });
      let err = '';
      c.stderr.on('data', (d) => (err += d));
      c.on('close', (code) => (code === 0 ? resolve(performance.now() - t) : reject(new Error(`sync failed (${code}): ${err}`))));
    });
  const first = await sync();
  const file = drive.findByName('chronos.kdbx')[0];
  const twoChanged = [];
  const unchanged = [];
  for (let i = 0; i < rounds; i++) {
    const p = await VaultDatabase.open(readFileSync(primary), { password }, 'primary');
    p.addEntry('', { Title: `primary edit ${i}`, Password: `p${i}-${Math.random()}` });
    writeFileSync(primary, await p.save());
    const d = await VaultDatabase.open(drive.content(file.id), { password }, 'drive');
    d.addEntry('', { Title: `drive edit ${i}`, Password: `d${i}-${Math.random()}` });
    drive.uploadRevision(file.id, await d.save(), 'other machine');
    twoChanged.push(await sync());
    unchanged.push(await sync());
  }
  // What the key check costs, next to what a person pays to open the same file with KeePassXC's CLI.
  const kpxc = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    try {
      execFileSync('keepassxc-cli', ['ls', '-q', primary], { input: `${password}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
      kpxc.push(performance.now() - t);
    } catch {
      break; // no keepassxc-cli here
    }
  }
  const check = await VaultDatabase.open(readFileSync(path.join(work, 'usb', 'chronos.kdbx')), { password }, 'usb');
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`500 entries, Argon2id 64 MiB/10/2, copies: git (bare remote) + Drive (stand-in) + folder; ${rounds} rounds, load ${os.loadavg()[0].toFixed(1)}`);
  console.log('| sync | median ms | min ms |');
  console.log('|---|---:|---:|');
  console.log(`| first sync (creates 3 copies) | ${first.toFixed(0)} | - |`);
  console.log(`| two locations changed (primary + Drive) | ${med(twoChanged).toFixed(0)} | ${Math.min(...twoChanged).toFixed(0)} |`);
  console.log(`| nothing changed (the key checked once: one key derivation) | ${med(unchanged).toFixed(0)} | ${Math.min(...unchanged).toFixed(0)} |`);
  if (kpxc.length) console.log(`| keepassxc-cli ls (open the same file: one key derivation) | ${med(kpxc).toFixed(0)} | ${Math.min(...kpxc).toFixed(0)} |`);
  console.log(`(folder copy holds ${check.summary().entries} entries after the rounds)`);
} finally {
  await drive.close();
  rmSync(work, { recursive: true, force: true });
}
