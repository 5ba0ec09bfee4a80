import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mapping } from '../../src/docs/mapping.js';
import { listDocs } from '../../src/docs/project.js';
import { remoteAsDoc } from '../../src/docs/remote-doc.js';
import { DocSet } from '../../src/docs/render.js';
import { corpus } from '../support/corpora.js';

/**
 * The way back: every fixture is rendered to storage XHTML, converted back to
 * markdown as `ssot docs pull` would, and rendered again: the two storage
 * bodies and titles must be the same.
 */
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ssot-roundtrip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function docSet(root: string): Promise<{ set: DocSet; present: string[] }> {
  const onDisk = await listDocs(root, []);
  const pages: Mapping['pages'] = {};
  for (const k of onDisk) if (k !== 'other/unmapped.md') pages[k] = {};
  return { set: new DocSet({ root, space: 'PC', mermaid: 'code' }, { version: 1, space: 'PC', pages }, onDisk), present: Object.keys(pages) };
}

async function roundTrip(source: string, name: string, key = `${name}.md`): Promise<{ first: string; second: string; title: [string, string]; md: string; notes: string[] }> {
  const root = path.join(tmp, name.replace(/\W/g, '_'));
  cpSync(source, root, { recursive: true });
  const a = await docSet(root);
  const { page } = await a.set.prepare(key);
  const back = await remoteAsDoc({ root, docs: a.set, present: a.present, mermaidMacro: 'mermaid-cloud' }, key, { title: page.title, body: page.xhtml }, page.attachments);
  writeFileSync(path.join(root, key), back.text);
  const b = await docSet(root);
  const again = (await b.set.prepare(key)).page;
  return { first: page.xhtml, second: again.xhtml, title: [page.title, again.title], md: back.text, notes: back.notes };
}

const names = readdirSync(fixtures).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();

describe('render, convert back, render again: the same storage XHTML', () => {
  for (const name of names) {
    it(name, async () => {
      const r = await roundTrip(fixtures, name);
      expect(r.second, `markdown written back:\n${r.md}`).toBe(r.first);
      expect(r.title[1]).toBe(r.title[0]);
      expect(r.notes).toEqual([]);
    });
  }
});

describe.each([
  ['md2conf', path.join(corpus('markdown'), 'md2conf', 'source')],
  ['mark', path.join(corpus('markdown'), 'mark', 'testdata')],
])('the same across the %s test suite', (suite, root) => {
  it('every file', async () => {
    const failures: string[] = [];
    for (const key of await listDocs(root, [])) {
      const r = await roundTrip(root, `${suite}-${key}`, key);
      if (r.second !== r.first || r.title[1] !== r.title[0]) failures.push(`${key}:\n${r.md}\n${r.first}\n${r.second}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
