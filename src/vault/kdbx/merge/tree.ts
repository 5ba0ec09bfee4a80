/** The target rebuilt from the merge's decisions: its tree, history limits and attachment pool. */
import * as kdbxweb from '../kdbxweb.js';
import { sortHistory } from '../canonical.js';
import { entrySize } from '../entry-state.js';
import type { Pairs } from './pairs.js';
import { must } from '../../../core/must.js';

/** The surviving items under their resolved parents, in listing order; returns the root. */
export function rebuildTree(T: kdbxweb.Kdbx, pairs: Pairs): kdbxweb.KdbxGroup {
  const { groups, entries } = pairs;
  const aliveGroup = (id: string): kdbxweb.KdbxGroup | undefined => {
    const p = groups.get(id);
    return p?.alive ? p.obj : undefined;
  };
  for (const p of groups.values()) {
    if (!p.alive) continue;
    const g = must(p.obj, `the merged group ${p.uuid}`);
    g.groups = [];
    g.entries = [];
  }
  for (const id of pairs.order) {
    const gp = groups.get(id);
    const p = gp ?? must(entries.get(id), `the pair of listed item ${id}`);
    if (!p.alive || p.parent === null || p.parent === undefined) continue;
    // A group with a surviving child survives (decideDeletions), so the parent is alive.
    const parent = must(aliveGroup(p.parent), `the surviving parent group ${p.parent}`);
    const obj = must(p.obj, `the merged item ${id}`);
    obj.parentGroup = parent;
    obj.times.locationChanged = p.locationChanged;
    obj.previousParentGroup = p.previousParentGroup;
    if (gp) {
      const g = obj as kdbxweb.KdbxGroup;
      if (!parent.groups.includes(g)) parent.groups.push(g);
    } else {
      const e = obj as kdbxweb.KdbxEntry;
      if (!parent.entries.includes(e)) parent.entries.push(e);
    }
  }
  const root = must(groups.get(pairs.rootId)?.obj, 'the merged root group');
  root.parentGroup = undefined;
  T.groups = [root];
  return root;
}

/** History limits (rule 2): only where histories were united. */
export function trimUnitedHistories(pairs: Pairs, meta: kdbxweb.KdbxMeta): void {
  for (const p of pairs.entries.values()) {
    if (p.alive && p.t && p.s) trimHistory(must(p.obj, `the merged entry ${p.uuid}`), meta);
  }
}

/** KeePass's limits: at most historyMaxItems items, at most historyMaxSize bytes in all; newest kept. -1: no limit. */
function trimHistory(e: kdbxweb.KdbxEntry, meta: kdbxweb.KdbxMeta): void {
  let h = sortHistory(e.history);
  const maxItems = meta.historyMaxItems;
  if (typeof maxItems === 'number' && maxItems >= 0 && h.length > maxItems) h = h.slice(h.length - maxItems);
  const maxSize = meta.historyMaxSize;
  if (typeof maxSize === 'number' && maxSize >= 0) {
    let total = 0;
    let keepFrom = h.length;
    for (const [i, item] of [...h.entries()].reverse()) {
      total += entrySize(item);
      if (total > maxSize) break;
      keepFrom = i;
    }
    h = h.slice(keepFrom);
  }
  e.history = h;
}

/** Every binary the result refers to is in the target's pool, and no other. */
export function poolBinaries(T: kdbxweb.Kdbx, root: kdbxweb.KdbxGroup): void {
  const addBinaries = (e: kdbxweb.KdbxEntry): void => {
    for (const b of e.binaries.values()) if (kdbxweb.KdbxBinaries.isKdbxBinaryWithHash(b)) T.binaries.addWithHash(b);
  };
  for (const e of root.allEntries()) {
    addBinaries(e);
    for (const h of e.history) addBinaries(h);
  }
  T.cleanup({ binaries: true });
}
