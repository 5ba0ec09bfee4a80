#!/usr/bin/env node
// `ssot vault verify NAME` of a one-location vault (Argon2d 64 MiB / 10
// iterations / 2 lanes, 50 entries and an attachment, last saved by KeePassXC)
// as a whole process, against `keepassxc-cli ls` of the same file, in the same
// run, interleaved (issue 10, "Measured"; the goal is <= 1.0x). The password
// goes on stdin to keepassxc-cli and through `{ env: … }` to ssot.
// Usage: node bench/vault-verify.mjs [runs=9]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { VaultDatabase } = await import(path.join(root, 'dist/vault/kdbx/database.js'));
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 9);
const password = 'bench verify password';
const work = mkdtempSync(path.join(os.tmpdir(), 'ssot-bench-verify-'));
const kpxcEnv = { ...process.env, QT_QPA_PLATFORM: 'offscreen' };
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

function wall(cmd, args, opts) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args[0]} failed (${r.status}): ${r.stderr}`);
  return ms;
}

try {
  const file = path.join(work, 'chronos.kdbx');
  const db = await VaultDatabase.create({ password }, { name: 'chronos', kdf: 'argon2d', memoryKiB: 64 * 1024, iterations: 10, parallelism: 2 });
  for (let e = 0; e < 50; e++) db.addEntry(e % 2 ? 'Web' : 'Infra', { Title: `entry ${e}`, UserName: `user${e}`, Password: `pw-${e}`, URL: `https://h${e}.example` });
  db.addAttachment(db.addEntry('Infra', { Title: 'with attachment', Password: 'x' }), 'id_ed25519', new Uint8Array(2048).fill(7));
  writeFileSync(file, await db.save());
  wall('keepassxc-cli', ['add', '-q', '-g', file, 'Web/added-by-keepassxc'], { input: `${password}\n`, env: kpxcEnv });
  const config = path.join(work, 'ssot.config.yaml');
  writeFileSync(config, 'vaults:\n  - name: chronos\n    path: chronos.kdbx\n    password: { env: BENCH_PW }\n');
  const env = { ...process.env, BENCH_PW: password, SSOT_CONFIG: config, XDG_STATE_HOME: path.join(work, 'state'), XDG_CONFIG_HOME: path.join(work, 'cfg'), SSOT_KEYRING: 'file' };
  const verify = () => wall(process.execPath, [path.join(root, 'bin/ssot'), 'vault', 'verify', 'chronos', '--quiet'], { cwd: work, env });
  const ls = () => wall('keepassxc-cli', ['ls', '-q', file], { input: `${password}\n`, env: kpxcEnv });
  verify();
  ls();
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(verify());
    b.push(ls());
  }
  console.log(`one location, Argon2d 64 MiB/10/2, 51 entries; ${runs} interleaved runs, load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);
  console.log('| whole process | median ms | min ms |');
  console.log('|---|---:|---:|');
  console.log(`| ssot vault verify chronos | ${med(a).toFixed(0)} | ${Math.min(...a).toFixed(0)} |`);
  console.log(`| keepassxc-cli ls | ${med(b).toFixed(0)} | ${Math.min(...b).toFixed(0)} |`);
  console.log(`ratio (medians): ${(med(a) / med(b)).toFixed(2)}x; (minimums): ${(Math.min(...a) / Math.min(...b)).toFixed(2)}x`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
