#!/usr/bin/env node
// Cost as the database grows (issue 10, "Measured"): a whole `ssot sync --only
// vault` process that merges a two-sided edit (the primary and a folder copy
// each gained an entry) of a 500 / 5,000 / 20,000-entry database, against
// `keepassxc-cli merge -s` of the same two files, same KDF (KeePassXC's
// default, Argon2id 64 MiB / 10 iterations / 2 lanes), same run, interleaved;
// the same sync with nothing changed; and the cost of the check that re-reads
// every file ssot makes before it goes anywhere (checkSaved on the merged file,
// in process, the derived key cached as in a sync), as a share of the merging
// sync. Medians of N rounds (argument; default 5, 3 at 20,000).
// Usage: node bench/vault-merge.mjs [rounds] [--sizes 500,5000]
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { VaultDatabase } = await import(path.join(root, 'dist/vault/kdbx/database.js'));
const { mergeDatabases } = await import(path.join(root, 'dist/vault/kdbx/merge.js'));
const { checkSaved } = await import(path.join(root, 'dist/vault/kdbx/io.js'));
const { rawKdbx } = await import(path.join(root, 'dist/vault/kdbx/database.js'));
const roundsArg = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 0);
const si = process.argv.indexOf('--sizes');
const sizes = si > 0 ? process.argv[si + 1].split(',').map(Number) : [500, 5000, 20000];
const password = 'bench merge password';
const work = mkdtempSync(path.join(os.tmpdir(), 'ssot-bench-merge-'));
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const kpxcEnv = { ...process.env, QT_QPA_PLATFORM: 'offscreen' };

function wall(cmd, args, opts) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

async function prepare(n, dir) {
  const db = await VaultDatabase.create({ password }, { name: 'bench' });
  for (let i = 0; i < n; i++) {
    db.addEntry(`Group ${i % 50}`, { Title: `entry ${i}`, UserName: `user${i}`, Password: `pw-${i}-${Math.random().toString(36).slice(2)}`, URL: `https://svc${i}.example.com`, Notes: 'note '.repeat(20) });
  }
  const base = await db.save();
  const side = async (title) => {
    const d = await VaultDatabase.open(base, { password }, title);
    d.addEntry('', { Title: title, Password: `${title}-secret` });
    return d.save();
  };
  const files = { base: path.join(dir, 'base.kdbx'), a: path.join(dir, 'a.kdbx'), b: path.join(dir, 'b.kdbx') };
  writeFileSync(files.base, base);
  writeFileSync(files.a, await side('edited on the primary'));
  writeFileSync(files.b, await side('edited on the copy'));
  return files;
}

/** A vault with the base as primary and a folder copy, synced once. */
function workspace(dir, files) {
  const config = path.join(dir, 'ssot.config.yaml');
  writeFileSync(config, 'vaults:\n  - name: bench\n    path: vault.kdbx\n    password: { env: BENCH_PW }\n    copies:\n      - folder: { path: usb }\n');
  copyFileSync(files.base, path.join(dir, 'vault.kdbx'));
  const env = { ...process.env, BENCH_PW: password, SSOT_CONFIG: config, XDG_STATE_HOME: path.join(dir, 'state'), XDG_CONFIG_HOME: path.join(dir, 'cfg'), SSOT_KEYRING: 'file' };
  const sync = () => wall(process.execPath, [path.join(root, 'bin/ssot'), 'sync', '--only', 'vault', '--quiet'], { cwd: dir, env });
  sync();
  return { env, sync, primary: path.join(dir, 'vault.kdbx'), copy: path.join(dir, 'usb', 'vault.kdbx') };
}

/** The check alone (decrypt again with the cached key, reader rules, read back, digest), on the merged file. */
async function checkCost(files) {
  const a = await VaultDatabase.open(readFileSync(files.a), { password }, 'a');
  const b = await VaultDatabase.open(readFileSync(files.b), { password }, 'b');
  mergeDatabases(a, b);
  const digest = a.contentDigest();
  const bytes = await a.save({ check: false, digest });
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await checkSaved(bytes, rawKdbx(a).credentials, digest);
    times.push(performance.now() - t);
  }
  return med(times);
}

console.log(`two-sided edit merged; Argon2id 64 MiB/10/2; load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);
console.log('| entries | ssot sync (merge) ms | keepassxc-cli merge ms | ratio | ssot sync (unchanged) ms | re-read check ms | check share of the sync |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
try {
  for (const n of sizes) {
    const rounds = roundsArg || (n >= 20000 ? 3 : 5);
    const dir = path.join(work, String(n));
    mkdirSync(dir, { recursive: true });
    const files = await prepare(n, dir);
    const ws = workspace(dir, files);
    const ssot = [];
    const kpxc = [];
    const unchanged = [];
    for (let i = 0; i < rounds; i++) {
      copyFileSync(files.a, ws.primary);
      copyFileSync(files.b, ws.copy);
      ssot.push(ws.sync());
      unchanged.push(ws.sync());
      const k1 = path.join(dir, 'k1.kdbx');
      copyFileSync(files.a, k1);
      kpxc.push(wall('keepassxc-cli', ['merge', '-q', '-s', k1, files.b], { input: `${password}\n`, env: kpxcEnv }));
    }
    const check = await checkCost(files);
    const s = med(ssot);
    const k = med(kpxc);
    console.log(`| ${n} | ${s.toFixed(0)} | ${k.toFixed(0)} | ${(s / k).toFixed(2)} | ${med(unchanged).toFixed(0)} | ${check.toFixed(0)} | ${((100 * check) / s).toFixed(0)} % |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
execFileSync('true');
