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
