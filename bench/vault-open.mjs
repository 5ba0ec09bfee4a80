#!/usr/bin/env node
/**
 * Opening cost: ssot (kdbxweb + @node-rs/argon2) against keepassxc-cli, on the same
 * files, in the same run, interleaved. Each sample is a whole process's wall time:
 *   ssot:      node -e 'import dist/vault/kdbx/database.js; VaultDatabase.open(file)'
 *   KeePassXC: keepassxc-cli ls -q file
 * The files are made by ssot and then re-saved by keepassxc-cli (research/vault.md §4.2),
 * so both tools open a file KeePassXC wrote. Passwords go on stdin.
 *
 * Run: npx tsc -p tsconfig.json && node bench/vault-open.mjs [runs=7]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dbModule = pathToFileURL(join(root, 'dist/vault/kdbx/database.js')).href;
const runs = Number(process.argv[2] ?? 7);
const PW = 'bench-password';

const { VaultDatabase } = await import(dbModule);

const configs = [
  { name: 'Argon2d 64 MiB, 10 it, P2', kdf: 'argon2d', memoryKiB: 64 * 1024, iterations: 10, parallelism: 2 },
  { name: 'Argon2id 256 MiB, 4 it, P2', kdf: 'argon2id', memoryKiB: 256 * 1024, iterations: 4, parallelism: 2 },
];

const dir = mkdtempSync(join(tmpdir(), 'ssot-bench-'));
const env = { ...process.env, QT_QPA_PLATFORM: 'offscreen' };

function keepassxc(args) {
  const r = spawnSync('keepassxc-cli', args, { input: `${PW}\n`, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`keepassxc-cli ${args[0]}: ${r.stderr}`);
  return r;
}

async function makeFile(cfg, i) {
  const db = await VaultDatabase.create({ password: PW }, { ...cfg, name: 'bench' });
  for (let e = 0; e < 50; e++) {
    db.addEntry(e % 2 ? 'Web' : 'Infra', { Title: `entry ${e}`, UserName: `user${e}`, Password: `pw-${e}-${i}`, URL: `https://h${e}.example` });
  }
  const id = db.addEntry('Infra', { Title: 'with attachment', Password: 'x' });
  db.addAttachment(id, 'id_ed25519', new Uint8Array(2048).fill(7));
  const path = join(dir, `bench-${i}.kdbx`);
  writeFileSync(path, await db.save());
  keepassxc(['add', '-q', '-g', path, 'Web/added-by-keepassxc']); // KeePassXC re-saves it, keeping the KDF
  return path;
}

const opener = `
const { VaultDatabase } = await import(${JSON.stringify(dbModule)});
const { readFileSync } = await import('node:fs');
const pw = readFileSync(0, 'utf8').replace(/\\n$/, '');
const db = await VaultDatabase.open(readFileSync(process.argv[1]), { password: pw }, process.argv[1]);
if (db.summary().entries < 50) process.exit(1);
`;

function timeIt(cmd, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { input: `${PW}\n`, encoding: 'utf8', env });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = [];
try {
  for (const [i, cfg] of configs.entries()) {
    const path = await makeFile(cfg, i);
    // What KeePassXC says the file uses after its re-save (it must have kept the KDF).
    const kdfLine = keepassxc(['db-info', '-q', path]).stdout.split('\n').find((l) => l.startsWith('KDF:')) ?? '?';
    const ssot = () => timeIt(process.execPath, ['--input-type=module', '-e', opener, path]);
    const kpxc = () => timeIt('keepassxc-cli', ['ls', '-q', path]);
    ssot();
    kpxc(); // warm-up
    const a = [];
    const b = [];
    for (let r = 0; r < runs; r++) {
      // Interleaved, alternating who goes first, so background load hits both alike.
      if (r % 2) {
        b.push(kpxc());
        a.push(ssot());
      } else {
        a.push(ssot());
        b.push(kpxc());
      }
    }
    rows.push({ file: cfg.name, kdf: kdfLine.replace('KDF: ', ''), ssot: median(a), keepassxc: median(b) });
  }
  const nodeStart = median(Array.from({ length: runs }, () => timeIt(process.execPath, ['-e', '0'])));
  console.log(`\nvault open, median wall time of ${runs} interleaved runs (whole process, ms)\n`);
  console.log('| file | KDF per keepassxc-cli db-info | ssot open (node) | keepassxc-cli ls | ratio ssot/KeePassXC |');
  console.log('|---|---|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.file} | ${r.kdf} | ${r.ssot.toFixed(0)} | ${r.keepassxc.toFixed(0)} | ${(r.ssot / r.keepassxc).toFixed(2)} |`);
  }
  console.log(`\n(node -e 0 alone: ${nodeStart.toFixed(0)} ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
