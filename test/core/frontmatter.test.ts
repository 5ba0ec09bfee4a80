import { describe, expect, it } from 'vitest';
import { FrontMatterError, frontMatterBlock, parseFrontMatter } from '../../src/core/frontmatter.js';

const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
const thrown = (text: string): FrontMatterError => {
  try {
    parseFrontMatter(text);
  } catch (e) {
    if (e instanceof FrontMatterError) return e;
    throw e;
  }
  throw new Error('no error');
};

describe('parseFrontMatter', () => {
  const doc = '---\ntitle: T\nlabels: [a, b]\nconfluence: false\n---\n# Body\n\ntext\n';

  it.each([
    ['LF', doc],
    ['CRLF', crlf(doc)],
    ['a byte-order mark', `\uFEFF${doc}`],
    ['spaces after the opening ---', doc.replace('---\n', '---  \n')],
  ])('reads values and the line of each key (%s)', (_name, text) => {
    const r = parseFrontMatter(text);
    expect(r.data).toEqual({ title: 'T', labels: ['a', 'b'], confluence: false });
    expect(r.lines).toEqual({ title: 2, labels: 3, confluence: 4 });
    const body = r.body.split('\n');
    expect(body.length).toBe(text.split('\n').length);
    expect(body[5]).toMatch(/^# Body\r?$/);
    expect(body.slice(0, 5).every((l) => l === '')).toBe(true);
  });

  it('keeps the body as written (CRLF stays CRLF)', () => {
    expect(parseFrontMatter(crlf(doc)).body).toBe('\n\n\n\n\n# Body\r\n\r\ntext\r\n');
  });

  it('a file without front matter is all body', () => {
    expect(parseFrontMatter('# Title\n\ntext\n')).toEqual({ data: {}, lines: {}, body: '# Title\n\ntext\n' });
    expect(parseFrontMatter('')).toEqual({ data: {}, lines: {}, body: '' });
    expect(parseFrontMatter('---\n---\nbody\n')).toEqual({ data: {}, lines: {}, body: '\n\nbody\n' });
  });

  it.each([
    ['LF', '---\ntitle: ok\nlabels: [a, b\n---\n'],
    ['CRLF', crlf('---\ntitle: ok\nlabels: [a, b\n---\n')],
  ])('a YAML error names its line in the file (%s)', (_name, text) => {
    const e = thrown(text);
    expect(e.kind).toBe('syntax');
    expect([e.line, e.column]).toEqual([3, 14]);
    expect(thrown(text.replace('title: ok', 'title: ok\nmore: 1')).line).toBe(4);
  });

  it('a front matter that is not keys and values', () => {
    expect(thrown('---\n- a\n- b\n---\n')).toMatchObject({ kind: 'not-a-mapping', line: 2 });
    expect(thrown('---\njust text\n---\n')).toMatchObject({ kind: 'not-a-mapping' });
  });
});

describe('frontMatterBlock', () => {
  it.each([
    ['LF', '---\ntitle: T\n---\n', 'body\n', { open: '---\n', yaml: 'title: T\n', close: '---\n' }],
    ['CRLF', '---\r\ntitle: T\r\n---\r\n', 'body\r\n', { open: '---\r\n', yaml: 'title: T\r\n', close: '---\r\n' }],
    ['a BOM', '\uFEFF---\ntitle: T\n---\n', 'body\n', { open: '\uFEFF---\n', yaml: 'title: T\n', close: '---\n' }],
    ['spaces after the delimiters', '---  \ntitle: T\n---\t \n', 'body\n', { open: '---  \n', yaml: 'title: T\n', close: '---\t \n' }],
    ['an empty block', '---\n---\n', 'body\n', { open: '---\n', yaml: '', close: '---\n' }],
    ['no body', '---\ntitle: T\n---', '', { open: '---\n', yaml: 'title: T\n', close: '---' }],
    ['invalid YAML (kept as written)', '---\ntitle: [oops\n---\n', '# B\n', { open: '---\n', yaml: 'title: [oops\n', close: '---\n' }],
  ])('splits the block as written (%s)', (_name, block, body, parts) => {
    expect(frontMatterBlock(block + body)).toEqual(parts);
  });

  it('is undefined without a front matter, or when it is never closed', () => {
    expect(frontMatterBlock('# Title\n---\nx\n')).toBeUndefined();
    expect(frontMatterBlock('----\nx\n')).toBeUndefined();
    expect(frontMatterBlock('---\ntitle: T\nno end\n')).toBeUndefined();
    expect(frontMatterBlock('')).toBeUndefined();
  });
});
