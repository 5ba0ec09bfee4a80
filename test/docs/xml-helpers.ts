import { checkXml } from '../support/xml.js';

/** Storage XHTML is a fragment with ac:/ri: prefixes: wrap it with the namespaces declared. */
export function validateStorage(xhtml: string): true | string {
  const r = checkXml(
    `<root xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier">${xhtml}</root>`,
  );
  return r === true ? true : `${r.err.code}: ${r.err.msg} (line ${r.err.line}, col ${r.err.col})`;
}

/** Split into CDATA sections and the rest, so code is never reformatted. */
function mapOutsideCdata(s: string, f: (part: string) => string): string {
  return s
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part, i) => (i % 2 === 1 ? part : f(part)))
    .join('');
}

/** Whitespace with a line break between two tags is layout, not content. */
export function normaliseXml(s: string): string {
  return mapOutsideCdata(s.trim(), (p) => p.replace(/>[ \t]*\r?\n\s*</g, '><'));
}

/** One tag per line where two tags touch: readable expected files. */
export function prettyXml(s: string): string {
  return mapOutsideCdata(s, (p) => p.replace(/></g, '>\n<')).trim() + '\n';
}
