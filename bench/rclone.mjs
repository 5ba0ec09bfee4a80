#!/usr/bin/env node
// The rclone copy against a local WebDAV server (`rclone serve webdav` on loopback,
// its own rclone config in a temp folder; the user's is never read):
// 1. an unchanged `ssot sync --only vault` with an rclone copy vs the same with a
//    folder copy, as whole processes and in-process (syncVault), medians of N;
//    the goal is <= 2x.
// 2. a changed sync's upload: RcloneCopy.write of a 1 MB and a 10 MB database
//    (temp name, server-side move, checks) vs what a user runs by hand,
//    `rclone copyto --ignore-times` of the same file to the same server (without
//    --ignore-times, rclone skips a same-size file on WebDAV, which keeps no mtime).
// Needs rclone on PATH and `npm run build`.  node bench/rclone.mjs [rounds]
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(root, 'dist', p));
const { VaultDatabase } = await dist('vault/kdbx/database.js');
const { loadConfig } = await dist('config/load.js');
const { prepareVault } = await dist('vault/setup.js');
const { syncVault } = await dist('vault/sync.js');
const { RcloneCopy } = await dist('vault/copies/rclone.js');
const { memoryRcloneState } = await dist('vault/copies/rclone-state.js');
const { FolderCopy } = await dist('vault/copies/folder.js');

const rounds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 7);
const work = mkdtempSync(path.join(os.tmpdir(), 'ssot-bench-rclone-'));
const rcloneConf = path.join(work, 'rclone.conf');
const baseEnv = { ...process.env, RCLONE_CONFIG: rcloneConf, RCLONE_CACHE_DIR: path.join(work, 'cache') };
delete baseEnv.RCLONE_CONFIG_PASS;
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

function startWebdav(dir) {
  return new Promise((resolve, reject) => {
    const p = spawn('rclone', ['serve', 'webdav', dir, '--addr', '127.0.0.1:0', '--config', '/dev/null'], { env: baseEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => {
      err += d;
      const m = /started on https?:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve({ proc: p, port: Number(m[1]) });
    });
    p.on('exit', (code) => reject(new Error(`rclone serve webdav exited ${code}: ${err}`)));
  });
}

const served = path.join(work, 'served');
mkdirSync(served);
const server = await startWebdav(served);
try {
  writeFileSync(rcloneConf, `[wd]\ntype = webdav\nurl = http://127.0.0.1:${server.port}/\nvendor = other\n`);
  const password = 'bench password 1234';
  const db = await VaultDatabase.create({ password }, { name: 'chronos' });
  for (let i = 0; i < 500; i++) db.addEntry(`Group ${i % 10}`, { Title: `entry ${i}`, UserName: `user${i}`, Password: `pw-${i}-${Math.random().toString(36).slice(2)}`, Notes: 'note '.repeat(20) });
  const bytes = await db.save();

  const setups = {};
  for (const [kind, copy] of [['folder', '- folder: { path: usb }'], ['rclone', '- rclone: { remote: "wd:vault" }']]) {
    const dir = path.join(work, kind);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'chronos.kdbx'), bytes, { mode: 0o600 });
    writeFileSync(path.join(dir, 'ssot.config.yaml'), `vaults:\n  - name: chronos\n    path: chronos.kdbx\n    password: { env: BENCH_PW }\n    copies:\n      ${copy}\nrclone: { config: ${rcloneConf} }\n`);
    const env = { ...baseEnv, BENCH_PW: password, SSOT_CONFIG: path.join(dir, 'ssot.config.yaml'), XDG_STATE_HOME: path.join(dir, 'state'), SSOT_KEYRING: 'file' };
    setups[kind] = { dir, env };
  }
  const cli = ({ dir, env }) =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      const c = spawn(process.execPath, [path.join(root, 'bin/ssot'), 'sync', '--only', 'vault', '--quiet'], { cwd: dir, env });
      let err = '';
      c.stderr.on('data', (d) => (err += d));
      c.on('close', (code) => (code === 0 ? resolve(performance.now() - t) : reject(new Error(`sync failed (${code}): ${err}`))));
    });
  const inProcess = async ({ dir, env }) => {
    const config = await loadConfig(path.join(dir, 'ssot.config.yaml'));
    const rt = await prepareVault(config.vaults[0], { config, creds: { configFile: config.file, baseDir: dir, env }, stateDir: path.join(dir, 'state', 'ssot') });
    const t = performance.now();
    const r = await syncVault({ vault: 'chronos', primaryPath: rt.primaryPath, copies: rt.copies, codec: rt.codec, stateDir: rt.stateDir });
    if (r.outcome !== 'unchanged' || r.errors.length) throw new Error(`expected an unchanged sync: ${JSON.stringify(r.errors.map((e) => e.error.message))}`);
    return performance.now() - t;
  };
  for (const s of Object.values(setups)) await cli(s); // first sync creates the copy
  const times = { folder: { cli: [], proc: [] }, rclone: { cli: [], proc: [] } };
  for (let i = 0; i < rounds; i++) {
    for (const kind of ['folder', 'rclone']) {
      times[kind].cli.push(await cli(setups[kind]));
      times[kind].proc.push(await inProcess(setups[kind]));
    }
  }
  const f = (x) => x.toFixed(0);
  console.log(`unchanged sync, ${bytes.length} byte database (500 entries), one copy; rclone ${execFileSync('rclone', ['version'], { encoding: 'utf8' }).split('\n')[0]} against rclone serve webdav on loopback; ${rounds} rounds, load ${os.loadavg()[0].toFixed(1)}`);
  console.log('| unchanged sync | folder copy ms | rclone copy (webdav) ms | ratio (goal <= 2x) |');
  console.log('|---|---:|---:|---:|');
  for (const [label, key] of [['`ssot sync --only vault` (whole process)', 'cli'], ['syncVault in-process', 'proc']]) {
    const a = med(times.folder[key]);
    const b = med(times.rclone[key]);
    console.log(`| ${label} | ${f(a)} | ${f(b)} | ${(b / a).toFixed(2)}x |`);
  }

  // 2. The upload of a changed database.
  const runner = { bin: 'rclone', config: rcloneConf, env: baseEnv };
  console.log('\n| changed database upload | ssot RcloneCopy.write ms | `rclone copyto` by hand ms | ratio | FolderCopy.write ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const mb of [1, 10]) {
    const copy = new RcloneCopy({ remote: `wd:up${mb}`, name: 'chronos.kdbx', runner, state: memoryRcloneState() });
    const folder = new FolderCopy({ dir: path.join(work, `fold${mb}`), name: 'chronos.kdbx' });
    let rev = (await copy.write(new Uint8Array(randomBytes(mb << 20)), null, { message: 'b' })).rev;
    let frev = (await folder.write(new Uint8Array(randomBytes(mb << 20)), null, { message: 'b' })).rev;
    const ours = [];
    const hand = [];
    const fold = [];
    for (let i = 0; i < rounds; i++) {
      const data = new Uint8Array(randomBytes(mb << 20)); // every save draws new salts: new bytes each time
      let t = performance.now();
      rev = (await copy.write(data, rev, { message: 'b' })).rev;
      ours.push(performance.now() - t);
      const local = path.join(work, 'hand.kdbx');
      writeFileSync(local, data);
      t = performance.now();
      execFileSync('rclone', ['copyto', '--ignore-times', local, `wd:hand${mb}/chronos.kdbx`], { env: baseEnv });
      hand.push(performance.now() - t);
      t = performance.now();
      frev = (await folder.write(data, frev, { message: 'b' })).rev;
      fold.push(performance.now() - t);
    }
    console.log(`| ${mb} MB | ${f(med(ours))} | ${f(med(hand))} | ${(med(ours) / med(hand)).toFixed(2)}x | ${f(med(fold))} |`);
  }
} finally {
  server.proc.kill('SIGTERM');
  await new Promise((r) => server.proc.once('exit', r));
  rmSync(work, { recursive: true, force: true });
}
