import { sha256Hex } from '../core/hash.js';

/**
 * Whether a sync with nothing changed should still decrypt once, to prove the
 * configured key opens the vault (DESIGN: a wrong password is found before
 * anything changes, not at the first edit, which would then wait unsynced).
 *
 * The cost is one key derivation, about what KeePassXC pays to open the file.
 * `ssot sync` is one process: it pays it once per vault and run. The watcher
 * is one long process that syncs every few minutes: it pays it at start, and
 * again only when the key it resolves changes (a new keyring value, a new key
 * file), never on each poll. What is remembered is a digest of the key held in
 * this process's memory only; nothing is written anywhere.
 */
const verified = new Map<string, string>();

function fingerprint(key: { password?: string; keyFile?: Uint8Array }): string {
  return sha256Hex([
    key.password === undefined ? '\0none' : `\x01${key.password}`,
    key.keyFile === undefined ? '\0none' : Buffer.concat([Buffer.from('\x01'), key.keyFile]),
  ]);
}

/** True when this key has not yet been seen to open this vault in this process. */
export function keyCheckNeeded(vault: string, key: { password?: string; keyFile?: Uint8Array }): boolean {
  return verified.get(vault) !== fingerprint(key);
}

/** The key opened the vault (a sync decrypted with it, or found nothing to decrypt after checking). */
export function keyVerified(vault: string, key: { password?: string; keyFile?: Uint8Array }): void {
  verified.set(vault, fingerprint(key));
}
