import matter from 'gray-matter';
import type { List, ListItem, Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { blocks, inlines, list as adfList, plain, type AdfNode } from './adf.js';
import { itemId, normalizeTitle, sha256 } from './match.js';

/**
 * The session-notes grammar (docs/session-notes.md). A note is read section by
 * section; each ticket line becomes an item that states the wanted end state
 * of one issue. The parser is forgiving about spelling (bold or not, colon or
 * dash, emoji) and strict about anything it cannot read for sure: a half-typed
 * line, a key named twice, a ticket line in a section it does not know. Those
 * are problems with a file and a line, and a note with a problem is not synced.
 */

export const SectionKind = {
  Completed: 'completed',
  Created: 'created',
  Backlog: 'backlog',
  Comments: 'comments',
} as const;
export type SectionKind = (typeof SectionKind)[keyof typeof SectionKind];

export interface NoteComment {
  text: string;
  line: number;
}

export interface NoteItem {
  /** 1-based line of the item's head line in the file. */
  line: number;
  section: SectionKind;
  sectionTitle: string;
  /** A priority sub-heading the item sits under, if any. */
  group?: string;
  key?: string;
  title: string;
  points?: number;
  done: boolean;
  /** ISO date (YYYY-MM-DD) from `**Target:**`. */
  due?: string;
  labels: string[];
  comments: NoteComment[];
  /** The bullets under the item (and a target that is no date), as ADF blocks. */
  description: AdfNode[];
  /** The tie id: from a pending marker, else from the note path and title. */
  id: string;
  pending?: { id: string; at?: string };
}

export interface KeyComment extends NoteComment {
  key: string;
}

export const NoteStatus = { Ready: 'ready', Draft: 'draft', Off: 'off' } as const;
export type NoteStatus = (typeof NoteStatus)[keyof typeof NoteStatus];

export interface ParsedNote {
  file: string;
  /** Path relative to the config folder, with `/`: part of every tie id. */
  rel: string;
  text: string;
  hash: string;
  status: NoteStatus;
  /** `project:` in front matter overrides jira.project. */
  project?: string;
  projectLine?: number;
  items: NoteItem[];
  comments: KeyComment[];
}

export interface NoteProblem {
  file: string;
  line: number;
  message: string;
}

export interface ParseOptions {
  file: string;
  rel: string;
  /** jira.project: a bare `KEY title` (no bold, no colon) is a key only in this project. */
  project: string;
  /** The watcher's mode: a last line without a line end is still being typed. */
  strictEnd?: boolean;
}

const KEY = String.raw`[A-Z][A-Z0-9_]+-\d+`;
const PREFIX_RE = /^(\s*)(?:([-*+]|\d+[.)])\s+)?(?:\[([ xX])\]\s+)?/;
const MARKER_RE = /\s*<!--\s*ssot:pending\s+([0-9a-f]{6,16})(?:\s+(\S+))?\s*-->/;
const DIRECTIVE_RE = new RegExp(
  String.raw`^\s*(?:(?:[-*+]|\d+[.)])\s+)?(?:\*\*\s*(Target|Due|Comment|Labels?|Points)\s*:?\s*\*\*\s*:?|(Target|Due)\s*:)\s*(.*)$`,
  'i',
);
const POINTS_RE = /\(\s*(\d+(?:\.\d+)?)\s*(?:story\s*)?(?:points?|pts?|sp)\s*\)/i;
const DONE_RE = /✅|✔️?|☑️?|\*\*DONE\*\*|\bDONE\b/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `[text](url)` -> `text`. */
function unlink(s: string): string {
  return s.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
}

export function classifyHeading(text: string): SectionKind | undefined {
  const t = normalizeTitle(text);
  if (/\b(complet\w*|done|finished|closed|shipped|resolved)\b/.test(t)) return SectionKind.Completed;
  if (/\b(creat\w*|new tickets?|opened|filed)\b/.test(t)) return SectionKind.Created;
  if (/\b(backlog|priorit\w*|next|todo|to do|planned)\b/.test(t)) return SectionKind.Backlog;
  if (/\b(comments?|updates?|progress)\b/.test(t)) return SectionKind.Comments;
  return undefined;
}

export class NoteParseError extends Error {
  readonly problems: NoteProblem[];
  constructor(problems: NoteProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
    this.problems = problems;
  }
}

/** Parse one note; throws NoteParseError listing every problem found. */
export function parseNote(text: string, opts: ParseOptions): ParsedNote {
  const problems: NoteProblem[] = [];
  const problem = (line: number, message: string): void => {
    problems.push({ file: opts.file, line, message });
  };

  if (!/^---\r?\n/.test(text)) {
    throw new NoteParseError([
      {
        file: opts.file,
        line: 1,
        message: 'the note has no front matter; start it with "---", "tickets: ready" (or draft), "---"',
      },
    ]);
  }
  let fm: matter.GrayMatterFile<string>;
  try {
    // An empty options object keeps gray-matter from caching by content.
    fm = matter(text, {});
  } catch (e) {
    throw new NoteParseError([{ file: opts.file, line: 1, message: `the front matter is not valid YAML: ${(e as Error).message.split('\n')[0]}` }]);
  }
  const fmLines = text.slice(0, text.length - fm.content.length).split('\n').length - 1;
  const data = (fm.data ?? {}) as Record<string, unknown>;
  const fmLine = (key: string): number => {
    const i = text.split('\n').findIndex((l, idx) => idx < fmLines && l.startsWith(`${key}:`));
    return i < 0 ? 1 : i + 1;
  };

  let status: NoteStatus = NoteStatus.Draft;
  const t = data['tickets'];
  if (t === 'ready' || t === true) status = NoteStatus.Ready;
  else if (t === 'off' || t === false || t === 'ignore') status = NoteStatus.Off;
  else if (t === undefined || t === 'draft') status = NoteStatus.Draft;
  else problem(fmLine('tickets'), `front matter "tickets: ${String(t)}" is not one of ready, draft, off`);

  let project = opts.project;
  let projectLine: number | undefined;
  if (data['project'] !== undefined) {
    if (typeof data['project'] !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(data['project'])) {
      problem(fmLine('project'), 'front matter "project" must be a Jira project key such as CHRONOS');
    } else {
      project = data['project'];
      projectLine = fmLine('project');
    }
  }

  const lines = text.split('\n');
  const raw = (line: number): string => (lines[line - 1] ?? '').replace(/\r$/, '');
  const tree = unified().use(remarkParse).use(remarkGfm).parse(fm.content) as Root;
  const fileLine = (l: number): number => l + fmLines;

  const items: NoteItem[] = [];
  const comments: KeyComment[] = [];
  let section: { kind: SectionKind | undefined; depth: number; title: string } = { kind: undefined, depth: 0, title: '' };
  let group: string | undefined;
  let current: NoteItem | undefined;
  let currentFromParagraph = false;

  const lastLine = lines.length;
  const endsOpen = !text.endsWith('\n');

  const headOf = (line: number, opts2: { listHead: boolean; checked: boolean | null; text?: string }): NoteItem | undefined => {
    const r = opts2.text ?? raw(line);
    if (opts.strictEnd && endsOpen && line === lastLine) {
      problem(line, 'the last line has no line end yet (still being typed?); finish it or add a newline');
      return undefined;
    }
    const prefix = PREFIX_RE.exec(r)!;
    let rest = r.slice(prefix[0].length);
    const checked = opts2.checked ?? (prefix[3] === undefined ? null : prefix[3] !== ' ');
    let pending: NoteItem['pending'];
    const mm = MARKER_RE.exec(rest);
    if (mm) {
      pending = { id: mm[1]!, ...(mm[2] ? { at: mm[2] } : {}) };
      rest = rest.replace(MARKER_RE, '');
    }
    // `[CHRONOS-222](https://…/browse/CHRONOS-222)`: the link text is what counts.
    rest = unlink(rest);
    if (/<!--/.test(rest) && !/-->/.test(rest)) {
      problem(line, 'an HTML comment is not closed ("<!--" without "-->")');
      return undefined;
    }
    if ((rest.match(/\*\*/g) ?? []).length % 2 === 1) {
      problem(line, `half-typed line: "**" is not closed in "${rest.trim()}"`);
      return undefined;
    }
    let key: string | undefined;
    let titlePart = rest;
    // `**KEY:** Title`, `**KEY**: Title`, `**KEY: Title**`, `KEY: Title`, `KEY - Title`, `KEY Title`.
    const lead = new RegExp(String.raw`^(\*\*)?\s*(${KEY})(?=[\s:*—–-]|$)(.*)$`).exec(rest);
    if (lead) {
      const after = lead[3]!;
      const marked = Boolean(lead[1]) || /^\s*(\*\*)?\s*:/.test(after) || /^\s+[-–—]\s/.test(after);
      if (marked || lead[2]!.startsWith(`${project}-`)) {
        key = lead[2]!;
        titlePart = after.replace(/^[\s:*—–-]+/, '');
        if (!titlePart.replace(/\*\*/g, '').trim()) {
          problem(line, `half-typed line: ${key} with no title ("${rest.trim()}")`);
          return undefined;
        }
      }
    }
    if (key && !key.startsWith(`${project}-`)) {
      problem(line, `${key} is not in project ${project} (set "project:" in the front matter for another project)`);
      return undefined;
    }
    const pm = POINTS_RE.exec(titlePart);
    const done = checked === true || DONE_RE.test(titlePart);
    let title = titlePart
      .replace(POINTS_RE, ' ')
      .replace(/\*\*DONE\*\*|\bDONE\b/g, ' ')
      .replace(/✅|✔️?|☑️?/g, ' ')
      .replace(/\*\*|~~|__/g, '')
      .replace(/\s+/g, ' ')
      .replace(/^[\s:—–-]+|[\s:—–-]+$/g, '')
      .trim();
    if (/\([^)]*$/.test(title)) {
      problem(line, `half-typed line: "(" is not closed in "${rest.trim()}"`);
      return undefined;
    }
    if (normalizeTitle(title).length < 2) {
      problem(line, key ? `${key} has no title after it` : 'a ticket line with no title');
      return undefined;
    }
    title = title.replace(/\s+/g, ' ');
    const kind = section.kind!;
    const keyless = !key;
    // A keyless line is an item only in a form that says so: bold, a checkbox or points.
    if (keyless && !opts2.listHead) return undefined;
    if (keyless && !/^\*\*/.test(rest.trim()) && checked === null && !pm) return undefined;
    return {
      line,
      section: kind,
      sectionTitle: section.title,
      ...(group ? { group } : {}),
      ...(key ? { key } : {}),
      title,
      ...(pm ? { points: Number(pm[1]) } : {}),
      done: done || (kind === SectionKind.Completed && !keyless) || (kind === SectionKind.Completed && checked !== false),
      labels: [],
      comments: [],
      description: [],
      id: pending?.id ?? itemId(opts.rel, title),
      ...(pending ? { pending } : {}),
    };
  };

  // A target that is no date goes at the end of the description, after the bullets.
  const targets = new Map<NoteItem, string>();
  const directive = (line: number, item: NoteItem | undefined): boolean => {
    const m = DIRECTIVE_RE.exec(raw(line));
    if (!m) return false;
    const name = (m[1] ?? m[2] ?? '').toLowerCase();
    const value = m[3]!.replace(/\*\*/g, '').trim();
    if (!item) {
      problem(line, `"${name}:" with no ticket line above it`);
      return true;
    }
    if (name === 'target' || name === 'due') {
      const d = DATE_RE.exec(value);
      if (d && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)) item.due = value;
      else if (value) targets.set(item, value);
      else problem(line, 'a target with no value');
    } else if (name === 'comment') {
      if (!value) problem(line, 'an empty comment');
      else item.comments.push({ text: value, line });
    } else if (name.startsWith('label')) {
      for (const l of value.split(/[,\s]+/).filter(Boolean)) {
        if (!/^[^\s]+$/.test(l)) problem(line, `label "${l}" has a space`);
        else item.labels.push(l);
      }
    } else if (name === 'points') {
      const n = Number(value.replace(/\s*(points?|pts?|sp)$/i, ''));
      if (!Number.isFinite(n) || value === '') problem(line, `points "${value}" is not a number`);
      else item.points = n;
    }
    return true;
  };

  const isGroupLabel = (line: number): string | undefined => {
    const r = raw(line).trim();
    const m = /^\*\*([^*]+)\*\*\s*:?$/.exec(r);
    if (!m) return undefined;
    const inner = m[1]!.trim();
    if (new RegExp(`^${KEY}`).test(inner) || POINTS_RE.test(inner)) return undefined;
    if (/:$/.test(inner) || /:$/.test(r) || /priority|^p[0-4]\b|sprint|later|soon/i.test(inner)) return inner.replace(/:$/, '');
    return undefined;
  };

  /** Ticket-looking lines outside the sections ssot reads are an error, not silence. */
  const looksLikeTicket = (line: number): boolean => {
    const rest = raw(line).replace(PREFIX_RE, '');
    return new RegExp(String.raw`^\*\*\s*${KEY}`).test(rest) || POINTS_RE.test(rest) || MARKER_RE.test(rest);
  };

  const commentLine = (line: number): void => {
    const rest = raw(line).replace(PREFIX_RE, '');
    const m =
      new RegExp(String.raw`^\*\*\s*(${KEY})\s*:?\s*\*\*\s*:?\s*(.*)$`).exec(rest) ?? new RegExp(String.raw`^(${KEY})\s*(?::|-|–|—)\s*(.*)$`).exec(rest);
    if (!m) {
      if (rest.trim()) problem(line, 'a line in a comments section must start with the issue key ("**CHRONOS-216:** text")');
      return;
    }
    const text2 = m[2]!.replace(/\*\*/g, '').trim();
    if (!text2) problem(line, `${m[1]} has an empty comment`);
    else if (!m[1]!.startsWith(`${project}-`)) problem(line, `${m[1]} is not in project ${project}`);
    else comments.push({ key: m[1]!, text: text2, line });
  };

  /** Visit every source line of a paragraph with the inline nodes on it. */
  const paragraphLines = (p: Paragraph): { line: number; nodes: PhrasingContent[] }[] => {
    const out: { line: number; nodes: PhrasingContent[] }[] = [];
    let line = fileLine(p.position!.start.line);
    let cur: PhrasingContent[] = [];
    for (const n of p.children) {
      if (n.type === 'text' && n.value.includes('\n')) {
        const parts = n.value.split('\n');
        parts.forEach((part, i) => {
          if (i > 0) {
            out.push({ line, nodes: cur });
            cur = [];
            line++;
          }
          if (part) cur.push({ type: 'text', value: part });
        });
      } else if (n.type === 'break') {
        out.push({ line, nodes: cur });
        cur = [];
        line++;
      } else cur.push(n);
    }
    out.push({ line, nodes: cur });
    return out;
  };

  /** Remove directive lines from a description list (they set fields), keep the rest. */
  const cleanList = (l: List, item: NoteItem): List => {
    const kept: ListItem[] = [];
    for (const li of l.children) {
      const children: RootContent[] = [];
      for (const c of li.children) {
        if (c.type === 'paragraph') {
          const keptLines = paragraphLines(c).filter((pl) => !directive(pl.line, item));
          if (!keptLines.length) continue;
          const nodes: PhrasingContent[] = [];
          keptLines.forEach((pl, i) => {
            if (i > 0) nodes.push({ type: 'text', value: '\n' });
            nodes.push(...pl.nodes);
          });
          children.push({ ...c, children: nodes });
        } else if (c.type === 'list') children.push(cleanList(c, item));
        else children.push(c);
      }
      if (children.length) kept.push({ ...li, children: children as ListItem['children'] });
    }
    return { ...l, children: kept };
  };

  const addDescription = (item: NoteItem, nodes: RootContent[]): void => {
    for (const n of nodes) {
      if (n.type === 'list') {
        const b = adfList(cleanList(n, item));
        if (b) item.description.push(b);
      } else if (n.type === 'paragraph') {
        for (const pl of paragraphLines(n)) {
          if (directive(pl.line, item)) continue;
          const content = inlines(pl.nodes);
          if (content.length) item.description.push({ type: 'paragraph', content });
        }
      } else item.description.push(...blocks([n]));
    }
  };

  const listItemIsItem = (li: ListItem): boolean => {
    if (li.checked === true || li.checked === false) return true;
    const first = li.children[0];
    if (!first?.position) return false;
    const rest = unlink(raw(fileLine(first.position.start.line)).replace(PREFIX_RE, ''));
    if (DIRECTIVE_RE.test(raw(fileLine(first.position.start.line)))) return false;
    return new RegExp(String.raw`^(\*\*\s*)?${KEY}`).test(rest) || (/^\*\*[^*]+\*\*/.test(rest) && POINTS_RE.test(rest));
  };

  for (const node of tree.children) {
    const nodeLine = node.position ? fileLine(node.position.start.line) : 1;
    if (node.type === 'heading') {
      // The source line, not the parsed text: markers, bold and emoji are read as on an item line.
      const text2 = raw(nodeLine).replace(/^\s{0,3}#+\s*/, '').replace(/\s+#+\s*$/, '').trim() || plain(node.children);
      const kind = classifyHeading(text2);
      current = undefined;
      // `### CHRONOS-216: Phase 2 (3 points)` under a ticket section: an item written as a heading.
      if (section.kind && section.kind !== SectionKind.Comments && node.depth > section.depth && (new RegExp(String.raw`^(\*\*)?\s*${KEY}`).test(text2) || POINTS_RE.test(text2))) {
        const item = headOf(nodeLine, { listHead: true, checked: null, text: text2 });
        if (item) {
          items.push(item);
          current = item;
          currentFromParagraph = true;
        }
        continue;
      }
      if (section.kind && node.depth > section.depth && (kind === undefined || kind === section.kind)) {
        group = text2;
        continue;
      }
      section = { kind, depth: node.depth, title: text2 };
      group = undefined;
      continue;
    }
    if (node.type === 'thematicBreak') {
      current = undefined;
      continue;
    }
    if (section.kind === undefined) {
      // Prose ssot does not read; a line that looks like a ticket is a mistake worth naming.
      const heads: number[] = [];
      if (node.type === 'paragraph') heads.push(...paragraphLines(node).map((p) => p.line));
      if (node.type === 'list') for (const li of node.children) if (li.position) heads.push(fileLine(li.position.start.line));
      for (const l of heads) {
        if (looksLikeTicket(l)) {
          const where = section.title ? `section "${section.title}"` : 'the text before any section heading';
          problem(l, `a ticket line in ${where}, which ssot does not read; put it under "Completed", "Tickets Created", "Backlog" or "Comments"`);
        }
      }
      continue;
    }
    if (section.kind === SectionKind.Comments) {
      if (node.type === 'paragraph') for (const pl of paragraphLines(node)) commentLine(pl.line);
      if (node.type === 'list') for (const li of node.children) if (li.position) commentLine(fileLine(li.position.start.line));
      continue;
    }
    if (node.type === 'paragraph') {
      for (const pl of paragraphLines(node)) {
        if (directive(pl.line, current)) continue;
        const g = isGroupLabel(pl.line);
        if (g) {
          group = g;
          current = undefined;
          continue;
        }
        const rest = unlink(raw(pl.line).replace(PREFIX_RE, ''));
        const isHead = /^\*\*/.test(rest) || new RegExp(`^${KEY}`).test(rest);
        if (isHead) {
          const item = headOf(pl.line, { listHead: true, checked: null });
          if (item) {
            items.push(item);
            current = item;
            currentFromParagraph = true;
            continue;
          }
        }
        if (current && currentFromParagraph) {
          const content = inlines(pl.nodes);
          if (content.length) current.description.push({ type: 'paragraph', content });
        }
      }
      continue;
    }
    if (node.type === 'list') {
      // Per list item: one that reads as a ticket line is an item; any other bullet right
      // under a paragraph item is part of its description (a blank line does not end a list).
      let buffer: ListItem[] = [];
      const flush = (): void => {
        if (buffer.length && current && currentFromParagraph) addDescription(current, [{ ...node, children: buffer }]);
        buffer = [];
      };
      for (const li of node.children) {
        const first = li.children[0];
        if (!first || first.type !== 'paragraph' || !first.position) continue;
        const pls = paragraphLines(first);
        const headLine = pls[0]!.line;
        if (current && currentFromParagraph && !listItemIsItem(li)) {
          buffer.push(li);
          continue;
        }
        flush();
        if (directive(headLine, current)) continue;
        const item = headOf(headLine, { listHead: true, checked: li.checked ?? null });
        if (!item) continue;
        items.push(item);
        current = item;
        currentFromParagraph = false;
        for (const pl of pls.slice(1)) {
          if (directive(pl.line, item)) continue;
          const content = inlines(pl.nodes);
          if (content.length) item.description.push({ type: 'paragraph', content });
        }
        addDescription(item, li.children.slice(1) as RootContent[]);
      }
      flush();
      continue;
    }
    if (current && currentFromParagraph && (node.type === 'code' || node.type === 'blockquote' || node.type === 'table')) {
      addDescription(current, [node]);
    }
  }

  for (const [item, value] of targets) item.description.push({ type: 'paragraph', content: [{ type: 'text', text: `Target: ${value}` }] });

  // One key, one item; one title, one new issue.
  const byKey = new Map<string, NoteItem>();
  const byId = new Map<string, NoteItem>();
  for (const it of items) {
    if (it.key) {
      const prev = byKey.get(it.key);
      if (prev) problem(it.line, `${it.key} is named twice (lines ${prev.line} and ${it.line}); keep one and move the details under it`);
      else byKey.set(it.key, it);
    } else {
      const prev = byId.get(it.id);
      if (prev) problem(it.line, `"${it.title}" is listed twice (lines ${prev.line} and ${it.line})`);
      else byId.set(it.id, it);
    }
  }

  if (problems.length) throw new NoteParseError(problems.sort((a, b) => a.line - b.line));
  return {
    file: opts.file,
    rel: opts.rel,
    text,
    hash: sha256(text),
    status,
    ...(project !== opts.project ? { project } : {}),
    ...(projectLine ? { projectLine } : {}),
    items,
    comments,
  };
}
