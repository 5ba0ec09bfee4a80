/**
 * Rule 5: a deletion applies only if the item was not modified after it; a
 * deleted group goes only if nothing under it survives; survivors lose their
 * tombstone. Tombstones of both sides are united, the earliest time kept.
 */
import * as kdbxweb from '../kdbxweb.js';
import { secOr0 } from '../canonical.js';
import { allPairs, cmp, type Pairs } from './pairs.js';
import { must } from '../../../core/must.js';

export type Tombstones = Map<string, Date>;

export function unionTombstones(a: kdbxweb.KdbxDeletedObject[], b: kdbxweb.KdbxDeletedObject[]): Tombstones {
  const out: Tombstones = new Map();
  for (const d of [...a, ...b]) {
    if (!d.uuid || !d.deletionTime) continue;
    const id = d.uuid.id;
    const prev = out.get(id);
    if (!prev || d.deletionTime.getTime() < prev.getTime()) out.set(id, d.deletionTime);
  }
  return out;
}

/** Sets `alive` on every pair: entries by their own tombstone, groups also by what survives under them. */
export function decideDeletions(pairs: Pairs, tombstones: Tombstones): void {
  for (const p of pairs.entries.values()) {
    const del = tombstones.get(p.uuid);
    p.alive = !(del !== undefined && p.touched <= secOr0(del));
  }
  const children = childrenOf(pairs);
  const decideGroup = (id: string): boolean => {
    const p = must(pairs.groups.get(id), `the pair of group ${id}`);
    let anyChild = false;
    for (const c of children.get(id) ?? []) {
      const alive = pairs.groups.has(c) ? decideGroup(c) : must(pairs.entries.get(c), `the pair of entry ${c}`).alive;
      anyChild ||= alive;
    }
    const del = tombstones.get(id);
    p.alive = id === pairs.rootId || anyChild || !(del !== undefined && p.touched <= secOr0(del));
    return p.alive;
  };
  decideGroup(pairs.rootId);
}

/** Each group's children in the result, in listing order. */
function childrenOf(pairs: Pairs): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const id of pairs.order) {
    const p = pairs.groups.get(id) ?? must(pairs.entries.get(id), `the pair of listed item ${id}`);
    if (p.parent === null || p.parent === undefined) continue;
    const list = children.get(p.parent) ?? [];
    if (!list.includes(id)) list.push(id);
    children.set(p.parent, list);
  }
  return children;
}

/** The result's tombstones: the union, sorted by uuid, none for an item that survives. */
export function survivingTombstones(pairs: Pairs, tombstones: Tombstones): kdbxweb.KdbxDeletedObject[] {
  const alive = new Set<string>();
  for (const p of allPairs(pairs)) if (p.alive) alive.add(p.uuid);
  return [...tombstones]
    .filter(([id]) => !alive.has(id))
    .sort(([a], [b]) => cmp(a, b))
    .map(([id, time]) => {
      const d = new kdbxweb.KdbxDeletedObject();
      d.uuid = new kdbxweb.KdbxUuid(id);
      d.deletionTime = time;
      return d;
    });
}
