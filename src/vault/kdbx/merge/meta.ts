/**
 * Rule 6 for the database's own settings: each setting from the side that
 * changed it last; custom data and custom icons key by key, nothing dropped.
 * The private fields are set directly: kdbxweb's setters would record an edit
 * state that ssot does not use.
 */
import type * as kdbxweb from '../kdbxweb.js';
import { secOr0 } from '../canonical.js';
import { sha256Hex } from '../../../core/hash.js';
import { cmp } from './pairs.js';

export function mergeMeta(t: kdbxweb.KdbxMeta, src: kdbxweb.KdbxMeta): void {
  mergeDatedSettings(t, src);
  mergeSettings(t, src);
  mergeCustomData(t, src);
  mergeCustomIcons(t, src);
}

/** The newer of two dated values; on a tie, the larger value (deterministic). */
function newer<V>(a: { v: V; at: Date | undefined }, b: { v: V; at: Date | undefined }, key: (v: V) => string): 'a' | 'b' {
  const ta = secOr0(a.at);
  const tb = secOr0(b.at);
  if (ta !== tb) return ta > tb ? 'a' : 'b';
  return cmp(key(a.v), key(b.v)) >= 0 ? 'a' : 'b';
}

const s = (v: unknown): string => JSON.stringify(v ?? null);

/** Settings with their own change time: name, description, default user, recycle bin, templates group. */
function mergeDatedSettings(t: kdbxweb.KdbxMeta, src: kdbxweb.KdbxMeta): void {
  if (newer({ v: t._name, at: t.nameChanged }, { v: src._name, at: src.nameChanged }, s) === 'b') {
    t._name = src._name;
    t.nameChanged = src.nameChanged;
  }
  if (newer({ v: t._desc, at: t.descChanged }, { v: src._desc, at: src.descChanged }, s) === 'b') {
    t._desc = src._desc;
    t.descChanged = src.descChanged;
  }
  if (newer({ v: t._defaultUser, at: t.defaultUserChanged }, { v: src._defaultUser, at: src.defaultUserChanged }, s) === 'b') {
    t._defaultUser = src._defaultUser;
    t.defaultUserChanged = src.defaultUserChanged;
  }
  const bin = (m: kdbxweb.KdbxMeta): [boolean | undefined, string | undefined] => [m._recycleBinEnabled, m._recycleBinUuid?.id];
  if (newer({ v: bin(t), at: t.recycleBinChanged }, { v: bin(src), at: src.recycleBinChanged }, s) === 'b') {
    t._recycleBinEnabled = src._recycleBinEnabled;
    t._recycleBinUuid = src._recycleBinUuid;
    t.recycleBinChanged = src.recycleBinChanged;
  }
  if (
    newer(
      { v: t._entryTemplatesGroup?.id, at: t.entryTemplatesGroupChanged },
      { v: src._entryTemplatesGroup?.id, at: src.entryTemplatesGroupChanged },
      s,
    ) === 'b'
  ) {
    t._entryTemplatesGroup = src._entryTemplatesGroup;
    t.entryTemplatesGroupChanged = src.entryTemplatesGroupChanged;
  }
}

/**
 * History limits and other settings: the side whose settings changed last; on a tie the
 * larger limit (keeping more history never loses anything). -1 means no limit.
 */
function mergeSettings(t: kdbxweb.KdbxMeta, src: kdbxweb.KdbxMeta): void {
  const ts = secOr0(t.settingsChanged);
  const ss = secOr0(src.settingsChanged);
  const lim = (n: number | undefined): number => (n === undefined ? -2 : n < 0 ? Number.MAX_SAFE_INTEGER : n);
  const pickLimit = (a: number | undefined, b: number | undefined): number | undefined =>
    ts !== ss ? (ts > ss ? a : b) : lim(a) >= lim(b) ? a : b;
  t._historyMaxItems = pickLimit(t._historyMaxItems, src._historyMaxItems);
  t._historyMaxSize = pickLimit(t._historyMaxSize, src._historyMaxSize);
  if (ss > ts) {
    t._memoryProtection = { ...src._memoryProtection };
    t._color = src._color;
    t._mntncHistoryDays = src._mntncHistoryDays;
    t._keyChangeRec = src._keyChangeRec;
    t._keyChangeForce = src._keyChangeForce;
    t.settingsChanged = src.settingsChanged;
  }
}

/** Per key, the newer item; keys on one side only are kept. */
function mergeCustomData(t: kdbxweb.KdbxMeta, src: kdbxweb.KdbxMeta): void {
  for (const [k, sv] of src.customData) {
    const tv = t.customData.get(k);
    if (!tv || newer({ v: tv.value, at: tv.lastModified }, { v: sv.value, at: sv.lastModified }, s) === 'b') {
      t.customData.set(k, { ...sv });
    }
  }
}

/** Union; the same uuid with different images: the newer, else the larger image hash. */
function mergeCustomIcons(t: kdbxweb.KdbxMeta, src: kdbxweb.KdbxMeta): void {
  const iconKey = (i: kdbxweb.KdbxCustomIcon): string => sha256Hex(new Uint8Array(i.data)) + (i.name ?? '');
  for (const [id, si] of src.customIcons) {
    const ti = t.customIcons.get(id);
    if (!ti || newer({ v: ti, at: ti.lastModified }, { v: si, at: si.lastModified }, iconKey) === 'b') {
      t.customIcons.set(id, { ...si });
    }
  }
}
