/** The items of both sides of a merge, matched by UUID (rule 1), and what the merge decides for each. */
import type * as kdbxweb from '../kdbxweb.js';

export type Side = 't' | 's';
export type Item = kdbxweb.KdbxEntry | kdbxweb.KdbxGroup;

export interface Pair<T extends Item> {
  uuid: string;
  t?: T;
  s?: T;
  tParent?: string;
  sParent?: string;
  /** Results. */
  obj?: T;
  parent?: string | null;
  altParent?: string | null;
  locationChanged?: Date | undefined;
  previousParentGroup?: kdbxweb.KdbxUuid | undefined;
  /** Latest time anyone touched it (content or place), in seconds. */
  touched: number;
  alive: boolean;
}

export interface Pairs {
  groups: Map<string, Pair<kdbxweb.KdbxGroup>>;
  entries: Map<string, Pair<kdbxweb.KdbxEntry>>;
  /** The order children are listed in: the target's first, then the source's new ones. */
  order: string[];
  rootId: string;
}

/** Groups, then entries. */
export const allPairs = (pairs: Pairs): Pair<Item>[] => [...pairs.groups.values(), ...pairs.entries.values()];

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
