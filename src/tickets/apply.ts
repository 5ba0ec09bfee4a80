import { CredentialError, ErrorCode, ExitCode, RemoteError, SsotError } from '../core/errors.js';
import { doc, paragraph, type AdfDoc } from './adf.js';
import type { JiraApi } from './jira.js';
import { saveMapping, type JiraMapping } from './mapping.js';
import { tieLabel } from './match.js';
import type { ParsedNote } from './notes/types.js';
import { OpKind, verb, type ItemOutcome, type OutcomeStatus, type PlanOp, type TicketsEvent } from './plan.js';
import { transitionToDone, transitionToProgress } from './transitions.js';
import { describe, keyOf, type Work } from './work.js';
import { NoteFile, withKey, withMarker, withoutMarker } from './writeback.js';

/**
 * Carrying out one work's plan, in the order that never loses the tie: the
 * pending marker into the note, the create, the tie into mapping/jira.json,
 * the key into the note; then the update, the move, the comments. One
 * work failing does not stop the others.
 */

export interface ApplyContext {
  jira: JiraApi;
  mapping: JiraMapping;
  mappingFile: string;
  issueType: string;
  pointsField?: string;
  now: () => Date;
  log: (e: TicketsEvent) => void;
  created: string[];
  file: (n: ParsedNote) => NoteFile;
}

function outcomeOf(w: Work, status: OutcomeStatus, did: string[] = [], message?: string): ItemOutcome {
  return { note: w.note.rel, line: w.item.line, title: w.item.title, ...(w.key ? { key: w.key } : {}), status, did, ...(message ? { message } : {}) };
}

/** What a work would do, for a dry run (or has nothing to do). */
export function plannedOutcome(w: Work): ItemOutcome {
  if (w.blocked) return outcomeOf(w, w.blocked === 'conflict' ? 'conflict' : 'waiting', [], w.plan.ops.find((o) => o.kind === OpKind.Conflict || o.kind === OpKind.Wait)?.detail);
  if (!w.plan.ops.length) return outcomeOf(w, 'unchanged');
  return outcomeOf(w, 'planned', kindsOf(w.plan.ops).map((k) => verb(k)));
}

function kindsOf(ops: readonly PlanOp[]): PlanOp['kind'][] {
  return [...new Set(ops.map((o) => o.kind))];
}

export async function applyWork(w: Work, c: ApplyContext): Promise<ItemOutcome> {
  if (w.blocked || !w.plan.ops.length) return plannedOutcome(w);
  const did: string[] = [];
  const step = (kind: PlanOp['kind']): void => {
    const op = w.plan.ops.find((o) => o.kind === kind);
    if (!op) throw new SsotError(ErrorCode.Internal, `${w.plan.note}:${String(w.plan.line)}: did "${verb(kind)}", which its plan does not list`);
    if (!did.includes(verb(kind, true))) did.push(verb(kind, true));
    c.log({ type: 'applied', item: w.plan, op, ...(w.key ? { key: w.key } : {}) });
  };
  try {
    const key = w.create ? await create(w, c, step) : keyOf(w);
    if (!w.create && w.link) await tie(w, c, key, step);
    if (w.update) {
      const u = w.update;
      await c.jira.editIssue(key, {
        ...(u.summary !== undefined ? { summary: u.summary } : {}),
        ...(u.description ? { description: u.description } : {}),
        ...(u.duedate ? { duedate: u.duedate } : {}),
        ...(u.points !== undefined && c.pointsField ? { points: { field: c.pointsField, value: u.points } } : {}),
        ...(u.addLabels ? { addLabels: u.addLabels } : {}),
      });
      step(OpKind.Update);
    }
    if (w.transition === 'done') {
      await transitionToDone(c.jira, key, w.issue?.statusName);
      step(OpKind.Transition);
    } else if (w.transition === 'progress') {
      await transitionToProgress(c.jira, key);
      step(OpKind.Progress);
    }
    for (const t of w.comments) {
      await c.jira.addComment(key, commentDoc(t));
      step(OpKind.Comment);
    }
    return outcomeOf(w, 'changed', did);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    c.log({ type: 'failed', item: w.plan, message });
    return outcomeOf(w, e instanceof SsotError && e.exitCode === ExitCode.CONFLICT ? 'conflict' : 'failed', did, message);
  }
}

/** Create the issue and tie it to the item; its key. */
async function create(w: Work, c: ApplyContext, step: (k: PlanOp['kind']) => void): Promise<string> {
  const nf = c.file(w.note);
  const at = w.item.pending?.at ?? c.now().toISOString().replace(/\.\d+Z$/, 'Z');
  if (!w.item.pending) await nf.editLine(w.item.line, (l) => withMarker(l, w.item.id, at));
  const desc = describe(w.item);
  const label = tieLabel(w.item.id);
  const res = await c.jira
    .createIssue({
      project: w.project,
      issueType: c.issueType,
      summary: w.item.title,
      labels: [label, ...w.item.labels.filter((l) => l !== label)],
      ...(desc ? { description: desc } : {}),
      ...(w.item.due ? { duedate: w.item.due } : {}),
      ...(c.pointsField && w.item.points !== undefined ? { points: { field: c.pointsField, value: w.item.points } } : {}),
    })
    .catch(async (e: unknown) => {
      // Jira refused it for sure (4xx but 429): the marker goes, so the next run does not wait.
      if (!w.item.pending && refused(e)) await nf.editLine(w.item.line, withoutMarker).catch(() => undefined);
      throw e;
    });
  w.key = res.key;
  c.created.push(res.key);
  await tie(w, c, res.key, () => undefined);
  step(OpKind.Create);
  return res.key;
}

/** The tie: mapping/jira.json first (it survives a note edited meanwhile), then the key into every line that names the item. */
async function tie(w: Work, c: ApplyContext, key: string, step: (k: PlanOp['kind']) => void): Promise<void> {
  c.mapping.items[w.item.id] = { key, note: w.note.rel, title: w.item.title };
  await saveMapping(c.mappingFile, c.mapping);
  const nf = c.file(w.note);
  for (const line of w.item.lines) await nf.editLine(line, (l) => withKey(l, key));
  step(OpKind.Link);
}

function refused(e: unknown): boolean {
  if (e instanceof CredentialError) return true;
  return e instanceof RemoteError && e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 429;
}

function commentDoc(text: string): AdfDoc {
  return doc([paragraph(text)]);
}
