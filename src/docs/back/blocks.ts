import GithubSlugger from 'github-slugger';
import type { BlockContent, Code, DefinitionContent, FootnoteDefinition, Heading, List, ListItem, Paragraph, PhrasingContent, Table, TableCell } from 'mdast';
import { cdata, escapeAttr, escapeText } from '../../core/xml.js';
import { escapeHtml, PANEL_ALERTS, RAW_STORAGE_FENCE, type BackContext } from './context.js';
import { htmlOf } from './html.js';
import { html, phrasing } from './inline.js';
import { anchorName, child, isEl, macroParam, xText, type XElement, type XNode } from './parse.js';

/** Storage blocks to mdast blocks. Inline content met at block level is gathered into paragraphs. */

type Block = BlockContent | DefinitionContent;

const INLINE: ReadonlySet<string> = new Set([
  'strong', 'b', 'em', 'i', 's', 'del', 'strike', 'u', 'ins', 'code', 'tt', 'kbd', 'sub', 'sup', 'span', 'a', 'br',
  'ac:link', 'ac:image', 'ac:emoticon', 'time', 'ac:placeholder', 'ac:inline-comment-marker', 'small', 'big', 'font',
]);

export class Blocks {
  private readonly ctx: BackContext;
  private readonly slugger = new GithubSlugger();

  constructor(ctx: BackContext, title?: string) {
    this.ctx = ctx;
    if (title !== undefined) this.slugger.slug(title);
  }

  blocks(nodes: readonly XNode[]): Block[] {
    const out: Block[] = [];
    let run: XNode[] = [];
    const flush = (): void => {
      const p = this.paragraph(run);
      if (p) out.push(p);
      run = [];
    };
    for (const n of nodes) {
      if (isInline(n)) run.push(n);
      else {
        flush();
        out.push(...this.block(n as XElement));
      }
    }
    flush();
    return out;
  }

  private block(el: XElement): Block[] {
    switch (el.name) {
      case 'p':
        return this.p(el);
      case 'hr':
        return [{ type: 'thematicBreak' }];
      case 'blockquote':
        return [{ type: 'blockquote', children: this.blocks(el.children) }];
      case 'ul':
      case 'ol':
        return [this.list(el)];
      case 'ac:task-list':
        return [this.taskList(el)];
      case 'table':
        return [this.table(el)];
      case 'pre':
        return [{ type: 'code', value: xText(el) }];
      case 'ac:structured-macro':
        return this.macro(el);
      case 'ac:layout':
        this.ctx.warn('the page layout (columns) is not kept: its sections follow one another');
        return this.blocks(el.children);
    }
    if (/^h[1-6]$/.test(el.name)) return [this.heading(el)];
    return this.blocks(el.children);
  }

  private p(el: XElement): Block[] {
    const align = /(?:^|;)\s*text-align\s*:\s*(left|center|right|justify)/i.exec(el.attrs['style'] ?? '')?.[1];
    if (align) return [html(`<p align="${align.toLowerCase()}">${htmlOf(el.children, this.ctx)}</p>`)];
    const p = this.paragraph(el.children);
    return p ? [p] : [];
  }

  /** A paragraph of inline nodes; none when there is nothing to read in them. */
  paragraph(nodes: readonly XNode[]): Paragraph | undefined {
    const children = trimPhrasing(phrasing(nodes, this.ctx));
    if (children.length === 0) return undefined;
    // A break that ends a paragraph is not markdown: written as HTML.
    if (children.at(-1)?.type === 'break') children[children.length - 1] = html('<br>');
    // A line holding only a tag opens an HTML block, which would swallow the next lines: the newline after it is a reference.
    const next = children[1];
    if (children[0]?.type === 'html' && next?.type === 'text' && next.value.startsWith('\n')) {
      children.splice(1, 1, html('&#10;'), ...(next.value.length > 1 ? [{ ...next, value: next.value.slice(1) }] : []));
    }
    return { type: 'paragraph', children };
  }

  private heading(el: XElement): Block {
    const anchor = anchorName(el.children.find((c) => c.type === 'element'));
    const rest = el.children.filter((c) => anchor === undefined || anchorName(c) !== anchor);
    const depth = Number(el.name[1]) as Heading['depth'];
    const align = /(?:^|;)\s*text-align\s*:\s*(left|center|right|justify)/i.exec(el.attrs['style'] ?? '')?.[1];
    if (align) {
      this.slugger.slug(anchor ?? rest.map(xText).join(''), anchor !== undefined);
      return html(`<h${depth}${anchor ? ` id="${escapeHtml(anchor)}"` : ''} align="${align.toLowerCase()}">${htmlOf(rest, this.ctx)}</h${depth}>`);
    }
    const children = trimPhrasing(phrasing(rest, this.ctx));
    const text = rest.map(xText).join('');
    // The anchor GitHub's rules give the text; another one is written as `{#id}`.
    const before = Object.assign(Object.create(null) as Record<string, number>, this.slugger.occurrences);
    if (anchor !== undefined && this.slugger.slug(text) !== anchor) {
      this.slugger.occurrences = before;
      this.slugger.slug(anchor, true);
      children.push({ type: 'text', value: ` {#${anchor}}` });
    }
    return { type: 'heading', depth, children };
  }

  private list(el: XElement): List {
    const items = el.children.filter((c): c is XElement => isEl(c, 'li'));
    const spread = items.some((i) => i.children.some((c) => isEl(c, 'p')));
    const start = el.name === 'ol' ? Number(el.attrs['start'] ?? 1) : undefined;
    return {
      type: 'list',
      ordered: el.name === 'ol',
      ...(start !== undefined && Number.isInteger(start) ? { start } : {}),
      spread,
      children: items.map((li) => ({ type: 'listItem', spread, children: this.itemBlocks(li.children) })),
    };
  }

  private taskList(el: XElement): List {
    const items: ListItem[] = el.children
      .filter((c): c is XElement => isEl(c, 'ac:task'))
      .map((t) => {
        const body = child(t, 'ac:task-body');
        const checked = xText(child(t, 'ac:task-status') ?? t).trim() === 'complete';
        return { type: 'listItem', spread: false, checked, children: this.itemBlocks(body?.children ?? []) };
      });
    return { type: 'list', ordered: false, spread: false, children: items };
  }

  /** A list item's content: an empty item still needs a paragraph for its checkbox. */
  private itemBlocks(nodes: readonly XNode[]): ListItem['children'] {
    const b = this.blocks(nodes);
    return b.length > 0 ? b : [{ type: 'paragraph', children: [] }];
  }

  private table(el: XElement): Block {
    const simple = simpleTable(el);
    if (!simple) return html(`<table>${htmlOf(el.children, this.ctx)}</table>`);
    const cell = (c: XElement): TableCell => ({ type: 'tableCell', children: breaksAsHtml(trimPhrasing(phrasing(c.children, this.ctx))) });
    const rows = simple.rows.map((r) => ({ type: 'tableRow' as const, children: r.map(cell) }));
    const t: Table = { type: 'table', align: simple.align, children: rows };
    return t;
  }

  private macro(el: XElement): Block[] {
    const name = el.attrs['ac:name'] ?? '';
    const rich = child(el, 'ac:rich-text-body');
    const plain = child(el, 'ac:plain-text-body');
    const anchor = anchorName(el);
    if (anchor !== undefined) return [html(`<div id="${escapeHtml(anchor)}"></div>`)];
    if (name === 'code') return [codeBlock(el, plain)];
    if (name === this.ctx.mermaidMacro) return [{ type: 'code', lang: 'mermaid', value: plain ? xText(plain) : '' }];
    const alert = PANEL_ALERTS[name];
    if (alert && rich) {
      if (el.children.some((c) => isEl(c, 'ac:parameter'))) this.ctx.warn(`the ${name} panel's title and options are not kept`);
      return [{ type: 'blockquote', children: [{ type: 'paragraph', children: [html(`[!${alert}]`)] }, ...this.blocks(rich.children)] }];
    }
    if (name === 'expand') {
      const title = macroParam(el, 'title');
      return [html(`<details>\n<summary>${escapeHtml(title ?? '')}</summary>`), ...this.blocks(rich?.children ?? []), html('</details>')];
    }
    // Anything else (jira, status, toc, …) is kept as it is, in a block that `ssot docs push` writes back unchanged.
    return [{ type: 'code', lang: RAW_STORAGE_FENCE, value: serializeXml(el) }];
  }

  /** GFM footnotes at the end of a page (a rule, then notes whose items start with an `fn-` anchor). */
  footnotes(nodes: XNode[]): { rest: XNode[]; definitions: FootnoteDefinition[] } {
    const els = nodes.filter((n) => !(n.type === 'text' && n.value.trim() === ''));
    const ol = els[els.length - 1];
    const hr = els[els.length - 2];
    if (!isEl(ol, 'ol') || !isEl(hr, 'hr')) return { rest: nodes, definitions: [] };
    const items = ol.children.filter((c): c is XElement => isEl(c, 'li'));
    const named = items.map((li) => ({ li, anchor: anchorName(li.children.find((c) => c.type === 'element')) ?? '' }));
    if (items.length === 0 || !named.every(({ anchor }) => anchor.startsWith('fn-'))) return { rest: nodes, definitions: [] };
    const definitions = named.map(({ li, anchor }): FootnoteDefinition => {
      const id = anchor.slice(3);
      const body = dropBackrefs(li.children.filter((c) => anchorName(c) !== anchor));
      return { type: 'footnoteDefinition', identifier: id, label: id, children: this.blocks(body) };
    });
    return { rest: nodes.slice(0, nodes.indexOf(hr)), definitions };
  }
}

function isInline(n: XNode): boolean {
  if (n.type !== 'element') return true;
  return INLINE.has(n.name);
}

function codeBlock(el: XElement, plain: XElement | undefined): Code {
  const lang = macroParam(el, 'language');
  const title = macroParam(el, 'title');
  const meta = [title ? `title="${title.replace(/"/g, '')}"` : '', macroParam(el, 'linenumbers') === 'true' ? 'linenums' : ''].filter(Boolean).join(' ');
  return { type: 'code', ...(lang && lang !== 'none' ? { lang } : {}), ...(meta ? { meta } : {}), value: plain ? xText(plain) : '' };
}

/** The back links (`↩` to fnref-…) at the end of a footnote, and the space before them. */
function dropBackrefs(nodes: XNode[]): XNode[] {
  const out = nodes.map((n) => (isEl(n, 'p') ? { ...n, children: dropBackrefs(n.children) } : n));
  for (;;) {
    const last = out[out.length - 1];
    if ((isEl(last, 'ac:link') && last.attrs['ac:anchor']?.startsWith('fnref-')) || (last?.type === 'text' && last.value.trim() === '')) out.pop();
    else {
      if (last?.type === 'text') out[out.length - 1] = { ...last, value: last.value.replace(/\s+$/, '') };
      return out;
    }
  }
}

interface SimpleTable {
  rows: XElement[][];
  align: Table['align'];
}

/** A table GFM can write: a header row, the same number of cells in every row, no merged cells, only inline content. */
function simpleTable(el: XElement): SimpleTable | undefined {
  const rows: XElement[][] = [];
  for (const c of el.children) {
    if (!isEl(c)) continue;
    const trs = c.name === 'tr' ? [c] : ['tbody', 'thead', 'tfoot'].includes(c.name) ? c.children.filter((r): r is XElement => isEl(r, 'tr')) : undefined;
    if (!trs) return undefined;
    for (const tr of trs) rows.push(tr.children.filter((x): x is XElement => isEl(x)));
  }
  const header = rows[0] ?? [];
  const width = header.length;
  if (width === 0 || rows.some((r) => r.length !== width)) return undefined;
  const ok = rows.every((r, i) => r.every((cell) => cell.name === (i === 0 ? 'th' : 'td') && !cell.attrs['colspan'] && !cell.attrs['rowspan'] && cell.children.every(isInline)));
  if (!ok) return undefined;
  const alignOf = (cell: XElement): 'left' | 'right' | 'center' | null => {
    const a = /text-align\s*:\s*(left|center|right)/i.exec(cell.attrs['style'] ?? '')?.[1]?.toLowerCase();
    return a === 'left' || a === 'right' || a === 'center' ? a : null;
  };
  const align = header.map(alignOf);
  // GFM aligns whole columns: a column aligned cell by cell is not simple.
  if (rows.some((r) => r.some((cell, i) => alignOf(cell) !== align[i]))) return undefined;
  return { rows, align };
}

/** A table cell is one line: its line breaks are written as `<br>`. */
function breaksAsHtml(nodes: PhrasingContent[]): PhrasingContent[] {
  return nodes.map((n) => (n.type === 'break' ? html('<br>') : 'children' in n ? ({ ...n, children: breaksAsHtml(n.children) }) : n));
}

/** Leading and trailing spaces of a paragraph are not markdown: dropped. */
function trimPhrasing(children: PhrasingContent[]): PhrasingContent[] {
  const out = [...children];
  const first = out[0];
  if (first?.type === 'text') out[0] = { ...first, value: first.value.replace(/^\s+/, '') };
  const last = out[out.length - 1];
  if (last?.type === 'text') out[out.length - 1] = { ...last, value: last.value.replace(/\s+$/, '') };
  return out.filter((c) => !(c.type === 'text' && c.value === ''));
}

/** An element as storage XHTML again (for the raw block). */
function serializeXml(n: XNode): string {
  if (n.type === 'text') return escapeText(n.value);
  if (n.type === 'cdata') return cdata(n.value);
  const a = Object.entries(n.attrs).map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  return n.children.length === 0 ? `<${n.name}${a}/>` : `<${n.name}${a}>${n.children.map(serializeXml).join('')}</${n.name}>`;
}
