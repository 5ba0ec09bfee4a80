#!/usr/bin/env node
// Benchmark of the tickets part (run `npm run build` first):
// 1. reading a note: ssot's whole grammar against remark + GFM alone (the markdown
//    parse any tool reading these notes pays), on the twelve real-style notes;
// 2. a year of notes (365, the real-style notes by date): read cold (one `ssot tickets
//    sync`), then again in the same process with one note changed (the watcher);
// 3. `ssot tickets sync` on that year against the Jira stand-in: dry run, apply, and a
//    re-run with nothing changed; wall time and Jira requests counted at the stand-in.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { startJiraStandIn } from '@ssot/standins/jira';
import { parseNote } from '../dist/tickets/index.js';
import { readNotes } from '../dist/tickets/notes/files.js';

const run_ = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const real = path.join(root, 'test', 'tickets', 'fixtures', 'real');
const work = path.join(here, '.work', 'tickets');
rmSync(work, { recursive: true, force: true });
const notesDir = path.join(work, 'docs', 'session_notes');
mkdirSync(notesDir, { recursive: true });
const N = Number(process.env.NOTES ?? 365);
const ms = (t) => `${t.toFixed(0)} ms`;
const rows = [['what', 'ssot', 'comparison', 'ratio']];

// 1. One note, parsed again and again.
const texts = readdirSync(real).sort().map((f) => readFileSync(path.join(real, f), 'utf8'));
const lines = texts.reduce((n, t) => n + t.split('\n').length, 0);
const rounds = 20;
const time = (fn) => {
  for (let i = 0; i < 3; i++) fn();
  const t = performance.now();
  for (let i = 0; i < rounds; i++) fn();
  return (performance.now() - t) / (rounds * texts.length);
};
const ours = time(() => texts.forEach((t, i) => parseNote(t, { file: `n${i}.md`, rel: `n${i}.md`, project: 'CHRONOS' })));
const floor = time(() => texts.forEach((t) => unified().use(remarkParse).use(remarkGfm).parse(t)));
rows.push([`read one real-style note (${Math.round(lines / texts.length)} lines on average)`, `${ours.toFixed(2)} ms`, `remark+gfm parse alone ${floor.toFixed(2)} ms`, `${(ours / floor).toFixed(2)}x`]);

// 2. A year of notes, named by date: the real-style notes in turn.
const day = (i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);
const files = [];
for (let i = 0; i < N; i++) {
  const f = path.join(notesDir, `${day(i)}.md`);
  writeFileSync(f, texts[i % texts.length]);
  files.push(f);
}
const opts = { base: work, project: 'CHRONOS', readyOnly: true };
let t = performance.now();
await readNotes(files, opts);
const cold = performance.now() - t;
writeFileSync(files[100], texts[100 % texts.length] + '\nOne more line of prose.\n');
t = performance.now();
await readNotes(files, opts);
const warm = performance.now() - t;
rows.push([`read ${N} ready notes, cold (one run)`, ms(cold), `${N} x remark alone ${ms(N * floor)}`, `${(cold / (N * floor)).toFixed(2)}x`]);
rows.push([`read them again, one changed (the watcher)`, ms(warm), `cold ${ms(cold)}`, `${(warm / cold).toFixed(3)}x`]);

// 3. The CLI against the Jira stand-in, seeded with the project the notes name.
const jira = await startJiraStandIn({ email: 'dev@example.com', token: 'bench-token' });
for (const i of JSON.parse(readFileSync(path.join(root, 'test', 'tickets', 'fixtures', 'jira-seed.json'), 'utf8'))) {
  jira.addIssue({ key: i.key, summary: i.summary, status: i.status, ...(i.points !== undefined ? { custom: { [jira.pointsFieldId]: i.points } } : {}) });
}
writeFileSync(
  path.join(work, 'ssot.config.yaml'),
  `jira:\n  baseUrl: ${jira.url}\n  email: { env: JIRA_EMAIL }\n  token: { env: JIRA_TOKEN }\n  project: CHRONOS\ntickets:\n  notes: docs/session_notes\n`,
);
const env = { ...process.env, JIRA_EMAIL: 'dev@example.com', JIRA_TOKEN: 'bench-token', XDG_STATE_HOME: path.join(work, 'state'), NO_COLOR: '1' };
async function cli(args, label) {
  const before = { all: jira.requests.length, writes: jira.writes().length };
  const t0 = performance.now();
  await run_(process.execPath, [path.join(root, 'bin', 'ssot'), 'tickets', 'sync', ...args, '--config', path.join(work, 'ssot.config.yaml')], { cwd: work, env, maxBuffer: 256 * 1024 * 1024 }).catch((e) => {
    if (e.code !== 3) throw e; // a key whose summary does not match: reported, the rest synced
  });
  const wall = performance.now() - t0;
  const requests = jira.requests.length - before.all;
  const writes = jira.writes().length - before.writes;
  rows.push([`ssot tickets sync ${label}`, ms(wall), `${requests} Jira requests, ${writes} writes`, '']);
  return writes;
}
await cli(['--dry-run'], `--dry-run, ${N} notes`);
const writes = await cli(['--yes'], `--yes, ${N} notes`);
rows.push(['', '', `a user by hand: ${writes} jira-cli commands for the same changes`, '']);
await cli([], `again, nothing changed`);
await jira.close();

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
rmSync(work, { recursive: true, force: true });
