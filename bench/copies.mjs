#!/usr/bin/env node
// Cost of one read and one write per copy kind (folder, git with a bare remote on
// disk, Drive against the local stand-in), for a typical vault (256 KiB) and a big
// one (6 MiB: above the 5 MiB simple-upload limit, so Drive uses a resumable upload).
// Run after `npm run build`:  node bench/copies.mjs [runs]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FolderCopy } from '../dist/vault/copies/folder.js';
import { GitCopy } from '../dist/vault/copies/git.js';
import { DriveCopy, createDriveClient, memoryDriveState } from '../dist/vault/copies/gdrive.js';
import { startDriveStandIn } from '@ssot/standins/drive';

const runs = Number(process.argv[2] ?? 5);
const root = mkdtempSync(path.join(os.tmpdir(), 'ssot-bench-copies-'));
const msg = { message: 'bench: 1 entry changed' };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function measure(copy, size) {
  let data = new Uint8Array(randomBytes(size));
  let rev = (await copy.write(data, null, msg)).rev;
  const writes = [];
  const reads = [];
  for (let i = 0; i < runs; i++) {
    data = new Uint8Array(randomBytes(size)); // every save draws new salts: new bytes each time
    let t = performance.now();
    rev = (await copy.write(data, rev, msg)).rev;
    writes.push(performance.now() - t);
    t = performance.now();
    const r = await copy.read();
    reads.push(performance.now() - t);
    if (r.rev !== rev || r.data.length !== size) throw new Error(`${copy.id}: read back differs`);
  }
  return { write: median(writes), read: median(reads) };
}

const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1' };
function gitCopy(name) {
  const bare = path.join(root, `${name}.git`);
  const dir = path.join(root, name);
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env });
  execFileSync('git', ['clone', '-q', bare, dir], { env, stdio: 'ignore' });
  execFileSync('git', ['-C', dir, 'config', 'user.email', 'bench@example.test'], { env });
  execFileSync('git', ['-C', dir, 'config', 'user.name', 'bench'], { env });
  return new GitCopy({ repo: dir, name: 'v.kdbx', merge: async () => { throw new Error('no merge in the bench'); } });
}

const token = 'bench-token';
const drive = await startDriveStandIn({ accessTokens: [token] });
const client = createDriveClient({ rootUrl: drive.url, auth: { accessToken: token } });
let n = 0;
const kinds = {
  folder: () => new FolderCopy({ dir: path.join(root, `f${++n}`), name: 'v.kdbx' }),
  'git (bare remote on disk)': () => gitCopy(`g${++n}`),
  'gdrive (local stand-in)': () => new DriveCopy({ drive: client, name: 'v.kdbx', folder: `bench/${++n}`, state: memoryDriveState() }),
};

const rows = [];
try {
  for (const [kind, make] of Object.entries(kinds)) {
    for (const size of [256 * 1024, 6 * 1024 * 1024]) {
      const { write, read } = await measure(make(), size);
      rows.push({ kind, size: size >= 1 << 20 ? `${size / (1 << 20)} MiB` : `${size / 1024} KiB`, 'write ms': write.toFixed(0), 'read ms': read.toFixed(0) });
    }
  }
} finally {
  await drive.close();
  rmSync(root, { recursive: true, force: true });
}
console.log(`median of ${runs} runs, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
console.table(rows);
