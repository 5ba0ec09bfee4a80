/**
 * One pass over a KDBX XML document that gives both what kdbxweb reads and
 * what the lossless writer needs:
 *  - a small DOM (elements with tagName, childNodes of elements only,
 *    textContent, attributes): the part of the DOM API kdbxweb's readers and
 *    check/xml-rules.ts use. xmldom built a full DOM three to four times
 *    slower, and its garbage was most of the cost of opening a large database;
 *  - where each element sits in the document text, and that text "templated":
 *    the content of every element marked Protected="True" (ciphertext under
 *    the file's own inner stream) replaced by a token naming the value
 *    (`\x01<source>.<n>\x01`), so that pieces of it can be written into
 *    another file, whose inner stream differs, and encrypted again there
 *    (emit.ts). \x01 cannot occur in XML 1.0 text.
 * It refuses what is not well-formed (unclosed or crossed elements, text
 * outside the root, an undefined entity) as a KdbxFormatError.
 */
import type * as kdbxweb from '../kdbxweb.js';
import { corrupt } from '../format/errors.js';
import { must } from '../../../core/must.js';

/** Shared by every element without children (most of them): never written to. */
const NO_CHILDREN: XEl[] = [];

export class XEl {
  readonly nodeType = 1;
  readonly tagName: string;
  readonly attrs: Record<string, string> | undefined;
  childNodes: XEl[] = NO_CHILDREN;
  /** The element's text when it has no child elements ('' when it has). */
  textContent = '';
  protectedValue: kdbxweb.ProtectedValue | undefined;
  lineNumber: number | undefined;
  /** Offsets in the templated text: `<` of the start tag, after it, `<` of the end tag, after it. */
  start: number;
  open: number;
  close: number;
  end: number;

  constructor(tagName: string, attrs: Record<string, string> | undefined, start: number, open: number) {
    this.tagName = tagName;
    this.attrs = attrs;
    this.start = start;
    this.open = open;
    this.close = open;
    this.end = open;
  }

  getAttribute(name: string): string | null {
    return this.attrs?.[name] ?? null;
  }

  hasAttribute(name: string): boolean {
    return this.attrs !== undefined && name in this.attrs;
  }

  get firstChild(): XEl | null {
    return this.childNodes[0] ?? null;
  }
}

export interface XDoc {
  documentElement: XEl;
  /** The document text with protected contents replaced by tokens. */
  text: string;
  /** The protected elements, in document order (as kdbxweb's setProtectedValues numbers them). */
  protectedElements: XEl[];
}

export const token = (source: number, n: number): string => `\x01${source}.${n}\x01`;
export const TOKENS = /\x01(\d+)\.(\d+)\x01/g;

const TOKEN = /<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<!(?:[^>"']|"[^"]*"|'[^']*')*>/g;
const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));|&/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (m, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name) return must(NAMED[name], `the character of &${name};`);
    if (dec) return String.fromCodePoint(parseInt(dec, 10));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    throw corrupt(`its XML is not well-formed (an unescaped "&" or an unknown entity near "${m}")`);
  });
}

function attributes(raw: string): Record<string, string> | undefined {
  if (!raw.includes('=')) return undefined;
  const out: Record<string, string> = {};
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(raw); m; m = ATTR.exec(raw)) {
    const [, attr, , doubleQuoted, singleQuoted] = m;
    if (attr !== undefined) out[attr] = decodeEntities(doubleQuoted ?? singleQuoted ?? '');
  }
  return out;
}

// As kdbxweb's reader decides it (XmlUtils.strToBoolean): exactly "true", in any case.
const isProtected = (a: Record<string, string> | undefined): boolean => a !== undefined && a['Protected']?.toLowerCase() === 'true';

/** Parses a KDBX XML document; `source` names it in the tokens of its templated text. */
export function parseDocument(xml: string, source: number): XDoc {
  const out: string[] = [];
  // The open elements, as parallel stacks (one object per element would be garbage for nothing).
  const els: XEl[] = [];
  const texts: (string | undefined)[] = [];
  const indexes: number[] = [];
  const protectedElements: XEl[] = [];
  let root: XEl | undefined;
  let copied = 0;
  let delta = 0;
  let last = 0;
  const text = (raw: string): void => {
    const top = els.length - 1;
    const current = els[top];
    if (!current) {
      if (raw.trim()) throw corrupt('its XML is not well-formed (text outside the root element)');
      return;
    }
    if (current.childNodes.length === 0) texts[top] = texts[top] === undefined ? raw : texts[top] + raw;
  };
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(xml); m; m = TOKEN.exec(xml)) {
    if (m.index > last) text(decodeEntities(xml.slice(last, m.index)));
    last = m.index + m[0].length;
    const name = m[2];
    if (name === undefined) {
      if (m[4] !== undefined) text(m[4]);
      continue;
    }
    if (m[1] === '/') {
      const el = els.pop();
      const t = texts.pop();
      // The three stacks grow and shrink together: an element has its index.
      const index = indexes.pop();
      if (!el || index === undefined || el.tagName !== name) throw corrupt(`its XML is not well-formed (</${name}> closes ${el ? `<${el.tagName}>` : 'nothing'})`);
      if (el.childNodes.length === 0 && t !== undefined) el.textContent = t;
      if (index >= 0) {
        // Replace the value's text (from the start tag's end to here) by its token.
        const from = el.open - delta;
        const tok = token(source, index);
        out.push(xml.slice(copied, from), tok);
        copied = m.index;
        delta += tok.length - (m.index - from);
      }
      el.close = m.index + delta;
      el.end = m.index + m[0].length + delta;
      continue;
    }
    let raw = m[3] ?? '';
    const selfClosing = raw.endsWith('/');
    if (selfClosing) raw = raw.slice(0, -1);
    const at = m.index + delta;
    const el = new XEl(name, attributes(raw), at, at + m[0].length);
    const parent = els[els.length - 1];
    if (parent) {
      if (parent.childNodes === NO_CHILDREN) parent.childNodes = [];
      parent.childNodes.push(el);
    } else if (root) throw corrupt('its XML is not well-formed (more than one root element)');
    else root = el;
    const index = isProtected(el.attrs) ? protectedElements.push(el) - 1 : -1;
    if (!selfClosing) {
      els.push(el);
      texts.push(undefined);
      indexes.push(index);
    }
  }
  const unclosed = els.at(-1);
  if (unclosed) throw corrupt(`its XML is not well-formed (<${unclosed.tagName}> is never closed)`);
  if (!root) throw corrupt('its XML is not well-formed (no root element)');
  if (xml.slice(last).trim()) throw corrupt('its XML is not well-formed (text after the root element)');
  out.push(xml.slice(copied));
  return { documentElement: root, text: out.join(''), protectedElements };
}
