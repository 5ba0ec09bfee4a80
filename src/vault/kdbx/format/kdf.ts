/**
 * The key derivation (the slow, deliberate part of opening a database) and
 * the composite key it starts from.
 *
 * Argon2 runs natively (@node-rs/argon2); AES-KDF runs on Node's AES with the
 * CBC-over-zeros trick (each block of a CBC encryption of zeros is the AES
 * of the previous one), so both cost what they cost in KeePassXC.
 *
 * A derived key is remembered for a few calls, keyed by a hash of the composite
 * key and the exact parameters (salt included): the check that re-reads a file
 * right after saving it, and a second copy saved with the same salt, reuse the
 * derivation instead of paying for it again. The cache holds nothing that the
 * process does not already hold (the composite key opens the same files).
 */
import { createCipheriv, createHash } from 'node:crypto';
import { hashRaw, type Algorithm, type Version } from '@node-rs/argon2';
import * as kdbxweb from '../kdbxweb.js';
import { checkKdf } from './header.js';
import { must } from '../../../core/must.js';

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

interface KdfSpec {
  kind: 'aes' | 'argon2d' | 'argon2id';
  salt: Uint8Array;
  rounds: number;
  memoryKiB: number;
  lanes: number;
  version: number;
}

const u8 = (b: ArrayBuffer | undefined): Uint8Array => new Uint8Array(b ?? new ArrayBuffer(0));

function specOf(h: kdbxweb.KdbxHeader): KdfSpec {
  if (h.versionMajor < 4) {
    return { kind: 'aes', salt: u8(h.transformSeed), rounds: h.keyEncryptionRounds ?? 0, memoryKiB: 0, lanes: 0, version: 0 };
  }
  const p = must(h.kdfParameters, 'the KDF parameters (parseHeader requires them)');
  const kind = checkKdf(p);
  const n = (k: string): number => {
    const v = p.get(k);
    return typeof v === 'number' ? v : v instanceof kdbxweb.Int64 ? v.value : 0;
  };
  const salt = u8(p.get('S') as ArrayBuffer);
  if (kind === 'aes') return { kind, salt, rounds: n('R'), memoryKiB: 0, lanes: 0, version: 0 };
  return { kind, salt, rounds: n('I'), memoryKiB: n('M') / 1024, lanes: n('P'), version: n('V') };
}

const cache = new Map<string, Uint8Array>();
const CACHE_SIZE = 8;

/** The transformed key of a header's KDF for a composite key (32 bytes). */
export async function transformKey(composite: Uint8Array, header: kdbxweb.KdbxHeader): Promise<Uint8Array> {
  const spec = specOf(header);
  const id = createHash('sha256')
    .update(composite)
    .update(JSON.stringify([spec.kind, Buffer.from(spec.salt).toString('hex'), spec.rounds, spec.memoryKiB, spec.lanes, spec.version]))
    .digest('hex');
  const hit = cache.get(id);
  if (hit) return hit;
  const key = spec.kind === 'aes' ? aesKdf(composite, spec.salt, spec.rounds) : await argon2(composite, spec);
  cache.set(id, key);
  const oldest = cache.keys().next();
  if (cache.size > CACHE_SIZE && !oldest.done) cache.delete(oldest.value);
  return key;
}

/**
 * @node-rs/argon2's Algorithm and Version are const enums, which an isolated
 * module cannot read (nothing inlines them): their values, as its typings give
 * them (Argon2d 0, Argon2id 2; V0x10 0, V0x13 1).
 */
function argon2Variant(s: KdfSpec): { algorithm: Algorithm; version: Version } {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- the enums' own values; the enums cannot be named here
  return { algorithm: s.kind === 'argon2d' ? 0 : 2, version: s.version === 0x10 ? 0 : 1 };
}

async function argon2(composite: Uint8Array, s: KdfSpec): Promise<Uint8Array> {
  const out = await hashRaw(composite, {
    salt: s.salt,
    ...argon2Variant(s),
    memoryCost: s.memoryKiB,
    timeCost: s.rounds,
    parallelism: s.lanes,
    outputLen: 32,
  });
  return new Uint8Array(out);
}

const CHUNK = 64 * 1024;

/** AES-KDF: each 16-byte half of the composite key AES-256-encrypted `rounds` times with the seed, then SHA-256. */
function aesKdf(composite: Uint8Array, seed: Uint8Array, rounds: number): Uint8Array {
  const zeros = Buffer.alloc(16 * Math.min(rounds, CHUNK));
  const out = Buffer.alloc(32);
  for (let half = 0; half < 2; half++) {
    let block = Buffer.from(composite.subarray(half * 16, half * 16 + 16));
    for (let left = rounds; left > 0; ) {
      const n = Math.min(left, CHUNK);
      const c = createCipheriv('aes-256-cbc', seed, block).setAutoPadding(false);
      const enc = c.update(zeros.subarray(0, n * 16));
      block = Buffer.from(enc.subarray(enc.length - 16));
      left -= n;
    }
    block.copy(out, half * 16);
  }
  return sha256(out);
}
