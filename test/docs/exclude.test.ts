import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathMatcher } from '../../src/core/globs.js';
import { listDocs } from '../../src/docs/project.js';
import { GLOB_TABLE, writeRow } from '../support/glob-table.js';
import { tmpDir } from '../support/tmp.js';

// `docs.exclude` as every docs command reads it: the docs tree listed from the disk.

describe('docs.exclude: the glob table', () => {
  const base = tmpDir('ssot-exclude-');
  it.each(GLOB_TABLE.map((row, i) => ({ ...row, i })))('$glob', async (row) => {
    const root = path.join(base, String(row.i));
    writeRow(root, row, '# A doc\n');
    expect(await listDocs(root, [row.glob])).toEqual([...row.miss].sort());
    expect(await listDocs(root, [])).toEqual([...row.match, ...row.miss].sort());
  });
});

describe('docs.exclude: the patterns of the config example', () => {
  it('reads the README example and a folder name', () => {
    const m = pathMatcher(['.secrets_tmp/**', '**/*.secrets.md', 'drafts']);
    expect(m('.secrets_tmp/a/b.md')).toBe('.secrets_tmp/**');
    expect(m('x/y.secrets.md')).toBe('**/*.secrets.md');
    expect(m('y.secrets.md')).toBe('**/*.secrets.md');
    expect(m('a/drafts/x.md')).toBe('drafts');
    expect(pathMatcher(['*.md'])('a/b.txt')).toBeUndefined();
  });

});
