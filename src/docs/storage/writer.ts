import type { Element, ElementContent, Root } from 'hast';
import { stringProp, type Anchors } from '../anchors.js';
import type { ImageTarget, LinkTarget } from '../types.js';
import { escapeText } from '../../core/xml.js';
import { anchor, attrs } from '../xml.js';
import { alignOf, BLOCKS, colourOf, CONTAINERS, DROPPED, FORMATTING, isBlank, isBlockNode } from './elements.js';
import { image, link } from './links.js';
import { alertMacro, codeMacro, details, list, preBlock, table } from './structures.js';

/**
 * One HTML tree (markdown and raw HTML together, see hast.ts) written as
 * Confluence storage XHTML. Output is built from escaped pieces only
 * (xml.ts), so it is well-formed whatever the input. Three contexts: block
 * (the page, a quote, a macro body: loose inline content is wrapped in `<p>`),
 * mixed (a list item, a table cell: inline and blocks side by side) and inline.
 */

export interface WriterContext {
  anchors: Anchors;
  resolveLink: (url: string, line: number | undefined) => LinkTarget;
  resolveImage: (src: string, line: number | undefined) => ImageTarget;
  warn: (line: number | undefined, message: string) => void;
  mermaid: 'code' | 'macro';
  mermaidMacro: string;
  spaceKey?: string;
}

export class Writer {
  readonly ctx: WriterContext;
  /** Anchor macros already written (an id given twice is one anchor). */
  private readonly written = new Set<string>();
  private taskId = 0;

  constructor(ctx: WriterContext) {
    this.ctx = ctx;
  }

  page(root: Root, titleAnchor?: string): string {
    return (titleAnchor ? this.anchorOnce(titleAnchor) : '') + this.blocks(root.children as ElementContent[]);
  }

  nextTaskId(): number {
    return ++this.taskId;
  }

  /** An anchor macro, once per name. */
  anchorOnce(name: string | undefined): string {
    if (!name || this.written.has(name)) return '';
    this.written.add(name);
    return anchor(name);
  }

  /** The anchors an element carries (`id`, `name`). */
  anchorsOf(el: Element): string {
    const id = stringProp(el.properties['id']);
    const name = stringProp(el.properties['name']);
    return this.anchorOnce(id) + this.anchorOnce(name);
  }

  /** Block context: runs of inline content become paragraphs (aligned like their container). */
  blocks(nodes: readonly ElementContent[], align?: string): string {
    let out = '';
    let run: ElementContent[] = [];
    const flush = (): void => {
      const inner = trimXml(this.inline(trimRun(run)));
      run = [];
      // Anchors alone (`<a name="top"></a>`) need no paragraph.
      if (ONLY_ANCHORS.test(inner)) out += inner;
      else if (inner !== '') out += `<p${alignAttr(align)}>${inner}</p>`;
    };
    for (const n of nodes) {
      if (isBlockNode(n)) {
        flush();
        out += this.block(n, align);
      } else run.push(n);
    }
    flush();
    return out;
  }

  /** Mixed context (list items, table cells): inline content as is, blocks as blocks. */
  mixed(nodes: readonly ElementContent[]): string {
    if (!nodes.some(isBlockNode)) return trimXml(this.inline(trimRun(nodes)));
    let out = '';
    let run: ElementContent[] = [];
    const flush = (): void => {
      if (run.some((n) => !isBlank(n))) out += trimXml(this.inline(trimRun(run)));
      run = [];
    };
    for (const n of nodes) {
      if (isBlockNode(n)) {
        flush();
        out += this.block(n);
      } else run.push(n);
    }
    flush();
    return out;
  }

  inline(nodes: readonly ElementContent[]): string {
    let s = '';
    for (const n of nodes) s += this.inlineNode(n);
    return s;
  }

  private block(n: ElementContent, align?: string): string {
    if (n.type === 'ssotCode') return codeMacro(this, n);
    if (n.type === 'ssotAlert') return alertMacro(this, n);
    if (n.type !== 'element') return '';
    const el = n;
    const own = alignOf(el) ?? align;
    switch (el.tagName) {
      case 'p':
        return this.paragraph(el, own);
      case 'hr':
        return '<hr/>';
      case 'pre':
        return preBlock(this, el);
      case 'blockquote':
        return `<blockquote>${this.anchorsOf(el)}${this.blocks(el.children)}</blockquote>`;
      case 'ul':
      case 'ol':
        return list(this, el);
      case 'table':
        return table(this, el);
      case 'details':
        return details(this, el);
      case 'section':
        // GFM footnotes: a rule, then the notes.
        if (el.properties['dataFootnotes'] !== undefined) return `<hr/>${this.blocks(el.children)}`;
        return this.anchorsOf(el) + this.blocks(el.children, own);
    }
    if (/^h[1-6]$/.test(el.tagName)) return `<${el.tagName}${alignAttr(own)}>${this.anchorsOf(el)}${trimXml(this.inline(trimRun(el.children)))}</${el.tagName}>`;
    // Containers, and inline elements that hold blocks: their content, as blocks.
    return this.anchorsOf(el) + this.blocks(el.children, own);
  }

  private paragraph(el: Element, align?: string): string {
    const anchors = this.anchorsOf(el);
    const inner = trimXml(this.inline(trimRun(el.children)));
    if (inner === '' || ONLY_ANCHORS.test(inner)) return anchors + inner;
    return `<p${alignAttr(align)}>${anchors}${inner}</p>`;
  }

  private inlineNode(n: ElementContent): string {
    switch (n.type) {
      case 'text':
        // Indentation after a line break is layout (raw HTML blocks are indented): one line break is kept.
        return escapeText(n.value.replace(/[ \t]*\n[ \t]*/g, '\n'));
      case 'ssotCode':
        return `<code>${escapeText(n.value)}</code>`;
      case 'ssotAlert':
        return this.inline(n.children);
      case 'element':
        return this.inlineElement(n);
      default:
        return ''; // comments: invisible on GitHub, so here too
    }
  }

  private inlineElement(el: Element): string {
    const tag = el.tagName;
    if (DROPPED.has(tag)) return '';
    const formatted = FORMATTING[tag];
    if (formatted) {
      const inner = this.inline(el.children);
      return inner === '' ? this.anchorsOf(el) : `${this.anchorsOf(el)}<${formatted}>${inner}</${formatted}>`;
    }
    switch (tag) {
      case 'a':
        return link(this, el);
      case 'img':
        return image(this, el);
      case 'picture':
        return this.picture(el);
      case 'br':
        return '<br/>';
      case 'input':
        return checkbox(el);
      case 'span':
      case 'font': {
        const colour = colourOf(el);
        const inner = this.inline(el.children);
        return this.anchorsOf(el) + (colour && inner !== '' ? `<span${attrs({ style: `color: ${colour};` })}>${inner}</span>` : inner);
      }
    }
    // A block element met inline (a heading's `<div>`): its content; other elements: dropped, text kept.
    const inner = this.inline(el.children);
    // Kept apart from the words around it, as the line of its own GitHub gives it.
    return this.anchorsOf(el) + ((BLOCKS.has(tag) || CONTAINERS.has(tag)) && inner !== '' ? ` ${inner} ` : inner);
  }

  /** `<picture>`: the `<img>` in it (the fallback GitHub also shows without a matching `<source>`). */
  private picture(el: Element): string {
    const img = el.children.find((c): c is Element => c.type === 'element' && c.tagName === 'img');
    return this.anchorsOf(el) + (img ? image(this, img) : this.inline(el.children.filter((c) => !(c.type === 'element' && c.tagName === 'source'))));
  }
}

const ONLY_ANCHORS = /^(?:<ac:structured-macro ac:name="anchor"[^>]*>(?:(?!<\/ac:structured-macro>)[\s\S])*<\/ac:structured-macro>)+$/;

function alignAttr(align: string | undefined): string {
  return align ? attrs({ style: `text-align: ${align};` }) : '';
}

/** A checkbox outside a task list: the box as a character. */
function checkbox(el: Element): string {
  if (stringProp(el.properties['type'])?.toLowerCase() !== 'checkbox') return '';
  return el.properties['checked'] ? '☑' : '☐';
}

/** Whitespace at the edges of written inline content (left where a dropped element stood). */
function trimXml(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

/** Leading and trailing layout whitespace of a run of inline content. */
export function trimRun(nodes: readonly ElementContent[]): ElementContent[] {
  const out = nodes.filter((n) => n.type !== 'comment');
  for (let n = out[0]; n && isBlank(n); n = out[0]) out.shift();
  for (let n = out.at(-1); n && isBlank(n); n = out.at(-1)) out.pop();
  const first = out[0];
  if (first?.type === 'text') out[0] = { ...first, value: first.value.replace(/^\s+/, '') };
  const last = out.at(-1);
  if (last?.type === 'text') out[out.length - 1] = { ...last, value: last.value.replace(/\s+$/, '') };
  return out;
}
