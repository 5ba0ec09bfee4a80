import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ErrorCode, SsotError } from '../core/errors.js';
import { guessBits } from './entropy.js';
import { anchorBitmap, anchorOf, BITMAP_BYTES, deriveKeys, scanBytes, tagOf, TAG_BYTES, WINDOW, type IndexTables, type Keys } from './index-hash.js';
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

const MAGIC = Buffer.from('SSOTGIX2', 'latin1');
const FORMAT = 2;

const DEFAULT_MIN_LENGTH = 8;
const DEFAULT_MIN_BITS = 44;

export interface VaultValue {
  vault: string;
  entryPath: string;
  field: string;
  value: string;
}

type SkipReason = 'empty' | 'too-short' | 'weak' | 'placeholder';

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

interface VaultSource {
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

const PLACEHOLDERS = new Set(['changeme', 'change_me', 'changeit', 'password', 'passw0rd', 'placeholder', 'example', 'redacted', 'secret', 'letmein', 'qwertyuiop', 'administrator']);

function classifyValue(value: string, minLength: number, minBits: number, includeWeak: boolean): SkipReason | undefined {
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
  const dir = guardDir(opts.stateDir);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  // The key first: an index is never on disk without the key that opens it.
  const { id: keyId, key: master } = await createIndexKey(dir);
  const keys = deriveKeys(master);
  const rows = indexRows(values, keys, opts);
  const plain = encodeBody(tablesOf(rows.rows), rows.refs, { sources: opts.sources ?? [], built: new Date().toISOString() });
  const header = Buffer.from(JSON.stringify({ version: FORMAT, keyId }), 'utf8');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.enc, iv);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const hl = Buffer.alloc(4);
  hl.writeUInt32LE(header.length, 0);
  const file = indexPath(opts.stateDir);
  // (loaded here: the guard, which only reads the index, does not pay for it)
  const { writeFileAtomic } = await import('../core/atomic.js');
  await writeFileAtomic(file, Buffer.concat([MAGIC, hl, header, iv, cipher.getAuthTag(), body]), { mode: 0o600 });
  master.fill(0);
  await removeOldKeys(dir, keyId);
  const { indexed, skippedReasons, skippedEntries } = rows;
  return { indexed, skipped: skippedEntries.length, skippedReasons, skippedEntries, entries: rows.rows.length, file, keyId };
}

interface Row {
  fp: number;
  len: number;
  ref: number;
  tag: Buffer;
}

/** Every encoding of every value that is safe to index, as rows sorted by anchor; and what was left out. */
function indexRows(values: Iterable<VaultValue>, keys: Keys, opts: BuildOptions) {
  const minLength = opts.minLength ?? DEFAULT_MIN_LENGTH;
  const minBits = opts.minBits ?? DEFAULT_MIN_BITS;
  const skippedReasons: Record<SkipReason, number> = { empty: 0, 'too-short': 0, weak: 0, placeholder: 0 };
  const skippedEntries: BuildResult['skippedEntries'] = [];
  const refs: Ref[] = [];
  const rows: Row[] = [];
  const seenRows = new Set<string>();
  for (const v of values) {
    const reason = classifyValue(v.value, minLength, minBits, opts.includeWeak ?? false);
    if (reason) {
      skippedReasons[reason]++;
      skippedEntries.push({ vault: v.vault, entryPath: v.entryPath, field: v.field, reason });
      continue;
    }
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
  return { rows, refs, indexed: refs.length, skippedReasons, skippedEntries };
}

function tablesOf(rows: Row[]): IndexTables {
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
  return { fps, lens, refIdx, tags, bitmap: anchorBitmap(fps) };
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
type Unusable = 'damaged' | 'old-format' | 'key-missing' | 'key-mismatch' | 'unreadable';

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
    plain = decipher.update(data.subarray(p + 16));
    const rest = decipher.final(); // empty for GCM: no copy of the body
    if (rest.length > 0) plain = Buffer.concat([plain, rest]);
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

interface Meta {
  sources: VaultSource[];
  built: string;
}
type Ref = { vault: string; entryPath: string; field: string };

/**
 * The plaintext body: counts, the metadata (read on every scan), the entries'
 * references (parsed only when a value is found), then the sorted arrays, the
 * tags and the anchor bitmap.
 */
function encodeBody(t: IndexTables, refs: Ref[], meta: Meta): Buffer {
  const metaBuf = Buffer.from(JSON.stringify(meta), 'utf8');
  const refsBuf = Buffer.from(JSON.stringify(refs), 'utf8');
  // The bitmap (512 KB) is stored only for a large index, where building it at every scan would cost more.
  const bitmap = t.fps.length >= STORED_BITMAP_FROM ? t.bitmap : Buffer.alloc(0);
  const head = Buffer.alloc(16);
  head.writeUInt32LE(t.fps.length, 0);
  head.writeUInt32LE(metaBuf.length, 4);
  head.writeUInt32LE(refsBuf.length, 8);
  head.writeUInt32LE(bitmap.length, 12);
  const arr = (a: Uint32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return Buffer.concat([head, metaBuf, refsBuf, arr(t.fps), arr(t.lens), arr(t.refIdx), t.tags, bitmap]);
}

const STORED_BITMAP_FROM = 4096;

function parseBody(plain: Buffer, keys: Keys): FingerprintIndex {
  const n = plain.readUInt32LE(0);
  const ml = plain.readUInt32LE(4);
  const rl = plain.readUInt32LE(8);
  const bl = plain.readUInt32LE(12);
  const meta = JSON.parse(plain.toString('utf8', 16, 16 + ml)) as Meta;
  const refsBuf = plain.subarray(16 + ml, 16 + ml + rl);
  let q = 16 + ml + rl;
  const take = (bytes: number): Buffer => {
    const part = plain.subarray(q, q + bytes);
    if (part.length !== bytes) throw new Error('truncated');
    q += bytes;
    return part;
  };
  // Copies: a Uint32Array view needs 4-byte alignment, which the body's layout does not promise.
  const u32 = (): Uint32Array => {
    const copy = new Uint32Array(n);
    Buffer.from(copy.buffer).set(take(n * 4));
    return copy;
  };
  const fps = u32();
  const t: IndexTables = { fps, lens: u32(), refIdx: u32(), tags: take(n * TAG_BYTES), bitmap: bl === BITMAP_BYTES ? take(bl) : anchorBitmap(fps) };
  let refs: Ref[] | undefined;
  return {
    entries: n,
    sources: meta.sources,
    built: meta.built,
    scan(input, emit) {
      scanBytes(keys, t, input, (index, length, r) => {
        refs ??= JSON.parse(refsBuf.toString('utf8')) as Ref[];
        const ref = refs[Math.floor(r / 16)];
        // The body is authenticated, so this is an index written wrong, not one changed since.
        if (!ref) throw new SsotError(ErrorCode.GuardIndex, 'the index of vault values is damaged: a value refers to no entry', { hint: 'run `ssot vault fingerprint` to rebuild it' });
        emit({ index, length, vault: ref.vault, entryPath: ref.entryPath, field: ref.field, variant: VARIANTS[r % 16] ?? 'raw' });
      });
    },
  };
}
