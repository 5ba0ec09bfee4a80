/**
 * A forgiving tokenizer for the raw HTML found in markdown. It never builds a
 * DOM: the converter decides per tag what survives (DESIGN "Docs details":
 * void elements made well-formed, <img> an image, <details> the expand macro,
 * inline <sub> <sup> <kbd> <u> <s> kept, anything else shown as text).
 */
export type HtmlToken =
  | { type: 'text'; value: string }
  | { type: 'comment'; value: string }
  | { type: 'open'; name: string; attrs: Record<string, string>; selfClosing: boolean; raw: string }
  | { type: 'close'; name: string; raw: string };

const TOKEN =
  /<!--[\s\S]*?(?:-->|$)|<\/([A-Za-z][A-Za-z0-9-]*)\s*>|<([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/g;
const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export function tokenizeHtml(html: string): HtmlToken[] {
  const out: HtmlToken[] = [];
  let last = 0;
  for (const m of html.matchAll(TOKEN)) {
    if (m.index > last) out.push({ type: 'text', value: html.slice(last, m.index) });
    last = m.index + m[0].length;
    if (m[0].startsWith('<!--')) out.push({ type: 'comment', value: m[0] });
    else if (m[1] !== undefined) out.push({ type: 'close', name: m[1].toLowerCase(), raw: m[0] });
    else {
      const attrs: Record<string, string> = {};
      for (const a of (m[3] ?? '').matchAll(ATTR)) attrs[a[1]!.toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
      out.push({ type: 'open', name: m[2]!.toLowerCase(), attrs, selfClosing: m[4] === '/', raw: m[0] });
    }
  }
  if (last < html.length) out.push({ type: 'text', value: html.slice(last) });
  return out;
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', mdash: '—', ndash: '–', hellip: '…', rarr: '→', larr: '←' };

/** Character references in raw HTML text become characters (re-escaped on output). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Inline elements kept as elements. */
export const KEPT_INLINE: ReadonlySet<string> = new Set(['sub', 'sup', 'kbd', 'u', 's']);
/** Void elements that are rewritten self-closed. */
export const VOID: ReadonlySet<string> = new Set(['br', 'hr', 'img', 'wbr']);
