import type {
  Blockquote,
  Code,
  Definition,
  FootnoteDefinition,
  Heading,
  Html,
  List,
  ListItem,
  Nodes,
  Paragraph,
  PhrasingContent,
  Root,
  RootContent,
  Table,
} from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { replaceEmoji } from './emoji.js';
import { KEPT_INLINE, tokenizeHtml, type HtmlToken } from './html.js';
import { Slugger } from './slug.js';
import { anchor, attrs, cdata, escapeText, macro } from './xml.js';

/**
 * Markdown (CommonMark + GFM) to Confluence storage XHTML. The output is built
 * from escaped pieces only (xml.ts), so it is well-formed whatever the input;
 * what a link or an image points at is decided by the caller (render.ts),
 * which knows the mapping and the files on disk.
 */

/** What a link resolves to. */
export type LinkTarget =
  | { kind: 'url'; href: string }
  | { kind: 'anchor'; anchor: string }
  | { kind: 'page'; title: string; anchor?: string }
  | { kind: 'attachment'; filename: string }
  /** Not linkable (e.g. an unmapped doc): the text is kept, the link dropped. */
  | { kind: 'none' };

export type ImageTarget = { kind: 'url'; url: string } | { kind: 'attachment'; filename: string } | { kind: 'none' };

export interface Problem {
  line?: number;
  column?: number;
  message: string;
  /** A warning does not stop publishing. */
  warning?: boolean;
}

export interface ConvertOptions {
  /** Resolve a link's URL; report problems through `problem`. */
  resolveLink?: (url: string, line: number | undefined) => LinkTarget;
  resolveImage?: (src: string, line: number | undefined) => ImageTarget;
  /** Leave the first level-1 heading out of the body and return its text. */
  titleFromH1?: boolean;
  mermaid?: 'code' | 'macro';
  mermaidMacro?: string;
  /** Space key written on page links (omitted when undefined: same space). */
  spaceKey?: string;
}

export interface ConvertResult {
  xhtml: string;
  /** Text of the first level-1 heading, when `titleFromH1` took it. */
  h1Title?: string;
  problems: Problem[];
}

/** GitHub alert kind to macro: the mapping written down in docs/confluence-mapping.md. */
export const ALERT_MACROS = { NOTE: 'info', TIP: 'tip', IMPORTANT: 'note', WARNING: 'note', CAUTION: 'warning' } as const;
type AlertKind = keyof typeof ALERT_MACROS;

/** Fence names to Confluence code macro language ids; others pass through (md2conf #226). */
const LANGUAGES: Readonly<Record<string, string>> = {
  sh: 'bash', shell: 'bash', zsh: 'bash', console: 'bash', shellsession: 'bash', bash: 'bash',
  js: 'js', javascript: 'js', jsx: 'js', mjs: 'js', cjs: 'js', node: 'js',
  ts: 'typescript', tsx: 'typescript', typescript: 'typescript',
  py: 'py', python: 'py', python3: 'py', rb: 'ruby', ruby: 'ruby',
  yml: 'yml', yaml: 'yml', cs: 'c#', csharp: 'c#', 'c#': 'c#', 'c++': 'cpp', cpp: 'cpp', cc: 'cpp', c: 'cpp',
  ps: 'powershell', ps1: 'powershell', powershell: 'powershell', pwsh: 'powershell',
  html: 'xml', xml: 'xml', xhtml: 'xml', svg: 'xml', txt: 'text', text: 'text', plaintext: 'text', plain: 'text',
  diff: 'diff', patch: 'diff', sql: 'sql', java: 'java', kotlin: 'kotlin', kt: 'kotlin', go: 'go', golang: 'go',
  rust: 'rust', rs: 'rust', php: 'php', perl: 'perl', pl: 'perl', scala: 'scala', groovy: 'groovy',
  css: 'css', scss: 'sass', sass: 'sass', json: 'json', jsonc: 'json', vb: 'vb', erlang: 'erl', erl: 'erl',
  swift: 'swift', r: 'r', lua: 'lua', dockerfile: 'dockerfile', docker: 'dockerfile', hcl: 'hcl', terraform: 'hcl', tf: 'hcl',
  ini: 'ini', toml: 'ini', makefile: 'makefile', make: 'makefile', graphql: 'graphql', gql: 'graphql', mermaid: 'mermaid',
};

export function codeLanguage(lang: string | null | undefined): string | undefined {
  if (!lang) return undefined;
  const l = lang.toLowerCase();
  return LANGUAGES[l] ?? l;
}

export function parseMarkdown(text: string): Root {
  return unified().use(remarkParse).use(remarkGfm).parse(text);
}

export function convertMarkdown(text: string, opts: ConvertOptions = {}): ConvertResult {
  return convertTree(parseMarkdown(text), opts);
}

export function convertTree(tree: Root, opts: ConvertOptions = {}): ConvertResult {
  return new Converter(opts).run(tree);
}

/** Plain text of a node (headings for titles and slugs, link texts). */
export function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.type === 'text' ? replaceEmoji(node.value) : node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  if (node.type === 'image' || node.type === 'imageReference') return node.alt ?? '';
  return '';
}

interface Frame {
  out: string[];
  title?: string;
  /** Collecting <summary> text. */
  inSummary?: boolean;
}

class Converter {
  private readonly problems: Problem[] = [];
  private readonly slugger = new Slugger();
  private readonly definitions = new Map<string, Definition>();
  private readonly footnotes = new Map<string, FootnoteDefinition>();
  /** Footnote ids in order of first reference; the number shown is the index + 1. */
  private readonly footnoteOrder: string[] = [];
  private taskId = 0;
  /** Same-page anchors linked to, checked against the headings at the end. */
  private readonly anchorsUsed: { anchor: string; node: Nodes }[] = [];
  private h1Title: string | undefined;

  private readonly opts: ConvertOptions;

  constructor(opts: ConvertOptions) {
    this.opts = opts;
  }

  run(root: Root): ConvertResult {
    this.collect(root);
    let children = root.children;
    if (this.opts.titleFromH1) {
      // The first top-level h1 is the page title: out of the body, its slug still reserved.
      const i = children.findIndex((n) => n.type === 'heading' && n.depth === 1);
      if (i >= 0) {
        this.h1Title = plainText(children[i]!).trim();
        this.slugger.slug(this.h1Title);
        children = [...children.slice(0, i), ...children.slice(i + 1)];
      }
    }
    let body = this.blocks(children);
    if (this.footnoteOrder.length > 0) body += this.footnoteSection();
    for (const a of this.anchorsUsed) {
      if (!this.slugger.has(a.anchor)) this.problem(a.node, `link to #${a.anchor}: no heading with that anchor in this doc`, true);
    }
    return { xhtml: body, ...(this.h1Title !== undefined ? { h1Title: this.h1Title } : {}), problems: this.problems };
  }

  private collect(node: Nodes): void {
    if (node.type === 'definition') {
      if (!this.definitions.has(node.identifier)) this.definitions.set(node.identifier, node);
    } else if (node.type === 'footnoteDefinition') {
      if (!this.footnotes.has(node.identifier)) this.footnotes.set(node.identifier, node);
    }
    if ('children' in node) for (const c of node.children as Nodes[]) this.collect(c);
  }

  private problem(node: Nodes | undefined, message: string, warning = false): void {
    const p = node?.position?.start;
    this.problems.push({ ...(p ? { line: p.line, column: p.column } : {}), message, ...(warning ? { warning } : {}) });
  }

  // ---- blocks -------------------------------------------------------------

  private blocks(children: readonly RootContent[]): string {
    // Raw <details> blocks open and close around sibling markdown blocks.
    const frames: Frame[] = [{ out: [] }];
    const top = (): Frame => frames[frames.length - 1]!;
    for (const node of children) {
      if (node.type === 'html') {
        this.htmlBlock(node, frames);
        continue;
      }
      if (top().inSummary) top().inSummary = false;
      top().out.push(this.block(node));
    }
    while (frames.length > 1) this.closeDetails(frames);
    return frames[0]!.out.join('');
  }

  private block(node: RootContent): string {
    switch (node.type) {
      case 'paragraph':
        return this.paragraph(node);
      case 'heading':
        return this.heading(node);
      case 'thematicBreak':
        return '<hr/>';
      case 'blockquote':
        return this.blockquote(node);
      case 'list':
        return this.list(node);
      case 'code':
        return this.code(node);
      case 'table':
        return this.table(node);
      case 'definition':
      case 'footnoteDefinition':
        return '';
      case 'html':
        return this.blocks([node]);
      default: {
        // Anything else GFM may produce in a block position is phrasing content.
        return `<p>${this.inline([node as PhrasingContent])}</p>`;
      }
    }
  }

  private paragraph(node: Paragraph): string {
    const inner = this.inline(node.children);
    return inner.trim() === '' ? '' : `<p>${inner}</p>`;
  }

  private heading(node: Heading): string {
    const text = plainText(node).trim();
    const slug = this.slugger.slug(text);
    return `<h${node.depth}>${slug ? anchor(slug) : ''}${this.inline(node.children)}</h${node.depth}>`;
  }

  private blockquote(node: Blockquote): string {
    const alert = detectAlert(node);
    if (alert) {
      const body = this.blocks(alert.children);
      return macro(ALERT_MACROS[alert.kind], {}, `<ac:rich-text-body>${body}</ac:rich-text-body>`);
    }
    return `<blockquote>${this.blocks(node.children)}</blockquote>`;
  }

  private list(node: List): string {
    const isTask = (i: ListItem): boolean => i.checked === true || i.checked === false;
    if (node.children.length > 0 && node.children.every(isTask)) return this.taskList(node);
    const tag = node.ordered ? 'ol' : 'ul';
    const start = node.ordered && node.start !== null && node.start !== undefined && node.start !== 1 ? String(node.start) : undefined;
    const items = node.children.map((item) => {
      // A list mixing tasks and plain items stays a list (mark does the same); the box is kept as text.
      const box = item.checked === true ? '☑ ' : item.checked === false ? '☐ ' : '';
      return `<li>${this.itemBody(item, node.spread === true || item.spread === true, box)}</li>`;
    });
    return `<${tag}${attrs({ start })}>${items.join('')}</${tag}>`;
  }

  /** A list item's content: tight items unwrap their paragraphs. */
  private itemBody(item: ListItem, loose: boolean, prefix = ''): string {
    const parts: string[] = [];
    let first = true;
    let prevInline = false;
    for (const child of item.children) {
      if (child.type === 'paragraph') {
        const inner = (first ? escapeText(prefix) : '') + this.inline(child.children);
        if (loose) parts.push(`<p>${inner}</p>`);
        else {
          // Two paragraphs in a tight item: keep them on two lines.
          if (prevInline) parts.push('<br/>');
          parts.push(inner);
          prevInline = true;
        }
      } else {
        if (first && prefix) parts.push(escapeText(prefix));
        parts.push(this.blocks([child]));
        prevInline = false;
      }
      first = false;
    }
    if (first && prefix) parts.push(escapeText(prefix));
    return parts.join('');
  }

  private taskList(node: List): string {
    const tasks = node.children.map((item) => {
      const id = ++this.taskId;
      const status = item.checked ? 'complete' : 'incomplete';
      return `<ac:task><ac:task-id>${id}</ac:task-id><ac:task-status>${status}</ac:task-status><ac:task-body>${this.itemBody(item, false)}</ac:task-body></ac:task>`;
    });
    return `<ac:task-list>${tasks.join('')}</ac:task-list>`;
  }

  private code(node: Code): string {
    const lang = node.lang?.toLowerCase();
    if (lang === 'mermaid' && this.opts.mermaid === 'macro') {
      return macro(this.opts.mermaidMacro ?? 'mermaid-cloud', {}, `<ac:plain-text-body>${cdata(node.value)}</ac:plain-text-body>`);
    }
    const title = /(?:^|\s)title=(?:"([^"]*)"|(\S+))/.exec(node.meta ?? '');
    return macro(
      'code',
      { language: codeLanguage(lang), title: title ? (title[1] ?? title[2]) : undefined, linenumbers: /(?:^|\s)linenums\b/.test(node.meta ?? '') ? 'true' : undefined },
      `<ac:plain-text-body>${cdata(node.value)}</ac:plain-text-body>`,
    );
  }

  private table(node: Table): string {
    const align = node.align ?? [];
    const rows = node.children.map((row, r) => {
      const tag = r === 0 ? 'th' : 'td';
      const cells = row.children.map((cell, c) => {
        const a = align[c];
        const style = a ? `text-align: ${a};` : undefined;
        return `<${tag}${attrs({ style })}>${this.inline(cell.children)}</${tag}>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    });
    return `<table><tbody>${rows.join('')}</tbody></table>`;
  }

  // ---- raw HTML in block position -----------------------------------------

  private htmlBlock(node: Html, frames: Frame[]): void {
    const top = (): Frame => frames[frames.length - 1]!;
    let pending: HtmlToken[] = [];
    const flush = (): void => {
      if (pending.length === 0) return;
      const inner = this.htmlInline(pending, node);
      pending = [];
      if (inner.trim() !== '') top().out.push(`<p>${inner}</p>`);
    };
    for (const t of tokenizeHtml(node.value)) {
      const f = top();
      if (f.inSummary) {
        if (t.type === 'close' && t.name === 'summary') f.inSummary = false;
        else if (t.type === 'text') f.title = (f.title ?? '') + t.value;
        continue;
      }
      if (t.type === 'open' && t.name === 'details') {
        flush();
        frames.push({ out: [] });
      } else if (t.type === 'open' && t.name === 'summary' && frames.length > 1 && top().out.length === 0) {
        flush();
        top().inSummary = true;
      } else if (t.type === 'close' && t.name === 'details' && frames.length > 1) {
        flush();
        this.closeDetails(frames);
      } else if (t.type === 'open' && t.name === 'hr') {
        flush();
        top().out.push('<hr/>');
      } else if (t.type === 'text' && t.value.trim() === '' && pending.length === 0) {
        // whitespace between block tags
      } else {
        pending.push(t);
      }
    }
    flush();
  }

  private closeDetails(frames: Frame[]): void {
    const f = frames.pop()!;
    const title = f.title?.replace(/\s+/g, ' ').trim();
    frames[frames.length - 1]!.out.push(macro('expand', { title: title ? decodeText(title) : undefined }, `<ac:rich-text-body>${f.out.join('')}</ac:rich-text-body>`));
  }

  /** Raw HTML tokens in a run of inline content: kept inline tags, images, breaks; the rest as text. */
  private htmlInline(tokens: readonly HtmlToken[], at: Nodes): string {
    const st = new InlineTags();
    let s = '';
    for (const t of tokens) s += this.htmlToken(t, st, at);
    return s + st.closeAll();
  }

  private htmlToken(t: HtmlToken, st: InlineTags, at: Nodes): string {
    switch (t.type) {
      case 'comment':
        return ''; // invisible on GitHub, so invisible here
      case 'text':
        return escapeText(decodeText(t.value));
      case 'open':
        if (KEPT_INLINE.has(t.name) && !t.selfClosing) return st.open(t.name);
        if (t.name === 'br') return '<br/>';
        if (t.name === 'wbr') return ''; // a line-break hint only
        if (t.name === 'img') return this.imageFromHtml(t.attrs, at);
        return escapeText(t.raw);
      case 'close':
        if (KEPT_INLINE.has(t.name) && st.has(t.name)) return st.close(t.name);
        return escapeText(t.raw);
    }
  }

  private imageFromHtml(a: Record<string, string>, at: Nodes): string {
    const src = a['src'];
    if (!src) {
      this.problem(at, '<img> without src', true);
      return '';
    }
    return this.imageXml(src, a['alt'] ?? '', a['title'], at, { width: a['width'], height: a['height'] });
  }

  // ---- inline -------------------------------------------------------------

  private inline(children: readonly PhrasingContent[]): string {
    const st = new InlineTags();
    let s = '';
    for (const node of children) {
      if (node.type === 'html') {
        for (const t of tokenizeHtml(node.value)) s += this.htmlToken(t, st, node);
      } else s += this.phrasing(node);
    }
    return s + st.closeAll();
  }

  private phrasing(node: PhrasingContent): string {
    switch (node.type) {
      case 'text':
        return escapeText(replaceEmoji(node.value));
      case 'emphasis':
        return `<em>${this.inline(node.children)}</em>`;
      case 'strong':
        return `<strong>${this.inline(node.children)}</strong>`;
      case 'delete':
        return `<s>${this.inline(node.children)}</s>`;
      case 'inlineCode':
        return `<code>${escapeText(node.value)}</code>`;
      case 'break':
        return '<br/>';
      case 'link':
        return this.link(node.url, node.children, node, node.title ?? undefined);
      case 'linkReference': {
        const def = this.definitions.get(node.identifier);
        if (!def) return escapeText(`[${plainText(node)}]`);
        return this.link(def.url, node.children, node, def.title ?? undefined);
      }
      case 'image':
        return this.imageXml(node.url, node.alt ?? '', node.title ?? undefined, node);
      case 'imageReference': {
        const def = this.definitions.get(node.identifier);
        if (!def) return escapeText(`![${node.alt ?? ''}]`);
        return this.imageXml(def.url, node.alt ?? '', def.title ?? undefined, node);
      }
      case 'footnoteReference':
        return this.footnoteRef(node.identifier);
      case 'html':
        return this.htmlInline(tokenizeHtml(node.value), node);
      default:
        return '';
    }
  }

  private link(url: string, children: readonly PhrasingContent[], node: Nodes, title?: string): string {
    const target = this.opts.resolveLink ? this.opts.resolveLink(url, node.position?.start.line) : defaultLink(url);
    const inner = this.inline(children);
    switch (target.kind) {
      case 'url':
        return `<a${attrs({ href: target.href, title: title || undefined })}>${inner}</a>`;
      case 'none':
        return inner;
      case 'anchor':
        this.anchorsUsed.push({ anchor: target.anchor, node });
        return `<ac:link${attrs({ 'ac:anchor': target.anchor })}>${this.linkBody(children, inner)}</ac:link>`;
      case 'page':
        return `<ac:link${attrs({ 'ac:anchor': target.anchor })}><ri:page${attrs({ 'ri:space-key': this.opts.spaceKey, 'ri:content-title': target.title })}/>${this.linkBody(children, inner)}</ac:link>`;
      case 'attachment':
        return `<ac:link><ri:attachment${attrs({ 'ri:filename': target.filename })}/>${this.linkBody(children, inner)}</ac:link>`;
    }
  }

  /** Plain text goes in a CDATA link body; formatted text in a rich one. */
  private linkBody(children: readonly PhrasingContent[], inner: string): string {
    if (children.every((c) => c.type === 'text')) {
      const text = children.map((c) => replaceEmoji((c as { value: string }).value)).join('');
      return `<ac:plain-text-link-body>${cdata(text)}</ac:plain-text-link-body>`;
    }
    return `<ac:link-body>${inner}</ac:link-body>`;
  }

  private imageXml(src: string, alt: string, title: string | undefined, node: Nodes, size: { width?: string | undefined; height?: string | undefined } = {}): string {
    const target = this.opts.resolveImage ? this.opts.resolveImage(src, node.position?.start.line) : defaultImage(src);
    const a = attrs({
      'ac:alt': alt || undefined,
      'ac:title': title || undefined,
      'ac:width': size.width && /^\d+$/.test(size.width) ? size.width : undefined,
      'ac:height': size.height && /^\d+$/.test(size.height) ? size.height : undefined,
    });
    switch (target.kind) {
      case 'url':
        return `<ac:image${a}><ri:url${attrs({ 'ri:value': target.url })}/></ac:image>`;
      case 'attachment':
        return `<ac:image${a}><ri:attachment${attrs({ 'ri:filename': target.filename })}/></ac:image>`;
      case 'none':
        return escapeText(alt);
    }
  }

  // ---- footnotes ----------------------------------------------------------

  private footnoteRef(id: string): string {
    if (!this.footnotes.has(id)) return escapeText(`[^${id}]`);
    let n = this.footnoteOrder.indexOf(id);
    if (n < 0) n = this.footnoteOrder.push(id) - 1;
    const label = String(n + 1);
    return `<sup>${anchor(`fnref-${label}`)}<ac:link${attrs({ 'ac:anchor': `fn-${label}` })}><ac:plain-text-link-body>${cdata(label)}</ac:plain-text-link-body></ac:link></sup>`;
  }

  private footnoteSection(): string {
    const items: string[] = [];
    // Definitions may reference further footnotes: the list grows while it is rendered.
    for (let i = 0; i < this.footnoteOrder.length; i++) {
      const def = this.footnotes.get(this.footnoteOrder[i]!)!;
      const label = String(i + 1);
      const back = `<ac:link${attrs({ 'ac:anchor': `fnref-${label}` })}><ac:plain-text-link-body>${cdata('↩')}</ac:plain-text-link-body></ac:link>`;
      const paras = def.children.map((c, j) => {
        if (c.type === 'paragraph') return `<p>${j === 0 ? anchor(`fn-${label}`) : ''}${this.inline(c.children)}${j === def.children.length - 1 ? ' ' + back : ''}</p>`;
        return this.blocks([c]);
      });
      items.push(`<li>${paras.join('')}</li>`);
    }
    return `<hr/><ol>${items.join('')}</ol>`;
  }
}

/** Open kept inline tags, closed in order whatever the markdown did. */
class InlineTags {
  private readonly stack: string[] = [];
  has(name: string): boolean {
    return this.stack.includes(name);
  }
  open(name: string): string {
    this.stack.push(name);
    return `<${name}>`;
  }
  close(name: string): string {
    let s = '';
    while (this.stack.length > 0) {
      const t = this.stack.pop()!;
      s += `</${t}>`;
      if (t === name) break;
    }
    return s;
  }
  closeAll(): string {
    let s = '';
    while (this.stack.length > 0) s += `</${this.stack.pop()!}>`;
    return s;
  }
}

function decodeText(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|nbsp);/gi, (_w, r: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
    if (r[0] !== '#') return named[r.toLowerCase()]!;
    const code = r[1] === 'x' || r[1] === 'X' ? parseInt(r.slice(2), 16) : parseInt(r.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

function defaultLink(url: string): LinkTarget {
  if (url.startsWith('#')) return { kind: 'anchor', anchor: decodeURIComponentSafe(url.slice(1)) };
  return { kind: 'url', href: url };
}

function defaultImage(src: string): ImageTarget {
  return /^[a-z][a-z0-9+.-]*:/i.test(src) ? { kind: 'url', url: src } : { kind: 'attachment', filename: src.split('/').pop() ?? src };
}

export function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface Alert {
  kind: AlertKind;
  children: RootContent[];
}

/** `> [!NOTE]` as the first line of a block quote (GitHub's syntax; the marker alone on its line). */
function detectAlert(node: Blockquote): Alert | undefined {
  const first = node.children[0];
  if (first?.type !== 'paragraph') return undefined;
  const head = first.children[0];
  if (head?.type !== 'text') return undefined;
  const m = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\r?\n|$)/i.exec(head.value);
  if (!m) return undefined;
  const rest = head.value.slice(m[0].length);
  const restChildren: PhrasingContent[] = rest ? [{ ...head, value: rest }, ...first.children.slice(1)] : first.children.slice(1);
  // A hard break right after the marker would leave an empty first line.
  while (restChildren[0]?.type === 'break') restChildren.shift();
  const children: RootContent[] = restChildren.length > 0 ? [{ ...first, children: restChildren }, ...node.children.slice(1)] : node.children.slice(1);
  return { kind: m[1]!.toUpperCase() as AlertKind, children };
}

