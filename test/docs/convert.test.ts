import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ALERT_MACROS, codeLanguage, convertMarkdown } from '../../src/docs/convert.js';
import { splitFrontMatter } from '../../src/docs/frontmatter.js';
import { mappingSchema, parseMapping } from '../../src/docs/mapping.js';
import { Anchors } from '../../src/docs/anchors.js';
import { cdata } from '../../src/core/xml.js';
import { validateStorage } from './xml-helpers.js';
import { objectContaining, stringMatching } from '../support/matchers.js';

describe('storage XHTML is always well-formed', () => {
  // Markdown built from the pieces users report trouble with (research §2).
  const piece = fc.constantFrom(
    '<', '>', '&', '&nbsp;', '"', "'", ']]>', '<![CDATA[', '`', '*', '_', '~~', '[', ']', '(', ')', '!', '#', '|', '\\',
    '<br>', '<hr>', '<img src="x.png">', '<sub>', '</sub>', '<kbd>', '</details>', '<details>', '<summary>', '<div>', '</p>',
    '<!--', '-->', '\n', '\n\n', '  \n', '- ', '1. ', '- [ ] ', '> ', '> [!NOTE]\n> ', '```\n', '```js\n', '    ', '| a | b |\n|---|---|\n',
    '[^1]', '[^1]: note\n', ':tada:', 'text', ' ', '\u0007', '\uFFFE', 'Map<K,V>', 'https://x.test/?a=1&b=2', '[l](#a)', '![i](y.png)',
  );
  it('for any markdown made of awkward pieces', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const md = parts.join('');
        const { xhtml } = convertMarkdown(md);
        expect(validateStorage(xhtml), md).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('for arbitrary unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (md) => {
        expect(validateStorage(convertMarkdown(md).xhtml), md).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('code survives CDATA exactly, including ]]>', () => {
    const parser = new XMLParser({ cdataPropName: '#cdata', parseTagValue: false, trimValues: false });
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }).map((s) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')), (code) => {
        const xml = `<b>${cdata(code)}</b>`;
        const parsed = parser.parse(xml) as { b: { '#cdata': string | string[] } | string };
        const b = parsed.b;
        const text = typeof b === 'string' ? b : Array.isArray(b['#cdata']) ? b['#cdata'].join('') : b['#cdata'];
        expect(text).toBe(code);
      }),
      { numRuns: 300 },
    );
  });
});

describe('conversion rules', () => {
  it('maps GitHub alerts by the documented table', () => {
    expect(ALERT_MACROS).toEqual({ NOTE: 'info', TIP: 'tip', IMPORTANT: 'note', WARNING: 'note', CAUTION: 'warning' });
    for (const [kind, name] of Object.entries(ALERT_MACROS)) {
      expect(convertMarkdown(`> [!${kind}]\n> x\n`).xhtml).toContain(`ac:name="${name}"`);
    }
    // A block quote that only looks like one stays a quote.
    expect(convertMarkdown('> [!NOTE] inline text\n').xhtml).toContain('<blockquote>');
  });

  it('takes the first h1 as title and leaves it out; keeps it when front matter has a title', () => {
    const r = convertMarkdown('# Title\n\ntext\n', { titleFromH1: true });
    expect(r.h1Title).toBe('Title');
    // Its anchor stays at the top of the page, so `[x](#title)` still lands.
    expect(r.xhtml).toBe('<ac:structured-macro ac:name="anchor" ac:schema-version="1"><ac:parameter ac:name="">title</ac:parameter></ac:structured-macro><p>text</p>');
    expect(convertMarkdown('# Title\n', { titleFromH1: false }).xhtml).toContain('<h1>');
  });

  it('names the line of a broken same-page anchor as a warning, and keeps its text', () => {
    const r = convertMarkdown('# A\n\n## B\n\n[x](#nope) [y](#b)\n');
    expect(r.problems).toEqual([{ line: 5, message: 'link to #nope: no heading or anchor of that name in this doc (kept as text)', warning: true }]);
    expect(r.xhtml).toContain('<p>x <ac:link ac:anchor="b">');
  });

  it('maps fence names to the code macro languages, passing unknown ones through', () => {
    expect(codeLanguage('Python')).toBe('py');
    expect(codeLanguage('sh')).toBe('bash');
    expect(codeLanguage('hcl')).toBe('hcl');
    expect(codeLanguage('weird-lang')).toBe('weird-lang');
    expect(codeLanguage('')).toBeUndefined();
  });

  it('slugs like GitHub, numbering repeats', () => {
    const md = ['Hello World', 'Hello World', 'Hello, World!', 'Über Größe', 'a-b'].map((t) => `## ${t}\n`).join('\n');
    const anchors = [...convertMarkdown(md).xhtml.matchAll(/<ac:parameter ac:name="">([^<]*)</g)].map((m) => m[1]);
    expect(anchors).toEqual(['hello-world', 'hello-world-1', 'hello-world-2', 'über-größe', 'a-b']);
  });

  it('matches a fragment exactly, else case-insensitively, else without GitHub\'s user-content- prefix', () => {
    const a = new Anchors();
    a.add('basic-features');
    a.add('Custom');
    expect([a.resolve('basic-features'), a.resolve('Basic-Features'), a.resolve('custom'), a.resolve('user-content-basic-features'), a.resolve('nope')]).toEqual([
      'basic-features',
      'basic-features',
      'Custom',
      'basic-features',
      undefined,
    ]);
  });
});

describe('front matter', () => {
  it('reads title, parent, labels and confluence: false, with their lines', () => {
    const r = splitFrontMatter('---\ntitle: T\nparent: guides/\nlabels: [A, b]\nconfluence: false\n---\nbody\n');
    expect(r.problems).toEqual([]);
    expect(r.fm).toMatchObject({ title: 'T', parent: 'guides/', labels: ['a', 'b'], publish: false, lines: { title: 2, parent: 3, labels: 4, confluence: 5 } });
    expect(r.body.split('\n')[6]).toBe('body');
  });

  it('reports wrong types at the line of their key', () => {
    const r = splitFrontMatter('---\ntitle: ok\nconfluence: "no"\nlabels: [has space]\n---\n');
    expect(r.problems.map((p) => p.line)).toEqual([4, 3]);
  });

  it('reads a CRLF file as an LF one: values without "\\r", keys at their lines', () => {
    const r = splitFrontMatter('---\r\ntitle: T\r\nlabels: [a]\r\nconfluence: false\r\n---\r\nbody\r\n');
    expect(r.problems).toEqual([]);
    expect(r.fm).toMatchObject({ title: 'T', labels: ['a'], publish: false, lines: { title: 2, labels: 3, confluence: 4 } });
    const bad = splitFrontMatter('---\r\ntitle: T\r\nconfluence: maybe\r\n---\r\n');
    expect(bad.problems).toEqual([{ line: 3, message: 'front matter "confluence" must be true or false' }]);
    const yaml = splitFrontMatter('---\r\ntitle: T\r\nlabels: [a\r\n---\r\n');
    expect(yaml.problems).toMatchObject([{ line: 3, message: stringMatching(/^invalid front matter: /) }]);
  });

  it('a front matter that is not keys and values', () => {
    expect(splitFrontMatter('---\n- a\n---\nbody\n').problems).toEqual([{ line: 2, column: 1, message: 'invalid front matter: front matter must be a mapping of keys to values' }]);
  });
});

describe('mapping', () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const jsonSchema = JSON.parse(readFileSync(path.join(here, '..', '..', 'schemas', 'confluence-mapping.schema.json'), 'utf8')) as object;
  const ajv = new Ajv2020({ strict: false });
  const validate = ajv.compile(jsonSchema);
  const samples: [unknown, boolean][] = [
    [{ version: 1, space: 'PC', pages: {} }, true],
    [{ version: 1, space: 'PC', spaceId: '1', pages: { 'a.md': { id: '12', title: 'A', parent: 'g/', version: 3, hash: `sha256:${'a'.repeat(64)}`, property: { id: '9', version: 2 }, attachments: { 'x.png': `sha256:${'b'.repeat(64)}` }, labels: ['l'] }, 'g/': {} } }, true],
    [{ version: 2, space: 'PC', pages: {} }, false],
    [{ version: 1, space: 'PC', pages: { 'a.md': { id: 12 } } }, false],
    [{ version: 1, space: 'PC', pages: { 'a.md': { hash: 'md5:x' } } }, false],
    [{ version: 1, space: 'PC', pages: { 'a.md': { colour: 'red' } } }, false],
    [{ version: 1, space: 'PC', pages: { '../a.md': {} } }, false],
    [{ version: 1, pages: {} }, true],
    [{ version: 1, space: '', pages: {} }, true],
  ];
  it('the JSON Schema in the repository and the loader agree', () => {
    for (const [m, ok] of samples) {
      expect(validate(m), JSON.stringify(m)).toBe(ok);
      expect(mappingSchema.safeParse(m).success, JSON.stringify(m)).toBe(ok);
    }
  });

  it('names the key and its line on an error', () => {
    expect(() => parseMapping('{\n "version": 1,\n "space": "PC",\n "pages": {\n  "a.md": { "colour": "red" }\n }\n}', 'm.json')).toThrow(
      objectContaining({ message: 'unknown key "colour" in the mapping', place: objectContaining({ file: 'm.json', line: 5 }) }),
    );
  });
});

