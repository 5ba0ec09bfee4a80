import { quote, type NoteContext } from './context.js';
import { plainLabelOf } from './line.js';
import type { Mention } from './types.js';
import { Directive, directiveNamed, pointsValue } from './vocabulary.js';

/**
 * `**Target:** 2026-03-31`, `**Comment:** …`, `**Labels:** a, b`, `**Points:** 5`
 * (and their German and Spanish names) under an item set that item's fields.
 * Any other `**Label:** value` line is a field of the note itself.
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface LabelLine {
  name: string;
  value: string;
  directive?: Directive;
}

/** The label a line starts with, bold (`**Target:**`) or, for dates, plain (`Target: 2026-03-31`). */
export function labelLine(ctx: NoteContext, line: number): LabelLine | undefined {
  const raw = ctx.raw(line);
  const bold = ctx.line(line).label;
  if (bold) {
    const d = directiveNamed(bold.name);
    return { ...bold, ...(d ? { directive: d } : {}) };
  }
  const plain = plainLabelOf(raw);
  if (plain && directiveNamed(plain.name) === Directive.Due) return { ...plain, directive: Directive.Due };
  return undefined;
}

/** Apply a directive line to the item above it; false when the line is no directive or there is no item. */
export function applyDirective(ctx: NoteContext, line: number, m: Mention | undefined): boolean {
  const l = labelLine(ctx, line);
  if (!l?.directive || !m) return false;
  const value = l.value;
  const who = m.key ?? quote(m.title, 40);
  switch (l.directive) {
    case Directive.Due:
      if (isDate(value)) m.due = value;
      else if (value) m.target = value;
      ctx.read(line, 'item', value ? `${who}: ${isDate(value) ? `due date ${value}` : `target "${value}" (not a date: added to the description)`}` : `${who}: an empty target, ignored`);
      break;
    case Directive.Comment:
      if (value) m.comments.push({ text: value, line });
      ctx.read(line, 'item', value ? `${who}: a comment` : `${who}: an empty comment, ignored`);
      break;
    case Directive.Labels:
      m.labels.push(...value.split(/[,\s]+/).filter(Boolean));
      ctx.read(line, 'item', `${who}: labels ${value}`);
      break;
    case Directive.Points: {
      const n = pointsValue(value.replace(/\s*(story points?|points?|pts?|sp|punkte?|puntos?)$/i, ''));
      if (!value || !Number.isFinite(n)) ctx.problem(line, `points "${value}" is not a number`);
      else {
        m.points = n;
        ctx.read(line, 'item', `${who}: ${n} points`);
      }
      break;
    }
  }
  return true;
}

function isDate(value: string): boolean {
  return DATE_RE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}
