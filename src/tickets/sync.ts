import { promises as fs } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import type { LoadedConfig } from '../config/load.js';
import type { TicketsConfig } from '../config/schema.js';
import { CredentialError, ErrorCode, ExitCode, InputError, RemoteError, SsotError, UsageError } from '../core/errors.js';
import { acquireLock } from '../core/lock.js';
import { stateDir } from '../core/paths.js';
import { redactor } from '../core/redact.js';
import { adfText, doc, paragraph, type AdfDoc, type AdfNode } from './adf.js';
import { NoteParseError, parseNote, SectionKind, type NoteItem, type NoteProblem, type ParsedNote } from './grammar.js';
import { connectJira, type JiraApi, type JiraField, type JiraIssue } from './jira.js';
import { keyIndex, loadMapping, saveMapping, type JiraMapping } from './mapping.js';
import { normalizeTitle, sha256, tieLabel, titlesMatch } from './match.js';
import { NoteFile, withKey, withMarker, withoutMarker } from './writeback.js';

/**
 * Tickets sync: notes state the wanted end state of issues; Jira is read,
 * compared, and only the differences are planned. The plan is shown (or,
 * with dryRun, only shown), then applied item by item; one item's failure
 * does not stop the others. A re-run on an unchanged note plans nothing.
 */

export const OpKind = {
  Create: 'create',
  Update: 'update',
  Transition: 'transition',
  Comment: 'comment',
  Link: 'link',
  Conflict: 'conflict',
  Wait: 'wait',
} as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

export interface PlanOp {
  kind: OpKind;
  /** One line for people: what changes. */
  detail: string;
}

export interface PlanItem {
  note: string;
  line: number;
  title: string;
  key?: string;
  id: string;
  ops: PlanOp[];
}

export interface TicketsPlan {
  items: PlanItem[];
  creates: number;
  writes: number;
  warnings: string[];
}

export interface ItemOutcome {
  note: string;
  line: number;
  title: string;
  key?: string;
  status: 'done' | 'unchanged' | 'conflict' | 'failed' | 'waiting' | 'planned';
  message?: string;
}

export interface TicketsSyncResult {
  plan: TicketsPlan;
  outcomes: ItemOutcome[];
  /** 0 done, 1 an item failed or waits, 3 a key whose summary does not match. */
  exitCode: ExitCode;
  created: string[];
}

export type TicketsEvent =
  | { type: 'plan'; plan: TicketsPlan }
  | { type: 'applied'; item: PlanItem; op: PlanOp; key?: string }
  | { type: 'failed'; item: PlanItem; message: string }
  | { type: 'retry'; what: string; waitMs: number }
  | { type: 'warning'; message: string };

export interface SyncTicketsOptions {
  notes?: string[];
  /** The watcher: only notes marked `tickets: ready`. */
  readyOnly?: boolean;
  dryRun: boolean;
  yes: boolean;
  confirm?: (plan: TicketsPlan) => Promise<boolean>;
  credentials: { email: string; token: string };
  log?: (event: TicketsEvent) => void;
  /** The guard: an item whose text holds a finding stops the run before any request. */
  secretCheck?: (text: string, file: string) => Promise<{ rule: string }[]>;
  /** Tests and embedding: an already connected client. */
  jira?: JiraApi;
  /** A pending marker younger than this whose issue search does not find is waited for, not created again. */
  recoveryWaitMs?: number;
  now?: () => Date;
  strictSchemas?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_RECOVERY_WAIT_MS = 120_000;

export function ticketsSettings(config: LoadedConfig): TicketsConfig {
  return (
    config.tickets ?? {
      notes: path.resolve(config.dir, 'docs/session_notes'),
      mapping: path.resolve(config.dir, 'mapping/jira.json'),
      confirmAbove: 5,
    }
  );
}

/** Every note under the notes folder (`.md`), sorted. */
export async function listNotes(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && /\.(md|markdown)$/i.test(e.name)) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

interface Work {
  note: ParsedNote;
  item: NoteItem;
  plan: PlanItem;
  project: string;
  key?: string;
  issue?: JiraIssue;
  create?: boolean;
  link?: 'mapping' | 'label';
  update?: { summary?: string; description?: AdfDoc; duedate?: string; points?: number; addLabels?: string[] };
  transition?: boolean;
  comments: string[];
  blocked?: 'conflict' | 'waiting';
  /** A line of a "Comments" section whose key no item of the note names. */
  commentOnly?: boolean;
}

export async function syncTickets(config: LoadedConfig, opts: SyncTicketsOptions): Promise<TicketsSyncResult> {
  const jc = config.jira;
  if (!jc) throw new UsageError('the config has no "jira" section', 'add jira.baseUrl, jira.email, jira.token and jira.project (docs/jira-setup.md)');
  const tc = ticketsSettings(config);
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? (() => new Date());
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    log({ type: 'warning', message });
  };

  // 1. Read and parse every note; any problem anywhere stops the run before a request.
  const files = opts.notes?.length ? opts.notes.map((n) => path.resolve(n)) : await listNotes(tc.notes);
  const notes: ParsedNote[] = [];
  const problems: NoteProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      throw new InputError(ErrorCode.Input, `cannot read the note: ${(e as Error).message}`, { file });
    }
    if (opts.readyOnly && readiness(text) !== 'ready') continue;
    const rel = path.relative(config.dir, file).split(path.sep).join('/');
    try {
      const note = parseNote(text, { file, rel, project: jc.project, strictEnd: Boolean(opts.readyOnly) });
      if (note.status !== 'off') notes.push(note);
    } catch (e) {
      if (e instanceof NoteParseError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) {
    const first = problems[0]!;
    const rest = problems.slice(1).map((p) => `\n  ${p.file}:${p.line}: ${p.message}`).join('');
    throw new InputError(ErrorCode.Input, `${first.message}${rest}`, { file: first.file, line: first.line }, 'fix the note; nothing was sent to Jira');
  }

  const work: Work[] = [];
  for (const note of notes) {
    for (const item of note.items) {
      work.push({
        note,
        item,
        project: note.project ?? jc.project,
        plan: { note: note.rel, line: item.line, title: item.title, id: item.id, ops: [], ...(item.key ? { key: item.key } : {}) },
        comments: item.comments.map((c) => c.text),
      });
    }
  }
  // A "Comments" section line goes with the item of that key in the same note, or stands alone.
  for (const note of notes) {
    for (const c of note.comments) {
      const owner = work.find((w) => w.note === note && w.item.key === c.key) ?? work.find((w) => w.note === note && w.commentOnly && w.key === c.key);
      if (owner) owner.comments.push(c.text);
      else {
        const item: NoteItem = { line: c.line, section: SectionKind.Comments, sectionTitle: '', key: c.key, title: `comment on ${c.key}`, done: false, labels: [], comments: [], description: [], id: c.key };
        work.push({ note, item, project: jc.project, plan: { note: note.rel, line: c.line, title: item.title, key: c.key, id: c.key, ops: [] }, comments: [c.text], commentOnly: true });
      }
    }
  }
  // Nothing secret goes into a ticket: a value the redactor knows (the Jira token, vault values
  // resolved in this process) in a title, description or comment stops the run before any request.
  for (const w of work) {
    const text = [w.item.title, adfText(doc(w.item.description)), ...w.comments].join('\n');
    if (redactor.redact(text) !== text) {
      throw new InputError(ErrorCode.Input, 'this item contains a secret value; it is not sent to Jira', { file: w.note.file, line: w.item.line }, 'remove the value from the note');
    }
    // And what the guard finds (credential formats, the index of vault values).
    const found = (await opts.secretCheck?.(text, w.note.file)) ?? [];
    if (found.length > 0) {
      throw new InputError(ErrorCode.Input, `this item contains a secret (${found.map((f) => f.rule).join(', ')}); it is not sent to Jira`, { file: w.note.file, line: w.item.line }, 'remove it from the note (or mark a false alarm with `ssot:allow`)');
    }
  }
  const emptyPlan: TicketsPlan = { items: [], creates: 0, writes: 0, warnings };
  if (!work.length) return { plan: emptyPlan, outcomes: [], exitCode: ExitCode.OK, created: [] };

  const lock = opts.dryRun
    ? undefined
    : await acquireLock(path.join(stateDir(), 'locks', `tickets-${sha256(tc.mapping).slice(0, 12)}.lock`), { command: 'ssot tickets sync', waitMs: 30_000 });
  try {
    const mapping = await loadMapping(tc.mapping);
    const jira =
      opts.jira ??
      (await connectJira({
        baseUrl: jc.baseUrl,
        email: opts.credentials.email,
        token: opts.credentials.token,
        ...(opts.strictSchemas ? { strictSchemas: true } : {}),
        ...(opts.sleep ? { sleep: opts.sleep } : {}),
        onRetry: (what, waitMs) => log({ type: 'retry', what, waitMs }),
      }));

    // 2. Projects exist (a typo in a project key creates nothing).
    for (const p of new Set(work.filter((w) => !w.commentOnly).map((w) => w.project))) {
      if (!(await jira.projectExists(p))) {
        const fromNote = notes.find((n) => n.project === p);
        throw new InputError(
          ErrorCode.Input,
          `Jira has no project ${p} (or this account cannot see it)`,
          fromNote ? { file: fromNote.file, line: fromNote.projectLine ?? 1, path: 'project' } : { file: config.file, path: 'jira.project' },
          'check the project key in Jira (Project settings > Details)',
        );
      }
    }

    // 3. The story-points field, from the field list.
    let pointsField: string | undefined;
    if (work.some((w) => w.item.points !== undefined)) {
      pointsField = pickPointsField(await jira.getFields(), jc.storyPointsField);
      if (!pointsField) warn(`no story-points field found (looked for ${jc.storyPointsField ? `"${jc.storyPointsField}"` : '"Story Points" and "Story point estimate"'}); points are left out. Set jira.storyPointsField.`);
    }

    // 4. Keys: named in the note, tied in the mapping, or found by the tie label.
    const tiedKeys = keyIndex(mapping);
    const bySearch: Work[] = [];
    for (const w of work) {
      if (w.item.key) w.key = w.item.key;
      else {
        const m = mapping.items[w.item.id];
        if (m) {
          w.key = m.key;
          w.link = 'mapping';
        } else bySearch.push(w);
      }
    }
    if (bySearch.length) {
      const found = new Map<string, JiraIssue>();
      const perProject = groupBy(bySearch, (w) => w.project);
      for (const [project, ws] of perProject) {
        for (const chunk of chunks(ws, 50)) {
          const labels = chunk.map((w) => tieLabel(w.item.id));
          const issues = await jira.search(`project = "${project}" AND labels in (${labels.map((l) => `"${l}"`).join(', ')}) ORDER BY created ASC`, pointsField);
          for (const is of issues) for (const l of is.labels) if (l.startsWith('ssot-') && !found.has(l)) found.set(l, is);
        }
      }
      for (const w of bySearch) {
        const hit = found.get(tieLabel(w.item.id));
        if (hit) {
          w.key = hit.key;
          w.issue = hit;
          w.link = 'label';
        } else if (w.item.pending?.at && now().getTime() - Date.parse(w.item.pending.at) < (opts.recoveryWaitMs ?? DEFAULT_RECOVERY_WAIT_MS)) {
          // A create may have reached Jira just before a crash, and search lags behind creates.
          w.blocked = 'waiting';
          w.plan.ops.push({
            kind: OpKind.Wait,
            detail: `a create was started at ${w.item.pending.at} and Jira's search does not show it yet; run again in a minute (nothing is created twice)`,
          });
        } else w.create = true;
      }
    }

    // A key several notes name: the newest note (last by path; session notes are dated) sets its
    // fields, so two notes never pull an issue back and forth. Done and comments still count from each.
    const supersededBy = new Map<Work, string>();
    const lastByKey = new Map<string, Work>();
    for (const w of work) if (w.key && !w.commentOnly) lastByKey.set(w.key, w);
    for (const w of work) {
      const last = w.key && !w.commentOnly ? lastByKey.get(w.key) : undefined;
      if (last && last !== w) supersededBy.set(w, last.note.rel);
    }

    // 5. Read each keyed issue and compare.
    for (const w of work) {
      if (!w.key || w.blocked) continue;
      const issue = w.issue ?? (await jira.getIssue(w.key, pointsField));
      if (!issue) {
        w.blocked = 'conflict';
        w.plan.ops.push({ kind: OpKind.Conflict, detail: `${w.key} does not exist in Jira (or this account cannot see it); not touched` });
        continue;
      }
      w.issue = issue;
      if (w.commentOnly) continue;
      const tiedId = tiedKeys.get(w.key);
      const tied = w.link !== undefined || (tiedId !== undefined && mapping.items[tiedId]?.note === w.note.rel);
      if (!tied && !titlesMatch(w.item.title, issue.summary)) {
        w.blocked = 'conflict';
        w.plan.ops.push({ kind: OpKind.Conflict, detail: `Jira's summary of ${w.key} is "${issue.summary}", the note says "${w.item.title}"; not touched (fix the key or the title)` });
        continue;
      }
      if (w.link) w.plan.key = w.key;
      if (w.link) w.plan.ops.push({ kind: OpKind.Link, detail: `write ${w.key} back into the note (found by ${w.link === 'label' ? `label ${tieLabel(w.item.id)}` : 'mapping/jira.json'})` });
      const u: NonNullable<Work['update']> = {};
      if (tied && normalizeTitle(issue.summary) !== normalizeTitle(w.item.title)) u.summary = w.item.title;
      const desc = describe(w.item);
      if (desc && adfText(desc) !== adfText(issue.description)) u.description = desc;
      if (w.item.due && w.item.due !== issue.duedate) u.duedate = w.item.due;
      if (pointsField && w.item.points !== undefined && w.item.points !== issue.points) u.points = w.item.points;
      const missing = w.item.labels.filter((l) => !issue.labels.includes(l));
      if (missing.length) u.addLabels = missing;
      if (Object.keys(u).length && !supersededBy.has(w)) {
        w.update = u;
        w.plan.ops.push({ kind: OpKind.Update, detail: describeUpdate(u, issue) });
      }
      // Only one of the works naming a key moves it (the others see the same Jira state).
      if (w.item.done && issue.statusCategory !== 'done' && !work.some((o) => o !== w && o.key === w.key && o.transition)) {
        w.transition = true;
        w.plan.ops.push({ kind: OpKind.Transition, detail: `${issue.statusName} -> a status of the Done category` });
      }
    }

    // 6. Creates.
    for (const w of work) {
      if (!w.create) continue;
      const bits = [
        w.item.points !== undefined && pointsField ? `${w.item.points} ${w.item.points === 1 ? 'point' : 'points'}` : '',
        w.item.due ? `due ${w.item.due}` : '',
        `label ${tieLabel(w.item.id)}`,
        w.item.labels.length ? `labels ${w.item.labels.join(', ')}` : '',
      ].filter(Boolean);
      w.plan.ops.push({ kind: OpKind.Create, detail: `${w.item.section === SectionKind.Completed ? 'new issue, then Done' : 'new issue'} in ${w.project}: "${w.item.title}" (${bits.join(', ')})` });
      if (w.item.done) {
        w.transition = true;
        w.plan.ops.push({ kind: OpKind.Transition, detail: 'new -> a status of the Done category' });
      }
    }

    // 7. Comments: added unless Jira already has one with the same text.
    for (const w of work) {
      if (w.blocked || !w.comments.length) continue;
      const existing = w.create ? [] : (await jira.getCommentTexts(w.key!)).map(commentKey);
      w.comments = unique(w.comments).filter((t) => !existing.includes(commentKey(t)));
      for (const t of w.comments) w.plan.ops.push({ kind: OpKind.Comment, detail: `"${t.length > 70 ? t.slice(0, 67) + '...' : t}"` });
    }

    const planItems = work.map((w) => w.plan).filter((p) => p.ops.length);
    const creates = work.filter((w) => w.create).length;
    const writes = planItems.reduce((n, p) => n + p.ops.filter((o) => o.kind !== OpKind.Conflict && o.kind !== OpKind.Wait).length, 0);
    const plan: TicketsPlan = { items: planItems, creates, writes, warnings };
    log({ type: 'plan', plan });

    const outcomes: ItemOutcome[] = [];
    const outcomeOf = (w: Work, status: ItemOutcome['status'], message?: string): ItemOutcome => ({
      note: w.note.rel,
      line: w.item.line,
      title: w.item.title,
      ...(w.key ? { key: w.key } : {}),
      status,
      ...(message ? { message } : {}),
    });
    const finalCode = (): ExitCode => {
      if (outcomes.some((o) => o.status === 'conflict')) return ExitCode.CONFLICT;
      if (outcomes.some((o) => o.status === 'failed' || o.status === 'waiting')) return ExitCode.FAILURE;
      return ExitCode.OK;
    };

    if (opts.dryRun) {
      for (const w of work) {
        if (w.blocked) outcomes.push(outcomeOf(w, w.blocked === 'conflict' ? 'conflict' : 'waiting', w.plan.ops[0]?.detail));
        else outcomes.push(outcomeOf(w, w.plan.ops.length ? 'planned' : 'unchanged'));
      }
      return { plan, outcomes, exitCode: finalCode(), created: [] };
    }

    if (creates > tc.confirmAbove && !opts.yes) {
      const ok = opts.confirm ? await opts.confirm(plan) : undefined;
      if (ok === undefined) {
        throw new UsageError(`${creates} issues to create, more than tickets.confirmAbove (${tc.confirmAbove}); nothing was changed`, 'check the plan with --dry-run, then pass --yes');
      }
      if (!ok) throw new UsageError('not confirmed; nothing was changed');
    }

    // 8. Apply, item by item.
    const created: string[] = [];
    const files = new Map<string, NoteFile>();
    const fileOf = (n: ParsedNote): NoteFile => {
      let f = files.get(n.file);
      if (!f) files.set(n.file, (f = new NoteFile(n.file, n.text)));
      return f;
    };
    const applied = (w: Work, op: PlanOp): void => log({ type: 'applied', item: w.plan, op, ...(w.key ? { key: w.key } : {}) });
    for (const w of work) {
      if (w.blocked) {
        outcomes.push(outcomeOf(w, w.blocked === 'conflict' ? 'conflict' : 'waiting', w.plan.ops.find((o) => o.kind === OpKind.Conflict || o.kind === OpKind.Wait)?.detail));
        continue;
      }
      if (!w.plan.ops.length) {
        outcomes.push(outcomeOf(w, 'unchanged'));
        continue;
      }
      try {
        const nf = fileOf(w.note);
        if (w.create) {
          const at = w.item.pending?.at ?? now().toISOString().replace(/\.\d+Z$/, 'Z');
          if (!w.item.pending) await nf.editLine(w.item.line, (l) => withMarker(l, w.item.id, at));
          const desc = describe(w.item);
          const res = await jira
            .createIssue({
              project: w.project,
              issueType: jc.issueType,
              summary: w.item.title,
              labels: [tieLabel(w.item.id), ...w.item.labels.filter((l) => l !== tieLabel(w.item.id))],
              ...(desc ? { description: desc } : {}),
              ...(w.item.due ? { duedate: w.item.due } : {}),
              ...(pointsField && w.item.points !== undefined ? { points: { field: pointsField, value: w.item.points } } : {}),
            })
            .catch(async (e: unknown) => {
              // Jira refused it for sure (4xx but 429): the marker goes, so the next run does not wait.
              if (!w.item.pending && refused(e)) await nf.editLine(w.item.line, withoutMarker).catch(() => undefined);
              throw e;
            });
          w.key = res.key;
          created.push(res.key);
          mapping.items[w.item.id] = { key: res.key, note: w.note.rel, title: w.item.title };
          await saveMapping(tc.mapping, mapping);
          await nf.editLine(w.item.line, (l) => withKey(l, res.key));
          applied(w, w.plan.ops.find((o) => o.kind === OpKind.Create)!);
        } else if (w.link) {
          mapping.items[w.item.id] = { key: w.key!, note: w.note.rel, title: w.item.title };
          await saveMapping(tc.mapping, mapping);
          await nf.editLine(w.item.line, (l) => withKey(l, w.key!));
          applied(w, w.plan.ops.find((o) => o.kind === OpKind.Link)!);
        }
        const key = w.key!;
        if (w.update) {
          await jira.editIssue(key, {
            ...(w.update.summary !== undefined ? { summary: w.update.summary } : {}),
            ...(w.update.description ? { description: w.update.description } : {}),
            ...(w.update.duedate ? { duedate: w.update.duedate } : {}),
            ...(w.update.points !== undefined && pointsField ? { points: { field: pointsField, value: w.update.points } } : {}),
            ...(w.update.addLabels ? { addLabels: w.update.addLabels } : {}),
          });
          applied(w, w.plan.ops.find((o) => o.kind === OpKind.Update)!);
        }
        if (w.transition) {
          await transitionToDone(jira, key, w.issue?.statusName);
          applied(w, w.plan.ops.find((o) => o.kind === OpKind.Transition)!);
        }
        for (const [i, t] of w.comments.entries()) {
          await jira.addComment(key, commentDoc(t));
          applied(w, w.plan.ops.filter((o) => o.kind === OpKind.Comment)[i]!);
        }
        outcomes.push(outcomeOf(w, 'done'));
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        log({ type: 'failed', item: w.plan, message });
        outcomes.push(outcomeOf(w, e instanceof SsotError && e.exitCode === ExitCode.CONFLICT ? 'conflict' : 'failed', message));
      }
    }
    return { plan, outcomes, exitCode: finalCode(), created };
  } finally {
    await lock?.release();
  }
}

/** Front matter `tickets:` without parsing the rest (the watcher skips notes not marked ready). */
export function readiness(text: string): string | undefined {
  if (!/^---\r?\n/.test(text)) return undefined;
  try {
    const t = (matter(text, {}).data as Record<string, unknown>)['tickets'];
    return t === true ? 'ready' : typeof t === 'string' ? t : undefined;
  } catch {
    return undefined;
  }
}

/** jira.storyPointsField (an id or a name), else "Story Points", else "Story point estimate". */
export function pickPointsField(fields: readonly JiraField[], configured?: string): string | undefined {
  if (configured) return fields.find((f) => f.id === configured || f.name.toLowerCase() === configured.toLowerCase())?.id;
  for (const name of ['story points', 'story point estimate']) {
    const f = fields.find((x) => x.name.toLowerCase() === name);
    if (f) return f.id;
  }
  return undefined;
}

/**
 * To a status of the Done category: directly when offered, else step by step,
 * each step to a status not visited yet, preferring "in progress" statuses
 * (on the usual workflows that is the shortest way to Done).
 */
export async function transitionToDone(jira: JiraApi, key: string, from?: string, maxSteps = 6): Promise<void> {
  const visited = new Set<string>(from ? [from] : []);
  for (let step = 0; step < maxSteps; step++) {
    const ts = await jira.getTransitions(key);
    const done = ts.find((t) => t.toCategory === 'done');
    if (done) {
      await jira.doTransition(key, done.id);
      return;
    }
    const next = ts
      .filter((t) => !visited.has(t.toName))
      .sort((a, b) => rank(a.toCategory) - rank(b.toCategory))[0];
    if (!next) break;
    visited.add(next.toName);
    await jira.doTransition(key, next.id);
  }
  throw new SsotError(ErrorCode.Remote, `${key}: no way to a status of the Done category from its workflow`, {
    hint: 'check the workflow in Jira; the issue was not closed',
  });
}

function refused(e: unknown): boolean {
  if (e instanceof CredentialError) return true;
  return e instanceof RemoteError && e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 429;
}

function rank(category: string): number {
  return category === 'indeterminate' ? 0 : category === 'new' ? 2 : 1;
}

function describe(item: NoteItem): AdfDoc | undefined {
  // A key named in Completed: the bullets record what was done, not the issue's description.
  if (item.section === SectionKind.Completed && item.key) return undefined;
  return item.description.length ? doc(item.description) : undefined;
}

export function commentDoc(text: string): AdfDoc {
  return doc([paragraph(text) as AdfNode]);
}

function commentKey(t: string): string {
  return t.replace(/\s+/g, ' ').trim();
}

function describeUpdate(u: NonNullable<Work['update']>, issue: JiraIssue): string {
  const parts: string[] = [];
  if (u.summary !== undefined) parts.push(`summary "${issue.summary}" -> "${u.summary}"`);
  if (u.points !== undefined) parts.push(`points ${issue.points ?? '-'} -> ${u.points}`);
  if (u.duedate) parts.push(`due ${issue.duedate ?? '-'} -> ${u.duedate}`);
  if (u.description) parts.push('description');
  if (u.addLabels) parts.push(`labels +${u.addLabels.join(' +')}`);
  return parts.join(', ');
}

function groupBy<T>(xs: readonly T[], f: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = f(x);
    const arr = m.get(k);
    if (arr) arr.push(x);
    else m.set(k, [x]);
  }
  return m;
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

export type { JiraMapping };
