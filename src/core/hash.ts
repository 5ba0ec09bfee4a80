import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

/**
 * The one place content is hashed (not a key: keyed hashes stay with the
 * guard's index): a revision of bytes (sha256 hex), a short stable id made
 * from names, and the digests remotes list (Drive's md5Checksum, rclone's
 * hashes). The same input gives the same string on every machine.
 */

export type Hashable = string | Uint8Array;

/** Hex digest (sha256 unless told) of the data, or of several parts one after another. */
export function hashHex(data: Hashable | readonly Hashable[], algorithm = 'sha256'): string {
  const h = createHash(algorithm);
  for (const part of typeof data === 'string' || data instanceof Uint8Array ? [data] : data) h.update(part);
  return h.digest('hex');
}

export function sha256Hex(data: Hashable | readonly Hashable[]): string {
  return hashHex(data);
}

/** The first `length` hex characters of the sha256: a short id that stays the same for the same input (not an integrity check). */
export function shortHash(data: Hashable | readonly Hashable[], length: number): string {
  return sha256Hex(data).slice(0, length);
}

/** The sha256 hex of a file's bytes; rejects as fs.readFile does. */
export async function sha256File(file: string): Promise<string> {
  return sha256Hex(await fs.readFile(file));
}
