import type { Element, ElementContent } from 'hast';
import { stringProp } from '../anchors.js';

/**
 * What each HTML element becomes in Confluence storage format: the table in
 * docs/confluence-mapping.md ("Raw HTML"). It applies alike to the elements
 * markdown makes and to those written as raw HTML, so `**x**` and `<b>x</b>`
 * come out the same. An element in no list here is dropped and its text kept.
 */

/** Text formatting: the storage element each one is written as. */
export const FORMATTING: Readonly<Record<string, string>> = {
  b: 'strong', strong: 'strong',
  i: 'em', em: 'em', cite: 'em', dfn: 'em', var: 'em',
  u: 'u', ins: 'u',
  s: 's', del: 's', strike: 's',
  code: 'code', tt: 'code', kbd: 'code', samp: 'code',
  sub: 'sub', sup: 'sup',
};

/** Block elements with a storage counterpart of their own. */
export const BLOCKS: ReadonlySet<string> = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'pre', 'blockquote', 'ul', 'ol', 'table', 'details']);

/**
 * Block containers without a counterpart: their content is kept, as blocks
 * (`div`, `center`, `section`…; GitHub shows their content the same way).
 */
export const CONTAINERS: ReadonlySet<string> = new Set([
  'div', 'center', 'section', 'article', 'aside', 'header', 'footer', 'main', 'nav', 'address', 'figure', 'figcaption',
  'dl', 'dt', 'dd', 'hgroup', 'search', 'fieldset', 'form', 'legend', 'li', 'summary', 'caption', 'tr', 'td', 'th',
  'thead', 'tbody', 'tfoot', 'body', 'html', 'menu', 'dialog',
]);

/** Dropped with their content: nothing in them is text a reader sees on GitHub. */
export const DROPPED: ReadonlySet<string> = new Set([
  'script', 'style', 'template', 'head', 'title', 'iframe', 'object', 'embed', 'svg', 'math', 'canvas', 'noembed',
  'noframes', 'audio', 'video', 'source', 'track', 'meta', 'link', 'base', 'select', 'textarea', 'map', 'area', 'param',
  'colgroup', 'col', 'wbr',
]);

export function isElement(n: ElementContent): n is Element {
  return n.type === 'element';
}

export function isBlockNode(n: ElementContent): boolean {
  if (n.type === 'ssotCode' || n.type === 'ssotAlert') return true;
  if (n.type !== 'element') return false;
  if (BLOCKS.has(n.tagName) || CONTAINERS.has(n.tagName)) return true;
  // An inline element wrapping blocks (`<a><p>…</p></a>`) is read as a container.
  return !DROPPED.has(n.tagName) && n.children.some(isBlockNode);
}

const ALIGN = /^(left|center|right|justify)$/i;

/** `align="center"` or `style="text-align: center"`. */
export function alignOf(el: Element): string | undefined {
  const a = stringProp(el.properties['align']);
  if (a && ALIGN.test(a)) return a.toLowerCase();
  const m = /(?:^|;)\s*text-align\s*:\s*(left|center|right|justify)\b/i.exec(stringProp(el.properties['style']) ?? '');
  if (m) return (m[1] ?? '').toLowerCase();
  return el.tagName === 'center' ? 'center' : undefined;
}

/** A colour a reader would see: `<span style="color: …">`, `<font color>`. Only plain colour values pass. */
export function colourOf(el: Element): string | undefined {
  const raw = el.tagName === 'font' ? stringProp(el.properties['color']) : /(?:^|;)\s*color\s*:\s*([^;]+)/i.exec(stringProp(el.properties['style']) ?? '')?.[1];
  const c = raw?.trim();
  return c && /^(#[0-9a-f]{3,8}|[a-z]+|rgba?\([\d\s.,%]+\))$/i.test(c) ? c : undefined;
}

/** A whole number of pixels (`120`, `120px`), the only size `ac:image` takes. */
export function pixels(v: unknown): string | undefined {
  const s = stringProp(v)?.trim();
  const m = s ? /^(\d+)(?:px)?$/i.exec(s) : null;
  return m && Number(m[1]) > 0 ? String(Number(m[1])) : undefined;
}

/** Whitespace-only text (layout between block tags). */
export function isBlank(n: ElementContent): boolean {
  return (n.type === 'text' && n.value.trim() === '') || n.type === 'comment';
}
