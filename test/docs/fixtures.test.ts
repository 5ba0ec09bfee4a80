import { promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../src/docs/mapping.js';
import { listDocs } from '../../src/docs/project.js';
import { DocSet } from '../../src/docs/render.js';
import { normaliseXml, prettyXml, validateStorage } from './xml-helpers.js';

/**
 * The converter's golden files: test/docs/fixtures/<name>.md is converted as a
 * doc of a docs root (the fixtures folder, every doc mapped but one) and
 * compared, after XML normalisation, with <name>.xhtml. UPDATE_FIXTURES=1
 * rewrites the expected files (review the diff before committing).
 */
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3))
  .sort();

async function docSet(mermaid: 'code' | 'macro'): Promise<DocSet> {
  const onDisk = await listDocs(dir, []);
  const pages: Mapping['pages'] = {};
  for (const k of onDisk) if (k !== 'other/unmapped.md') pages[k] = {};
  return new DocSet({ root: dir, space: 'PC', mermaid }, { version: 1, space: 'PC', pages }, onDisk);
}

describe('converter fixtures', () => {
  it('has at least 40 cases', () => {
    expect(names.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of names) {
    it(name, async () => {
      const set = await docSet(name.startsWith('mermaid-macro') ? 'macro' : 'code');
      const { page, problems } = await set.prepare(`${name}.md`);
      expect(problems.filter((p) => !p.warning), JSON.stringify(problems)).toEqual([]);
      expect(validateStorage(page.xhtml)).toBe(true);
      const expectedFile = path.join(dir, `${name}.xhtml`);
      if (process.env['UPDATE_FIXTURES']) await fs.writeFile(expectedFile, prettyXml(page.xhtml));
      const expected = await fs.readFile(expectedFile, 'utf8');
      expect(validateStorage(normaliseXml(expected))).toBe(true);
      expect(normaliseXml(page.xhtml)).toBe(normaliseXml(expected));
    });
  }
});

describe('converter fixtures: the warnings', () => {
  const warnings = async (name: string): Promise<string[]> => {
    const { problems } = await (await docSet('code')).prepare(`${name}.md`);
    return problems.map((p) => `${p.line ?? 'no line'}: ${p.message}`);
  };

  it('a link or image that cannot be resolved names its line and says what was kept', async () => {
    expect(await warnings('links-unresolved')).toEqual([
      '1: link to git@github.com:org/test_keys.git: an scp-style git address, not a URL (kept as text)',
      '1: link to /guide/learn/mock-functions: not under docs.root, and no docs.siteUrl to put before it (kept as text)',
      '1: link to missing.md: no such file (kept as text)',
      '2: link to vscode:extension/esbenp.prettier-vscode: vscode: is not a link protocol Confluence keeps (kept as text)',
      '2: link to javascript:alert(1): javascript: is not a link protocol Confluence keeps (kept as text)',
      '5: image img/none.png: no such file (its alt text is kept)',
      '5: a data: URI image is not published; use a file (its alt text is kept)',
    ]);
  });

  it('a custom heading id replaces the slug, as in mark and pandoc', async () => {
    expect(await warnings('heading-custom-ids')).toEqual(['3: link to #my-heading: no heading or anchor of that name in this doc (kept as text)']);
    expect(await warnings('html-anchors')).toEqual([]);
    expect(await warnings('raw-storage-block')).toEqual(['7: the {=confluence} block is not well-formed storage format (<p> is not closed): shown as code']);
  });
});
