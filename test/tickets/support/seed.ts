import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JiraStandIn } from '@ssot/standins/jira';

/**
 * The CHRONOS project as the real-style notes under fixtures/real/ find it
 * (fixtures/jira-seed.json, shared with bench/tickets.mjs): the summaries as
 * Jira holds them (the notes shorten and abbreviate them), statuses before the
 * notes are synced, story points where they were set.
 */
export const SEED = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'jira-seed.json'), 'utf8')) as { key: string; summary: string; status: string; points?: number }[];

export function seed(s: JiraStandIn): void {
  for (const i of SEED) s.addIssue({ key: i.key, summary: i.summary, status: i.status, ...(i.points !== undefined && s.pointsFieldId ? { custom: { [s.pointsFieldId]: i.points } } : {}) });
}
