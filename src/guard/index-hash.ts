import { createHmac, hkdfSync } from 'node:crypto';

/**
 * The keyed hashes of the vault-value index and the scan that uses them:
 * an 8-byte rolling anchor picks where to compute an HMAC tag, a bitmap of the
 * anchors' top bits rules most positions out with one memory read.
 */

export const WINDOW = 8;
const FP_BITS = 28;
const BITMAP_BITS = 22;
export const BITMAP_BYTES = 1 << (BITMAP_BITS - 3);
export const TAG_BYTES = 16;

export interface Keys {
  /** Odd: the polynomial hash's base. */
  base: number;
  mix: number;
  mul: number;
  confirm: Buffer;
  enc: Buffer;
}

export function deriveKeys(master: Buffer): Keys {
  const d = (info: string, n: number): Buffer => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `ssot-guard/${info}`, n));
  return {
    base: d('roll', 4).readUInt32LE(0) | 1,
    mix: d('mix', 4).readUInt32LE(0) | 0,
    mul: d('mul', 4).readUInt32LE(0) | 1,
    confirm: d('confirm', 32),
    enc: d('enc', 32),
  };
}

/**
 * The anchor of 8 bytes: a polynomial hash with a secret odd base, offset by a
 * secret mixer and multiplied by a secret odd constant, top 28 bits (the
 * multiplication carries the last bytes, which the polynomial leaves in the low
 * bits, up into them). Not a cryptographic function — it only picks where to
 * compute an HMAC — and cheap enough to run at every byte of the text.
 */
export function anchorOf(bytes: Uint8Array, at: number, k: Keys): number {
  let h = 0;
  for (let j = 0; j < WINDOW; j++) h = (Math.imul(h, k.base) + bytes[at + j]!) | 0;
  return Math.imul((h + k.mix) | 0, k.mul) >>> (32 - FP_BITS);
}

export function tagOf(confirm: Buffer, bytes: Uint8Array): Buffer {
  return createHmac('sha256', confirm).update(bytes).digest().subarray(0, TAG_BYTES);
}

/** One bit per anchor prefix (its top BITMAP_BITS bits): stored in the index, so a scan does not rebuild it. */
export function anchorBitmap(fps: Uint32Array): Uint8Array {
  const bitmap = new Uint8Array(BITMAP_BYTES);
  for (let i = 0; i < fps.length; i++) {
    const b = fps[i]! >>> (FP_BITS - BITMAP_BITS);
    bitmap[b >>> 3]! |= 1 << (b & 7);
  }
  return bitmap;
}

/** What a loaded index holds: sorted anchors, lengths, references, tags, the bitmap. */
export interface IndexTables {
  fps: Uint32Array;
  lens: Uint32Array;
  refIdx: Uint32Array;
  tags: Buffer;
  bitmap: Uint8Array;
}

/** A confirmed hit: where, how long, and which entry (ref index) in which encoding (variant index). */
export type RawHit = (index: number, length: number, ref: number) => void;

function firstIndexOf(fps: Uint32Array, fp: number): number {
  let lo = 0;
  let hi = fps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fps[mid]! < fp) lo = mid + 1;
    else hi = mid;
  }
  return lo < fps.length && fps[lo] === fp ? lo : -1;
}

/** At an anchor hit: the tag of each candidate length, compared with the index's. */
function confirm(keys: Keys, t: IndexTables, bytes: Uint8Array, i: number, fp: number, emit: RawHit): void {
  const first = firstIndexOf(t.fps, fp);
  if (first < 0) return;
  let lastLen = -1;
  let tag: Buffer | undefined;
  for (let e = first; e < t.fps.length && t.fps[e] === fp; e++) {
    const L = t.lens[e]!;
    if (i + L > bytes.length) continue;
    if (L !== lastLen) {
      tag = tagOf(keys.confirm, bytes.subarray(i, i + L));
      lastLen = L;
    }
    if (tag && t.tags.compare(tag, 0, TAG_BYTES, e * TAG_BYTES, (e + 1) * TAG_BYTES) === 0) emit(i, L, t.refIdx[e]!);
  }
}

/**
 * One pass over the bytes: two multiplications per byte (the anchor's mix and
 * the roll; the leaving byte's weight comes from a 256-entry table), a bitmap
 * read, and an HMAC only where a full anchor matches.
 */
export function scanBytes(keys: Keys, t: IndexTables, input: Uint8Array, emit: RawHit): void {
  // One element type in the hot loop (a Buffer is a Uint8Array subclass: keep V8's code monomorphic).
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const len = bytes.length;
  if (t.fps.length === 0 || len < WINDOW) return;
  const { base, mix, mul } = keys;
  // base^(WINDOW-1) times each byte value: the weight of the byte leaving the window
  let pow = 1;
  for (let j = 0; j < WINDOW - 1; j++) pow = Math.imul(pow, base);
  const leaving = new Int32Array(256);
  for (let c = 0; c < 256; c++) leaving[c] = Math.imul(c, pow);
  const bitmap = t.bitmap;
  const bmShift = 32 - BITMAP_BITS;
  const last = len - WINDOW;
  let h = 0;
  for (let j = 0; j < WINDOW; j++) h = (Math.imul(h, base) + bytes[j]!) | 0;
  for (let i = 0; ; i++) {
    const m = Math.imul((h + mix) | 0, mul);
    const b = m >>> bmShift;
    if ((bitmap[b >>> 3]! & (1 << (b & 7))) !== 0) confirm(keys, t, bytes, i, m >>> (32 - FP_BITS), emit);
    if (i === last) break;
    h = (Math.imul(h - leaving[bytes[i]!]!, base) + bytes[i + WINDOW]!) | 0;
  }
}
