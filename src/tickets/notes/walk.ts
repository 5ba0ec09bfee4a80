import type { Heading, List, ListItem, Paragraph, Root, RootContent, Table } from 'mdast';
import { plain } from '../adf.js';
import { quote, type NoteContext, type Place } from './context.js';
import { addDescription, addLine, paragraphLines, startLine, type SourceLine } from './description.js';
import { applyDirective, labelLine } from './directives.js';
import { halfKeyProblem, readLine, type LineRead } from './line.js';
import { groupLabel, isTicketSection, lineMention, type LineShape } from './mention.js';
import { readTable } from './tables.js';
import { SectionKind, type Mention } from './types.js';
import { classifyHeading, sectionMeaning } from './vocabulary.js';

/**
 * The walk through a note's markdown tree (remark + GFM): headings open
 * sections, and the paragraphs, lists and tables under them are read line by
 * line for mentions. An item written on a paragraph line (or as a heading)
 * takes the bullets, code and quotes after it as its description; an item
 * written as a list item takes its nested content.
 */

interface OpenHeading {
  depth: number;
  kind: SectionKind | undefined;
  title: string;
}

export class NoteWalker {
  private readonly ctx: NoteContext;
  private readonly stack: OpenHeading[] = [];
  private place: Place = { kind: undefined, title: '' };
  private current: Mention | undefined;
  /** The current item was a paragraph line or a heading: what follows it is its description. */
  private fromParagraph = false;

  constructor(ctx: NoteContext) {
    this.ctx = ctx;
  }

  walk(tree: Root): void {
    for (const node of tree.children) this.node(node);
  }

  private node(n: RootContent): void {
    if (n.type === 'heading') this.heading(n);
    else if (n.type === 'thematicBreak') this.current = undefined;
    else if (this.place.kind === SectionKind.Comments && (n.type === 'paragraph' || n.type === 'list')) this.commentBlock(n);
    else if (n.type === 'paragraph') this.paragraph(n);
    else if (n.type === 'list') this.list(n);
    else if (n.type === 'table') this.table(n);
    else this.other(n);
  }

  /** A table with keys is a ticket table; one without, right under a paragraph item, is part of its description. */
  private table(t: Table): void {
    const cells = plain(t.children.flatMap((r) => r.children.flatMap((c) => c.children)));
    if (this.current && this.fromParagraph && !new RegExp(`${this.ctx.project}-\\d`).test(cells)) addDescription(this.ctx, this.current, [t]);
    else readTable(this.ctx, t, this.place);
  }

  private heading(n: Heading): void {
    const line = startLine(n);
    const text = this.ctx.raw(line).replace(/^\s{0,3}#+\s*/, '').replace(/\s+#+\s*$/, '').trim() || plain(n.children);
    const r = readLine(text, this.ctx.project);
    // `### CHRONOS-216: Phase 2 (3 points)`: an item written as a heading; the section goes on.
    if (r.key || r.halfKey || this.headingItem(n, r, text)) {
      this.current = lineMention(this.ctx, r, line, this.place, { from: 'heading', checked: null, paragraph: false });
      if (this.current) this.ctx.mentions.push(this.current);
      this.fromParagraph = true;
      return;
    }
    for (let top = this.stack.at(-1); top && top.depth >= n.depth; top = this.stack.at(-1)) this.stack.pop();
    const kind = classifyHeading(text);
    this.stack.push({ depth: n.depth, kind, title: text });
    this.place = placeOf(this.stack);
    this.current = undefined;
    if (kind || !this.place.kind) this.ctx.read(line, 'section', `${quote(text)}: ${sectionMeaning(kind)}`);
    else this.ctx.read(line, 'section', `${quote(text)}: a group in ${quote(this.place.title)}`);
  }

  /** `### Vault restore drill (2 points)` under a tickets heading: a new item written as a deeper heading. */
  private headingItem(n: Heading, r: LineRead, text: string): boolean {
    const top = this.stack[this.stack.length - 1];
    if (!isTicketSection(this.place.kind) || !top || n.depth <= top.depth || classifyHeading(text)) return false;
    return r.points !== undefined || r.badPoints !== undefined;
  }

  private paragraph(p: Paragraph): void {
    const lines = paragraphLines(p);
    // A paragraph of `**Label:** value` lines alone holds fields of the note, not a description.
    const fieldsOnly = lines.every((sl) => labelLine(this.ctx, sl.line));
    lines.forEach((sl, i) => this.paragraphLine(sl, fieldsOnly, i > 0));
  }

  private paragraphLine(sl: SourceLine, fieldsOnly: boolean, wrapped: boolean): void {
    const line = sl.line;
    if (applyDirective(this.ctx, line, this.current)) return;
    const r = this.ctx.line(line);
    // A wrapped line of prose may start with a key ("…tracked in\nCHRONOS-226 and …"): only a key written as one is a ticket line there.
    if (wrapped && r.key && !r.keyMarked && !r.mark) {
      if (this.current && this.fromParagraph) addLine(this.current, sl);
      else this.ctx.read(line, 'mention', `${r.key} named in the text, no change`);
      return;
    }
    if (this.label(r, line)) {
      if (this.current && this.fromParagraph && !fieldsOnly && !r.label?.value.startsWith('**')) addLine(this.current, sl);
      return;
    }
    if (r.key || r.halfKey || r.otherKey || r.boldStart) {
      const m = lineMention(this.ctx, r, line, this.place, { from: 'line', checked: null, paragraph: true });
      if (m) {
        this.begin(m, true);
        return;
      }
      if (r.key || r.halfKey || r.otherKey) return;
    }
    if (this.current && this.fromParagraph) addLine(this.current, sl);
    else this.ignored(r, line);
  }

  /** A `**Label:** value` line: a group label in a tickets section, else a field of the note. */
  private label(r: LineRead, line: number): boolean {
    const l = labelLine(this.ctx, line);
    const group = groupLabel(r);
    if (group && isTicketSection(this.place.kind)) {
      this.place = { ...this.place, group };
      this.current = undefined;
      this.ctx.read(line, 'section', `${quote(group)}: a group in ${quote(this.place.title)}`);
      return true;
    }
    if (!l) return false;
    if (!(this.current && this.fromParagraph)) this.ctx.read(line, 'ignored', `${quote(this.ctx.raw(line).replace(/^\s*([-*+]|\d+[.)])\s+/, ''))}: a field of the note, not an item`);
    return true;
  }

  private begin(m: Mention, fromParagraph: boolean): void {
    this.ctx.mentions.push(m);
    this.current = m;
    this.fromParagraph = fromParagraph;
  }

  private list(l: List): void {
    let buffer: ListItem[] = [];
    const flush = (): void => {
      if (buffer.length && this.current && this.fromParagraph) addDescription(this.ctx, this.current, [{ ...l, children: buffer }]);
      buffer = [];
    };
    for (const li of l.children) {
      if (this.current && this.fromParagraph && !this.startsItem(li)) {
        buffer.push(li);
        continue;
      }
      flush();
      this.listItem(li, false);
    }
    flush();
  }

  /** Whether a list item under a paragraph item starts an item of its own rather than continuing the description. */
  private startsItem(li: ListItem): boolean {
    if (li.checked === true || li.checked === false) return true;
    const first = li.children[0];
    if (first?.type !== 'paragraph') return false;
    const r = this.ctx.line(startLine(first));
    if (r.label) return false;
    return Boolean(r.key || r.halfKey) || (r.boldStart && r.points !== undefined);
  }

  private listItem(li: ListItem, nested: boolean): void {
    const first = li.children[0];
    if (first?.type !== 'paragraph') {
      this.nestedLists(li, nested);
      return;
    }
    const lines = paragraphLines(first);
    const [{ line }] = lines;
    if (applyDirective(this.ctx, line, this.current)) return;
    const r = this.ctx.line(line);
    if (!r.key && this.label(r, line)) {
      this.nestedLists(li, nested);
      return;
    }
    const shape: LineShape = { from: 'line', checked: li.checked ?? null, paragraph: false, nested };
    const m = lineMention(this.ctx, r, line, this.place, shape);
    if (!m) {
      if (!(r.key || r.halfKey || r.otherKey)) this.ignored(r, line);
      this.nestedLists(li, nested);
      return;
    }
    this.begin(m, false);
    for (const sl of lines.slice(1)) if (!applyDirective(this.ctx, sl.line, m)) addLine(m, sl);
    addDescription(this.ctx, m, li.children.slice(1));
    // A key with a mark nested under this item still moves its ticket, wherever it stands.
    for (const c of li.children.slice(1)) if (c.type === 'list') this.nestedMarks(c);
  }

  /** The lists inside a list item that is no item: read like the list around them. */
  private nestedLists(li: ListItem, nested: boolean): void {
    for (const c of li.children) if (c.type === 'list') for (const x of c.children) this.listItem(x, nested);
  }

  private nestedMarks(l: List): void {
    const keep = { current: this.current, fromParagraph: this.fromParagraph };
    for (const li of l.children) this.listItem(li, true);
    this.current = keep.current;
    this.fromParagraph = keep.fromParagraph;
  }

  private commentBlock(n: Paragraph | List): void {
    const lines = n.type === 'paragraph' ? paragraphLines(n).map((sl) => sl.line) : n.children.map(startLine);
    for (const line of lines) {
      const r = this.ctx.line(line);
      const text = r.key ? commentText(r.rest, r.key) : undefined;
      if (r.key && text) {
        this.ctx.comments.push({ key: r.key, text, line });
        this.ctx.read(line, 'item', `${r.key}: a comment`);
      } else if (r.halfKey) this.ctx.problem(line, `half-typed line: ${halfKeyProblem(r.halfKey)}`);
      else if (r.rest.trim()) this.ctx.read(line, 'ignored', `${quote(r.rest)}: a line in a comments section that starts with no key`);
    }
  }

  private other(n: RootContent): void {
    if (this.current && this.fromParagraph && (n.type === 'code' || n.type === 'blockquote' || n.type === 'html')) addDescription(this.ctx, this.current, [n]);
    else if (n.type === 'code' && new RegExp(`${this.ctx.project}-\\d`).test(n.value)) this.ctx.read(startLine(n), 'ignored', 'a code block: keys in it are not read');
  }

  /** A line that looks a little like a ticket line but is none: worth a line in the dry run. */
  private ignored(r: LineRead, line: number): void {
    if (r.mentions.length) {
      this.ctx.read(line, 'mention', `${r.mentions.join(', ')} named in the text (not at the start of the line), no change`);
      return;
    }
    if (r.checked === null && !r.boldStart && r.points === undefined && !r.mark) return;
    const why = isTicketSection(this.place.kind) ? 'not an item (an item has a key, points, a checkbox or a bold title alone)' : 'not under a tickets heading';
    this.ctx.read(line, 'ignored', `${quote(this.ctx.raw(line))}: ${why}`);
  }
}

/** The section a stack of open headings puts a line in: the deepest one that names a kind, with the headings under it as its group. */
function placeOf(stack: readonly OpenHeading[]): Place {
  const last = stack.at(-1);
  const idx = stack.findLastIndex((h) => h.kind !== undefined);
  const named = stack[idx];
  if (!last || !named) return { kind: undefined, title: last?.title ?? '' };
  // The run of headings of that kind above it: the first of them titles the section.
  let top = idx;
  let first = named;
  for (let above = stack[top - 1]; above && above.kind === named.kind; above = stack[top - 1]) {
    first = above;
    top--;
  }
  return { kind: named.kind, title: first.title, ...(stack.length - 1 > top ? { group: last.title } : {}) };
}

function commentText(rest: string, key: string): string | undefined {
  const m =
    new RegExp(String.raw`^\*\*\s*${key}\s*:?\s*\*\*\s*:?\s*(.*)$`).exec(rest) ?? new RegExp(String.raw`^${key}\s*(?::|-|–|—)\s*(.*)$`).exec(rest);
  const text = m?.[1]?.replace(/\*\*/g, '').trim();
  return text || undefined;
}
