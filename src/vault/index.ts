import type * as GdriveAuth from './copies/gdrive-auth.js';
import type * as RcloneRemotes from './copies/rclone-remotes.js';
import type * as KdbxCodec from './kdbx-codec.js';
import type { VaultDatabase } from './kdbx/database.js';
import type * as Keepassxc from './keepassxc.js';
import type * as Key from './key.js';
import type * as MergeDriver from './merge-driver.js';
import type * as Restore from './restore.js';
import type * as Setup from './setup.js';
import type * as Sync from './sync.js';
import type * as Verify from './verify.js';

/**
 * The vault's public entry: what the commands, `ssot sync` and the watcher
 * use. Other folders import from here, never from the modules behind it.
 *
 * Light to import: only the sync state and the names of locations load with
 * it (`ssot status` needs no more). Every other function loads its module on
 * its first call, so a command pays only for what it calls: opening a
 * database needs kdbxweb and argon2 (~85 ms), the Google sign-in
 * google-auth-library (~100 ms).
 */
export { readVaultState, recordVaultError, VAULT_WIDE, type ConflictCopyRecord } from './state.js';
export { copyIdentity } from './copies/ids.js';
export { conflictCopyTool, vaultFiles } from './conflict-names.js';
export { findVault } from './find.js';
export type { VaultDb } from './codec.js';
export type { RestoreSource } from './restore.js';
export type { VaultRuntime } from './setup.js';
export type { SyncVaultResult } from './sync.js';
export type { VaultDatabase } from './kdbx/database.js';

/** The primary's location id (sync.ts's, checked by the compiler). */
export const PRIMARY: typeof Sync.PRIMARY = 'primary';

export const syncVault: typeof Sync.syncVault = async (...a) => (await import('./sync.js')).syncVault(...a);
export const prepareVault: typeof Setup.prepareVault = async (...a) => (await import('./setup.js')).prepareVault(...a);
export const openPrimary: typeof Setup.openPrimary = async (...a) => (await import('./setup.js')).openPrimary(...a);
export const verifyVault: typeof Verify.verifyVault = async (...a) => (await import('./verify.js')).verifyVault(...a);
export const resolveVaultKey: typeof Key.resolveVaultKey = async (...a) => (await import('./key.js')).resolveVaultKey(...a);
export const findKeepassxc: typeof Keepassxc.findKeepassxc = async (...a) => (await import('./keepassxc.js')).findKeepassxc(...a);
export const mergeKdbxFiles: typeof MergeDriver.mergeKdbxFiles = async (...a) => (await import('./merge-driver.js')).mergeKdbxFiles(...a);
export const listVersions: typeof Restore.listVersions = async (...a) => (await import('./restore.js')).listVersions(...a);
export const restoreVersion: typeof Restore.restoreVersion = async (...a) => (await import('./restore.js')).restoreVersion(...a);
/** The version `--at` names (an id or a date), or the newest. */
export const pickVersion = async (...a: Parameters<typeof Restore.pickVersion>): Promise<ReturnType<typeof Restore.pickVersion>> => (await import('./restore.js')).pickVersion(...a);
export const kdbxCodec = async (...a: Parameters<typeof KdbxCodec.kdbxCodec>): Promise<ReturnType<typeof KdbxCodec.kdbxCodec>> => (await import('./kdbx-codec.js')).kdbxCodec(...a);
/** A new, empty database (KDBX 4, Argon2id). */
export const createDatabase = async (...a: Parameters<typeof VaultDatabase.create>): Promise<VaultDatabase> => (await import('./kdbx/database.js')).VaultDatabase.create(...a);
export const listRcloneRemotes: typeof RcloneRemotes.listRcloneRemotes = async (...a) => (await import('./copies/rclone-remotes.js')).listRcloneRemotes(...a);
export const authorizeInstalledApp: typeof GdriveAuth.authorizeInstalledApp = async (...a) => (await import('./copies/gdrive-auth.js')).authorizeInstalledApp(...a);
export const checkRefreshToken: typeof GdriveAuth.checkRefreshToken = async (...a) => (await import('./copies/gdrive-auth.js')).checkRefreshToken(...a);
