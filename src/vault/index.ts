import type * as GdriveAuth from './copies/gdrive-auth.js';
import type * as KdbxCodec from './kdbx-codec.js';
import type { VaultDatabase } from './kdbx/database.js';
import type * as Setup from './setup.js';
import type * as Verify from './verify.js';

/**
 * The vault's public entry: what the commands, `ssot sync` and the watcher
 * use. Other folders import from here, never from the modules behind it.
 *
 * Light to import (`ssot status` reads the sync state through it): what
 * opens a database needs kdbxweb and argon2 (~85 ms), and the Google sign-in
 * needs google-auth-library (~100 ms); those functions load their module on
 * their first call, so a command pays only for what it calls.
 */
export { PRIMARY, syncVault, type SyncVaultResult } from './sync.js';
export { listVersions, pickVersion, restoreVersion, type RestoreSource } from './restore.js';
export { readVaultState, recordVaultError, VAULT_WIDE, type ConflictCopyRecord } from './state.js';
export { findVault } from './find.js';
export { findKeepassxc } from './keepassxc.js';
export { mergeKdbxFiles } from './merge-driver.js';
export { resolveVaultKey } from './key.js';
export { vaultFiles } from './conflict-names.js';
export { copyIdentity } from './copies/ids.js';
export { listRcloneRemotes } from './copies/rclone-remotes.js';
export type { VaultDb } from './codec.js';
export type { VaultRuntime } from './setup.js';
export type { VaultDatabase } from './kdbx/database.js';

// kdbxweb and argon2, on first call.
export const prepareVault: typeof Setup.prepareVault = async (...a) => (await import('./setup.js')).prepareVault(...a);
export const openPrimary: typeof Setup.openPrimary = async (...a) => (await import('./setup.js')).openPrimary(...a);
export const verifyVault: typeof Verify.verifyVault = async (...a) => (await import('./verify.js')).verifyVault(...a);
export const kdbxCodec = async (...a: Parameters<typeof KdbxCodec.kdbxCodec>): Promise<ReturnType<typeof KdbxCodec.kdbxCodec>> => (await import('./kdbx-codec.js')).kdbxCodec(...a);
/** A new, empty database (KDBX 4, Argon2id). */
export const createDatabase = async (...a: Parameters<typeof VaultDatabase.create>): Promise<VaultDatabase> => (await import('./kdbx/database.js')).VaultDatabase.create(...a);

// google-auth-library, on first call.
export const authorizeInstalledApp: typeof GdriveAuth.authorizeInstalledApp = async (...a) => (await import('./copies/gdrive-auth.js')).authorizeInstalledApp(...a);
export const checkRefreshToken: typeof GdriveAuth.checkRefreshToken = async (...a) => (await import('./copies/gdrive-auth.js')).checkRefreshToken(...a);
