// Detection part of bench/guard.mjs: recall / false positives on the peer corpora.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export function corporaDir() {
  const cands = [process.env.SSOT_CORPORA, path.resolve(here, '../../shared/corpora/secrets'), path.resolve(process.cwd(), '../shared/corpora/secrets'), '/work/shared/corpora/secrets'].filter(Boolean);
  for (const c of cands) if (existsSync(path.join(c, 'gitleaks-examples.json'))) return c;
  return undefined;
}

export async function detection({ verbose = false } = {}) {
  const dir = corporaDir();
  if (!dir) return { note: 'corpora not found (set SSOT_CORPORA)' };
  const { scanRulesInBytes } = await import(path.resolve(here, '../dist/guard/scan-rules.js'));
  // what the guard runs: the rules over a file's bytes
  const scanRules = (text) => scanRulesInBytes(Buffer.from(text, 'utf8'), 'utf8');
  const gl = JSON.parse(readFileSync(path.join(dir, 'gitleaks-examples.json'), 'utf8'));
  let tp = 0, tpHit = 0, fp = 0, fpHit = 0;
  const missByRule = new Map(); const fpByRule = [];
  for (const r of gl) {
    for (const t of r.tps ?? []) { tp++; if (scanRules(t).length) tpHit++; else missByRule.set(r.ruleId, [...(missByRule.get(r.ruleId) ?? []), t]); }
    for (const f of r.fps ?? []) { fp++; const h = scanRules(f); if (h.length) { fpHit++; fpByRule.push([r.ruleId, h.map((x) => x.rule).join(','), f]); } }
  }
  const out = { gitleaks: { tp, tpHit, recall: tpHit / tp, fp, fpHit, fpRate: fpHit / fp } };
  const by = new Map();
  for (const [, ours] of fpByRule) for (const r of new Set(ours.split(','))) by.set(r, (by.get(r) ?? 0) + 1);
  out.gitleaksFpBreakdown = [...by].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ');
  const byTheirs = new Map();
  for (const [theirs] of fpByRule) byTheirs.set(theirs, (byTheirs.get(theirs) ?? 0) + 1);
  out.gitleaksFpByTheirRule = [...byTheirs].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ');
  // secretlint: ng cases must give >= 1 finding, ok cases none.
  const sl = JSON.parse(readFileSync(path.join(dir, 'secretlint-fixtures.json'), 'utf8'));
  let ng = 0, ngHit = 0, ok = 0, okHit = 0; const slMiss = [], slFp = [];
  for (const c of sl) {
    if (typeof c.input !== 'string') continue;
    const expected = (c.expectedMessages ?? []).length;
    const hits = scanRules(c.input);
    if (c.kind === 'ng' && expected > 0) { ng++; if (hits.length) ngHit++; else slMiss.push([c.rule, c.case]); }
    else if (c.kind === 'ok' || expected === 0) { ok++; if (hits.length) { okHit++; slFp.push([c.rule, c.case, hits.map((h) => h.rule).join(',')]); } }
  }
  out.secretlint = { ng, ngHit, recall: ngHit / ng, ok, okHit, fpRate: okHit / ok };
  const ds = JSON.parse(readFileSync(path.join(dir, 'detect-secrets-cases.json'), 'utf8'));
  let dp = 0, dpHit = 0, dn = 0, dnHit = 0; const dsMiss = [], dsFp = [];
  for (const block of ds) {
    if (!/should_flag/.test(block.argnames)) continue;
    const names = block.argnames.split(',').map((s) => s.trim());
    const pi = names.findIndex((n) => n !== 'should_flag'); const fi = names.indexOf('should_flag');
    for (const row of block.rows) {
      const payload = row[pi]; const flag = row[fi];
      if (typeof payload !== 'string' || typeof flag !== 'boolean') continue;
      const hit = scanRules(payload).length > 0;
      if (flag) { dp++; if (hit) dpHit++; else dsMiss.push([block.module, payload]); } else { dn++; if (hit) { dnHit++; dsFp.push([block.module, payload]); } }
    }
  }
  out.detectSecrets = { positives: dp, hit: dpHit, recall: dpHit / dp, negatives: dn, flagged: dnHit, fpRate: dnHit / dn };
  if (verbose) out.details = { missByRule: [...missByRule].map(([k, v]) => [k, v.length, v[0].slice(0, 120)]).sort((a, b) => b[1] - a[1]), fpByRule, slMiss, slFp, dsMiss, dsFp };
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await detection({ verbose: process.argv.includes('-v') });
  console.log(JSON.stringify(r, null, 1));
}
