/**
 * Where each element of a KDBX XML document sits in its text, for the
 * elements ssot may write back as they were read: the document's structure
 * (KeePassFile, Meta, Root, groups, entries, history, tombstones) and the
 * direct children of those. Deeper elements are skipped over, not recorded.
 *
 * The text that comes out is "templated": the content of every element marked
 * Protected="True" (ciphertext under the file's own inner stream) is replaced
 * by a token naming the value (`\x01<source>.<n>\x01`), so that pieces of it
 * can be written into another file, whose inner stream differs, and encrypted
 * again there (see emit.ts). \x01 cannot occur in XML 1.0 text.
 */
export interface El {
  name: string;
  /** Offset of `<` of the start tag. */
  start: number;
  /** Offset just after the start tag's `>`. */
  open: number;
  /** Offset of `<` of the end tag (equals `end` for `<x/>`). */
  close: number;
  /** Offset just after the element. */
  end: number;
  /** Recorded for the structural elements only. */
  kids?: El[];
}

const STRUCTURAL = new Set(['KeePassFile', 'Meta', 'Root', 'Group', 'Entry', 'History', 'DeletedObjects']);

/** Tags, comments, processing instructions, CDATA and declarations, in document order. */
const TOKEN = /<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>/g;
const PROTECTED = /(?:^|\s)Protected\s*=\s*(["'])\s*true\s*\1/i;

export const token = (source: number, n: number): string => `\x01${source}.${n}\x01`;
export const TOKENS = /\x01(\d+)\.(\d+)\x01/g;

export interface Scanned {
  /** The document text with protected contents replaced by tokens. */
  text: string;
  root: El;
  /** How many protected elements were found (in document order, as kdbxweb numbers them). */
  protectedCount: number;
}

interface Open {
  el: El;
  recorded: boolean;
  protectedIndex: number;
}

/** Scans a KDBX XML document; undefined when it is not well nested (the caller then does without). */
export function scan(xml: string, source: number): Scanned | undefined {
  const out: string[] = [];
  let copied = 0;
  let delta = 0;
  let count = 0;
  let root: El | undefined;
  const stack: Open[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(xml); m; m = TOKEN.exec(xml)) {
    const name = m[2];
    if (name === undefined) continue;
    const at = m.index + delta;
    if (m[1] === '/') {
      const top = stack.pop();
      if (!top || top.el.name !== name) return undefined;
      if (top.protectedIndex >= 0) {
        // Replace the value's text (from the start tag's end to here) by its token.
        const from = top.el.open - (delta - 0);
        out.push(xml.slice(copied, from), token(source, top.protectedIndex));
        copied = m.index;
        delta += token(source, top.protectedIndex).length - (m.index - from);
      }
      top.el.close = m.index + delta;
      top.el.end = m.index + m[0].length + delta;
      continue;
    }
    const attrs = m[3] ?? '';
    const selfClosing = attrs.endsWith('/');
    const el: El = { name, start: at, open: at + m[0].length, close: at + m[0].length, end: at + m[0].length };
    const parent = stack[stack.length - 1];
    const recorded = parent === undefined ? true : parent.recorded && STRUCTURAL.has(parent.el.name);
    if (recorded) {
      if (parent) (parent.el.kids ??= []).push(el);
      else if (!root) root = el;
      if (STRUCTURAL.has(name)) el.kids = [];
    }
    const isProtected = PROTECTED.test(attrs);
    const index = isProtected ? count++ : -1;
    if (!selfClosing) stack.push({ el, recorded, protectedIndex: index });
  }
  if (stack.length > 0 || !root) return undefined;
  out.push(xml.slice(copied));
  return { text: out.join(''), root, protectedCount: count };
}
