import { RemoteError } from '../core/errors.js';
import { adfText } from './adf.js';
import type { JiraApi, JiraIssue } from './jira.js';
import { keyIndex, type JiraMapping } from './mapping.js';
import { normalizeTitle, tieLabel, titlesMatch } from './match.js';
import { SectionKind } from './notes/types.js';
import { OpKind } from './plan.js';
import { chunks, describe, keyOf, type FieldUpdate, type Work } from './work.js';

/**
 * The note's wanted end state against what Jira holds: only what differs
 * becomes an operation. A key the note did not get from ssot must name the
 * ticket the note means (its summary matches the note's title, abbreviations
 * allowed) before anything is done to it; a line that asks for no change is
 * never checked.
 */

export interface CompareOptions {
  mapping: JiraMapping;
  pointsField?: string;
  /** Works whose fields a newer note sets. */
  superseded: ReadonlySet<Work>;
}

export async function compareWithJira(jira: JiraApi, work: readonly Work[], o: CompareOptions): Promise<void> {
  const tied = new Set<Work>();
  const tiedKeys = keyIndex(o.mapping);
  const issues = await readIssues(jira, work, o.pointsField);
  for (const w of work) {
    if (!w.key || w.blocked || w.create) continue;
    const issue = w.issue ?? issues.get(w.key);
    if (!issue) {
      block(w, `${w.key} does not exist in Jira (or this account cannot see it); not touched`);
      continue;
    }
    w.issue = issue;
    if (w.commentOnly) continue;
    const tiedId = tiedKeys.get(w.key);
    const isTied = w.link !== undefined || (tiedId !== undefined && o.mapping.items[tiedId]?.note === w.note.rel);
    if (isTied) tied.add(w);
    if (!o.superseded.has(w)) w.update = fieldUpdate(w, issue, isTied, o.pointsField);
    w.transition = wantedMove(w, issue);
  }
  await newComments(jira, work);
  for (const w of work) if (!tied.has(w)) checkSummary(w);
  oneMovePerKey(work);
  for (const w of work) planOps(w, o.pointsField);
}

/**
 * Each key once, however many notes name it: 50 at a time through the search, then one by one
 * what the search did not return (an issue created seconds ago is not searchable yet; a key
 * that does not exist makes Jira refuse the whole query).
 */
async function readIssues(jira: JiraApi, work: readonly Work[], pointsField?: string): Promise<Map<string, JiraIssue | undefined>> {
  const keys = [...new Set(work.flatMap((w) => (w.key && !w.issue && !w.blocked && !w.create ? [w.key] : [])))];
  const out = new Map<string, JiraIssue | undefined>();
  for (const chunk of chunks(keys, 50)) {
    if (chunk.length < 3) continue;
    const found = await jira.search(`key in (${chunk.join(', ')})`, pointsField).catch((e: unknown) => {
      if (e instanceof RemoteError && e.status === 400) return [];
      throw e;
    });
    for (const i of found) out.set(i.key, i);
  }
  for (const k of keys) if (!out.has(k)) out.set(k, await jira.getIssue(k, pointsField));
  return out;
}

function fieldUpdate(w: Work, issue: JiraIssue, tied: boolean, pointsField?: string): FieldUpdate | undefined {
  if (!w.item.defines) return undefined;
  const u: FieldUpdate = {};
  if (tied && normalizeTitle(issue.summary) !== normalizeTitle(w.item.title)) u.summary = w.item.title;
  const desc = describe(w.item);
  if (desc && adfText(desc) !== adfText(issue.description)) u.description = desc;
  if (w.item.due && w.item.due !== issue.duedate) u.duedate = w.item.due;
  if (pointsField && w.item.points !== undefined && w.item.points !== issue.points) u.points = w.item.points;
  const missing = w.item.labels.filter((l) => !issue.labels.includes(l));
  if (missing.length) u.addLabels = missing;
  return Object.keys(u).length ? u : undefined;
}

/** Done when it is not; In Progress only from a To Do status (never back from Done or Review). */
function wantedMove(w: Work, issue: JiraIssue): Work['transition'] {
  if (w.item.want === 'done' && issue.statusCategory !== 'done') return 'done';
  if (w.item.want === 'progress' && issue.statusCategory === 'new') return 'progress';
  return undefined;
}

/** Comments are added unless Jira already has one with the same text. */
async function newComments(jira: JiraApi, work: readonly Work[]): Promise<void> {
  for (const w of work) {
    if (w.blocked || !w.comments.length) continue;
    const existing = w.create ? [] : (await jira.getCommentTexts(keyOf(w))).map(commentKey);
    w.comments = [...new Set(w.comments)].filter((t) => !existing.includes(commentKey(t)));
  }
}

function checkSummary(w: Work): void {
  if (w.blocked || w.create || w.commentOnly || !w.issue) return;
  if (!w.update && !w.transition && !w.comments.length) return;
  const key = keyOf(w);
  if (!w.item.title) {
    block(w, `the note gives no title for ${key}, so ssot cannot check the key is the one meant; not touched (add its summary)`);
  } else if (!titlesMatch(w.item.title, w.issue.summary)) {
    block(w, `Jira's summary of ${key} is "${w.issue.summary}", the note says "${w.item.title}"; not touched (fix the key or the title)`);
  }
}

function block(w: Work, detail: string): void {
  w.blocked = 'conflict';
  delete w.update;
  delete w.transition;
  w.comments = [];
  w.plan.ops.push({ kind: OpKind.Conflict, detail });
}

/** Several notes naming one key see the same Jira state: one of them moves it, Done first. */
function oneMovePerKey(work: readonly Work[]): void {
  const moved = new Map<string, Work>();
  for (const kind of ['done', 'progress'] as const) {
    for (const w of work) {
      if (w.transition !== kind || !w.key) continue;
      if (moved.has(w.key)) delete w.transition;
      else moved.set(w.key, w);
    }
  }
}

function planOps(w: Work, pointsField?: string): void {
  if (w.blocked) return;
  const ops = w.plan.ops;
  if (w.create) {
    const then = w.item.section === SectionKind.Completed ? 'new issue, then Done' : 'new issue';
    ops.push({ kind: OpKind.Create, detail: `${then} in ${w.project}: "${w.item.title}" (${createBits(w, pointsField).join(', ')})` });
    if (w.item.want) w.transition = w.item.want;
  } else if (w.link) {
    const key = keyOf(w);
    w.plan.key = key;
    const by = w.link === 'label' ? `label ${tieLabel(w.item.id)}` : 'mapping/jira.json';
    ops.push({ kind: OpKind.Link, detail: `write ${key} back into the note (found by ${by})` });
  }
  if (w.update && w.issue) ops.push({ kind: OpKind.Update, detail: describeUpdate(w.update, w.issue) });
  const from = w.issue?.statusName ?? 'new';
  if (w.transition === 'done') ops.push({ kind: OpKind.Transition, detail: `${from} -> a status of the Done category (${w.item.why ?? 'done'})` });
  if (w.transition === 'progress') ops.push({ kind: OpKind.Progress, detail: `${from} -> a status of the In Progress category (${w.item.why ?? 'in progress'})` });
  for (const t of w.comments) ops.push({ kind: OpKind.Comment, detail: `"${t.length > 70 ? t.slice(0, 67) + '...' : t}"` });
}

function createBits(w: Work, pointsField?: string): string[] {
  const p = w.item.points;
  return [
    p !== undefined && pointsField ? `${p} ${p === 1 ? 'point' : 'points'}` : '',
    w.item.due ? `due ${w.item.due}` : '',
    `label ${tieLabel(w.item.id)}`,
    w.item.labels.length ? `labels ${w.item.labels.join(', ')}` : '',
  ].filter(Boolean);
}

function describeUpdate(u: FieldUpdate, issue: JiraIssue): string {
  const parts: string[] = [];
  if (u.summary !== undefined) parts.push(`summary "${issue.summary}" -> "${u.summary}"`);
  if (u.points !== undefined) parts.push(`points ${issue.points ?? '-'} -> ${u.points}`);
  if (u.duedate) parts.push(`due ${issue.duedate ?? '-'} -> ${u.duedate}`);
  if (u.description) parts.push('description');
  if (u.addLabels) parts.push(`labels +${u.addLabels.join(' +')}`);
  return parts.join(', ');
}

function commentKey(t: string): string {
  return t.replace(/\s+/g, ' ').trim();
}
