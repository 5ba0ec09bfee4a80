import type { ExitCode } from '../core/errors.js';
import type { Reading } from './notes/types.js';

/**
 * What a tickets sync plans and what came of it, in words people read:
 * every operation has a verb for the plan ("move to Done") and a past tense
 * for the outcome ("moved to Done").
 */

export const OpKind = {
  Create: 'create',
  Update: 'update',
  /** To a status of the Done category. */
  Transition: 'transition',
  /** To a status of the In Progress category, from one of To Do. */
  Progress: 'progress',
  Comment: 'comment',
  Link: 'link',
  Conflict: 'conflict',
  Wait: 'wait',
} as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

const VERBS: Record<OpKind, [plan: string, done: string]> = {
  create: ['create', 'created'],
  update: ['update', 'updated'],
  transition: ['move to Done', 'moved to Done'],
  progress: ['move to In Progress', 'moved to In Progress'],
  comment: ['comment', 'commented'],
  link: ['write the key back', 'key written back'],
  conflict: ['not touched', 'not touched'],
  wait: ['wait', 'waiting'],
};

/** "move to Done" (the plan) or "moved to Done" (what happened). */
export function verb(kind: OpKind, done = false): string {
  return VERBS[kind][done ? 1 : 0];
}

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

export type OutcomeStatus = 'changed' | 'unchanged' | 'conflict' | 'failed' | 'waiting' | 'planned';

export interface ItemOutcome {
  note: string;
  line: number;
  title: string;
  key?: string;
  status: OutcomeStatus;
  /** What was done (or, in a dry run, would be), one entry per kind: "created", "moved to Done". */
  did: string[];
  message?: string;
}

/** One word or phrase for an outcome: "created, moved to Done", "would update, comment", "unchanged". */
export function describeOutcome(o: ItemOutcome): string {
  if (o.status === 'planned') return `would ${o.did.join(', ')}`;
  if (o.status === 'changed') return o.did.join(', ');
  if (o.status === 'failed' && o.did.length) return `${o.did.join(', ')}; then failed`;
  return o.status;
}

export interface NoteReadings {
  note: string;
  readings: Reading[];
}

export interface TicketsSyncResult {
  plan: TicketsPlan;
  outcomes: ItemOutcome[];
  /** What each note was read as, line by line (what `--dry-run` shows). */
  notes: NoteReadings[];
  /** 0 done, 1 an item failed or waits, 3 a key whose summary does not match. */
  exitCode: ExitCode;
  created: string[];
}

export type TicketsEvent =
  | { type: 'read'; notes: NoteReadings[] }
  | { type: 'plan'; plan: TicketsPlan }
  | { type: 'applied'; item: PlanItem; op: PlanOp; key?: string }
  | { type: 'failed'; item: PlanItem; message: string }
  | { type: 'retry'; what: string; waitMs: number }
  | { type: 'warning'; message: string };
