/**
 * The two block streams of KDBX: KDBX 3's hashed blocks (inside the cipher,
 * each block with its SHA-256) and KDBX 4's HMAC blocks (outside the cipher,
 * each with an HMAC-SHA-256 keyed by its index). Reading names the block that
 * failed and tells a cut file ("truncated") from one with bytes after its
 * final block ("data after the end").
 */
import { createHash, createHmac } from 'node:crypto';
import { corrupt, KdbxFormatError } from './errors.js';

const BLOCK = 1024 * 1024;

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};

export const dataAfterEnd = (n?: number): KdbxFormatError =>
  corrupt(`${n === undefined ? 'data' : `${n} bytes of data`} after the end of the database (after its final block)`);

/** KDBX 3: the plaintext in hashed blocks (the caller encrypts the result). */
export function writeHashedBlocks(data: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  let index = 0;
  for (let pos = 0; pos < data.byteLength; pos += BLOCK, index++) {
    const chunk = data.subarray(pos, Math.min(pos + BLOCK, data.byteLength));
    parts.push(u32(index), createHash('sha256').update(chunk).digest(), u32(chunk.byteLength), Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  parts.push(u32(index), Buffer.alloc(32), u32(0));
  return Buffer.concat(parts);
}

/** KDBX 3: the data inside hashed blocks, and how many bytes follow the final block (the caller checks them). */
export function readHashedBlocks(data: Uint8Array): { data: Buffer; rest: number } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const parts: Buffer[] = [];
  let pos = 0;
  for (let index = 0; ; index++) {
    if (pos + 40 > buf.length) throw new KdbxFormatError('truncated', `the file is truncated: block ${index} is cut short`);
    const id = buf.readUInt32LE(pos);
    const hash = buf.subarray(pos + 4, pos + 36);
    const size = buf.readUInt32LE(pos + 36);
    pos += 40;
    if (id !== index) throw corrupt(`block ${index} has the index ${id}`);
    if (size === 0) {
      if (hash.some((b) => b !== 0)) throw corrupt(`the final block (${index}) has a non-zero hash`);
      return { data: Buffer.concat(parts), rest: buf.length - pos };
    }
    if (pos + size > buf.length) throw new KdbxFormatError('truncated', `the file is truncated: block ${index} is cut short`);
    const chunk = buf.subarray(pos, pos + size);
    if (!createHash('sha256').update(chunk).digest().equals(hash)) throw corrupt(`the hash of block ${index} does not match its data`);
    parts.push(chunk);
    pos += size;
  }
}

function blockKey(hmacKey: Uint8Array, index: bigint): Buffer {
  return createHash('sha512').update(u64(index)).update(hmacKey).digest();
}

/** KDBX 4: HMAC-SHA-256 of the header, keyed as block 2^64-1. */
export function headerHmac(hmacKey: Uint8Array, header: Uint8Array): Buffer {
  return createHmac('sha256', blockKey(hmacKey, 0xffffffffffffffffn)).update(header).digest();
}

function blockHmac(hmacKey: Uint8Array, index: number, chunk: Uint8Array): Buffer {
  return createHmac('sha256', blockKey(hmacKey, BigInt(index)))
    .update(u64(BigInt(index)))
    .update(u32(chunk.byteLength))
    .update(chunk)
    .digest();
}

/** KDBX 4: the ciphertext in HMAC blocks. */
export function writeHmacBlocks(data: Uint8Array, hmacKey: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  let index = 0;
  for (let pos = 0; pos < data.byteLength; pos += BLOCK, index++) {
    const chunk = data.subarray(pos, Math.min(pos + BLOCK, data.byteLength));
    parts.push(blockHmac(hmacKey, index, chunk), u32(chunk.byteLength), Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  parts.push(blockHmac(hmacKey, index, new Uint8Array(0)), u32(0));
  return Buffer.concat(parts);
}

/** KDBX 4: the ciphertext inside HMAC blocks, each block checked. */
export function readHmacBlocks(data: Uint8Array, hmacKey: Uint8Array): Buffer {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const parts: Buffer[] = [];
  let pos = 0;
  for (let index = 0; ; index++) {
    if (pos + 36 > buf.length) throw new KdbxFormatError('truncated', `the file is truncated: block ${index} is cut short`);
    const mac = buf.subarray(pos, pos + 32);
    const size = buf.readUInt32LE(pos + 32);
    pos += 36;
    if (pos + size > buf.length) throw new KdbxFormatError('truncated', `the file is truncated: block ${index} is cut short`);
    const chunk = buf.subarray(pos, pos + size);
    if (!blockHmac(hmacKey, index, chunk).equals(mac)) throw corrupt(`the HMAC of block ${index} does not match: the file is damaged`);
    pos += size;
    if (size === 0) {
      if (pos < buf.length) throw dataAfterEnd(buf.length - pos);
      return Buffer.concat(parts);
    }
    parts.push(chunk);
  }
}
