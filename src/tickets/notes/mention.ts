import { quote, type NoteContext, type Place } from './context.js';
import { halfKeyProblem, type LineRead } from './line.js';
import { SectionKind, type Mention, type Role, type Want } from './types.js';

/**
 * What one line asks for. A line whose head is a key of the note's project
 * names that ticket: a done mark (✅, [x], DONE) or a Completed heading wants
 * it Done, 🔄 or an In Progress heading wants it in progress, ⏳ and a plain
 * mention change nothing; under a Created or Backlog heading the line also
 * states the ticket's fields. A line without a key is a new item only under a
 * tickets heading and only in an item's shape (a checkbox, points, or a bold
 * title standing alone). A line shaped like an item that cannot be read is a
 * problem with its line number; anything else is prose.
 */

export interface LineShape {
  from: Mention['from'];
  /** A task-list box: `- [x]` true, `- [ ]` false. */
  checked: boolean | null;
  /** A paragraph line: a new item there starts with bold. */
  paragraph: boolean;
  /** A line nested under another item: it may move its ticket, never set its fields. */
  nested?: boolean;
}

const TICKET_KINDS: readonly (SectionKind | undefined)[] = [SectionKind.Completed, SectionKind.InProgress, SectionKind.Created, SectionKind.Backlog];

export function isTicketSection(kind: SectionKind | undefined): boolean {
  return TICKET_KINDS.includes(kind);
}

/** `**High priority:**`, `**Sprint 8**`: a label that groups the items below it. */
export function groupLabel(r: LineRead): string | undefined {
  if (r.label && !r.label.value) return r.label.name;
  const bold = /^\*\*([^*]+)\*\*\s*:?$/.exec(r.rest.trim())?.[1];
  if (bold !== undefined && /priority|^p[0-4]\b|sprint|later|soon/i.test(bold)) return bold.replace(/:$/, '').trim();
  return undefined;
}

/** The mention a line makes, if it makes one; problems and what was ignored go to the context. */
export function lineMention(ctx: NoteContext, r: LineRead, line: number, place: Place, shape: LineShape): Mention | undefined {
  if (r.halfKey) {
    ctx.problem(line, `half-typed line: ${halfKeyProblem(r.halfKey)}`);
    return undefined;
  }
  if (r.otherKey) {
    ctx.read(line, 'ignored', `${r.otherKey} is not a key of project ${ctx.project} (set "project:" in the front matter for another project)`);
    return undefined;
  }
  if (r.key || itemShaped(r, place, shape)) {
    if (ctx.stillTyped(line)) {
      ctx.problem(line, 'the last line has no line end yet (still being typed?); finish it or add a newline');
      return undefined;
    }
  }
  return r.key ? keyedMention(ctx, r, r.key, line, place, shape) : newItem(ctx, r, line, place, shape);
}

function itemShaped(r: LineRead, place: Place, shape: LineShape): boolean {
  if (!isTicketSection(place.kind) || shape.nested) return false;
  if (shape.paragraph && !r.boldStart) return false;
  // A bold title alone is an item in a backlog; under Completed or In Progress it is a group label unless it has points.
  const definesHere = place.kind === SectionKind.Backlog || place.kind === SectionKind.Created;
  return shape.checked !== null || (r.boldAlone && definesHere) || r.points !== undefined || r.badPoints !== undefined;
}

/** What a line wants of its ticket, and why: a change, an explicit "no change yet", or nothing. */
type Wanted = { want: Want; why: string; wait?: never } | { want?: never; why: string; wait: true } | { want?: never; why?: never; wait?: never };

/** What the line wants of its ticket, and why. */
function wanted(r: LineRead, place: Place, shape: LineShape): Wanted {
  if (r.mark?.stated === 'wait') return { wait: true, why: r.mark.mark };
  if (r.mark) return { want: r.mark.stated, why: r.mark.mark };
  if (shape.checked === true) return { want: 'done', why: '[x]' };
  if (place.kind === SectionKind.Completed && shape.checked !== false) return { want: 'done', why: `heading "${place.title}"` };
  if (place.kind === SectionKind.InProgress) return { want: 'progress', why: `heading "${place.title}"` };
  return {};
}

function keyedMention(ctx: NoteContext, r: LineRead, key: string, line: number, place: Place, shape: LineShape): Mention | undefined {
  const w = wanted(r, place, shape);
  const defines = !shape.nested && !w.wait && (place.kind === SectionKind.Created || place.kind === SectionKind.Backlog);
  const role: Role = defines ? 'define' : w.want ? 'status' : 'mention';
  if (role !== 'mention' && r.unreadable) {
    ctx.problem(line, `half-typed line: ${r.unreadable}`);
    return undefined;
  }
  if (role !== 'mention' && !r.title) {
    ctx.problem(line, `half-typed line: ${key} with no title after it (the title is how ssot checks the key is the one you meant)`);
    return undefined;
  }
  if (role !== 'mention' && r.badPoints) {
    ctx.problem(line, `points "${r.badPoints}" is not a number`);
    return undefined;
  }
  const m = base(r, line, place, shape, role, w);
  m.key = key;
  ctx.read(line, role === 'mention' ? 'mention' : 'item', describeKeyed(m, key, w));
  return m;
}

function newItem(ctx: NoteContext, r: LineRead, line: number, place: Place, shape: LineShape): Mention | undefined {
  if (!itemShaped(r, place, shape)) return undefined;
  // "- [ ] Split CHRONOS-216 into four": about a ticket that exists, not a new one.
  if (r.mentions.length) return undefined;
  const w = wanted(r, place, shape);
  if (w.wait) {
    ctx.read(line, 'ignored', `${quote(r.rest)}: ${w.why} asks for no change, so no new issue`);
    return undefined;
  }
  if (r.unreadable) ctx.problem(line, `half-typed line: ${r.unreadable}`);
  else if (r.badPoints) ctx.problem(line, `points "${r.badPoints}" is not a number`);
  else if (!r.title) ctx.problem(line, 'a ticket line with no title');
  else {
    const m = base(r, line, place, shape, 'define', w);
    const then = m.want === 'done' ? ', then Done' : m.want === 'progress' ? ', then In Progress' : '';
    ctx.read(line, 'item', `new issue ${quote(m.title)}${m.points !== undefined ? ` (${pointsText(m.points)})` : ''}${then}`);
    return m;
  }
  return undefined;
}

function base(r: LineRead, line: number, place: Place, shape: LineShape, role: Role, w: Wanted): Mention {
  return {
    line,
    title: r.title,
    role,
    ...(w.want ? { want: w.want } : {}),
    ...(w.why ? { why: w.why } : {}),
    section: place.kind,
    sectionTitle: place.title,
    ...(place.group ? { group: place.group } : {}),
    ...(r.points !== undefined ? { points: r.points } : {}),
    labels: [],
    comments: [],
    description: [],
    ...(r.pending ? { pending: r.pending } : {}),
    from: shape.from,
  };
}

function describeKeyed(m: Mention, key: string, w: Wanted): string {
  const name = `${key}${m.title ? ` ${quote(m.title, 50)}` : ''}`;
  if (m.role === 'mention') return `${name}: named${w.wait && w.why ? ` with ${w.why}` : ''}, no change`;
  const want = w.want === 'done' ? `wants Done (${w.why})` : w.want === 'progress' ? `wants In Progress (${w.why})` : '';
  if (m.role === 'status') return `${name}: ${want}`;
  return `${name}: kept in line with the note${m.points !== undefined ? ` (${pointsText(m.points)})` : ''}${want ? `; ${want}` : ''}`;
}

function pointsText(n: number): string {
  return `${n} ${n === 1 ? 'point' : 'points'}`;
}
