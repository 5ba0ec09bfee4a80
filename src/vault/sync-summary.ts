/** What a sync says of its work: the merge summary over every fold, and each location's commit message. */
import type { ItemCounts, MergeSummary, VaultDb } from './codec.js';

/** Merge summaries of several folds, as one. */
export function sumReports(a: MergeSummary | undefined, b: MergeSummary): MergeSummary {
  if (!a) return b;
  return {
    changed: a.changed || b.changed,
    added: a.added + b.added,
    updated: a.updated + b.updated,
    deleted: a.deleted + b.deleted,
    moved: a.moved + b.moved,
    conflicts: [...a.conflicts, ...b.conflicts],
  };
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function describe(c: ItemCounts, one: string, many: string): string[] {
  const verbs: (keyof ItemCounts)[] = ['added', 'updated', 'deleted', 'moved'];
  return verbs.filter((v) => c[v] > 0).map((v) => `${plural(c[v], one, many)} ${v}`);
}

/**
 * A commit message for a location that held `before` and now holds `after`:
 * counts only, never a value or an entry title.
 */
export function commitMessage(vault: string, after: VaultDb, before: VaultDb | 'created' | undefined, conflicts: number): string {
  const s = after.summary();
  const total = `(${plural(s.entries, 'entry', 'entries')}, ${plural(s.groups, 'group', 'groups')})`;
  if (before === 'created') return `ssot: ${vault}: created ${total}`;
  const c = before && after.changesSince ? after.changesSince(before) : undefined;
  const parts = c ? [...describe(c.entries, 'entry', 'entries'), ...describe(c.groups, 'group', 'groups')] : ['updated'];
  if (parts.length === 0) parts.push('no entry or group changed');
  if (conflicts > 0) parts.push(plural(conflicts, 'conflict', 'conflicts'));
  return `ssot: ${vault}: ${parts.join(', ')} ${total}`;
}
