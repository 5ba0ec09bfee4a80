import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { JiraConfig, TicketsConfig } from '../config/schema.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { acquireLock } from '../core/lock.js';
import { stateDir } from '../core/paths.js';
import { applyWork, plannedOutcome, type ApplyContext } from './apply.js';
import { compareWithJira } from './compare.js';
import { connectJira, type JiraApi } from './jira.js';
import { loadMapping } from './mapping.js';
import { shortHash } from '../core/hash.js';
import { listNotes, readNotes } from './notes/files.js';
import type { ParsedNote } from './notes/types.js';
import { OpKind, type ItemOutcome, type TicketsEvent, type TicketsPlan, type TicketsSyncResult } from './plan.js';
import { checkProjects, findPointsField, resolveKeys, supersededWork } from './resolve.js';
import { buildWork, checkSecrets, type Work } from './work.js';
import { NoteFile } from './writeback.js';

/**
 * Tickets sync: notes state the wanted end state of issues; Jira is read,
 * compared, and only the differences are planned. The plan is shown (or,
 * with dryRun, only shown), then applied item by item; one item's failure
 * does not stop the others. A re-run on an unchanged note plans nothing.
 */

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

function ticketsSettings(config: LoadedConfig): TicketsConfig {
  return config.tickets ?? { notes: path.resolve(config.dir, 'docs/session_notes'), mapping: path.resolve(config.dir, 'mapping/jira.json'), confirmAbove: 5 };
}

export async function syncTickets(config: LoadedConfig, opts: SyncTicketsOptions): Promise<TicketsSyncResult> {
  const jc = config.jira;
  if (!jc) throw new UsageError('the config has no "jira" section', 'add jira.baseUrl, jira.email, jira.token and jira.project (docs/jira-setup.md)');
  const tc = ticketsSettings(config);
  const log = opts.log ?? (() => undefined);
  const warnings: string[] = [];

  // 1. Read every note; any problem anywhere stops the run before a request.
  const files = opts.notes?.length ? opts.notes.map((n) => path.resolve(n)) : await listNotes(tc.notes);
  const notes = await readNotes(files, { base: config.dir, project: jc.project, ...(opts.readyOnly ? { readyOnly: true } : {}) });
  const readings = notes.map((n) => ({ note: n.rel, readings: n.readings }));
  log({ type: 'read', notes: readings });
  const work = buildWork(notes, jc.project);
  await checkSecrets(work, opts.secretCheck);
  if (!work.length) return { plan: { items: [], creates: 0, writes: 0, warnings }, outcomes: [], notes: readings, exitCode: ExitCode.OK, created: [] };

  const lock = opts.dryRun ? undefined : await acquireLock(path.join(stateDir(), 'locks', `tickets-${shortHash(tc.mapping, 12)}.lock`), { command: 'ssot tickets sync', waitMs: 30_000 });
  try {
    const jira = opts.jira ?? (await connect(jc, opts, log));
    const mapping = await loadMapping(tc.mapping);
    // 2. Projects, the points field, keys; 3. compare with Jira.
    await checkProjects(jira, work, notes, config);
    const warn = (message: string): void => {
      warnings.push(message);
      log({ type: 'warning', message });
    };
    const pointsField = await findPointsField(jira, work, jc.storyPointsField, warn);
    const now = (opts.now ?? (() => new Date()))();
    await resolveKeys(jira, work, { mapping, now, recoveryWaitMs: opts.recoveryWaitMs ?? DEFAULT_RECOVERY_WAIT_MS, ...(pointsField ? { pointsField } : {}) });
    await compareWithJira(jira, work, { mapping, superseded: supersededWork(work), ...(pointsField ? { pointsField } : {}) });
    const plan = planOf(work, warnings);
    log({ type: 'plan', plan });
    if (opts.dryRun) {
      const outcomes = work.map(plannedOutcome);
      return { plan, outcomes, notes: readings, exitCode: exitCodeOf(outcomes), created: [] };
    }
    await confirmCreates(plan, tc.confirmAbove, opts);
    // 4. Apply, item by item.
    const files = new Map<string, NoteFile>();
    const ctx: ApplyContext = {
      jira,
      mapping,
      mappingFile: tc.mapping,
      issueType: jc.issueType,
      ...(pointsField ? { pointsField } : {}),
      now: opts.now ?? (() => new Date()),
      log,
      created: [],
      file: (n: ParsedNote) => {
        let f = files.get(n.file);
        if (!f) {
          f = new NoteFile(n.file, n.text);
          files.set(n.file, f);
        }
        return f;
      },
    };
    const outcomes: ItemOutcome[] = [];
    for (const w of work) outcomes.push(await applyWork(w, ctx));
    return { plan, outcomes, notes: readings, exitCode: exitCodeOf(outcomes), created: ctx.created };
  } finally {
    await lock?.release();
  }
}

function connect(jc: JiraConfig, opts: SyncTicketsOptions, log: (e: TicketsEvent) => void): Promise<JiraApi> {
  return connectJira({
    baseUrl: jc.baseUrl,
    email: opts.credentials.email,
    token: opts.credentials.token,
    ...(opts.strictSchemas ? { strictSchemas: true } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
    onRetry: (what, waitMs) => log({ type: 'retry', what, waitMs }),
  });
}

function planOf(work: readonly Work[], warnings: string[]): TicketsPlan {
  const items = work.map((w) => w.plan).filter((p) => p.ops.length);
  const writes = items.reduce((n, p) => n + p.ops.filter((o) => o.kind !== OpKind.Conflict && o.kind !== OpKind.Wait).length, 0);
  return { items, creates: work.filter((w) => w.create).length, writes, warnings };
}

async function confirmCreates(plan: TicketsPlan, confirmAbove: number, opts: SyncTicketsOptions): Promise<void> {
  if (plan.creates <= confirmAbove || opts.yes) return;
  const ok = opts.confirm ? await opts.confirm(plan) : undefined;
  if (ok === undefined) {
    throw new UsageError(`${plan.creates} issues to create, more than tickets.confirmAbove (${confirmAbove}); nothing was changed`, 'check the plan with --dry-run, then pass --yes');
  }
  if (!ok) throw new UsageError('not confirmed; nothing was changed');
}

function exitCodeOf(outcomes: readonly ItemOutcome[]): ExitCode {
  if (outcomes.some((o) => o.status === 'conflict')) return ExitCode.CONFLICT;
  if (outcomes.some((o) => o.status === 'failed' || o.status === 'waiting')) return ExitCode.FAILURE;
  return ExitCode.OK;
}
