#!/usr/bin/env node
// `npm run bench`: every benchmark in turn, each a standalone script that
// prints its own table. `--only NAME[,NAME]` picks some; the watcher's idle
// soak (10 minutes) runs only when asked for by name.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const all = ['vault-open', 'vault-verify', 'vault-sync', 'vault-merge', 'copies', 'rclone', 'guard', 'guard-precision', 'guard-recall', 'docs', 'docs-readmes', 'tickets', 'watch-latency'];
const onDemand = ['watch-idle'];
const i = process.argv.indexOf('--only');
const picked = i > 0 ? process.argv[i + 1].split(',') : all;
let failed = 0;
for (const name of picked) {
  const file = path.join(here, `${name}.mjs`);
  if (!existsSync(file)) {
    console.log(`\n## ${name}: no such benchmark${onDemand.includes(name) ? '' : ' (yet)'}`);
    continue;
  }
  console.log(`\n## ${name}`);
  const r = spawnSync(process.execPath, [file, ...process.argv.slice(2).filter((a, j, arr) => a !== '--only' && arr[j - 1] !== '--only')], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`(${name} exited ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
