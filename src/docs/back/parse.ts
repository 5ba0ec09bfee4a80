import { decodeNamedCharacterReference } from 'decode-named-character-reference';
import { XMLParser } from 'fast-xml-parser';
import { RemoteError } from '../../core/errors.js';

/**
 * Confluence storage XHTML as a small tree of elements, text and CDATA. Pages
 * edited in Confluence hold HTML entities (`&nbsp;`, `&rsquo;`) that XML does
 * not declare: every reference is decoded here, with the HTML table of named
 * references (decode-named-character-reference, the one micromark uses).
 */

export type XNode = XElement | { type: 'text'; value: string } | { type: 'cdata'; value: string };

export interface XElement {
  type: 'element';
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
}

const NS = 'xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier" xmlns:at="http://atlassian.com/template"';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
  allowBooleanAttributes: true,
});

export function parseStorage(xhtml: string, where = 'the page'): XNode[] {
  let raw: unknown;
  try {
    // Entities are decoded by hand below; XML would refuse the undeclared HTML ones.
    raw = parser.parse(`<root ${NS}>${xhtml}</root>`);
  } catch (e) {
    throw new RemoteError(`${where}: the body Confluence sent is not well-formed storage format: ${(e as Error).message}`);
  }
  const root = (raw as Record<string, unknown>[])[0]?.['root'];
  return Array.isArray(root) ? convert(root as Record<string, unknown>[]) : [];
}

function convert(items: Record<string, unknown>[]): XNode[] {
  const out: XNode[] = [];
  for (const item of items) {
    if ('#text' in item) out.push({ type: 'text', value: decodeEntities(String(item['#text'])) });
    else if ('#cdata' in item) out.push({ type: 'cdata', value: textOfCdata(item['#cdata']) });
    else if ('#comment' in item) continue;
    else {
      const name = Object.keys(item).find((k) => k !== ':@');
      if (!name) continue;
      const attrs: Record<string, string> = {};
      for (const [k, v] of Object.entries((item[':@'] as Record<string, unknown> | undefined) ?? {})) attrs[k] = decodeEntities(String(v));
      out.push({ type: 'element', name, attrs, children: convert((item[name] as Record<string, unknown>[] | undefined) ?? []) });
    }
  }
  return out;
}

/** A text node's value: fast-xml-parser gives a string, or a number where it parsed one. */
function textOf(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

function textOfCdata(v: unknown): string {
  return Array.isArray(v) ? v.map((x: Record<string, unknown>) => textOf(x['#text'])).join('') : '';
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[A-Za-z][A-Za-z0-9]*);/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    const named = decodeNamedCharacterReference(ref);
    return named === false ? whole : named;
  });
}

/** The text of a node (CDATA included). */
export function xText(n: XNode): string {
  if (n.type !== 'element') return n.value;
  return n.children.map(xText).join('');
}

export function isEl(n: XNode | undefined, name?: string): n is XElement {
  return n?.type === 'element' && (name === undefined || n.name === name);
}

/** The value of `<ac:parameter ac:name="…">` of a macro. */
export function macroParam(el: XElement, name: string): string | undefined {
  const p = el.children.find((c): c is XElement => isEl(c, 'ac:parameter') && c.attrs['ac:name'] === name);
  return p ? xText(p) : undefined;
}

/** A child element by name. */
export function child(el: XElement, name: string): XElement | undefined {
  return el.children.find((c): c is XElement => isEl(c, name));
}

/** The anchor macro's name, when the node is one. */
export function anchorName(n: XNode | undefined): string | undefined {
  return isEl(n, 'ac:structured-macro') && n.attrs['ac:name'] === 'anchor' ? (macroParam(n, '') ?? macroParam(n, 'anchor')) : undefined;
}
