#!/usr/bin/env node
// Benchmark of `ssot guard` (run after `npm run build`; precision on real repositories and
// recall on generated samples are bench/guard-precision.mjs and bench/guard-recall.mjs):
//  1. detection: recall and false positives on the peer scanners' labelled examples
//     (gitleaks, secretlint, detect-secrets), read from the shared corpora at run time;
//  2. speed: the hook's wall time against `git secrets` and secretlint on the same staged
//     change (10 new files; one 10 MB file), with 5,000 vault values indexed.
// Options: --detect-only, --speed-only, --runs N (per round; 3 rounds), -v (misses / false positives).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detection } from './guard-detect.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..');
const BIN = path.join(ROOT, 'bin', 'ssot');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 10;
const pct = (x) => (x * 100).toFixed(1) + ' %';

if (!existsSync(path.join(ROOT, 'dist', 'guard', 'scan.js'))) {
  console.error('build first: npx tsc -p tsconfig.json');
  process.exit(2);
}

if (!args.includes('--speed-only')) {
  const d = await detection({ verbose: args.includes('-v') });
  if (d.note) console.log(`detection: skipped (${d.note})`);
  else {
    console.log('\n## Detection (peer corpora, read at bench time)\n');
    console.log('| corpus | positives found | recall | negatives flagged | false-positive share |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(`| gitleaks rule examples | ${d.gitleaks.tpHit} / ${d.gitleaks.tp} | ${pct(d.gitleaks.recall)} | ${d.gitleaks.fpHit} / ${d.gitleaks.fp} | ${pct(d.gitleaks.fpRate)} |`);
    console.log(`| secretlint fixtures (ng / ok) | ${d.secretlint.ngHit} / ${d.secretlint.ng} | ${pct(d.secretlint.recall)} | ${d.secretlint.okHit} / ${d.secretlint.ok} | ${pct(d.secretlint.fpRate)} |`);
    console.log(`| detect-secrets cases | ${d.detectSecrets.hit} / ${d.detectSecrets.positives} | ${pct(d.detectSecrets.recall)} | ${d.detectSecrets.flagged} / ${d.detectSecrets.negatives} | ${pct(d.detectSecrets.fpRate)} |`);
    if (d.gitleaksFpBreakdown) console.log(`\ngitleaks negatives flagged, by our rule: ${d.gitleaksFpBreakdown}`);
    if (d.gitleaksFpByTheirRule) console.log(`gitleaks negatives flagged, by the gitleaks rule they are negatives of: ${d.gitleaksFpByTheirRule}`);
    if (d.details) console.log(JSON.stringify(d.details, null, 1));
  }
}

if (args.includes('--detect-only')) process.exit(0);

// ── Speed ────────────────────────────────────────────────────────────────────
const have = (cmd, a) => spawnSync(cmd, a, { encoding: 'utf8' }).status === 0;
if (!have('hyperfine', ['--version'])) {
  console.log('\nspeed: skipped (hyperfine not installed)');
  process.exit(0);
}
const work = mkdtempSync(path.join(os.tmpdir(), 'ssot-bench-guard-'));
const home = path.join(work, 'home');
process.env.XDG_STATE_HOME = path.join(home, 'state');
process.env.XDG_CONFIG_HOME = path.join(home, 'config');
process.env.SSOT_KEYRING = 'file';
delete process.env.SSOT_CONFIG;

// A seeded generator, so every run benchmarks the same bytes.
let seed = 42;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (s) => s[Math.floor(rnd() * s.length)];
const word = () => pick(['user', 'order', 'cache', 'request', 'config', 'value', 'item', 'result', 'handler', 'index', 'event', 'status']);
const codeLine = (i) =>
  pick([
    () => `  const ${word()}${i} = await ${word()}Service.get(${Math.floor(rnd() * 1000)});`,
    () => `export function ${word()}${i}(a: number, b: string): boolean { return a > ${i}; }`,
    () => `  ${word()}: '${word()}-${Math.floor(rnd() * 1e6)}',`,
    () => `// ${word()} ${word()} ${word()} ${word()} updated in ${i}`,
    () => `2026-11-24T10:${String(i % 60).padStart(2, '0')}:00Z INFO ${word()} ${word()}=${Math.floor(rnd() * 1e9)} took=${Math.floor(rnd() * 900)}ms path=/api/v1/${word()}/${i}`,
  ])();

function repo(name) {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  const git = (...a) => {
    const r = spawnSync('git', a, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${a.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'bench@example.invalid');
  git('config', 'user.name', 'bench');
  writeFileSync(path.join(dir, 'README.md'), '# bench\n');
  // As in a user's repository: a config naming a vault (so the index is required) and a guard section.
  writeFileSync(path.join(dir, 'ssot.config.yaml'), 'vaults:\n  - name: bench\n    path: secrets/bench.kdbx\n    copies: []\nguard:\n  blockPaths: ["*.pem", "secrets/"]\n');
  git('add', '.');
  git('commit', '-qm', 'init');
  return { dir, git };
}

const small = repo('small');
mkdirSync(path.join(small.dir, 'src'));
for (let f = 0; f < 10; f++) {
  const lines = [];
  for (let i = 0; i < 50; i++) lines.push(codeLine(i));
  writeFileSync(path.join(small.dir, 'src', `file${f}.ts`), lines.join('\n') + '\n');
}
small.git('add', '.');

const big = repo('big');
{
  const lines = [];
  let size = 0;
  for (let i = 0; size < 10 * 1024 * 1024; i++) {
    const l = codeLine(i);
    lines.push(l);
    size += l.length + 1;
  }
  writeFileSync(path.join(big.dir, 'big.log'), lines.join('\n') + '\n');
  big.git('add', '.');
}

// 5,000 vault values in the index.
const { buildFingerprintIndex } = await import(path.join(ROOT, 'dist', 'guard', 'fingerprint.js'));
// The guard remembers its settings only once the config is older than two seconds (its racy rule).
await new Promise((r) => setTimeout(r, 2100));
const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%^&*-_=+:/?';
const values = [];
for (let i = 0; i < 5000; i++) {
  let v = '';
  const n = 12 + Math.floor(rnd() * 28);
  for (let k = 0; k < n; k++) v += pick(alphabet);
  values.push({ vault: 'bench', entryPath: `Group/Entry ${i}`, field: 'Password', value: v });
}
let t0 = performance.now();
const built = await buildFingerprintIndex(values, { stateDir: path.join(home, 'state', 'ssot') });
const buildMs = performance.now() - t0;

// secretlint, installed outside the repository at bench time.
const SL_DIR = process.env.SSOT_BENCH_SECRETLINT ?? path.join(os.tmpdir(), 'ssot-bench-secretlint');
let secretlint = path.join(SL_DIR, 'node_modules', '.bin', 'secretlint');
let slNote = '';
if (!existsSync(secretlint)) {
  const r = spawnSync('npm', ['install', '--silent', '--no-audit', '--no-fund', '--prefix', SL_DIR, 'secretlint', '@secretlint/secretlint-rule-preset-recommend'], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(secretlint)) {
    slNote = `secretlint unavailable (${(r.stderr || '').trim().split('\n')[0] ?? 'npm install failed'})`;
    secretlint = '';
  }
}
const slVersion = secretlint ? JSON.parse(readFileSync(path.join(SL_DIR, 'node_modules', 'secretlint', 'package.json'), 'utf8')).version : '';
const rc = path.join(work, 'secretlintrc.json');
writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
for (const r of [small, big]) spawnSync('git', ['secrets', '--register-aws'], { cwd: r.dir });
const hasGitSecrets = spawnSync('git', ['secrets', '--list'], { cwd: small.dir, encoding: 'utf8' }).status === 0;

const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const commands = [
  ['ssot guard (hook)', `${q(process.execPath)} ${q(BIN)} guard --hook pre-commit`],
  ...(hasGitSecrets ? [['git secrets --scan', 'git secrets --scan'], ['git secrets --pre_commit_hook', 'git secrets --pre_commit_hook']] : []),
  ...(secretlint ? [[`secretlint ${slVersion}`, `git diff --cached --name-only --diff-filter=ACMR -z | xargs -0 ${q(secretlint)} --secretlintrc ${q(rc)}`]] : []),
  ['node -e 0 (floor)', `${q(process.execPath)} -e 0`],
];

function measure(dir) {
  // Three hyperfine rounds over all commands; the medians of all samples per command.
  const samples = commands.map(() => []);
  for (let round = 0; round < 3; round++) {
    const out = path.join(work, `h-${round}.json`);
    const r = spawnSync('hyperfine', ['-i', '--warmup', '2', '--runs', String(RUNS), '--export-json', out, ...commands.map((c) => c[1])], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`hyperfine: ${r.stderr}`);
    const res = JSON.parse(readFileSync(out, 'utf8')).results;
    res.forEach((x, i) => samples[i].push(...x.times));
  }
  return samples.map((s) => {
    const a = [...s].sort((x, y) => x - y);
    return a[Math.floor(a.length / 2)] * 1000;
  });
}

// Sanity: each tool's verdict on the benchmark change (clean) and on a planted secret.
const verdict = (dir, cmd) => spawnSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8' }).status;
const cleanVerdicts = commands.map((c) => verdict(small.dir, c[1]));

const smallMs = measure(small.dir);
const bigMs = measure(big.dir);

console.log('\n## Speed (median wall time, ms; 3 hyperfine rounds x ' + RUNS + ' runs, interleaved by round)\n');
console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${os.cpus().length} CPUs; index: ${built.indexed} values, ${built.entries} entries, built in ${buildMs.toFixed(0)} ms`);
console.log("each repository has an ssot.config.yaml naming a vault and a guard: section, as a user's has");
console.log('\n| command | 10 files x 50 lines | one 10 MB file | exit on the clean change |');
console.log('|---|---:|---:|---:|');
commands.forEach((c, i) => console.log(`| ${c[0]} | ${smallMs[i].toFixed(0)} | ${bigMs[i].toFixed(0)} | ${cleanVerdicts[i]} |`));
const gsIdx = commands.findIndex((c) => c[0] === 'git secrets --scan');
const slIdx = commands.findIndex((c) => c[0].startsWith('secretlint'));
console.log('');
if (gsIdx > 0) console.log(`ssot / git secrets --scan, small commit: ${(smallMs[0] / smallMs[gsIdx]).toFixed(2)}x (goal <= 1.5x)`);
console.log(`ssot on 10 MB: ${bigMs[0].toFixed(0)} ms (goal <= 300 ms)`);
if (slIdx > 0) console.log(`ssot vs secretlint: small ${(smallMs[0] / smallMs[slIdx]).toFixed(2)}x, 10 MB ${(bigMs[0] / bigMs[slIdx]).toFixed(2)}x (goal < 1)`);
if (slNote) console.log(`note: ${slNote}`);

// Planted: a vault value URL-encoded in a connection string, at the end of the 10 MB file.
writeFileSync(path.join(big.dir, 'big.log'), readFileSync(path.join(big.dir, 'big.log'), 'utf8') + `DATABASE_URL=postgres://app:${encodeURIComponent(values[4321].value)}@db/app\n`);
spawnSync('git', ['add', '.'], { cwd: big.dir });
const planted = spawnSync(process.execPath, [BIN, 'guard', '--json'], { cwd: big.dir, encoding: 'utf8' });
const hit = planted.stdout.split('\n').filter((l) => l.includes('"vault-value"'));
console.log(`planted vault value in the 10 MB file: exit ${planted.status}, ${hit.length} vault finding(s)${hit[0] ? ` at line ${JSON.parse(hit[0]).line}` : ''}`);

rmSync(work, { recursive: true, force: true });
