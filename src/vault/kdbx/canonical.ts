/**
 * Canonical views of kdbx content. Two databases with the same content give the
 * same views whatever their bytes, salts, XML order or child order; the merge
 * compares entry states with them and `contentDigest` hashes the whole tree.
 *
 * Left out on purpose: what changes without anyone editing (last access time,
 * usage count, the group "expanded" flag, last selected group, generator,
 * header hash) and what is not content (the key, the KDF, the cipher).
 * Times are compared in whole seconds: KDBX 4 stores seconds.
 *
 * What writers differ in without anyone editing is read as the same thing, so
 * that a database re-saved by another client is not taken for an edit (no
 * conflict, no history item): a standard field (Title, UserName, Password, URL,
 * Notes) that is empty or missing; its protection flag (KeePassXC sets it from
 * the database's memory-protection settings on every save); a missing entry
 * icon (0), group icon (48, KeePassXC's folder), quality check (on) or group
 * auto-type / search setting (inherit).
 */
import * as kdbxweb from './kdbxweb.js';
import { sha256Hex } from '../../core/hash.js';

/** Seconds since the epoch, or null for a missing time. */
export function sec(d: Date | undefined): number | null {
  if (!d) return null;
  const t = d.getTime();
  return Number.isNaN(t) ? null : Math.floor(t / 1000);
}

export const secOr0 = (d: Date | undefined): number => sec(d) ?? 0;

export function fieldText(v: kdbxweb.KdbxEntryField): string {
  return v instanceof kdbxweb.ProtectedValue ? v.getText() : v;
}

function binaryBytes(v: kdbxweb.KdbxBinary): Uint8Array {
  return v instanceof kdbxweb.ProtectedValue ? v.getBinary() : new Uint8Array(v);
}

function binaryHash(b: kdbxweb.KdbxBinary | kdbxweb.KdbxBinaryWithHash): string {
  if (kdbxweb.KdbxBinaries.isKdbxBinaryWithHash(b)) return b.hash;
  return sha256Hex(binaryBytes(b));
}

/** Empty and missing strings are the same thing in KDBX (writers differ in which they emit). */
const str = (s: string | undefined | null): string | null => (s ? s : null);

const uuidStr = (u: kdbxweb.KdbxUuid | undefined): string | null => (u && !u.empty ? u.id : null);

function customDataView(map: kdbxweb.KdbxCustomDataMap | undefined): [string, string][] {
  if (!map) return [];
  // KeePassXC adds `_LAST_MODIFIED` (a save time) to custom data it writes: bookkeeping, not content.
  return [...map.entries()]
    .flatMap(([k, v]): [string, string][] => (v.value !== undefined && k !== '_LAST_MODIFIED' ? [[k, v.value]] : []))
    .sort(cmpPair);
}

const STANDARD_FIELDS = new Set(['Title', 'UserName', 'Password', 'URL', 'Notes']);
/** KeePassXC's icon for a group that names none. */
const DEFAULT_GROUP_ICON = 48;

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const cmpPair = (a: [string, ...unknown[]], b: [string, ...unknown[]]): number => cmpStr(a[0], b[0]);

/** An entry's content, without times, history or location: "did they write the same thing?". */
function entryContentView(e: kdbxweb.KdbxEntry): unknown[] {
  const fields = [...e.fields.entries()]
    .map(([k, v]) => {
      const text = fieldText(v);
      const standard = STANDARD_FIELDS.has(k);
      // Protection is content for a custom field's value only (see the module comment).
      return [k, text, !standard && text !== '' && v instanceof kdbxweb.ProtectedValue, standard] as [string, string, boolean, boolean];
    })
    .filter(([, text, , standard]) => !(standard && text === ''))
    .map(([k, text, prot]) => [k, text, prot] as [string, string, boolean])
    .sort(cmpPair);
  const binaries = [...e.binaries.entries()].map(([k, v]) => [k, binaryHash(v)] as [string, string]).sort(cmpPair);
  const at = e.autoType;
  return [
    fields,
    binaries,
    [...e.tags].sort(),
    e.icon ?? 0,
    uuidStr(e.customIcon),
    str(e.fgColor),
    str(e.bgColor),
    str(e.overrideUrl),
    [at.enabled, at.obfuscation, str(at.defaultSequence), at.items.map((i) => [i.window, i.keystrokeSequence])],
    customDataView(e.customData),
    e.qualityCheck !== false,
    e.times.expires ? sec(e.times.expiryTime) : null,
  ];
}

export function entryContentKey(e: kdbxweb.KdbxEntry): string {
  return sha256Hex(JSON.stringify(entryContentView(e)));
}

/** One state of an entry (current or history item): content plus its times. */
export function entryStateKey(e: kdbxweb.KdbxEntry): string {
  return sha256Hex(JSON.stringify([sec(e.times.lastModTime), sec(e.times.creationTime), entryContentView(e)]));
}

/** A group's own content (not its children, not its location). */
function groupContentView(g: kdbxweb.KdbxGroup): unknown[] {
  return [
    str(g.name),
    str(g.notes),
    g.icon ?? DEFAULT_GROUP_ICON,
    uuidStr(g.customIcon),
    [...g.tags].sort(),
    str(g.defaultAutoTypeSeq),
    g.enableAutoType ?? null,
    g.enableSearching ?? null,
    customDataView(g.customData),
    g.times.expires ? sec(g.times.expiryTime) : null,
  ];
}

export function groupContentKey(g: kdbxweb.KdbxGroup): string {
  return sha256Hex(JSON.stringify(groupContentView(g)));
}

/** Sorts history items oldest first, ties broken by content so the order never depends on the input order. */
export function sortHistory(items: kdbxweb.KdbxEntry[]): kdbxweb.KdbxEntry[] {
  const keyed = items.map((h) => ({ h, t: secOr0(h.times.lastModTime), k: entryStateKey(h) }));
  keyed.sort((a, b) => a.t - b.t || cmpStr(a.k, b.k));
  return keyed.map((x) => x.h);
}

/** The canonical digest of a whole database (see VaultDatabase.contentDigest). */
export function databaseDigest(db: kdbxweb.Kdbx): string {
  return digestAndIndex(db).digest;
}

/** Where each live entry and group is, with a key of its state: what commit messages count (diff.ts). */
export interface ItemIndex {
  entries: Map<string, { parent: string; key: string }>;
  groups: Map<string, { parent: string; key: string }>;
}

/** The digest, and the index of live items (recycle bin left out) made on the same walk. */
export function digestAndIndex(db: kdbxweb.Kdbx): { digest: string; index: ItemIndex } {
  const { view, index } = databaseView(db);
  return { digest: sha256Hex(JSON.stringify(view)), index };
}

/** The structure hashed by databaseDigest; values of fields appear only as hashes. */
export function databaseView(db: kdbxweb.Kdbx): { view: unknown; index: ItemIndex } {
  const root = db.getDefaultGroup();
  const bin = uuidStr(db.meta.recycleBinUuid);
  // Each row starts with its item's uuid, which orders the rows.
  const groups: [string, ...unknown[]][] = [];
  const entries: [string, ...unknown[]][] = [];
  const index: ItemIndex = { entries: new Map(), groups: new Map() };
  const walk = (g: kdbxweb.KdbxGroup, parent: string | null, live: boolean): void => {
    const content = groupContentView(g);
    groups.push([g.uuid.id, parent, sec(g.times.creationTime), sec(g.times.lastModTime), sec(g.times.locationChanged), content]);
    if (live && parent !== null) index.groups.set(g.uuid.id, { parent, key: JSON.stringify([sec(g.times.lastModTime), content]) });
    for (const e of g.entries) {
      const history = sortHistory(e.history).map((h) => entryStateKey(h));
      const key = entryStateKey(e);
      entries.push([e.uuid.id, g.uuid.id, sec(e.times.locationChanged), key, history]);
      if (live) index.entries.set(e.uuid.id, { parent: g.uuid.id, key });
    }
    for (const c of g.groups) walk(c, g.uuid.id, live && c.uuid.id !== bin);
  };
  walk(root, null, true);
  groups.sort(([a], [b]) => cmpStr(a, b));
  entries.sort(([a], [b]) => cmpStr(a, b));
  const deleted = db.deletedObjects
    .flatMap((d): [string, number | null][] => (d.uuid ? [[d.uuid.id, sec(d.deletionTime)]] : []))
    .sort(cmpPair);
  const m = db.meta;
  const icons = [...m.customIcons.entries()]
    .map(([id, icon]) => [id, sha256Hex(new Uint8Array(icon.data)), icon.name ?? null] as [string, string, string | null])
    .sort(cmpPair);
  const meta = [
    str(m.name),
    str(m.desc),
    str(m.defaultUser),
    m.recycleBinEnabled ?? null,
    uuidStr(m.recycleBinUuid),
    uuidStr(m.entryTemplatesGroup),
    m.historyMaxItems ?? null,
    m.historyMaxSize ?? null,
    customDataView(m.customData),
    icons,
  ];
  return { view: { meta, groups, entries, deleted }, index };
}
