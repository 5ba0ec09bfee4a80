import type { Html, Link, PhrasingContent } from 'mdast';
import { escapeHtml, type BackContext } from './context.js';
import { imageHtml, linkTarget } from './html.js';
import { anchorName, child, isEl, macroParam, xText, type XElement, type XNode } from './parse.js';

/** Storage inline content to mdast phrasing content; what markdown has no syntax for becomes inline HTML. */

const WRAPPED_HTML: Readonly<Record<string, string>> = { u: 'u', ins: 'u', sub: 'sub', sup: 'sup', kbd: 'code' };

export function phrasing(nodes: readonly XNode[], ctx: BackContext): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  for (const n of nodes) out.push(...phrase(n, ctx));
  return out;
}

function phrase(n: XNode, ctx: BackContext): PhrasingContent[] {
  if (n.type !== 'element') return n.value === '' ? [] : [{ type: 'text', value: n.value }];
  const footnote = footnoteRef(n);
  if (footnote) return [footnote];
  switch (n.name) {
    case 'strong':
    case 'b':
      return [{ type: 'strong', children: phrasing(n.children, ctx) }];
    case 'em':
    case 'i':
      return [{ type: 'emphasis', children: phrasing(n.children, ctx) }];
    case 's':
    case 'del':
    case 'strike':
      return [{ type: 'delete', children: phrasing(n.children, ctx) }];
    case 'code':
    case 'tt':
      return n.children.every((c) => c.type !== 'element') ? [{ type: 'inlineCode', value: xText(n) }] : wrap('code', n, ctx);
    case 'br':
      return [{ type: 'break' }];
    case 'span':
      return colourSpan(n, ctx);
    case 'a':
      return [link(n.attrs['href'] ?? '', n.attrs['title'], phrasing(n.children, ctx))];
    case 'ac:link':
      return acLink(n, ctx);
    case 'ac:image':
      return [acImage(n, ctx)];
    case 'ac:emoticon':
      return [{ type: 'text', value: n.attrs['ac:emoji-fallback'] ?? `:${n.attrs['ac:name'] ?? 'smile'}:` }];
    case 'time':
      return [{ type: 'text', value: n.attrs['datetime'] ?? xText(n) }];
    case 'ac:placeholder':
      return [];
    case 'ac:structured-macro':
      return inlineMacro(n, ctx);
  }
  const tag = WRAPPED_HTML[n.name];
  if (tag) return wrap(tag, n, ctx);
  // Inline comment markers, unknown elements: their content.
  return phrasing(n.children, ctx);
}

function wrap(tag: string, n: XElement, ctx: BackContext): PhrasingContent[] {
  const inner = phrasing(n.children, ctx);
  if (inner.length === 0) return [];
  return [html(`<${tag}>`), ...inner, html(`</${tag}>`)];
}

function colourSpan(n: XElement, ctx: BackContext): PhrasingContent[] {
  const colour = /(?:^|;)\s*color\s*:\s*([^;]+)/i.exec(n.attrs['style'] ?? '')?.[1]?.trim();
  const inner = phrasing(n.children, ctx);
  if (!colour || inner.length === 0) return inner;
  return [html(`<span style="${escapeHtml(`color: ${colour};`)}">`), ...inner, html('</span>')];
}

export function html(value: string): Html {
  return { type: 'html', value };
}

function link(url: string, title: string | undefined, children: PhrasingContent[]): Link {
  return { type: 'link', url, ...(title ? { title } : {}), children };
}

/** A Confluence link: to a doc here, an anchor, an attachment; a link to anything else keeps its text. */
function acLink(n: XElement, ctx: BackContext): PhrasingContent[] {
  const body = child(n, 'ac:link-body');
  const plain = child(n, 'ac:plain-text-link-body');
  const children: PhrasingContent[] = body ? phrasing(body.children, ctx) : plain ? [{ type: 'text', value: xText(plain) }] : [];
  const href = linkTarget(n, ctx);
  if (href === undefined) return children;
  return [link(href, undefined, children.length > 0 ? children : [{ type: 'text', value: href }])];
}

function acImage(n: XElement, ctx: BackContext): PhrasingContent {
  const alt = n.attrs['ac:alt'] ?? '';
  const sized = n.attrs['ac:width'] !== undefined || n.attrs['ac:height'] !== undefined || n.attrs['ac:align'] !== undefined;
  if (sized) return html(imageHtml(n, ctx));
  const url = child(n, 'ri:url')?.attrs['ri:value'];
  const file = child(n, 'ri:attachment')?.attrs['ri:filename'];
  const src = url ?? (file !== undefined ? (ctx.attachmentPath(file) ?? attachmentMissing(file, ctx)) : '');
  return { type: 'image', url: src, alt, ...(n.attrs['ac:title'] ? { title: n.attrs['ac:title'] } : {}) };
}

function attachmentMissing(file: string, ctx: BackContext): string {
  ctx.warn(`attachment ${file} is not a file next to the doc: linked by its name`);
  return file;
}

/** `<sup>` holding a footnote reference (anchor fnref-X, link to fn-X), as the forward way writes it. */
function footnoteRef(n: XElement): PhrasingContent | undefined {
  if (n.name !== 'sup') return undefined;
  const kids = n.children.filter((c) => c.type === 'element');
  const ref = anchorName(kids[0]);
  const a = kids[1];
  const target = isEl(a, 'ac:link') ? a.attrs['ac:anchor'] : undefined;
  if (!ref?.startsWith('fnref-') || !target?.startsWith('fn-') || kids.length !== 2) return undefined;
  return { type: 'footnoteReference', identifier: target.slice(3), label: target.slice(3) };
}

/** A macro in running text: an anchor as `<a name>`; a status lozenge or other macro as its text. */
function inlineMacro(n: XElement, ctx: BackContext): PhrasingContent[] {
  const name = n.attrs['ac:name'] ?? '';
  const anchor = anchorName(n);
  if (anchor !== undefined) return [html(`<a name="${escapeHtml(anchor)}"></a>`)];
  const text = macroParam(n, 'title') ?? macroParam(n, 'key') ?? '';
  ctx.warn(`the ${name} macro inside a paragraph is not kept (its text is)`);
  return text ? [{ type: 'text', value: text }] : [];
}
