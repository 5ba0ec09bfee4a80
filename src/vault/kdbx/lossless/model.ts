/**
 * Generic copies and comparisons of kdbxweb's model objects (entries,
 * groups, meta), over every own property rather than a list of known ones:
 * a property kdbxweb has and ssot does not know about is still copied and
 * still compared, so a change to it is never mistaken for "unchanged".
 */
import * as kdbxweb from '../kdbxweb.js';

/** Properties that are structure, not an object's own content. */
const SKIP = new Set(['history', 'parentGroup', 'groups', 'entries', '_editState', 'generator', 'headerHash']);

function copyValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof kdbxweb.ProtectedValue) return v.clone();
  // Immutable in practice (kdbxweb replaces them, never edits them): shared.
  if (v instanceof kdbxweb.KdbxUuid || v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return v;
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, copyValue(x)]));
  if (Array.isArray(v)) return v.map(copyValue);
  const proto = Object.getPrototypeOf(v) as object | null;
  const out = proto === Object.prototype || proto === null ? {} : (Object.create(proto) as Record<string, unknown>);
  for (const [k, x] of Object.entries(v)) out[k] = copyValue(x);
  return out;
}

/** A detached copy of an object's own content (a real instance of its class, without children or history). */
export function pristineCopy<T extends object>(obj: T): T {
  const Ctor = (obj as { constructor: new () => T }).constructor;
  const out = new Ctor() as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) if (!SKIP.has(k)) out[k] = copyValue(v);
  return out as T;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const isEmpty = (v: unknown): boolean => v === undefined;

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof kdbxweb.ProtectedValue || b instanceof kdbxweb.ProtectedValue) {
    return a instanceof kdbxweb.ProtectedValue && b instanceof kdbxweb.ProtectedValue && bytesEqual(a.getBinary(), b.getBinary());
  }
  if (a instanceof kdbxweb.KdbxUuid || b instanceof kdbxweb.KdbxUuid) {
    return a instanceof kdbxweb.KdbxUuid && b instanceof kdbxweb.KdbxUuid && a.id === b.id;
  }
  if (a instanceof ArrayBuffer || b instanceof ArrayBuffer) {
    return a instanceof ArrayBuffer && b instanceof ArrayBuffer && bytesEqual(new Uint8Array(a), new Uint8Array(b));
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    // Insertion order matters: it is the order kdbxweb writes fields in.
    const bi = [...b];
    return [...a].every(([k, v], i) => {
      const other = bi[i];
      return other !== undefined && other[0] === k && same(v, other[1]);
    });
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const x = (a as Record<string, unknown>)[k];
    const y = (b as Record<string, unknown>)[k];
    if (isEmpty(x) && isEmpty(y)) continue;
    if (!same(x, y)) return false;
  }
  return true;
}

/** Whether an object's own content equals a pristine copy's (children and history not compared). */
export function sameContent(obj: object, pristine: object): boolean {
  const keys = new Set([...Object.keys(obj), ...Object.keys(pristine)]);
  for (const k of keys) {
    if (SKIP.has(k)) continue;
    const x = (obj as Record<string, unknown>)[k];
    const y = (pristine as Record<string, unknown>)[k];
    if (isEmpty(x) && isEmpty(y)) continue;
    if (!same(x, y)) return false;
  }
  return true;
}
