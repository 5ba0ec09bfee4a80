import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { cdata, escapeAttr, escapeText } from '../../src/core/xml.js';
import { checkXml } from '../support/xml.js';

// The one XML escaper, checked with a real XML parser: what goes in comes out, and the document is well-formed.
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, parseTagValue: false, trimValues: false, cdataPropName: '#cdata' });
const legal = (s: string): string => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
// XML reads every line end as "\n".
const eol = (s: string): string => s.replace(/\r\n?/g, '\n');

describe('the XML escaper', () => {
  it('escapes markup in text and attribute values', () => {
    expect(escapeText('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; "d"');
    expect(escapeAttr('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; &quot;d&quot;');
    expect(cdata('x ]]> y')).toBe('<![CDATA[x ]]]]><![CDATA[> y]]>');
  });

  it('drops the characters XML 1.0 does not allow, keeps tabs and line breaks', () => {
    expect(escapeText('a\u0000b\u0008c\u000Bd\u001Fe\uFFFEf\tg\nh')).toBe('abcdef\tg\nh');
    expect(cdata('a\u0001b')).toBe('<![CDATA[ab]]>');
  });

  it('any string reads back the same from text, an attribute and CDATA (fast-xml-parser)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const doc = `<r a="${escapeAttr(s)}"><t>${escapeText(s)}</t><c>${cdata(s)}</c></r>`;
        expect(checkXml(doc)).toBe(true);
        const r = (parser.parse(doc) as { r: { '@a': string; t: string | { '#text'?: string }; c: { '#cdata': string | string[] } } }).r;
        const text = typeof r.t === 'string' ? r.t : (r.t['#text'] ?? '');
        const cd = r.c['#cdata'];
        expect(eol(text)).toBe(eol(legal(s)));
        expect(eol(r['@a'])).toBe(eol(legal(s)));
        expect(eol(Array.isArray(cd) ? cd.join('') : cd)).toBe(eol(legal(s)));
      }),
      { numRuns: 300 },
    );
  });
});
