import type { LoadedConfig } from '../config/load.js';
import { ErrorCode, InputError } from '../core/errors.js';
import { pickPointsField, type JiraApi, type JiraIssue } from './jira.js';
import type { JiraMapping } from './mapping.js';
import { tieLabel } from './match.js';
import type { ParsedNote } from './notes/types.js';
import { OpKind } from './plan.js';
import { chunks, groupBy, type Work } from './work.js';

/**
 * Before anything is compared: the projects exist (a typo in a project key
 * creates nothing), the story-points field is known, and every new item is
 * tied to its issue if it has one already (by mapping/jira.json, else by its
 * `ssot-` label), so that nothing is ever created twice.
 */

export async function checkProjects(jira: JiraApi, work: readonly Work[], notes: readonly ParsedNote[], config: LoadedConfig): Promise<void> {
  for (const p of new Set(work.filter((w) => !w.commentOnly).map((w) => w.project))) {
    if (await jira.projectExists(p)) continue;
    const fromNote = notes.find((n) => n.project === p);
    throw new InputError(
      ErrorCode.Input,
      `Jira has no project ${p} (or this account cannot see it)`,
      fromNote ? { file: fromNote.file, line: fromNote.projectLine ?? 1, path: 'project' } : { file: config.file, path: 'jira.project' },
      'check the project key in Jira (Project settings > Details)',
    );
  }
}

export async function findPointsField(jira: JiraApi, work: readonly Work[], configured: string | undefined, warn: (m: string) => void): Promise<string | undefined> {
  if (!work.some((w) => w.item.defines && w.item.points !== undefined)) return undefined;
  const field = pickPointsField(await jira.getFields(), configured);
  if (!field) {
    const looked = configured ? `"${configured}"` : '"Story Points" and "Story point estimate"';
    warn(`no story-points field found (looked for ${looked}); points are left out. Set jira.storyPointsField.`);
  }
  return field;
}

export interface ResolveOptions {
  mapping: JiraMapping;
  pointsField?: string;
  now: Date;
  recoveryWaitMs: number;
}

/** Keys: named in the note, tied in the mapping, or found by the tie label. */
export async function resolveKeys(jira: JiraApi, work: readonly Work[], o: ResolveOptions): Promise<void> {
  const bySearch: Work[] = [];
  for (const w of work) {
    const tied = o.mapping.items[w.item.id];
    if (w.item.key) w.key = w.item.key;
    else if (tied) {
      w.key = tied.key;
      w.link = 'mapping';
    } else bySearch.push(w);
  }
  if (!bySearch.length) return;
  const found = await searchLabels(jira, bySearch, o.pointsField);
  for (const w of bySearch) {
    const hit = found.get(tieLabel(w.item.id));
    const pendingAt = w.item.pending?.at;
    if (hit) {
      w.key = hit.key;
      w.issue = hit;
      w.link = 'label';
    } else if (pendingAt && o.now.getTime() - Date.parse(pendingAt) < o.recoveryWaitMs) {
      // A create may have reached Jira just before a crash, and search lags behind creates.
      w.blocked = 'waiting';
      w.plan.ops.push({
        kind: OpKind.Wait,
        detail: `a create was started at ${pendingAt} and Jira's search does not show it yet; run again in a minute (nothing is created twice)`,
      });
    } else w.create = true;
  }
}

async function searchLabels(jira: JiraApi, ws: readonly Work[], pointsField?: string): Promise<Map<string, JiraIssue>> {
  const found = new Map<string, JiraIssue>();
  for (const [project, group] of groupBy(ws, (w) => w.project)) {
    for (const chunk of chunks(group, 50)) {
      const labels = chunk.map((w) => `"${tieLabel(w.item.id)}"`).join(', ');
      const issues = await jira.search(`project = "${project}" AND labels in (${labels}) ORDER BY created ASC`, pointsField);
      for (const is of issues) for (const l of is.labels) if (l.startsWith('ssot-') && !found.has(l)) found.set(l, is);
    }
  }
  return found;
}

/**
 * A key several notes define: the newest note (last by path; session notes are dated) sets its
 * fields, so two notes never pull an issue back and forth. Status wishes and comments count from each.
 */
export function supersededWork(work: readonly Work[]): Set<Work> {
  const last = new Map<string, Work>();
  for (const w of work) if (w.key && w.item.defines) last.set(w.key, w);
  return new Set(work.filter((w) => w.key && w.item.defines && last.get(w.key) !== w));
}
