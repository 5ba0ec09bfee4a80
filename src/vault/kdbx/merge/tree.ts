/** The target rebuilt from the merge's decisions: its tree, history limits and attachment pool. */
import * as kdbxweb from '../kdbxweb.js';
import { sortHistory } from '../canonical.js';
import { entrySize } from '../entry-state.js';
import type { Pairs } from './pairs.js';

/** The surviving items under their resolved parents, in listing order; returns the root. */
export function rebuildTree(T: kdbxweb.Kdbx, pairs: Pairs): kdbxweb.KdbxGroup {
  const { groups, entries } = pairs;
  const aliveGroup = (id: string): kdbxweb.KdbxGroup | undefined => {
    const p = groups.get(id);
    return p?.alive ? p.obj : undefined;
  };
  for (const p of groups.values()) {
    if (!p.alive) continue;
    p.obj!.groups = [];
    p.obj!.entries = [];
  }
  for (const id of pairs.order) {
    const gp = groups.get(id);
    const p = gp ?? entries.get(id)!;
    if (!p.alive || p.parent === null || p.parent === undefined) continue;
    const parent = aliveGroup(p.parent)!;
    const obj = p.obj!;
    obj.parentGroup = parent;
    obj.times.locationChanged = p.locationChanged;
    obj.previousParentGroup = p.previousParentGroup;
    if (gp) {
      if (!parent.groups.includes(gp.obj!)) parent.groups.push(gp.obj!);
    } else {
      const e = obj as kdbxweb.KdbxEntry;
      if (!parent.entries.includes(e)) parent.entries.push(e);
    }
  }
  const root = groups.get(pairs.rootId)!.obj!;
  root.parentGroup = undefined;
  T.groups = [root];
  return root;
}

/** History limits (rule 2): only where histories were united. */
export function trimUnitedHistories(pairs: Pairs, meta: kdbxweb.KdbxMeta): void {
  for (const p of pairs.entries.values()) {
    if (p.alive && p.t && p.s) trimHistory(p.obj!, meta);
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
    for (let i = h.length - 1; i >= 0; i--) {
      total += entrySize(h[i]!);
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
