/** What a merge reports: counts relative to the target and same-second conflicts (never a value). */
import type { MergeSummary } from '../../codec.js';
import * as kdbxweb from '../kdbxweb.js';
import { allPairs, type Item, type Pairs } from './pairs.js';

/** The codec's merge summary, which this merge fills in for the sync engine. */
export type MergeReport = MergeSummary;

export const emptyReport = (): MergeReport => ({ changed: false, added: 0, updated: 0, deleted: 0, moved: 0, conflicts: [] });

/** Added, deleted and moved, relative to the target (updates are counted as content is resolved). */
export function countChanges(pairs: Pairs, report: MergeReport): void {
  for (const p of allPairs(pairs)) {
    if (!p.t && p.alive) report.added++;
    else if (p.t && !p.alive) report.deleted++;
    else if (p.t && p.alive && p.tParent !== undefined && p.parent !== p.tParent) report.moved++;
  }
}

/** Paths of conflicts are those of the result. */
export function nameConflicts(report: MergeReport, pairs: Pairs, root: kdbxweb.KdbxGroup): void {
  for (const c of report.conflicts) c.path = pathOf(pairs.groups.get(c.uuid)?.obj ?? pairs.entries.get(c.uuid)?.obj, root);
}

function pathOf(item: Item | undefined, root: kdbxweb.KdbxGroup): string {
  if (!item) return '';
  const parts: string[] = [];
  if (item instanceof kdbxweb.KdbxEntry) {
    const t = item.fields.get('Title');
    parts.push(t === undefined ? '' : t instanceof kdbxweb.ProtectedValue ? t.getText() : t);
  } else {
    parts.push(item.name ?? '');
  }
  for (let g = item.parentGroup; g && g !== root; g = g.parentGroup) parts.unshift(g.name ?? '');
  return parts.join('/');
}
