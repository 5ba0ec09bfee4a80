/**
 * What changed between two states of one database, in counts: what a Git
 * commit message says (never a value, never a title). Entries and groups in
 * the recycle bin count as deleted, as they look in KeePassXC. The states are
 * the item indexes made with the content digest (canonical.ts), so a state
 * can be counted from after its database was merged into another.
 */
import type { ItemIndex } from './canonical.js';

interface ItemCounts {
  added: number;
  updated: number;
  deleted: number;
  moved: number;
}

export interface ChangeCounts {
  entries: ItemCounts;
  groups: ItemCounts;
}

type Items = ItemIndex['entries'];

function count(before: Items, after: Items): ItemCounts {
  const c: ItemCounts = { added: 0, updated: 0, deleted: 0, moved: 0 };
  for (const [id, a] of after) {
    const b = before.get(id);
    if (!b) c.added++;
    else {
      if (b.key !== a.key) c.updated++;
      if (b.parent !== a.parent) c.moved++;
    }
  }
  for (const id of before.keys()) if (!after.has(id)) c.deleted++;
  return c;
}

export function changeCounts(before: ItemIndex, after: ItemIndex): ChangeCounts {
  return { entries: count(before.entries, after.entries), groups: count(before.groups, after.groups) };
}
