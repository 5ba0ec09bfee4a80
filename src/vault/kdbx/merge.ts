/**
 * ssot's merge of two copies of one KeePass database (docs/merge.md).
 *
 * Not kdbxweb's Kdbx.merge: it lets a deletion beat a later edit, drops a
 * same-second edit and the other side's entry customData (research/vault.md
 * §1.4, §3.4). Not KeePassXC's either: it never applies deletions. The rules
 * (DESIGN.md "Merge rules"):
 *  1. entries and groups are matched by UUID anywhere in the tree;
 *  2. the newer modification wins, the other state goes into history; histories
 *     are united without duplicates and trimmed by the database's limits;
 *  3. same second, different content: the state with the larger content hash
 *     wins (the same on every machine), the other goes into history, reported;
 *  4. location is resolved apart from content, by locationChanged;
 *  5. a deletion applies only if the item was not modified after it; a deleted
 *     group goes only if nothing under it survives; survivors lose their tombstone;
 *  6. nothing is dropped (custom data, attachments, tags, auto-type, icons);
 *  7. different root groups: an error;
 *  8. merge(A, B) and merge(B, A) have the same contentDigest.
 *
 * Every decision below is a function of the two sides' data only (never of which
 * side is the target), which is what makes rule 8 hold.
 */
import * as kdbxweb from './kdbxweb.js';
import { ConfigError, ConflictError, ErrorCode } from '../../core/errors.js';
import {
  databaseDigest,
  entryContentKey,
  entryStateKey,
  groupContentKey,
  sec,
  secOr0,
  sha256Hex,
  sortHistory,
} from './canonical.js';
import { rawKdbx, retire, type VaultDatabase } from './database.js';
import { copyEntryState, copyGroupState, entrySize, snapshot } from './entry-state.js';

export interface MergeConflict {
  uuid: string;
  path: string;
  kept: 'target' | 'source';
}

export interface MergeReport {
  /** The target's content changed (its contentDigest differs from before). */
  changed: boolean;
  added: number;
  updated: number;
  deleted: number;
  moved: number;
  conflicts: MergeConflict[];
}

type Side = 't' | 's';
type Item = kdbxweb.KdbxEntry | kdbxweb.KdbxGroup;

interface Pair<T extends Item> {
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

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class NotSameDatabaseError extends ConfigError {
  constructor(target: string, source: string) {
    super(
      ErrorCode.NotSameDatabase,
      `${source} and ${target} are not copies of the same database (their root groups differ); refusing to merge them`,
      {
        hint: 'restore the wrong copy from a good one (`ssot vault restore NAME --from ...`), or delete that copy so the next sync recreates it from the primary',
      },
    );
  }
}

export function mergeDatabases(target: VaultDatabase, source: VaultDatabase): MergeReport {
  const T = rawKdbx(target);
  const S = rawKdbx(source);
  const report: MergeReport = { changed: false, added: 0, updated: 0, deleted: 0, moved: 0, conflicts: [] };
  if (T === S) return report;
  const tRoot = T.getDefaultGroup();
  const sRoot = S.getDefaultGroup();
  if (!tRoot.uuid.equals(sRoot.uuid)) throw new NotSameDatabaseError(target.source, source.source);

  const before = databaseDigest(T);
  const groups = new Map<string, Pair<kdbxweb.KdbxGroup>>();
  const entries = new Map<string, Pair<kdbxweb.KdbxEntry>>();
  // The order children are listed in: the target's first, then the source's new ones.
  const order: string[] = [];

  const index = (root: kdbxweb.KdbxGroup, side: Side): void => {
    // A uuid twice in one file (a damaged file) has no single right answer: refuse rather than drop one.
    const duplicate = (uuid: string): never => {
      throw new ConflictError(`${side === 't' ? target.source : source.source} holds the item ${uuid} twice; not merging it`, {
        hint: 'open the file in KeePassXC (it repairs duplicate UUIDs when it loads and saves the database), then sync again',
      });
    };
    const walk = (g: kdbxweb.KdbxGroup, parent: string | undefined): void => {
      const gp = pairOf(groups, g.uuid.id);
      if (gp[side] !== undefined) duplicate(g.uuid.id);
      gp[side] = g;
      if (parent !== undefined) gp[`${side}Parent`] = parent;
      order.push(g.uuid.id);
      for (const e of g.entries) {
        const ep = pairOf(entries, e.uuid.id);
        if (ep[side] !== undefined || groups.get(e.uuid.id)?.[side] !== undefined) duplicate(e.uuid.id);
        ep[side] = e;
        ep[`${side}Parent`] = g.uuid.id;
        order.push(e.uuid.id);
      }
      for (const c of g.groups) walk(c, g.uuid.id);
    };
    walk(root, undefined);
  };
  index(tRoot, 't');
  index(sRoot, 's');
  for (const id of entries.keys()) {
    if (groups.has(id)) {
      throw new ConflictError(`${id} is an entry in one of ${target.source} and ${source.source} and a group in the other; not merging them`);
    }
  }

  const tombstones = unionTombstones(T.deletedObjects, S.deletedObjects);

  // ---- content (rules 2, 3) ----
  // Location first: resolving content overwrites the target's times.
  for (const p of groups.values()) resolveLocation(p);
  for (const p of entries.values()) resolveLocation(p);
  for (const p of groups.values()) resolveGroup(p, report);
  for (const p of entries.values()) resolveEntry(p, report);
  const rootId = tRoot.uuid.id;
  groups.get(rootId)!.parent = null;
  breakCycles(groups, rootId);

  // ---- deletions (rule 5) ----
  for (const p of entries.values()) {
    const del = tombstones.get(p.uuid);
    p.alive = !(del !== undefined && p.touched <= secOr0(del));
  }
  const children = new Map<string, string[]>();
  for (const id of order) {
    const p = groups.get(id) ?? entries.get(id)!;
    if (p.parent === null || p.parent === undefined) continue;
    const list = children.get(p.parent) ?? [];
    if (!list.includes(id)) list.push(id);
    children.set(p.parent, list);
  }
  const decideGroup = (id: string): boolean => {
    const p = groups.get(id)!;
    let anyChild = false;
    for (const c of children.get(id) ?? []) {
      const alive = groups.has(c) ? decideGroup(c) : entries.get(c)!.alive;
      anyChild ||= alive;
    }
    const del = tombstones.get(id);
    p.alive = id === rootId || anyChild || !(del !== undefined && p.touched <= secOr0(del));
    return p.alive;
  };
  decideGroup(rootId);

  // ---- meta (rule 6), before the tree so that icons and history limits are known ----
  mergeMeta(T.meta, S.meta);

  // ---- counts relative to the target ----
  for (const p of [...groups.values(), ...entries.values()]) {
    if (!p.t && p.alive) report.added++;
    else if (p.t && !p.alive) report.deleted++;
    else if (p.t && p.alive && p.tParent !== undefined && p.parent !== p.tParent) report.moved++;
  }

  // ---- rebuild the target's tree ----
  const aliveGroup = (id: string): kdbxweb.KdbxGroup | undefined => {
    const p = groups.get(id);
    return p?.alive ? p.obj : undefined;
  };
  for (const p of groups.values()) {
    if (!p.alive) continue;
    p.obj!.groups = [];
    p.obj!.entries = [];
  }
  for (const id of order) {
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
  const root = groups.get(rootId)!.obj!;
  root.parentGroup = undefined;
  T.groups = [root];

  // ---- history limits (rule 2): only where histories were united ----
  for (const p of entries.values()) {
    if (p.alive && p.t && p.s) trimHistory(p.obj!, T.meta);
  }

  // ---- tombstones: union, earliest time, none for a survivor ----
  const alive = new Set<string>();
  for (const p of [...groups.values(), ...entries.values()]) if (p.alive) alive.add(p.uuid);
  T.deletedObjects = [...tombstones]
    .filter(([id]) => !alive.has(id))
    .sort(([a], [b]) => cmp(a, b))
    .map(([id, time]) => {
      const d = new kdbxweb.KdbxDeletedObject();
      d.uuid = new kdbxweb.KdbxUuid(id);
      d.deletionTime = time;
      return d;
    });

  // ---- attachments: every binary the result refers to is in the target's pool ----
  const addBinaries = (e: kdbxweb.KdbxEntry): void => {
    for (const b of e.binaries.values()) if (kdbxweb.KdbxBinaries.isKdbxBinaryWithHash(b)) T.binaries.addWithHash(b);
  };
  for (const e of root.allEntries()) {
    addBinaries(e);
    for (const h of e.history) addBinaries(h);
  }
  T.cleanup({ binaries: true });

  // Paths of conflicts are those of the result.
  for (const c of report.conflicts) c.path = pathOf(groups.get(c.uuid)?.obj ?? entries.get(c.uuid)?.obj, root);

  report.changed = databaseDigest(T) !== before;
  retire(source);
  return report;
}

function pairOf<T extends Item>(map: Map<string, Pair<T>>, uuid: string): Pair<T> {
  let p = map.get(uuid);
  if (!p) {
    p = { uuid, touched: 0, alive: true };
    map.set(uuid, p);
  }
  return p;
}

function unionTombstones(a: kdbxweb.KdbxDeletedObject[], b: kdbxweb.KdbxDeletedObject[]): Map<string, Date> {
  const out = new Map<string, Date>();
  for (const d of [...a, ...b]) {
    if (!d.uuid || !d.deletionTime) continue;
    const id = d.uuid.id;
    const prev = out.get(id);
    if (!prev || d.deletionTime.getTime() < prev.getTime()) out.set(id, d.deletionTime);
  }
  return out;
}

/** Which of two states wins: newer second, else the larger content key (so every machine picks the same). */
function pickWinner(tTime: number, sTime: number, tKey: string, sKey: string): { winner: Side; conflict: boolean } {
  if (tTime !== sTime) return { winner: tTime > sTime ? 't' : 's', conflict: false };
  if (tKey === sKey) return { winner: 't', conflict: false };
  return { winner: cmp(tKey, sKey) > 0 ? 't' : 's', conflict: true };
}

function maxDate(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

function resolveGroup(p: Pair<kdbxweb.KdbxGroup>, report: MergeReport): void {
  const { t, s } = p;
  if (t && s) {
    const tKey = sha256Hex(JSON.stringify([groupContentKey(t), sec(t.times.creationTime)]));
    const sKey = sha256Hex(JSON.stringify([groupContentKey(s), sec(s.times.creationTime)]));
    const { winner, conflict } = pickWinner(secOr0(t.times.lastModTime), secOr0(s.times.lastModTime), tKey, sKey);
    if (winner === 's') {
      copyGroupState(t, s);
      if (tKey !== sKey) report.updated++;
    }
    if (conflict) report.conflicts.push({ uuid: p.uuid, path: '', kept: winner === 't' ? 'target' : 'source' });
    t.times.lastAccessTime = maxDate(t.times.lastAccessTime, s.times.lastAccessTime);
    p.obj = t;
  } else {
    p.obj = (t ?? s)!;
  }
}

function resolveEntry(p: Pair<kdbxweb.KdbxEntry>, report: MergeReport): void {
  const { t, s } = p;
  if (t && s) {
    const tState = entryStateKey(t);
    const sState = entryStateKey(s);
    const { winner, conflict } = pickWinner(secOr0(t.times.lastModTime), secOr0(s.times.lastModTime), tState, sState);
    const loser = winner === 't' ? s : t;
    const winnerState = winner === 't' ? tState : sState;
    const loserState = winner === 't' ? sState : tState;
    // History: both sides' items, the losing state, no duplicates, none equal to the current state.
    const pool = [...t.history, ...s.history];
    if (loserState !== winnerState && entryContentKey(loser) !== entryContentKey(winner === 't' ? t : s)) {
      pool.push(snapshot(loser));
    }
    const lastAccess = maxDate(t.times.lastAccessTime, s.times.lastAccessTime);
    const usage = Math.max(t.times.usageCount ?? 0, s.times.usageCount ?? 0);
    if (winner === 's') {
      copyEntryState(t, s);
      if (tState !== sState) report.updated++;
    }
    const seen = new Set<string>([winnerState]);
    const history: kdbxweb.KdbxEntry[] = [];
    for (const h of pool) {
      const k = entryStateKey(h);
      if (seen.has(k)) continue;
      seen.add(k);
      h.uuid = t.uuid;
      history.push(h);
    }
    t.history = sortHistory(history);
    t.times.lastAccessTime = lastAccess;
    t.times.usageCount = usage;
    if (conflict) report.conflicts.push({ uuid: p.uuid, path: '', kept: winner === 't' ? 'target' : 'source' });
    p.obj = t;
  } else {
    p.obj = (t ?? s)!;
  }
}

/** Rule 4: the side whose locationChanged is newer decides the parent; a tie goes to the larger parent uuid. */
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
  const one = (t ?? s)!;
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
    let loop: string[] | undefined;
    for (const start of groups.keys()) {
      const seen: string[] = [];
      let id: string | null | undefined = start;
      while (id !== null && id !== undefined && id !== rootId && !seen.includes(id)) {
        seen.push(id);
        id = groups.get(id)?.parent;
      }
      if (id !== null && id !== undefined && id !== rootId) {
        loop = seen.slice(seen.indexOf(id));
        break;
      }
    }
    if (!loop) return;
    loop.sort((a, b) => {
      const la = secOr0(groups.get(a)!.locationChanged);
      const lb = secOr0(groups.get(b)!.locationChanged);
      return la - lb || cmp(a, b);
    });
    const g = groups.get(loop[0]!)!;
    g.parent = g.altParent && g.altParent !== g.parent ? g.altParent : rootId;
    g.altParent = rootId;
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

/** The newer of two dated values; on a tie, the larger value (deterministic). */
function newer<V>(a: { v: V; at: Date | undefined }, b: { v: V; at: Date | undefined }, key: (v: V) => string): 'a' | 'b' {
  const ta = secOr0(a.at);
  const tb = secOr0(b.at);
  if (ta !== tb) return ta > tb ? 'a' : 'b';
  return cmp(key(a.v), key(b.v)) >= 0 ? 'a' : 'b';
}

const s = (v: unknown): string => JSON.stringify(v ?? null);

function mergeMeta(t: kdbxweb.KdbxMeta, src: kdbxweb.KdbxMeta): void {
  // Each setting comes from the side that changed it last. The private fields are set
  // directly: kdbxweb's setters would record an edit state that ssot does not use.
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
  // History limits and other settings: the side whose settings changed last; on a tie the
  // larger limit (keeping more history never loses anything). -1 means no limit.
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
  // Custom data: per key, the newer item; keys on one side only are kept.
  for (const [k, sv] of src.customData) {
    const tv = t.customData.get(k);
    if (!tv || newer({ v: tv.value, at: tv.lastModified }, { v: sv.value, at: sv.lastModified }, s) === 'b') {
      t.customData.set(k, { ...sv });
    }
  }
  // Custom icons: union; the same uuid with different images: the newer, else the larger image hash.
  const iconKey = (i: kdbxweb.KdbxCustomIcon): string => sha256Hex(new Uint8Array(i.data)) + (i.name ?? '');
  for (const [id, si] of src.customIcons) {
    const ti = t.customIcons.get(id);
    if (!ti || newer({ v: ti, at: ti.lastModified }, { v: si, at: si.lastModified }, iconKey) === 'b') {
      t.customIcons.set(id, { ...si });
    }
  }
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
