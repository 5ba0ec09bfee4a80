/**
 * Where each object of a loaded database came from: its element in the
 * document text it was read from, and a copy of its content as read. At save,
 * an object whose content still equals that copy is written back from that
 * text (unknown elements, attributes and formatting included); a changed one
 * keeps its unchanged parts from it (see emit.ts).
 *
 * kdbxweb reads a document into objects in document order (a group's groups,
 * then its entries; an entry's history items), so the objects and the parsed
 * elements are paired by walking both; an element whose UUID does not match
 * its object (kdbxweb invents one for an entry without a UUID) gets no origin.
 */
import * as kdbxweb from '../kdbxweb.js';
import { pristineCopy } from './model.js';
import type { XDoc, XEl } from './parse.js';

/** One document that was read: its templated text and its protected values in document order. */
export interface Source {
  id: number;
  text: string;
  values: (kdbxweb.ProtectedValue | undefined)[];
}

export interface Origin {
  src: Source;
  el: XEl;
  /** The object's own content as read (null for the document and tombstones' holders). */
  pristine: object;
}

/** The document level: prolog and the KeePassFile and Root elements. */
export interface DocOrigin {
  src: Source;
  root: XEl;
}

const origins = new WeakMap<object, Origin>();
const docs = new WeakMap<kdbxweb.Kdbx, DocOrigin>();
let nextSource = 1;

export const originOf = (obj: object): Origin | undefined => origins.get(obj);
export const docOriginOf = (db: kdbxweb.Kdbx): DocOrigin | undefined => docs.get(db);

/** `to` now holds `from`'s content (a merge took it, a snapshot or a clone copied it). */
export function inheritOrigin(to: object, from: object): void {
  const o = origins.get(from);
  if (o) origins.set(to, o);
  else origins.delete(to);
}

export function inheritDocOrigin(to: kdbxweb.Kdbx, from: kdbxweb.Kdbx): void {
  const d = docs.get(from);
  if (d) docs.set(to, d);
}

export function newSourceId(): number {
  return nextSource++;
}

const kids = (el: XEl, name: string): XEl[] => el.childNodes.filter((k) => k.tagName === name);

/** Each object beside the element at its place; nothing when the counts differ (the file and the objects do not match). */
function paired<T>(objs: readonly T[], els: readonly XEl[]): [T, XEl][] {
  if (objs.length !== els.length) return [];
  return objs.flatMap((o, i): [T, XEl][] => {
    const el = els[i];
    return el ? [[o, el]] : [];
  });
}

/** The base64 text of an element's UUID child, whitespace removed. */
function uuidText(el: XEl): string | undefined {
  return el.childNodes.find((k) => k.tagName === 'UUID')?.textContent.replace(/\s+/g, '');
}

function remember(obj: object, src: Source, el: XEl): void {
  origins.set(obj, { src, el, pristine: pristineCopy(obj) });
}

function captureEntry(e: kdbxweb.KdbxEntry, src: Source, el: XEl): void {
  if (uuidText(el) !== e.uuid.id) return;
  remember(e, src, el);
  const history = kids(el, 'History')[0];
  const items = history ? kids(history, 'Entry') : [];
  for (const [h, item] of paired(e.history, items)) {
    if (uuidText(item) === h.uuid.id) remember(h, src, item);
  }
}

function captureGroup(g: kdbxweb.KdbxGroup, src: Source, el: XEl): void {
  if (uuidText(el) !== g.uuid.id) return;
  remember(g, src, el);
  const groups = kids(el, 'Group');
  const entries = kids(el, 'Entry');
  for (const [c, cEl] of paired(g.groups, groups)) captureGroup(c, src, cEl);
  for (const [e, eEl] of paired(g.entries, entries)) captureEntry(e, src, eEl);
}

/** Records the origin of every object of a database just read from `doc`. */
export function captureOrigins(db: kdbxweb.Kdbx, doc: XDoc, sourceId: number): void {
  const top = doc.documentElement;
  if (top.tagName !== 'KeePassFile') return;
  const src: Source = { id: sourceId, text: doc.text, values: doc.protectedElements.map((e) => e.protectedValue) };
  const meta = kids(top, 'Meta')[0];
  const root = kids(top, 'Root')[0];
  if (!meta || !root) return;
  docs.set(db, { src, root: top });
  remember(db.meta, src, meta);
  const groups = kids(root, 'Group');
  for (const [g, gEl] of paired(db.groups, groups)) captureGroup(g, src, gEl);
  const deleted = kids(root, 'DeletedObjects')[0];
  const tombstones = deleted ? kids(deleted, 'DeletedObject') : [];
  for (const [d, dEl] of paired(db.deletedObjects, tombstones)) remember(d, src, dEl);
}
