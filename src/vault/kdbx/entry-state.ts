/**
 * Copying entry states. kdbxweb's own KdbxEntry.copyFrom leaves out customData,
 * qualityCheck and previousParentGroup (research/vault.md §1.4, E6), so the
 * merge and the history snapshots use this instead.
 */
import * as kdbxweb from './kdbxweb.js';
import { inheritOrigin } from './lossless/origin.js';

function cloneCustomData(map: kdbxweb.KdbxCustomDataMap | undefined): kdbxweb.KdbxCustomDataMap | undefined {
  if (!map) return undefined;
  const out: kdbxweb.KdbxCustomDataMap = new Map();
  for (const [k, v] of map) out.set(k, { ...v });
  return out;
}

/** Makes `dst` hold `src`'s content and times (not its history, uuid or place in the tree). */
export function copyEntryState(dst: kdbxweb.KdbxEntry, src: kdbxweb.KdbxEntry): void {
  dst.icon = src.icon;
  dst.customIcon = src.customIcon;
  dst.fgColor = src.fgColor;
  dst.bgColor = src.bgColor;
  dst.overrideUrl = src.overrideUrl;
  dst.tags = src.tags.slice();
  dst.times = src.times.clone();
  dst.fields = new Map();
  for (const [name, value] of src.fields) {
    dst.fields.set(name, value instanceof kdbxweb.ProtectedValue ? value.clone() : value);
  }
  dst.binaries = new Map();
  for (const [name, value] of src.binaries) {
    if (value instanceof kdbxweb.ProtectedValue) dst.binaries.set(name, value.clone());
    else if (kdbxweb.KdbxBinaries.isKdbxBinaryWithHash(value)) dst.binaries.set(name, { hash: value.hash, value: value.value });
    else dst.binaries.set(name, value);
  }
  dst.autoType = {
    enabled: src.autoType.enabled,
    obfuscation: src.autoType.obfuscation,
    ...(src.autoType.defaultSequence !== undefined ? { defaultSequence: src.autoType.defaultSequence } : {}),
    items: src.autoType.items.map((i) => ({ window: i.window, keystrokeSequence: i.keystrokeSequence })),
  };
  dst.customData = cloneCustomData(src.customData);
  dst.qualityCheck = src.qualityCheck;
  dst.previousParentGroup = src.previousParentGroup;
  // What the content was read as travels with it: written back losslessly (lossless/emit.ts).
  inheritOrigin(dst, src);
}

/** A history item holding `src`'s current state. */
export function snapshot(src: kdbxweb.KdbxEntry): kdbxweb.KdbxEntry {
  const h = new kdbxweb.KdbxEntry();
  h.uuid = src.uuid;
  copyEntryState(h, src);
  return h;
}

/** Copies a group's own properties (not its children, not its location). */
export function copyGroupState(dst: kdbxweb.KdbxGroup, src: kdbxweb.KdbxGroup): void {
  dst.name = src.name;
  dst.notes = src.notes;
  dst.icon = src.icon;
  dst.customIcon = src.customIcon;
  dst.tags = src.tags.slice();
  const locationChanged = dst.times.locationChanged;
  dst.times = src.times.clone();
  dst.times.locationChanged = locationChanged;
  dst.expanded = src.expanded;
  dst.defaultAutoTypeSeq = src.defaultAutoTypeSeq;
  dst.enableAutoType = src.enableAutoType;
  dst.enableSearching = src.enableSearching;
  dst.lastTopVisibleEntry = src.lastTopVisibleEntry;
  dst.customData = cloneCustomData(src.customData);
  dst.previousParentGroup = src.previousParentGroup;
  inheritOrigin(dst, src);
}

/** Rough size of one entry state, as KeePass counts it for historyMaxSize: field texts and attachment bytes. */
export function entrySize(e: kdbxweb.KdbxEntry): number {
  let n = 0;
  for (const [k, v] of e.fields) {
    n += Buffer.byteLength(k) + (v instanceof kdbxweb.ProtectedValue ? v.byteLength : Buffer.byteLength(v));
  }
  for (const [k, v] of e.binaries) {
    n += Buffer.byteLength(k);
    const b = kdbxweb.KdbxBinaries.isKdbxBinaryWithHash(v) ? v.value : v;
    n += b instanceof kdbxweb.ProtectedValue ? b.byteLength : b.byteLength;
  }
  for (const t of e.tags) n += Buffer.byteLength(t);
  return n;
}
