#!/usr/bin/env node
// Time from a keepassxc-cli save of the primary to the last copy updated, with
// `ssot watch` running with the default debounce (2000 ms). Copies: git (bare
// remote), Google Drive (stand-in), a folder. KeePassXC's default KDF; a
// 5,000-entry vault unless `--entries N` (issue 10: within 5 s at 5,000).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { VaultDatabase } = await import(path.join(root, 'dist/vault/kdbx/database.js'));
const { startDriveStandIn } = await import('@ssot/standins/drive');
const ei = process.argv.indexOf('--entries');
const entries = ei > 0 ? Number(process.argv[ei + 1]) : 5000;
const rounds = Number(process.argv.slice(2).find((a, i, all) => /^\d+$/.test(a) && all[i - 1] !== '--entries') ?? 5);
try {
  execFileSync('keepassxc-cli', ['--version'], { stdio: 'ignore' });
} catch {
  console.log('keepassxc-cli not found: skipped (apt-get install keepassxc)');
  process.exit(0);
}
const work = mkdtempSync(path.join(os.tmpdir(), 'ssot-bench-watch-'));
const password = 'bench password 1234';
const drive = await startDriveStandIn({ accessTokens: ['ya29.bench'] });
let watcher;
try {
  const primary = path.join(work, 'chronos.kdbx');
  const db = await VaultDatabase.create({ password }, { name: 'chronos' });
  for (let i = 0; i < entries; i++) db.addEntry(`Group ${i % 50}`, { Title: `entry ${i}`, UserName: `user${i}`, Password: `pw-${i}-${Math.random()}`, URL: `https://svc${i}.example.com` });
  writeFileSync(primary, await db.save(), { mode: 0o600 });
  const git = (cwd, ...a) => execFileSync('git', a, { cwd, stdio: 'ignore' });
  git(work, 'init', '-q', '--bare', '-b', 'main', 'remote.git');
  git(work, 'clone', '-q', 'remote.git', 'repo');
  git(path.join(work, 'repo'), '-c', 'user.name=b', '-c', 'user.email=b@x', 'commit', '-q', '--allow-empty', '-m', 'init');
  git(path.join(work, 'repo'), 'push', '-q', 'origin', 'main');
  writeFileSync(path.join(work, 'ssot.config.yaml'), `vaults:
  - name: chronos
    path: chronos.kdbx
    password: { env: BENCH_PW }
    copies: [{ git: { repo: repo } }, { gdrive: { folder: bench } }, { folder: { path: usb } }]
gdrive: { auth: { accessToken: { env: BENCH_TOKEN } }, rootUrl: "${drive.url}" }
`);
  const env = { ...process.env, BENCH_PW: password, BENCH_TOKEN: 'ya29.bench', XDG_STATE_HOME: path.join(work, 'state'), SSOT_KEYRING: 'file', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' };
  watcher = spawn(process.execPath, [path.join(root, 'bin/ssot'), 'watch', '--quiet'], { cwd: work, env, stdio: 'ignore' });
  const has = async (title) => {
    const files = [primary, path.join(work, 'repo', 'chronos.kdbx'), path.join(work, 'usb', 'chronos.kdbx')].map((f) => readFileSync(f));
    const f = drive.findByName('chronos.kdbx')[0];
    if (!f) return false;
    files.push(drive.content(f.id));
    for (const b of files) {
      const d = await VaultDatabase.open(b, { password }, 'x');
      if (!d.entries().some((e) => e.title === title)) return false;
    }
    return true;
  };
  const until = async (fn, ms = 60_000) => {
    const t = Date.now();
    while (Date.now() - t < ms) {
      try {
        if (await fn()) return;
      } catch {
        // Not there yet (a file half written, a status not yet readable): poll again.
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('timed out');
  };
  await until(() => has('entry 0'), 180_000);
  // Cheap polling (no KDF): the sync writes the primary's new bytes to every copy.
  const copiesHold = (bytes) => {
    const f = drive.findByName('chronos.kdbx')[0];
    return [path.join(work, 'repo', 'chronos.kdbx'), path.join(work, 'usb', 'chronos.kdbx')].every((p) => readFileSync(p).equals(bytes)) && drive.content(f.id).equals(bytes);
  };
  const lat = [];
  for (let i = 0; i < rounds; i++) {
    execFileSync('keepassxc-cli', ['add', '-q', '-p', primary, `bench ${i}`], { input: `${password}\nvalue-${i}-xyz\n` });
    const t = performance.now(); // the save is on disk: KeePassXC's part is done
    const saved = readFileSync(primary);
    await until(() => copiesHold(saved) || has(`bench ${i}`));
    lat.push(performance.now() - t);
    if (!(await has(`bench ${i}`))) throw new Error('copies differ');
    await new Promise((r) => setTimeout(r, 1000));
  }
  const med = [...lat].sort((a, b) => a - b)[Math.floor(lat.length / 2)];
  console.log(`keepassxc-cli save -> last of 3 copies updated (${entries} entries, debounce 2000 ms, Argon2id 64 MiB, ${rounds} rounds, load ${os.loadavg()[0].toFixed(1)})`);
  console.log(`| median ms | min ms | max ms | goal |\n|---:|---:|---:|---|\n| ${med.toFixed(0)} | ${Math.min(...lat).toFixed(0)} | ${Math.max(...lat).toFixed(0)} | <= 5000 |`);
} finally {
  watcher?.kill('SIGTERM');
  await drive.close();
  rmSync(work, { recursive: true, force: true });
}
