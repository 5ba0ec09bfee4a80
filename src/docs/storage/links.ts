import type { Element, ElementContent } from 'hast';
import { stringProp } from '../anchors.js';
import type { LinkTarget } from '../types.js';
import { cdata, escapeText } from '../../core/xml.js';
import { attrs } from '../xml.js';
import { pixels } from './elements.js';
import type { Writer } from './writer.js';

/**
 * `<a>` and `<img>`, whether markdown or raw HTML made them: what a link
 * points at is decided by the resolver (links.ts, which knows the mapping and
 * the files), same-page fragments by the page's anchors.
 */

export function link(w: Writer, el: Element): string {
  const anchors = w.anchorsOf(el);
  const href = stringProp(el.properties['href']);
  const inner = w.inline(el.children);
  if (href === undefined) return anchors + inner;
  const line = el.position?.start.line;
  let target = href.startsWith('#') ? ({ kind: 'anchor', anchor: decodeFragment(href.slice(1)) } as const) : w.ctx.resolveLink(href, line);
  if (target.kind === 'anchor') target = samePage(w, target.anchor, line);
  if (inner.trim() === '' && target.kind !== 'none') return anchors; // nothing to click on, as on GitHub
  return anchors + linkXml(w, target, el.children, inner, stringProp(el.properties['title']));
}

/** A fragment of this page: linked when the page has that anchor (GitHub's matching), else its text is kept. */
function samePage(w: Writer, fragment: string, line: number | undefined): LinkTarget {
  if (fragment === '') return { kind: 'none' };
  const found = w.ctx.anchors.resolve(fragment);
  if (found === undefined) {
    w.ctx.warn(line, `link to #${fragment}: no heading or anchor of that name in this doc (kept as text)`);
    return { kind: 'none' };
  }
  return { kind: 'anchor', anchor: found };
}

function linkXml(w: Writer, target: LinkTarget, children: readonly ElementContent[], inner: string, title: string | undefined): string {
  switch (target.kind) {
    case 'url':
      return `<a${attrs({ href: target.href, title })}>${inner}</a>`;
    case 'none':
      return target.show && !plain(children)?.includes(target.show) ? `${inner} (<code>${escapeText(target.show)}</code>)` : inner;
    case 'anchor':
      return `<ac:link${attrs({ 'ac:anchor': target.anchor })}>${linkBody(children, inner)}</ac:link>`;
    case 'page':
      return `<ac:link${attrs({ 'ac:anchor': target.anchor })}><ri:page${attrs({ 'ri:space-key': w.ctx.spaceKey, 'ri:content-title': target.title })}/>${linkBody(children, inner)}</ac:link>`;
    case 'attachment':
      return `<ac:link><ri:attachment${attrs({ 'ri:filename': target.filename })}/>${linkBody(children, inner)}</ac:link>`;
  }
}

/** Plain text goes in a CDATA link body; anything formatted in a rich one. */
function linkBody(children: readonly ElementContent[], inner: string): string {
  const text = plain(children);
  return text !== undefined ? `<ac:plain-text-link-body>${cdata(text)}</ac:plain-text-link-body>` : `<ac:link-body>${inner}</ac:link-body>`;
}

/** The text of a link made only of text nodes (comments aside), else undefined. */
function plain(children: readonly ElementContent[]): string | undefined {
  let s = '';
  for (const c of children) {
    if (c.type === 'text') s += c.value;
    else if (c.type !== 'comment') return undefined;
  }
  return s;
}

export function image(w: Writer, el: Element): string {
  const anchors = w.anchorsOf(el);
  const src = stringProp(el.properties['src']);
  const alt = stringProp(el.properties['alt']) ?? '';
  if (src === undefined) {
    w.ctx.warn(el.position?.start.line, '<img> without src (its alt text is kept)');
    return anchors + escapeText(alt);
  }
  const target = w.ctx.resolveImage(src, el.position?.start.line);
  const align = stringProp(el.properties['align'])?.toLowerCase();
  const a = attrs({
    'ac:align': align && /^(left|center|right)$/.test(align) ? align : undefined,
    'ac:alt': alt || undefined,
    'ac:title': stringProp(el.properties['title']),
    'ac:width': pixels(el.properties['width']),
    'ac:height': pixels(el.properties['height']),
  });
  switch (target.kind) {
    case 'url':
      return `${anchors}<ac:image${a}><ri:url${attrs({ 'ri:value': target.url })}/></ac:image>`;
    case 'attachment':
      return `${anchors}<ac:image${a}><ri:attachment${attrs({ 'ri:filename': target.filename })}/></ac:image>`;
    case 'none':
      return anchors + escapeText(alt);
  }
}

function decodeFragment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
