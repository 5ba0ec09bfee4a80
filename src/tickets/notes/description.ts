import type { List, ListItem, Paragraph, PhrasingContent, RootContent } from 'mdast';
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

/** Every source line of a paragraph with the inline nodes on it. */
export function paragraphLines(p: Paragraph): SourceLine[] {
  const out: SourceLine[] = [];
  let line = p.position!.start.line;
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
  out.push({ line, nodes: cur });
  return out;
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
