#!/usr/bin/env node
// Real READMEs and docs pages (raw HTML, badges, relative links, images) through
// `ssot docs render`'s converter, compared with markdown-it on the same files:
// pages refused, tags shown as text, visible words present, in-page anchors.
// Also: each page converted back to markdown (as `ssot docs pull` does) renders to the same storage.
// Usage: npm run bench -- --only docs-readmes [FOLDER]  (default $DOCS_READMES, else
// /work/bench-data/docs-readmes; each folder under it is one project, rendered as a docs root
// with every doc mapped; the files are copied to a temporary folder first).
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { listDocs } from '../dist/docs/project.js';
import { DocSet } from '../dist/docs/render.js';
import { remoteAsDoc } from '../dist/docs/remote-doc.js';
import { brokenAnchors, extraTagsAsText, readHtml, readStorage, renderIndependently, wellFormed, wordCoverage } from './docs-measure.mjs';

const folder = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? process.env.DOCS_READMES ?? '/work/bench-data/docs-readmes';
if (!existsSync(folder)) {
  console.log(`no folder ${folder}: fetch READMEs into it first (see the bench's header)`);
  process.exit(0);
}

/** Every doc of a project, measured; the project is copied first (the round trip writes into it). */
async function measureProject(dir) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ssot-bench-readmes-'));
  cpSync(dir, root, { recursive: true });
  try {
    const keys = await listDocs(root, []);
    const docSet = () => new DocSet({ root, space: 'BENCH', mermaid: 'code' }, { version: 1, space: 'BENCH', pages: Object.fromEntries(keys.map((k) => [k, {}])) }, keys);
    const set = docSet();
    const rows = [];
    for (const key of keys) {
      const source = readFileSync(path.join(root, key), 'utf8');
      const t0 = performance.now();
      const { page, problems } = await set.prepare(key);
      const ms = performance.now() - t0;
      const t1 = performance.now();
      const independentHtml = renderIndependently(source);
      const msIndependent = performance.now() - t1;
      const ours = readStorage(page.xhtml);
      const theirs = readHtml(independentHtml);
      rows.push({
        key,
        ms,
        msIndependent,
        refused: problems.some((p) => !p.warning),
        wellFormed: wellFormed(page.xhtml),
        warnings: problems.filter((p) => p.warning).length,
        noAnchor: problems.filter((p) => p.warning && /no heading or anchor of that name/.test(p.message)).map((p) => `${key}:${p.line} ${p.message.replace(/:.*/, '')}`),
        extraTags: extraTagsAsText(ours.text, theirs.text),
        coverage: wordCoverage(`${ours.text} ${ours.code} ${page.title}`, `${theirs.text} ${theirs.code}`),
        broken: brokenAnchors(ours),
        anchorLinks: ours.anchorLinks.length,
        rawHtml: /<(a|p|img|div|picture|details|b|code|h[1-6]|br|sup|sub|table|span)\b/i.test(source.replace(/```[\s\S]*?```/g, '')),
        roundTrip: await roundTrip(root, keys, set, key, page, source, docSet),
      });
    }
    return rows;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** As `ssot docs pull` would write the page back, then rendered again: the same storage? */
async function roundTrip(root, keys, set, key, page, source, docSet) {
  const back = await remoteAsDoc({ root, docs: set, present: keys, mermaidMacro: 'mermaid-cloud' }, key, { title: page.title, body: page.xhtml }, page.attachments);
  writeFileSync(path.join(root, key), back.text);
  const again = (await docSet().prepare(key)).page;
  writeFileSync(path.join(root, key), source);
  return again.xhtml === page.xhtml && again.title === page.title;
}

const projects = readdirSync(folder).filter((d) => statSync(path.join(folder, d)).isDirectory()).sort();
const all = [];
for (const p of projects) for (const r of await measureProject(path.join(folder, p))) all.push({ project: p, ...r });
const pct = (x) => `${(100 * x).toFixed(2)} %`;
console.log(`${'file'.padEnd(58)} ${'words'.padStart(9)} ${'tags'.padStart(5)} ${'anchors'.padStart(8)} ${'warn'.padStart(5)} ${'ms'.padStart(7)}`);
for (const r of all) {
  const name = `${r.project}/${r.key}`.slice(0, 58);
  console.log(`${name.padEnd(58)} ${pct(r.coverage.share).padStart(9)} ${String(r.extraTags.length).padStart(5)} ${`${r.anchorLinks - r.broken.length}/${r.anchorLinks}`.padStart(8)} ${String(r.warnings).padStart(5)} ${r.ms.toFixed(1).padStart(7)}`);
}
const total = all.reduce((a, r) => ({ w: a.w + r.coverage.total, f: a.f + r.coverage.found }), { w: 0, f: 0 });
const anchors = all.reduce((a, r) => a + r.anchorLinks, 0);
const broken = all.reduce((a, r) => a + r.broken.length, 0);
console.log('');
console.log(`files: ${all.length} (${all.filter((r) => r.rawHtml).length} with raw HTML) in ${projects.length} projects`);
console.log(`refused: ${all.filter((r) => r.refused).length}; not well-formed: ${all.filter((r) => r.wellFormed !== true).length}`);
console.log(`tags shown as text (beyond markdown-it's own): ${all.reduce((a, r) => a + r.extraTags.length, 0)}`);
console.log(`visible words present (vs markdown-it): ${pct(total.f / total.w)} of ${total.w}; lowest file ${pct(Math.min(...all.map((r) => r.coverage.share)))}`);
const noAnchor = all.flatMap((r) => r.noAnchor.map((x) => `${r.project}/${x}`));
console.log(`in-page anchor links resolved: ${anchors - broken}/${anchors} written as links; ${noAnchor.length} kept as text (no heading or anchor of that name in the markdown); warnings: ${all.reduce((a, r) => a + r.warnings, 0)}`);
if (process.env.VERBOSE) for (const x of noAnchor) console.log(`  no such anchor: ${x}`);
console.log(`round trip (render, back to markdown, render again) gives the same storage: ${all.filter((r) => r.roundTrip).length}/${all.length}`);
const sum = (f) => all.reduce((a, r) => a + f(r), 0);
console.log(`conversion time: median ${median(all.map((r) => r.ms)).toFixed(1)} ms, max ${Math.max(...all.map((r) => r.ms)).toFixed(1)} ms per file; all files ${sum((r) => r.ms).toFixed(0)} ms (markdown-it to HTML: ${sum((r) => r.msIndependent).toFixed(0)} ms, ratio ${(sum((r) => r.ms) / sum((r) => r.msIndependent)).toFixed(1)}; ssot's includes reading and parsing the docs linked to)`);
if (process.env.VERBOSE) for (const r of all) if (r.coverage.share < 0.99 || r.extraTags.length || r.broken.length || !r.roundTrip) console.log(r.project, r.key, r.coverage.missing.slice(0, 40).join(' '), r.extraTags, r.broken, r.roundTrip);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
