import type { List, ListItem, Node, Paragraph, PhrasingContent, RootContent } from 'mdast';
import { ErrorCode, SsotError } from '../../core/errors.js';
import { blocks, inlines, list as adfList } from '../adf.js';
import type { NoteContext } from './context.js';
import { applyDirective } from './directives.js';
import type { Mention } from './types.js';

/**
 * The content under an item line (bullets, nested lists, code, quotes) as
 * its description in Atlassian Document Format, with the directive lines in
 * it (`**Target:**`, `**Comment:**` …) taken out and applied to the item.
 */

export interface SourceLine {
  line: number;
  nodes: PhrasingContent[];
}

/** The line a node starts on: remark gives every node it parses a position; only a node built by hand has none. */
export function startLine(n: Node): number {
  const line = n.position?.start.line;
  if (line === undefined) throw new SsotError(ErrorCode.Internal, `a parsed ${n.type} node has no position in the note`);
  return line;
}

/** Every source line of a paragraph with the inline nodes on it: at least one. */
export function paragraphLines(p: Paragraph): [...SourceLine[], SourceLine] {
  const out: SourceLine[] = [];
  let line = startLine(p);
  let cur: PhrasingContent[] = [];
  const next = (): void => {
    out.push({ line, nodes: cur });
    cur = [];
    line++;
  };
  for (const n of p.children) {
    if (n.type === 'text' && n.value.includes('\n')) {
      n.value.split('\n').forEach((part, i) => {
        if (i > 0) next();
        if (part) cur.push({ type: 'text', value: part });
      });
    } else if (n.type === 'break') next();
    else cur.push(n);
  }
  return [...out, { line, nodes: cur }];
}

/** A paragraph of the description for one source line, if it has content. */
export function addLine(m: Mention, sl: SourceLine): void {
  const content = inlines(sl.nodes);
  if (content.length) m.description.push({ type: 'paragraph', content });
}

/** Remove directive lines from a description list (they set fields), keep the rest. */
function cleanList(ctx: NoteContext, l: List, m: Mention): List {
  const kept: ListItem[] = [];
  for (const li of l.children) {
    const children: RootContent[] = [];
    for (const c of li.children) {
      if (c.type === 'paragraph') {
        const keptLines = paragraphLines(c).filter((pl) => !applyDirective(ctx, pl.line, m));
        if (!keptLines.length) continue;
        const nodes: PhrasingContent[] = [];
        keptLines.forEach((pl, i) => {
          if (i > 0) nodes.push({ type: 'text', value: '\n' });
          nodes.push(...pl.nodes);
        });
        children.push({ ...c, children: nodes });
      } else if (c.type === 'list') children.push(cleanList(ctx, c, m));
      else children.push(c);
    }
    if (children.length) kept.push({ ...li, children: children as ListItem['children'] });
  }
  return { ...l, children: kept };
}

export function addDescription(ctx: NoteContext, m: Mention, nodes: readonly RootContent[]): void {
  for (const n of nodes) {
    if (n.type === 'list') {
      const b = adfList(cleanList(ctx, n, m));
      if (b) m.description.push(b);
    } else if (n.type === 'paragraph') {
      for (const pl of paragraphLines(n)) if (!applyDirective(ctx, pl.line, m)) addLine(m, pl);
    } else m.description.push(...blocks([n]));
  }
}
