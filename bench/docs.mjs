#!/usr/bin/env node
// Benchmark of `ssot docs push` (run `npm run build` first):
// publish 300 docs the first time, re-run with nothing changed, re-run with one
// doc changed. Requests are counted at the local Confluence stand-in.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseConfig } from '../dist/config/load.js';
import { startConfluenceStandIn } from '@ssot/standins/confluence';
import { mapDocs, publishSettings, syncDocs } from '../dist/docs/index.js';

const run_ = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const work = path.join(here, '.work', 'docs');
// The per-machine docs cache lives with the benchmark's files, not in the user's state folder.
process.env.XDG_STATE_HOME = path.join(work, 'state');
const N = Number(process.env.DOCS ?? 300);
rmSync(work, { recursive: true, force: true });
const docs = path.join(work, 'docs');

// 300 docs in 10 folders (each with an index.md), links between them, code, tables, a few images.
const folders = 10;
const per = N / folders;
for (let f = 0; f < folders; f++) {
  const dir = path.join(docs, `area-${f}`);
  mkdirSync(path.join(dir, 'img'), { recursive: true });
  writeFileSync(path.join(dir, 'index.md'), `# Area ${f}\n\nOverview of area ${f}.\n`);
  writeFileSync(path.join(dir, 'img', 'chart.png'), Buffer.alloc(2048, f));
  for (let i = 1; i < per; i++) {
    const next = i + 1 < per ? `doc-${i + 1}.md` : 'index.md';
    writeFileSync(
      path.join(dir, `doc-${i}.md`),
      `---\nlabels: [area-${f}]\n---\n# Area ${f} doc ${i}\n\n## Overview\n\nSome **text** with \`code\`, a [link](${next}) and [external](https://example.com/?a=1&b=2).\n\n` +
        `| a | b |\n|---|:-:|\n| 1 | *2* |\n\n\`\`\`ts\nconst x: Map<string, number> = new Map();\n\`\`\`\n\n> [!NOTE]\n> A note.\n\n- [ ] task\n- [x] done\n` +
        (i % 10 === 0 ? '\n![chart](img/chart.png)\n' : ''),
    );
  }
}

const s = await startConfluenceStandIn({ email: 'bench@example.com', token: 'bench-token' });
const config = parseConfig(
  `confluence:\n  baseUrl: ${s.url}\n  email: { env: E }\n  token: { env: T }\n  space: PC\ndocs:\n  root: docs\n  mapping: mapping/confluence.json\n`,
  path.join(work, 'ssot.config.yaml'),
);
await mapDocs(publishSettings(config), { write: true });

async function run(label, goal) {
  s.resetRequests();
  const t0 = performance.now();
  const r = await syncDocs(config, { dryRun: false, force: false, credentials: { email: 'bench@example.com', token: 'bench-token' } });
  const ms = performance.now() - t0;
  const count = (a) => r.docs.filter((d) => d.action === a).length;
  const writes = s.requests.filter((q) => q.method !== 'GET').length;
  if (r.exitCode !== 0) throw new Error(`${label}: exit ${r.exitCode}: ${JSON.stringify(r.invalid.slice(0, 3))} ${JSON.stringify(r.docs.filter((d) => d.action === 'error').slice(0, 3))}`);
  return { label, docs: r.docs.length, created: count('create'), updated: count('update'), skipped: count('skip'), requests: s.requests.length, writes, ms: Math.round(ms), goal };
}

const rows = [];
rows.push(await run(`publish ${N} docs, first time`, '-'));
rows.push(await run('re-run, nothing changed', '≤ 2 requests, < 1.5 s'));
// An edit of the text (title, labels and links as they were).
const changed = path.join(docs, 'area-3', 'doc-7.md');
writeFileSync(changed, readFileSync(changed, 'utf8').replace('Some **text**', 'Some **edited text**'));
rows.push(await run('re-run, one doc changed', '≤ 4 requests'));
// The same unchanged re-run as a user types it: the CLI in its own process (start-up included).
writeFileSync(path.join(work, 'ssot.config.yaml'), `confluence:\n  baseUrl: ${s.url}\n  email: { env: BENCH_EMAIL }\n  token: { env: BENCH_TOKEN }\n  space: PC\ndocs:\n  root: docs\n  mapping: mapping/confluence.json\n`);
s.resetRequests();
const t0 = performance.now();
await run_(process.execPath, [path.join(here, '..', 'bin', 'ssot'), 'docs', 'push', '--quiet'], { cwd: work, env: { ...process.env, BENCH_EMAIL: 'bench@example.com', BENCH_TOKEN: 'bench-token' } });
rows.push({ label: '`ssot docs push`, nothing changed', docs: N, created: 0, updated: 0, skipped: N, requests: s.requests.length, writes: s.requests.filter((q) => q.method !== 'GET').length, ms: Math.round(performance.now() - t0), goal: 'whole process' });
await s.close();

const head = ['run', 'docs', 'created', 'updated', 'skipped', 'requests', 'writes', 'time ms', 'goal'];
const table = [head, ...rows.map((r) => [r.label, r.docs, r.created, r.updated, r.skipped, r.requests, r.writes, r.ms, r.goal].map(String))];
const w = head.map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const r of table) console.log(r.map((c, i) => c.padEnd(w[i])).join('  '));
const ok = rows[1].requests <= 2 && rows[1].ms < 1500 && rows[2].requests <= 4;
console.log(ok ? 'goals met' : 'goals NOT met');
