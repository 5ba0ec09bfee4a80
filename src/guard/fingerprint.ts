import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { guessBits } from './entropy.js';
import { createIndexKey, readIndexKey, removeOldKeys } from './index-key.js';
import { VARIANTS, variantsOf, type Variant } from './variants.js';

/**
 * The index of vault values, so that `ssot guard` finds them in staged text
 * with no master password and no value stored in plaintext (design in
 * docs/guard-threat-model.md and research/secrets.md §4):
 *
 * - every encoded form of every value is an entry: a keyed 28-bit fingerprint
 *   of its first 8 bytes (the "anchor"), its byte length, and a 128-bit
 *   HMAC-SHA256 tag of the whole form;
 * - the scan makes one rolling-hash pass over the text; where an anchor
 *   matches, it HMACs the window of each candidate length and compares tags;
 * - the file is encrypted with AES-256-GCM (counts, lengths and entry names
 *   hidden, tampering detected); every key is derived from one random 256-bit
 *   key of this index alone (index-key.ts: beside it in the 0700 state folder,
 *   named in its header, new on every rebuild, never overwritten).
 */

export const WINDOW = 8;
const FP_BITS = 28;
const BITMAP_BITS = 22;
const TAG_BYTES = 16;
const MAGIC = Buffer.from('SSOTGIX2', 'latin1');
const FORMAT = 2;

export const DEFAULT_MIN_LENGTH = 8;
export const DEFAULT_MIN_BITS = 44;

export interface VaultValue {
  vault: string;
  entryPath: string;
  field: string;
  value: string;
}

export type SkipReason = 'empty' | 'too-short' | 'weak' | 'placeholder';

export interface BuildResult {
  /** Values indexed (each with its encodings). */
  indexed: number;
  /** Values left out, with the count per reason. */
  skipped: number;
  skippedReasons: Record<SkipReason, number>;
  /** Which entries were left out and why (never the value). */
  skippedEntries: { vault: string; entryPath: string; field: string; reason: SkipReason }[];
  /** Index entries written (values x encodings). */
  entries: number;
  file: string;
  /** The id of the index's own key (its file is guard/keys/<id>.key). */
  keyId: string;
}

export interface VaultSource {
  vault: string;
  path: string;
  mtimeMs: number;
  size: number;
}

export interface BuildOptions {
  stateDir: string;
  minLength?: number;
  /** Minimum estimated guessing resistance, in bits; weaker values are skipped. */
  minBits?: number;
  /** Index weak values too (they could be guessed offline if index and key were both stolen). */
  includeWeak?: boolean;
  /** The vault files the values came from: the scan warns when one is newer than the index. */
  sources?: VaultSource[];
}

export function indexPath(stateDir: string): string {
  return path.join(stateDir, 'guard', 'index.bin');
}

function guardDir(stateDir: string): string {
  return path.join(stateDir, 'guard');
}

interface Keys {
  base: number;
  mix: number;
  mul: number;
  confirm: Buffer;
  enc: Buffer;
}

function deriveKeys(master: Buffer): Keys {
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
function anchorOf(bytes: Uint8Array, at: number, k: Keys): number {
  let h = 0;
  for (let j = 0; j < WINDOW; j++) h = (Math.imul(h, k.base) + bytes[at + j]!) | 0;
  return Math.imul((h + k.mix) | 0, k.mul) >>> (32 - FP_BITS);
}

function tagOf(confirm: Buffer, bytes: Uint8Array): Buffer {
  return createHmac('sha256', confirm).update(bytes).digest().subarray(0, TAG_BYTES);
}

const PLACEHOLDERS = new Set(['changeme', 'change_me', 'changeit', 'password', 'passw0rd', 'placeholder', 'example', 'redacted', 'secret', 'letmein', 'qwertyuiop', 'administrator']);

export function classifyValue(value: string, minLength: number, minBits: number, includeWeak: boolean): SkipReason | undefined {
  if (value.length === 0) return 'empty';
  if (value.length < minLength) return 'too-short';
  const lower = value.toLowerCase();
  if (PLACEHOLDERS.has(lower) || /^(.)\1+$/.test(value) || /^(?:x+|\*+)$/i.test(value)) return 'placeholder';
  if (!includeWeak && guessBits(value) < minBits) return 'weak';
  return undefined;
}

/**
 * Build the index from plain values (the vault reader unlocks the vaults and
 * passes them in) and write it with a fresh key. Values too short or too weak
 * to index safely are skipped and counted.
 */
export async function buildFingerprintIndex(values: Iterable<VaultValue>, opts: BuildOptions): Promise<BuildResult> {
  const minLength = opts.minLength ?? DEFAULT_MIN_LENGTH;
  const minBits = opts.minBits ?? DEFAULT_MIN_BITS;
  const skippedReasons: Record<SkipReason, number> = { empty: 0, 'too-short': 0, weak: 0, placeholder: 0 };
  const skippedEntries: BuildResult['skippedEntries'] = [];
  const dir = guardDir(opts.stateDir);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  // The key first: an index is never on disk without the key that opens it.
  const { id: keyId, key: master } = await createIndexKey(dir);
  const keys = deriveKeys(master);

  const refs: { vault: string; entryPath: string; field: string }[] = [];
  const rows: { fp: number; len: number; ref: number; tag: Buffer }[] = [];
  const seenRows = new Set<string>();
  let indexed = 0;
  for (const v of values) {
    const reason = classifyValue(v.value, minLength, minBits, opts.includeWeak ?? false);
    if (reason) {
      skippedReasons[reason]++;
      skippedEntries.push({ vault: v.vault, entryPath: v.entryPath, field: v.field, reason });
      continue;
    }
    indexed++;
    const refIndex = refs.push({ vault: v.vault, entryPath: v.entryPath, field: v.field }) - 1;
    for (const variant of variantsOf(v.value, WINDOW)) {
      const tag = tagOf(keys.confirm, variant.bytes);
      const dedupe = `${tag.toString('hex')}:${refIndex}`;
      if (seenRows.has(dedupe)) continue;
      seenRows.add(dedupe);
      rows.push({ fp: anchorOf(variant.bytes, 0, keys), len: variant.bytes.length, ref: refIndex * 16 + VARIANTS.indexOf(variant.variant), tag });
    }
  }
  rows.sort((a, b) => a.fp - b.fp || a.len - b.len);

  const n = rows.length;
  const fps = new Uint32Array(n);
  const lens = new Uint32Array(n);
  const refIdx = new Uint32Array(n);
  const tags = Buffer.alloc(n * TAG_BYTES);
  rows.forEach((r, i) => {
    fps[i] = r.fp;
    lens[i] = r.len;
    refIdx[i] = r.ref;
    r.tag.copy(tags, i * TAG_BYTES);
  });
  const meta = Buffer.from(JSON.stringify({ refs, sources: opts.sources ?? [], built: new Date().toISOString() }), 'utf8');
  const head = Buffer.alloc(8);
  head.writeUInt32LE(n, 0);
  head.writeUInt32LE(meta.length, 4);
  const plain = Buffer.concat([head, meta, Buffer.from(fps.buffer), Buffer.from(lens.buffer), Buffer.from(refIdx.buffer), tags]);

  const header = Buffer.from(JSON.stringify({ version: FORMAT, keyId }), 'utf8');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.enc, iv);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const hl = Buffer.alloc(4);
  hl.writeUInt32LE(header.length, 0);
  const file = indexPath(opts.stateDir);
  await writeFileAtomic(file, Buffer.concat([MAGIC, hl, header, iv, cipher.getAuthTag(), body]), { mode: 0o600 });
  master.fill(0);
  await removeOldKeys(dir, keyId);
  const skipped = skippedEntries.length;
  return { indexed, skipped, skippedReasons, skippedEntries, entries: n, file, keyId };
}

/** A loaded index, ready to scan bytes. */
export interface FingerprintIndex {
  readonly entries: number;
  readonly sources: VaultSource[];
  readonly built: string;
  scan(bytes: Uint8Array, emit: (hit: VaultHit) => void): void;
}

export interface VaultHit {
  index: number;
  length: number;
  vault: string;
  entryPath: string;
  field: string;
  variant: Variant;
}

/** Why an index on disk cannot be used. */
export type Unusable = 'damaged' | 'old-format' | 'key-missing' | 'key-mismatch' | 'unreadable';

export type LoadOutcome =
  | { status: 'ok'; index: FingerprintIndex; warnings: string[] }
  | { status: 'missing' }
  | { status: 'unusable'; problem: Unusable; reason: string };

interface IndexHeader {
  version: number;
  keyId?: string;
}

/**
 * Read the index and its key. Never throws for a bad index: a missing index,
 * or one that cannot be used (damaged, an older format, its key missing or not
 * the one it was written with), is reported so the caller decides: the guard
 * fails closed when vaults are configured.
 */
export async function loadFingerprintIndex(stateDir: string, _opts: { env?: NodeJS.ProcessEnv } = {}): Promise<LoadOutcome> {
  const file = indexPath(stateDir);
  let data: Buffer;
  const warnings: string[] = [];
  try {
    const st = await fs.stat(file);
    if ((st.mode & 0o077) !== 0) warnings.push(`${file} is readable by other users: run \`chmod 600 ${file}\``);
    data = await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'unusable', problem: 'unreadable', reason: `cannot read ${file}: ${(e as Error).message}` };
  }
  const head = readHeader(data);
  if ('problem' in head) return { status: 'unusable', ...head };
  const key = await readIndexKey(guardDir(stateDir), head.header.keyId ?? '');
  if (key.status === 'missing') return { status: 'unusable', problem: 'key-missing', reason: `the key this index was written with is gone from ${path.join(guardDir(stateDir), 'keys')}` };
  if (key.status === 'unreadable') return { status: 'unusable', problem: 'unreadable', reason: key.reason };
  warnings.push(...key.warnings);
  const keys = deriveKeys(key.key);
  key.key.fill(0);
  let plain: Buffer;
  try {
    let p = 12 + head.headerBuf.length;
    const iv = data.subarray(p, p + 12);
    p += 12;
    const decipher = createDecipheriv('aes-256-gcm', keys.enc, iv);
    decipher.setAAD(head.headerBuf);
    decipher.setAuthTag(data.subarray(p, p + 16));
    plain = Buffer.concat([decipher.update(data.subarray(p + 16)), decipher.final()]);
  } catch {
    return { status: 'unusable', problem: 'key-mismatch', reason: 'the index does not match its key (or was changed since it was written)' };
  }
  try {
    return { status: 'ok', index: parseBody(plain, keys), warnings };
  } catch (e) {
    return { status: 'unusable', problem: 'damaged', reason: `the index is damaged (${(e as Error).message})` };
  }
}

/** The clear header: the format and which key opens the rest. */
function readHeader(data: Buffer): { header: IndexHeader; headerBuf: Buffer } | { problem: Unusable; reason: string } {
  try {
    if (data.length < 12 || !data.subarray(0, 8).equals(MAGIC)) throw new Error('not an ssot guard index');
    const headerBuf = data.subarray(12, 12 + data.readUInt32LE(8));
    const header = JSON.parse(headerBuf.toString('utf8')) as IndexHeader;
    if (header.version === 1) return { problem: 'old-format', reason: 'the index was built by an older ssot (its key was kept elsewhere)' };
    if (header.version !== FORMAT) throw new Error(`unknown index version ${String(header.version)}`);
    return { header, headerBuf };
  } catch (e) {
    return { problem: 'damaged', reason: `the index is damaged (${(e as Error).message})` };
  }
}

/** The decrypted body: counts, the entries' references, then the sorted arrays and the tags. */
function parseBody(plain: Buffer, keys: Keys): FingerprintIndex {
  const n = plain.readUInt32LE(0);
  const ml = plain.readUInt32LE(4);
  const meta = JSON.parse(plain.subarray(8, 8 + ml).toString('utf8')) as {
    refs: { vault: string; entryPath: string; field: string }[];
    sources: VaultSource[];
    built: string;
  };
  let q = 8 + ml;
  const arr = (): Uint32Array => {
    const copy = new Uint32Array(n);
    Buffer.from(copy.buffer).set(plain.subarray(q, q + n * 4));
    q += n * 4;
    return copy;
  };
  const fps = arr();
  const lens = arr();
  const refIdx = arr();
  const tags = plain.subarray(q, q + n * TAG_BYTES);
  if (tags.length !== n * TAG_BYTES) throw new Error('truncated');
  return makeIndex(keys, fps, lens, refIdx, tags, meta);
}

function makeIndex(
  keys: Keys,
  fps: Uint32Array,
  lens: Uint32Array,
  refIdx: Uint32Array,
  tags: Buffer,
  meta: { refs: { vault: string; entryPath: string; field: string }[]; sources: VaultSource[]; built: string },
): FingerprintIndex {
  const n = fps.length;
  const bitmap = new Uint8Array(1 << (BITMAP_BITS - 3));
  for (let i = 0; i < n; i++) {
    const b = fps[i]! >>> (FP_BITS - BITMAP_BITS);
    bitmap[b >>> 3]! |= 1 << (b & 7);
  }
  // base^(WINDOW-1): the weight of the byte leaving the window
  let pow = 1;
  for (let j = 0; j < WINDOW - 1; j++) pow = Math.imul(pow, keys.base);
  const { base, mix, mul } = keys;

  const firstIndexOf = (fp: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fps[mid]! < fp) lo = mid + 1;
      else hi = mid;
    }
    return lo < n && fps[lo] === fp ? lo : -1;
  };

  return {
    entries: n,
    sources: meta.sources,
    built: meta.built,
    scan(input, emit) {
      // One element type in the hot loop (a Buffer is a Uint8Array subclass: keep V8's code monomorphic).
      const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      const len = bytes.length;
      if (n === 0 || len < WINDOW) return;
      const last = len - WINDOW;
      const shift = 32 - FP_BITS;
      const bmShift = FP_BITS - BITMAP_BITS;
      let h = 0;
      for (let j = 0; j < WINDOW; j++) h = (Math.imul(h, base) + bytes[j]!) | 0;
      for (let i = 0; ; i++) {
        const fp = Math.imul((h + mix) | 0, mul) >>> shift;
        const b = fp >>> bmShift;
        if ((bitmap[b >>> 3]! & (1 << (b & 7))) !== 0) {
          const first = firstIndexOf(fp);
          if (first >= 0) {
            let lastLen = -1;
            let tag: Buffer | undefined;
            for (let e = first; e < n && fps[e] === fp; e++) {
              const L = lens[e]!;
              if (i + L > len) continue;
              if (L !== lastLen) {
                tag = tagOf(keys.confirm, bytes.subarray(i, i + L));
                lastLen = L;
              }
              if (tag && tags.compare(tag, 0, TAG_BYTES, e * TAG_BYTES, (e + 1) * TAG_BYTES) === 0) {
                const r = refIdx[e]!;
                const ref = meta.refs[Math.floor(r / 16)]!;
                emit({ index: i, length: L, vault: ref.vault, entryPath: ref.entryPath, field: ref.field, variant: VARIANTS[r % 16] ?? 'raw' });
              }
            }
          }
        }
        if (i === last) break;
        // roll: drop bytes[i]·base^(W-1), shift, add bytes[i+W] (all mod 2^32)
        h = (Math.imul(h - Math.imul(bytes[i]!, pow), base) + bytes[i + WINDOW]!) | 0;
      }
    },
  };
}
