import { ErrorCode, InputError, SsotError } from '../core/errors.js';
import { redactor } from '../core/redact.js';
import { adfText, doc, type AdfDoc } from './adf.js';
import type { JiraIssue } from './jira.js';
import type { NoteItem, ParsedNote } from './notes/types.js';
import type { PlanItem } from './plan.js';

/**
 * One unit of a tickets sync: an item of a note (or a comment whose key no
 * item of the note names), what Jira holds for it, and what must change.
 * Only an item that asks for something becomes work: a key merely named
 * (⏳, a plain mention) is never even looked up.
 */

export interface FieldUpdate {
  summary?: string;
  description?: AdfDoc;
  duedate?: string;
  points?: number;
  addLabels?: string[];
}

export interface Work {
  note: ParsedNote;
  item: NoteItem;
  plan: PlanItem;
  project: string;
  key?: string;
  issue?: JiraIssue;
  create?: boolean;
  link?: 'mapping' | 'label';
  update?: FieldUpdate;
  transition?: 'done' | 'progress';
  comments: string[];
  blocked?: 'conflict' | 'waiting';
  /** A line of a "Comments" section whose key no item of the note names. */
  commentOnly?: boolean;
}

/**
 * The Jira key of a work that resolveKeys named, tied or found: every work
 * past it has one unless it is to be created or is waiting.
 */
export function keyOf(w: Work): string {
  if (w.key === undefined) throw new SsotError(ErrorCode.Internal, `${w.note.rel}:${String(w.item.line)}: no Jira key was resolved for this item`);
  return w.key;
}

function asksForSomething(item: NoteItem): boolean {
  return !item.key || item.defines || item.want !== undefined || item.comments.length > 0;
}

export function buildWork(notes: readonly ParsedNote[], defaultProject: string): Work[] {
  const work: Work[] = [];
  for (const note of notes) {
    const project = note.project ?? defaultProject;
    for (const item of note.items) {
      if (!asksForSomething(item)) continue;
      work.push({ note, item, project, plan: planItem(note, item), comments: item.comments.map((c) => c.text) });
    }
    // A "Comments" section line goes with the item of that key in the same note, or stands alone.
    for (const c of note.comments) {
      const owner = work.find((w) => w.note === note && w.item.key === c.key);
      if (owner) {
        owner.comments.push(c.text);
        continue;
      }
      const item: NoteItem = { line: c.line, lines: [c.line], section: undefined, sectionTitle: '', key: c.key, title: `comment on ${c.key}`, defines: false, labels: [], comments: [], description: [], id: c.key };
      work.push({ note, item, project, plan: planItem(note, item), comments: [c.text], commentOnly: true });
    }
  }
  return work;
}

function planItem(note: ParsedNote, item: NoteItem): PlanItem {
  return { note: note.rel, line: item.line, title: item.title, id: item.id, ops: [], ...(item.key ? { key: item.key } : {}) };
}

/**
 * Nothing secret goes into a ticket: a value the redactor knows (the Jira token, vault values
 * resolved in this process) or one the guard finds, in a title, description or comment, stops the
 * run before any request.
 */
export async function checkSecrets(work: readonly Work[], secretCheck?: (text: string, file: string) => Promise<{ rule: string }[]>): Promise<void> {
  for (const w of work) {
    const text = [w.item.title, adfText(doc(w.item.description)), ...w.comments].join('\n');
    if (redactor.redact(text) !== text) {
      throw new InputError(ErrorCode.Input, 'this item contains a secret value; it is not sent to Jira', { file: w.note.file, line: w.item.line }, 'remove the value from the note');
    }
    const found = (await secretCheck?.(text, w.note.file)) ?? [];
    if (found.length > 0) {
      throw new InputError(
        ErrorCode.Input,
        `this item contains a secret (${found.map((f) => f.rule).join(', ')}); it is not sent to Jira`,
        { file: w.note.file, line: w.item.line },
        'remove it from the note (or mark a false alarm with `ssot:allow`)',
      );
    }
  }
}

export function describe(item: NoteItem): AdfDoc | undefined {
  // Only a line that defines the ticket (Created, Backlog, a new item) sets its description.
  if (!item.defines) return undefined;
  return item.description.length ? doc(item.description) : undefined;
}

export function groupBy<T>(xs: readonly T[], f: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = f(x);
    const arr = m.get(k);
    if (arr) arr.push(x);
    else m.set(k, [x]);
  }
  return m;
}

export function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
