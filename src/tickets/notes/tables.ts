import type { Table, TableRow } from 'mdast';
import { plain } from '../adf.js';
import { normalizeTitle } from '../match.js';
import type { NoteContext, Place } from './context.js';
import { quote } from './context.js';
import { SectionKind, type Mention } from './types.js';
import { pointsValue, statusCell, withoutMarks } from './vocabulary.js';

/**
 * Ticket tables (`| **CHRONOS-176** | Set up AWS CLI | ✅ Done | … |`), read by
 * their columns: the key column (its header, else the column whose cells
 * start with keys), the status column, and the summary and points columns
 * where there are. Each row with a key is a mention that moves its ticket as
 * its status cell says; a table row never sets a ticket's fields.
 */

interface Columns {
  key: number;
  status?: number;
  summary?: number;
  points?: number;
}

const HEADERS: [keyof Columns, RegExp][] = [
  ['key', /^(ticket|tickets|key|issue|id|jira|clave|schlussel|nr|nummer|#)$/],
  ['status', /^(status|state|estado|stand|zustand|progress|fortschritt)$/],
  ['summary', /^(summary|title|task|what|description|name|titel|aufgabe|beschreibung|zusammenfassung|resumen|titulo|tarea|descripcion)$/],
  ['points', /^(points|story points|sp|pts|estimate|punkte|puntos|pt)$/],
];

function cellText(row: TableRow, i: number): string {
  const c = row.children[i];
  return c ? plain(c.children).trim() : '';
}

function columns(ctx: NoteContext, t: Table): Columns | undefined {
  // GFM gives every table its header row; a table without one has no columns to read.
  const [head, ...rows] = t.children;
  if (!head) return undefined;
  const found: Partial<Columns> = {};
  head.children.forEach((_, i) => {
    const h = normalizeTitle(cellText(head, i));
    for (const [name, re] of HEADERS) if (found[name] === undefined && re.test(h)) found[name] = i;
  });
  const keyRe = new RegExp(String.raw`^${ctx.project}-\d+$`);
  const keyish = new RegExp(String.raw`^${ctx.project}-`);
  const keyCol = found.key;
  if (keyCol === undefined || !rows.some((r) => keyish.test(cellText(r, keyCol)))) {
    const i = head.children.findIndex((_, col) => rows.some((r) => keyRe.test(cellText(r, col))));
    if (i < 0) return undefined;
    found.key = i;
  }
  if (found.status === undefined) {
    const i = head.children.findIndex((_, col) => col !== found.key && rows.some((r) => statusCell(cellText(r, col))?.stated === 'done' && /✅|✔|☑|✓/u.test(cellText(r, col))));
    if (i >= 0) found.status = i;
  }
  if (found.summary === undefined) {
    const i = head.children.findIndex((_, col) => col !== found.key && col !== found.status && col !== found.points);
    if (i >= 0) found.summary = i;
  }
  return found as Columns;
}

export function readTable(ctx: NoteContext, t: Table, place: Place): void {
  const line = t.position?.start.line ?? 1;
  const cols = t.children.length > 1 ? columns(ctx, t) : undefined;
  if (!cols) {
    if (t.children.some((r) => r.children.some((c) => new RegExp(`${ctx.project}-\\d`).test(plain(c.children))))) ctx.read(line, 'ignored', 'a table without a ticket column: not read');
    return;
  }
  for (const row of t.children.slice(1)) {
    const at = row.position?.start.line ?? line;
    const keyCell = cellText(row, cols.key);
    const key = new RegExp(String.raw`^${ctx.project}-\d+$`).exec(keyCell)?.[0];
    if (!key) {
      if (new RegExp(String.raw`^${ctx.project}-\D*$`).test(keyCell)) ctx.problem(at, `half-typed key "${keyCell}" (a key is ${ctx.project}- and a number)`);
      else if (keyCell) ctx.read(at, 'ignored', `table row ${quote(keyCell, 30)}: no key of ${ctx.project} in the ticket column`);
      continue;
    }
    ctx.mentions.push(rowMention(row, cols, { key, line: at, place }));
  }
}

function rowMention(row: TableRow, cols: Columns, at: { key: string; line: number; place: Place }): Mention {
  const status = cols.status === undefined ? undefined : statusCell(cellText(row, cols.status));
  const title = cols.summary === undefined ? '' : withoutMarks(cellText(row, cols.summary)).replace(/\s+/g, ' ').trim();
  const pointsText = cols.points === undefined ? '' : cellText(row, cols.points);
  const points = /^\d+(?:[.,]\d+)?$/.test(pointsText) ? pointsValue(pointsText) : undefined;
  const byHeading = at.place.kind === SectionKind.Completed ? 'done' : at.place.kind === SectionKind.InProgress ? 'progress' : undefined;
  const want = status ? (status.stated === 'wait' ? undefined : status.stated) : byHeading;
  const why = status ? `status "${status.mark}"` : want ? `heading "${at.place.title}"` : undefined;
  const m: Mention = {
    line: at.line,
    key: at.key,
    title,
    role: want ? 'status' : 'mention',
    ...(want ? { want } : {}),
    ...(why ? { why } : {}),
    section: at.place.kind,
    sectionTitle: at.place.title,
    ...(points !== undefined ? { points } : {}),
    labels: [],
    comments: [],
    description: [],
    from: 'table',
  };
  return m;
}
