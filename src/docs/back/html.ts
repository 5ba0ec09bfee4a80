import { escapeHtml, type BackContext } from './context.js';
import { anchorName, child, isEl, macroParam, xText, type XElement, type XNode } from './parse.js';

/**
 * Storage XHTML written as the raw HTML that renders back to it, for what
 * markdown has no syntax for: a table with merged cells or blocks in its
 * cells, an aligned paragraph, a sized image. It is one line (newlines as
 * `&#10;`), so a blank line never ends the HTML block early.
 */

const SAME: ReadonlySet<string> = new Set(['p', 'strong', 'em', 'u', 's', 'code', 'sub', 'sup', 'blockquote', 'ul', 'ol', 'li', 'table', 'tr', 'th', 'td', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const RENAMED: Readonly<Record<string, string>> = { b: 'strong', i: 'em', del: 's', strike: 's', ins: 'u', tt: 'code', kbd: 'code', tbody: '', thead: '', tfoot: '' };
const KEPT_ATTRS = ['colspan', 'rowspan', 'start'];

export function htmlOf(nodes: readonly XNode[], ctx: BackContext): string {
  return nodes.map((n) => htmlNode(n, ctx)).join('');
}

function htmlNode(n: XNode, ctx: BackContext): string {
  if (n.type !== 'element') return escapeHtml(n.value);
  const tag = RENAMED[n.name] ?? (SAME.has(n.name) ? n.name : undefined);
  if (tag === '') return htmlOf(n.children, ctx);
  if (/^h[1-6]$/.test(n.name)) {
    // The heading's anchor macro is its id.
    const id = anchorName(n.children.find((c) => c.type === 'element'));
    const rest = id === undefined ? n.children : n.children.filter((c) => anchorName(c) !== id);
    return `<${n.name}${attr('id', id)}${htmlAttrs(n)}>${htmlOf(rest, ctx)}</${n.name}>`;
  }
  if (tag !== undefined) return `<${tag}${htmlAttrs(n)}>${htmlOf(n.children, ctx)}</${tag}>`;
  switch (n.name) {
    case 'br':
      return '<br>';
    case 'hr':
      return '<hr>';
    case 'span': {
      const colour = /(?:^|;)\s*color\s*:\s*([^;]+)/i.exec(n.attrs['style'] ?? '')?.[1]?.trim();
      return colour ? `<span style="${escapeHtml(`color: ${colour};`)}">${htmlOf(n.children, ctx)}</span>` : htmlOf(n.children, ctx);
    }
    case 'a':
      return `<a${attr('href', n.attrs['href'])}${attr('title', n.attrs['title'])}>${htmlOf(n.children, ctx)}</a>`;
    case 'ac:link':
      return linkHtml(n, ctx);
    case 'ac:image':
      return imageHtml(n, ctx);
    case 'ac:task-list':
      return `<ul>${n.children.filter((c): c is XElement => isEl(c, 'ac:task')).map((t) => taskHtml(t, ctx)).join('')}</ul>`;
    case 'pre':
      return `<pre><code>${escapeHtml(xText(n))}</code></pre>`;
    case 'ac:structured-macro':
      return macroHtml(n, ctx);
  }
  return htmlOf(n.children, ctx);
}

function htmlAttrs(n: XElement): string {
  let s = '';
  for (const k of KEPT_ATTRS) s += attr(k, n.attrs[k]);
  const align = /(?:^|;)\s*text-align\s*:\s*(left|center|right|justify)/i.exec(n.attrs['style'] ?? '')?.[1];
  return s + attr('align', align?.toLowerCase());
}

function attr(name: string, value: string | undefined): string {
  return value === undefined || value === '' ? '' : ` ${name}="${escapeHtml(value)}"`;
}

function taskHtml(t: XElement, ctx: BackContext): string {
  const done = xText(child(t, 'ac:task-status') ?? t).trim() === 'complete';
  const body = child(t, 'ac:task-body');
  return `<li><input type="checkbox"${done ? ' checked' : ''} disabled> ${body ? htmlOf(body.children, ctx) : ''}</li>`;
}

function macroHtml(n: XElement, ctx: BackContext): string {
  const name = n.attrs['ac:name'] ?? '';
  const anchor = anchorName(n);
  if (anchor !== undefined) return `<a name="${escapeHtml(anchor)}"></a>`;
  const rich = child(n, 'ac:rich-text-body');
  const plain = child(n, 'ac:plain-text-body');
  if (name === 'code' || name === ctx.mermaidMacro) {
    const lang = name === 'code' ? macroParam(n, 'language') : 'mermaid';
    return `<pre><code${attr('class', lang ? `language-${lang}` : undefined)}>${escapeHtml(plain ? xText(plain) : '')}</code></pre>`;
  }
  if (name === 'expand') return `<details><summary>${escapeHtml(macroParam(n, 'title') ?? '')}</summary>${rich ? htmlOf(rich.children, ctx) : ''}</details>`;
  ctx.warn(`the ${name} macro inside a table or an aligned block is not kept (its text is)`);
  return rich ? htmlOf(rich.children, ctx) : '';
}

function linkHtml(n: XElement, ctx: BackContext): string {
  const body = child(n, 'ac:link-body');
  const plain = child(n, 'ac:plain-text-link-body');
  const inner = body ? htmlOf(body.children, ctx) : plain ? escapeHtml(xText(plain)) : '';
  const href = linkTarget(n, ctx);
  return href === undefined ? inner : `<a href="${escapeHtml(href)}">${inner || escapeHtml(href)}</a>`;
}

/** Where an `ac:link` points, as a markdown or HTML link target; undefined when nothing here can be linked. */
export function linkTarget(n: XElement, ctx: BackContext): string | undefined {
  const anchor = n.attrs['ac:anchor'];
  const hash = anchor ? `#${anchor}` : '';
  const page = child(n, 'ri:page');
  if (page) {
    const title = page.attrs['ri:content-title'] ?? '';
    const p = ctx.pagePath(title);
    if (p === undefined) ctx.warn(`a link to the page "${title}", which is not a doc here, is kept as its text`);
    return p === undefined ? undefined : `${p}${hash}`;
  }
  const att = child(n, 'ri:attachment');
  if (att) {
    const name = att.attrs['ri:filename'] ?? '';
    const p = ctx.attachmentPath(name);
    if (p === undefined) ctx.warn(`attachment ${name} is not a file next to the doc: linked by its name`);
    return p ?? name;
  }
  const url = child(n, 'ri:url');
  if (url) return url.attrs['ri:value'];
  const other = n.children.find((c): c is XElement => isEl(c) && c.name.startsWith('ri:'));
  if (other) {
    ctx.warn(`a link to a ${other.name.slice(3)} (a mention, a space, a blog post) is kept as its text`);
    return undefined;
  }
  return hash || undefined;
}

export function imageHtml(n: XElement, ctx: BackContext): string {
  const url = child(n, 'ri:url')?.attrs['ri:value'];
  const file = child(n, 'ri:attachment')?.attrs['ri:filename'];
  let src = url;
  if (src === undefined && file !== undefined) {
    src = ctx.attachmentPath(file);
    if (src === undefined) {
      ctx.warn(`attachment ${file} is not a file next to the doc: linked by its name`);
      src = file;
    }
  }
  return `<img${attr('src', src)}${attr('alt', n.attrs['ac:alt'])}${attr('title', n.attrs['ac:title'])}${attr('width', n.attrs['ac:width'])}${attr('height', n.attrs['ac:height'])}${attr('align', n.attrs['ac:align'])}>`;
}
