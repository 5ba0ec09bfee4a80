/** Rule 4: where an item lives is resolved apart from its content, by locationChanged. */
import type * as kdbxweb from '../kdbxweb.js';
import { secOr0 } from '../canonical.js';
import { cmp, type Item, type Pair, type Pairs } from './pairs.js';
import { must } from '../../../core/must.js';

/**
 * Every item's parent, then loops that moves on both sides made are broken.
 * Runs before content is resolved: resolving content overwrites the target's times.
 */
export function resolveLocations(pairs: Pairs): void {
  for (const p of pairs.groups.values()) resolveLocation(p);
  for (const p of pairs.entries.values()) resolveLocation(p);
  must(pairs.groups.get(pairs.rootId), 'the root group pair').parent = null;
  breakCycles(pairs.groups, pairs.rootId);
}

/** The side whose locationChanged is newer decides the parent; a tie goes to the larger parent uuid. */
function resolveLocation<T extends Item>(p: Pair<T>): void {
  const { t, s } = p;
  p.touched = Math.max(
    ...[t, s].filter((x) => x !== undefined).flatMap((x) => [secOr0(x.times.lastModTime), secOr0(x.times.locationChanged)]),
  );
  if (t && s && p.tParent !== undefined && p.sParent !== undefined) {
    const tl = secOr0(t.times.locationChanged);
    const sl = secOr0(s.times.locationChanged);
    const useT = tl !== sl ? tl > sl : cmp(p.tParent, p.sParent) >= 0;
    const [win, lose] = useT ? [t, s] : [s, t];
    p.parent = useT ? p.tParent : p.sParent;
    p.altParent = useT ? p.sParent : p.tParent;
    p.locationChanged = win.times.locationChanged ?? lose.times.locationChanged;
    p.previousParentGroup = win.previousParentGroup;
    return;
  }
  const one = must(t ?? s, `a side of pair ${p.uuid}`);
  p.parent = t ? (p.tParent ?? null) : (p.sParent ?? null);
  p.altParent = null;
  p.locationChanged = one.times.locationChanged;
  p.previousParentGroup = one.previousParentGroup;
}

/**
 * Moves on both sides can make a loop (A moved under B here, B under A there).
 * The group of the loop moved least recently goes back to its other parent, or
 * to the root: deterministic, so both merge orders agree.
 */
function breakCycles(groups: Map<string, Pair<kdbxweb.KdbxGroup>>, rootId: string): void {
  for (let guard = 0; guard <= groups.size; guard++) {
    const loop = findLoop(groups, rootId);
    if (!loop) return;
    const pairOf = (id: string): Pair<kdbxweb.KdbxGroup> => must(groups.get(id), `the pair of group ${id} in a loop`);
    loop.sort((a, b) => {
      const la = secOr0(pairOf(a).locationChanged);
      const lb = secOr0(pairOf(b).locationChanged);
      return la - lb || cmp(a, b);
    });
    const g = pairOf(must(loop[0], 'the first group of a loop'));
    g.parent = g.altParent && g.altParent !== g.parent ? g.altParent : rootId;
    g.altParent = rootId;
  }
}

/** The groups of the first loop found walking up from each group, or undefined. */
function findLoop(groups: Map<string, Pair<kdbxweb.KdbxGroup>>, rootId: string): string[] | undefined {
  for (const start of groups.keys()) {
    const seen: string[] = [];
    let id: string | null | undefined = start;
    while (id !== null && id !== undefined && id !== rootId && !seen.includes(id)) {
      seen.push(id);
      id = groups.get(id)?.parent;
    }
    if (id !== null && id !== undefined && id !== rootId) return seen.slice(seen.indexOf(id));
  }
  return undefined;
}
