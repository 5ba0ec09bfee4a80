import { normalizeTitle } from '../match.js';
import { SectionKind, type Want } from './types.js';

/**
 * The words session notes use, in English, German and Spanish: which heading
 * names which kind of section, which marks and status words say done or in
 * progress, which `**Label:**` names set a field of the item above them.
 * Matching is on the normalised text (case, accents, emoji and punctuation
 * gone), word by word, so "📋 Jira Tickets Created" and "Tickets creados"
 * read alike and "Files Created This Session" does not.
 */

const COMMENTS = / (comments?|kommentare?|comentarios?|commentaires?) | (tickets?|jira|issues?) (updates?|notes?) /;
const IN_PROGRESS = / (in (progress|review|arbeit|bearbeitung)|en (progreso|curso|proceso|revision)|work in progress|wip|ongoing|laufend) /;
const COMPLETED =
  / (completed|completado|completados|completada|completadas|done|finished|closed|shipped|resolved|erledigt|abgeschlossen|fertig|hecho|hechos|terminado|terminados|terminadas|cerrados?|resueltos?|termines?) /;
const CREATION = / (created?|creat\w+|new|neue?n?|opened|filed|raised|erstellt|angelegt|nuevos?|nuevas?|creados?|creadas?|abiertos?) /;
const TICKET_WORD = / (tickets?|issues?|jira|story|stories|tasks?|aufgaben?|tareas?|incidencias?) /;
const BACKLOG =
  / (backlog|priorit\w*|next|up next|to ?do|todo|action items?|follow ?ups?|nachste schritte|naechste schritte|offene punkte|geplant|pendientes?|proximos pasos|siguientes pasos|por hacer) /;

/** What a heading says the lines under it are; undefined for any other heading (prose). */
export function classifyHeading(text: string): SectionKind | undefined {
  const t = ` ${normalizeTitle(text).replace(/\b(\d+)\b/g, ' ').replace(/\s+/g, ' ').trim()} `;
  if (COMMENTS.test(t)) return SectionKind.Comments;
  if (IN_PROGRESS.test(t)) return SectionKind.InProgress;
  if (COMPLETED.test(t)) return SectionKind.Completed;
  if ((CREATION.test(t) && TICKET_WORD.test(t)) || /^ (created|new) $/.test(t)) return SectionKind.Created;
  // "Planned" opens a backlog ("Planned work"), not when it ends a heading ("Phase 2 Hardening Planned").
  if (BACKLOG.test(t) || t.startsWith(' planned ')) return SectionKind.Backlog;
  return undefined;
}

/** Words for people: what a section does to the lines under it. */
export function sectionMeaning(kind: SectionKind | undefined): string {
  switch (kind) {
    case SectionKind.Completed:
      return 'completed: a key under it wants Done, a new item is created then Done';
    case SectionKind.InProgress:
      return 'in progress: a key under it wants In Progress while it is still to do';
    case SectionKind.Created:
      return 'tickets: a key under it is kept in line with the note, a new item is created';
    case SectionKind.Backlog:
      return 'backlog: a key under it is kept in line with the note, a new item is created';
    case SectionKind.Comments:
      return 'comments: "**KEY:** text" adds a comment';
    default:
      return 'not a tickets heading';
  }
}

/** A status a mark or a word states. `wait` (⏳, "To Do", "Blocked") asks for no change at all. */
export type Stated = Want | 'wait';

// Emoji and symbols that stand for a status, at the head of a line or anywhere on it.
const DONE_MARK = /✅|✔️?|☑️?|✓/u;
const PROGRESS_MARK = /🔄|🚧|⏩|▶️|🏗️?/u;
const WAIT_MARK = /⏳|⌛|⏸️?|🕐|⛔|🚫|❌|⏭️?/u;
// Words written in capitals on a line (`✅ **DONE**`, `WIP`): prose in lower case is not a mark.
const DONE_WORD = /(?<![\p{L}\p{N}])(DONE|COMPLETED|CLOSED|RESOLVED|ERLEDIGT|HECHO|COMPLETADO)(?![\p{L}\p{N}])/u;
const PROGRESS_WORD = /(?<![\p{L}\p{N}])(IN PROGRESS|WIP|IN ARBEIT|EN PROGRESO)(?![\p{L}\p{N}])/u;

/** The status a line's marks state (✅, 🔄, ⏳, DONE), with the mark itself for messages. */
export function markOn(text: string): { stated: Stated; mark: string } | undefined {
  const found: { at: number; stated: Stated; mark: string }[] = [];
  for (const [re, stated] of [
    [DONE_MARK, 'done'],
    [DONE_WORD, 'done'],
    [PROGRESS_MARK, 'progress'],
    [PROGRESS_WORD, 'progress'],
    [WAIT_MARK, 'wait'],
  ] as const) {
    const m = re.exec(text);
    if (m) found.push({ at: m.index, stated, mark: m[0] });
  }
  // The first mark on the line wins: "🔄 CHRONOS-216 (MFA part ✅)" is in progress.
  const [first] = found.sort((a, b) => a.at - b.at);
  return first ? { stated: first.stated, mark: first.mark } : undefined;
}

const STATUS_DONE = / (done|completed?|completado|completada|closed|resolved|finished|shipped|merged|erledigt|abgeschlossen|fertig|hecho|terminado|cerrado|resuelto) /;
const STATUS_PROGRESS = / (in (progress|review|arbeit|bearbeitung|prufung)|en (progreso|curso|proceso|revision)|wip|ongoing|doing|started|review) /;
const STATUS_WAIT = / (to ?do|todo|open|offen|pending|pendiente|planned|geplant|blocked|blockiert|bloqueado|not started|backlog|won ?t do|wont do|cancell?ed|deferred|abgebrochen|cancelado) /;

/** A status column's cell: "✅ Done", "In Review", "⏳ Pendiente", "Blocked". */
export function statusCell(text: string): { stated: Stated; mark: string } | undefined {
  const mark = markOn(text);
  if (mark) return mark;
  const t = ` ${normalizeTitle(text)} `;
  const word = text.trim();
  if (STATUS_WAIT.test(t)) return { stated: 'wait', mark: word };
  if (STATUS_PROGRESS.test(t)) return { stated: 'progress', mark: word };
  if (STATUS_DONE.test(t)) return { stated: 'done', mark: word };
  return undefined;
}

/** Remove every status mark and capitalised status word (they are not part of a title). */
const ALL_MARKS = [DONE_MARK, PROGRESS_MARK, WAIT_MARK, DONE_WORD, PROGRESS_WORD].map((re) => new RegExp(re.source, 'gu'));

export function withoutMarks(text: string): string {
  return ALL_MARKS.reduce((s, re) => s.replace(re, ' '), text);
}

export const Directive = { Due: 'due', Comment: 'comment', Labels: 'labels', Points: 'points' } as const;
export type Directive = (typeof Directive)[keyof typeof Directive];

const DIRECTIVES: [RegExp, Directive][] = [
  [/^(target|due|due date|deadline|ziel|fallig|falligkeit|termin|objetivo|fecha limite|fecha|vence|vencimiento)$/, Directive.Due],
  [/^(comment|kommentar|comentario)$/, Directive.Comment],
  [/^(labels?|tags|etiketten|etiquetas)$/, Directive.Labels],
  [/^(points|story points|sp|estimate|punkte|puntos)$/, Directive.Points],
];

/** `**Target:**` and its translations set a field of the item above; any other label is the note's own field. */
export function directiveNamed(label: string): Directive | undefined {
  const t = normalizeTitle(label);
  return DIRECTIVES.find(([re]) => re.test(t))?.[1];
}

/** `(3 points)`, `(0.5 pts)`, `(5 SP)`, `(2 Punkte)`, `(1 punto)`, `(2,5 puntos)`. */
export const POINTS_RE = /\(\s*(\d+(?:[.,]\d+)?)\s*(?:story\s*)?(?:points?|pts?|sp|punkte?|puntos?)\s*\)/i;
/** Points that are no number: `(many points)`, `(3-5 points)`, `(? SP)`. */
export const BAD_POINTS_RE = /\(\s*([^()]*?)\s*(?:story\s*)?(?:points?|pts?|sp|punkte?|puntos?)\s*\)/i;

export function pointsValue(s: string): number {
  return Number(s.replace(',', '.'));
}
