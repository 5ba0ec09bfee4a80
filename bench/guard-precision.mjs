#!/usr/bin/env node
// Precision of `ssot guard` on real code: well-known open-source repositories at
// fixed commits (bench/guard-repos.json), scanned as `ssot guard --all` would
// (every tracked file, the default config), every finding labelled by hand in
// bench/guard-precision-labels.json:
//   fixture  - a secret-like test fixture (a test key, a test password)
//   example  - a documented example (docs, comments, tutorials)
//   public   - a real key meant to be public (a search-only Algolia key, a Firebase web key)
//   fp:<kind> - anything else: a false positive, by kind
// A finding with no label counts as a false positive until someone labels it.
//
// The repositories live outside this repository:
//   node bench/guard-precision.mjs [--repos DIR] [-v]
// DIR (default: $SSOT_BENCH_REPOS, else ../bench-data/guard-repos or ../../bench-data/guard-repos)
// holds one git work tree per repository, named owner+name, checked out at the commit in
// bench/guard-repos.json (e.g. `git clone https://github.com/OWNER/NAME DIR/OWNER+NAME && git -C … checkout COMMIT`;
// a tree extracted without history may name its commit in .git/ssot-bench-commit); the bench says so when it is absent.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..');
const args = process.argv.slice(2);
const verbose = args.includes('-v');
const GOAL_FILES_PER_FP = 2000;

/** The folder given (--repos, else $SSOT_BENCH_REPOS), else the first default that exists. */
function reposDir() {
  const i = args.indexOf('--repos');
  const given = (i >= 0 ? args[i + 1] : undefined) ?? (process.env.SSOT_BENCH_REPOS || undefined);
  if (given) return existsSync(given) ? given : undefined;
  return [path.resolve(ROOT, '../bench-data/guard-repos'), path.resolve(ROOT, '../../bench-data/guard-repos')].find((c) => existsSync(c));
}

/** The label of a finding: by `repo:path:line:rule`, else by `repo:path:rule`, else by `repo:path`. */
function labelOf(labels, repo, f) {
  return labels[`${repo}:${f.file}:${f.line}:${f.rule}`] ?? labels[`${repo}:${f.file}:${f.rule}`] ?? labels[`${repo}:${f.file}`];
}

export async function precision() {
  const dir = reposDir();
  const manifest = JSON.parse(readFileSync(path.join(here, 'guard-repos.json'), 'utf8'));
  if (!dir) return { note: `the repositories are absent: pass --repos DIR or set SSOT_BENCH_REPOS (${manifest.repos.length} repositories, see bench/guard-repos.json)` };
  const labels = JSON.parse(readFileSync(path.join(here, 'guard-precision-labels.json'), 'utf8')).labels;
  const { readAll } = await import(path.join(ROOT, 'dist', 'guard', 'git.js'));
  const { scanTargets } = await import(path.join(ROOT, 'dist', 'guard', 'scan.js'));
  const rows = [];
  const byLabel = new Map();
  const fpByKind = new Map();
  const unlabelled = [];
  const notes = [];
  for (const r of manifest.repos) {
    const repo = path.join(dir, r.name);
    if (!existsSync(path.join(repo, '.git'))) {
      notes.push(`${r.name}: absent from ${dir}`);
      continue;
    }
    const marker = path.join(repo, '.git', 'ssot-bench-commit');
    const pinned = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
    if (pinned !== r.commit) notes.push(`${r.name}: at ${pinned.slice(0, 12)}, not the pinned ${r.commit.slice(0, 12)}: labels may not match`);
    const t0 = performance.now();
    const report = scanTargets(readAll(repo, { maxFileBytes: 50 * 1024 * 1024 }), {});
    const ms = performance.now() - t0;
    let fps = 0;
    for (const f of report.findings) {
      const label = labelOf(labels, r.name, f) ?? 'fp:unlabelled';
      byLabel.set(label.split(':')[0], (byLabel.get(label.split(':')[0]) ?? 0) + 1);
      if (label.startsWith('fp')) {
        fps++;
        const kind = label.slice(3) || 'other';
        fpByKind.set(kind, (fpByKind.get(kind) ?? 0) + 1);
        if (kind === 'unlabelled') unlabelled.push(`${r.name}:${f.file}:${f.line}:${f.rule}`);
        else if (verbose) console.log(`  fp ${kind}: ${r.name}:${f.file}:${f.line} ${f.rule}`);
      }
    }
    rows.push({ name: r.name, language: r.language, files: report.files, findings: report.findings.length, fps, ms });
  }
  const files = rows.reduce((a, x) => a + x.files, 0);
  const fps = rows.reduce((a, x) => a + x.fps, 0);
  return { rows, files, findings: rows.reduce((a, x) => a + x.findings, 0), fps, byLabel, fpByKind, unlabelled, notes, dir };
}

function print(p) {
  if (p.note) {
    console.log(`precision: skipped (${p.note})`);
    return;
  }
  console.log(`\n## Precision on real code (${p.rows.length} repositories at pinned commits, from ${p.dir}; scanned as \`ssot guard --all\`)\n`);
  console.log('| repository | language | files | findings | false positives | scan ms |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of p.rows) console.log(`| ${r.name} | ${r.language} | ${r.files} | ${r.findings} | ${r.fps} | ${r.ms.toFixed(0)} |`);
  console.log(`| **all** | | **${p.files}** | **${p.findings}** | **${p.fps}** | |`);
  console.log(`\nfindings by label: ${[...p.byLabel].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`false positives by kind: ${p.fpByKind.size ? [...p.fpByKind].map(([k, v]) => `${k} ${v}`).join(', ') : 'none'}`);
  const per = p.fps ? p.files / p.fps : Infinity;
  console.log(`one false positive per ${p.fps ? Math.round(per) : '∞'} files (goal: at most 1 per ${GOAL_FILES_PER_FP}: ${per >= GOAL_FILES_PER_FP ? 'met' : 'NOT met'})`);
  for (const u of p.unlabelled) console.log(`  unlabelled: ${u}`);
  for (const n of p.notes) console.log(`  note: ${n}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(path.join(ROOT, 'dist', 'guard', 'scan.js'))) {
    console.error('build first: npm run build');
    process.exit(2);
  }
  print(await precision());
}
