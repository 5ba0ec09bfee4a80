#!/usr/bin/env node
// Recall of `ssot guard` on real-format secrets made at bench time (bench/guard-samples.mjs):
// private keys from ssh-keygen, openssl, gpg and puttygen (each also JSON-escaped and in a
// YAML block), random tokens in each provider's documented format, secrets known only by
// their name, and connection strings, each written in the styles people use (.env, YAML,
// JSON, Python, TypeScript, Go, shell, Java, docker-compose). Every sample is scanned as a
// file of its kind, the way `ssot guard` reads it. Goal: >= 95 %; misses listed by kind.
//   node bench/guard-recall.mjs [--seed N] [-v]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectionStrings, generator, namedSecrets, privateKeys, providerTokens, styles } from './guard-samples.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..');
const args = process.argv.slice(2);
const seedArg = args.indexOf('--seed');

export async function recall({ seed = Date.now() % 1e9, verbose = false } = {}) {
  const { scanTargets } = await import(path.join(ROOT, 'dist', 'guard', 'scan.js'));
  const found = (file, text) =>
    scanTargets({ root: '/', targets: [{ path: file, bytes: Buffer.from(text), binary: false, fromStart: true }], skipped: [], notes: [], paths: [file] }).findings.length > 0;
  const groups = new Map();
  const tally = (group, kind, ok, where) => {
    const g = groups.get(group) ?? { total: 0, hit: 0, misses: new Map() };
    g.total++;
    if (ok) g.hit++;
    else g.misses.set(kind, [...(g.misses.get(kind) ?? []), where]);
    groups.set(group, g);
  };
  const g = generator(seed);

  const { keys, absent } = privateKeys();
  for (const [kind, text] of keys) {
    const expectHit = !/must NOT be found/.test(kind);
    const forms = [
      ['as a file', 'keys/deploy', text],
      ['JSON-escaped', 'service.json', JSON.stringify({ private_key: text }, null, 1)],
      ['in a YAML block', 'values.yaml', `ssh:\n  key: |\n${text.replace(/^/gm, '    ')}`],
    ];
    for (const [form, file, t] of forms) tally(expectHit ? 'private keys' : 'public keys (none may be found)', kind, found(file, t) === expectHit, form);
  }
  for (const [kind, name, value] of providerTokens(g)) {
    for (const [style, file, text] of styles(name, value)) tally('provider tokens', kind, found(file, text), style);
    if (!/secret access key|Twilio auth token|Django/.test(kind)) tally('provider tokens', kind, found('NOTES.md', `Use ${value} to sign in.\n`), 'bare, in prose');
  }
  for (const [kind, name, value] of namedSecrets(g)) for (const [style, file, text] of styles(name, value)) tally('secrets known by their name', kind, found(file, text), style);
  for (const [kind, url] of connectionStrings(g)) {
    for (const [style, file, text] of styles('DATABASE_URL', url)) tally('connection strings', kind, found(file, text), style);
  }
  const total = [...groups.values()].reduce((a, x) => a + x.total, 0);
  const hit = [...groups.values()].reduce((a, x) => a + x.hit, 0);
  if (verbose) for (const [name, x] of groups) for (const [kind, where] of x.misses) console.log(`  miss ${name}: ${kind} (${where.join(', ')})`);
  return { seed, groups, total, hit, absent };
}

function print(r) {
  const pct = (a, b) => ((100 * a) / b).toFixed(1) + ' %';
  console.log(`\n## Recall on real-format samples made at bench time (seed ${r.seed})\n`);
  console.log('| samples | found | recall | missed, by kind |');
  console.log('|---|---:|---:|---|');
  for (const [name, x] of r.groups) {
    const misses = [...x.misses].map(([k, w]) => `${k} (${w.length}: ${[...new Set(w)].join(', ')})`).join('; ') || '—';
    console.log(`| ${name} | ${x.hit} / ${x.total} | ${pct(x.hit, x.total)} | ${misses} |`);
  }
  console.log(`| **all** | **${r.hit} / ${r.total}** | **${pct(r.hit, r.total)}** | goal >= 95 %: ${r.hit / r.total >= 0.95 ? 'met' : 'NOT met'} |`);
  if (r.absent.length) console.log(`\nnote: not installed, so not sampled: ${r.absent.join(', ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(path.join(ROOT, 'dist', 'guard', 'scan.js'))) {
    console.error('build first: npm run build');
    process.exit(2);
  }
  print(await recall({ seed: seedArg >= 0 ? Number(args[seedArg + 1]) : undefined, verbose: args.includes('-v') }));
}
