/**
 * Native Argon2 for kdbxweb. kdbxweb ships no Argon2 of its own; @node-rs/argon2
 * runs as fast as KeePassXC (research/vault.md §4.3), unlike the WASM builds.
 * Installed once per process, before the first open/create.
 */
import { hashRaw } from '@node-rs/argon2';
import * as kdbxweb from './kdbxweb.js';

let installed = false;

/** Copies a view into its own ArrayBuffer: a Node Buffer may share a larger pool. */
export function toArrayBuffer(view: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(view.byteLength);
  new Uint8Array(out).set(view);
  return out;
}

export function installArgon2(): void {
  if (installed) return;
  installed = true;
  kdbxweb.CryptoEngine.setArgon2Impl(async (password, salt, memory, iterations, length, parallelism, type, version) => {
    // @node-rs/argon2's Algorithm and Version are const enums: Argon2d = 0, Argon2id = 2 (the same numbers kdbxweb
    // passes as `type`); Version V0x10 = 0, V0x13 = 1. memory arrives in KiB, as hashRaw wants it.
    const out = await hashRaw(new Uint8Array(password), {
      salt: new Uint8Array(salt),
      algorithm: type,
      version: version === 0x10 ? 0 : 1,
      memoryCost: memory,
      timeCost: iterations,
      parallelism,
      outputLen: length,
    });
    return toArrayBuffer(out);
  });
}
