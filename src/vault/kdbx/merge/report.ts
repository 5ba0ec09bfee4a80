/** What a merge reports: counts relative to the target and same-second conflicts (never a value). */
import * as kdbxweb from '../kdbxweb.js';
import { allPairs, type Item, type Pairs } from './pairs.js';

interface MergeConflict {
  uuid: string;
  path: string;
  kept: 'target' | 'source';
}

export interface MergeReport {
  /** The target's content changed (its contentDigest differs from before). */
  changed: boolean;
  /** The target's contentDigest after the merge (so a caller need not compute it again). */
  digest?: string;
  added: number;
  updated: number;
  deleted: number;
  moved: number;
  conflicts: MergeConflict[];
}

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
