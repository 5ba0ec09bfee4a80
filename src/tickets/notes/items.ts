import type { AdfNode } from '../adf.js';
import { itemId } from '../match.js';
import type { Mention, NoteItem } from './types.js';

/**
 * The mentions of one key in a note (a ticket listed as created, again in the
 * sprint progress, again in a table) make one item; so do the mentions of one
 * new title. Done from any mention wins over in progress; the fields come
 * from the mention that defines them (a Created or Backlog line), the title
 * that the summary check uses from the most telling mention.
 */

const RANK: Record<Mention['role'], number> = { define: 3, status: 2, mention: 1 };

export function collectItems(mentions: readonly Mention[], rel: string): NoteItem[] {
  const items: NoteItem[] = [];
  const byKey = new Map<string, NoteItem>();
  const byId = new Map<string, NoteItem>();
  const rank = new Map<NoteItem, number>();
  for (const m of mentions) {
    const known = m.key ? byKey.get(m.key) : byId.get(m.pending?.id ?? itemId(rel, m.title));
    if (!known) {
      const it = toItem(m, m.pending?.id ?? itemId(rel, m.title));
      items.push(it);
      rank.set(it, m.title ? RANK[m.role] : 0);
      if (m.key) byKey.set(m.key, it);
      else byId.set(it.id, it);
      continue;
    }
    known.lines.push(m.line);
    known.comments.push(...m.comments);
    if (m.want === 'done' && known.want !== 'done') Object.assign(known, { want: 'done', why: m.why });
    else if (m.want === 'progress' && !known.want) Object.assign(known, { want: 'progress', why: m.why });
    if (m.role === 'define') define(known, m);
    if (m.title && RANK[m.role] > (rank.get(known) ?? 0)) {
      Object.assign(known, { title: m.title, line: m.line, section: m.section, sectionTitle: m.sectionTitle });
      rank.set(known, RANK[m.role]);
    }
  }
  return items;
}

function toItem(m: Mention, id: string): NoteItem {
  const it: NoteItem = {
    line: m.line,
    lines: [m.line],
    section: m.section,
    sectionTitle: m.sectionTitle,
    ...(m.group ? { group: m.group } : {}),
    ...(m.key ? { key: m.key } : {}),
    title: m.title,
    defines: false,
    ...(m.want ? { want: m.want } : {}),
    ...(m.why ? { why: m.why } : {}),
    labels: [],
    comments: [...m.comments],
    description: [],
    id,
    ...(m.pending ? { pending: m.pending } : {}),
  };
  if (m.role === 'define') define(it, m);
  return it;
}

/** Take a defining mention's fields; a second definition in the same note only fills what the first left out. */
function define(it: NoteItem, m: Mention): void {
  const first = !it.defines;
  it.defines = true;
  if (first && m.group) it.group = m.group;
  if (it.points === undefined && m.points !== undefined) it.points = m.points;
  if (it.due === undefined && m.due !== undefined) it.due = m.due;
  for (const l of m.labels) if (!it.labels.includes(l)) it.labels.push(l);
  if (!it.description.length) it.description = descriptionOf(m);
}

function descriptionOf(m: Mention): AdfNode[] {
  const target: AdfNode[] = m.target ? [{ type: 'paragraph', content: [{ type: 'text', text: `Target: ${m.target}` }] }] : [];
  return [...m.description, ...target];
}
