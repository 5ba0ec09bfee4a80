import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CredentialContext } from '../config/credentials.js';
import type { LoadedConfig } from '../config/load.js';
import type { VaultConfig } from '../config/schema.js';
import { ErrorCode, InputError } from '../core/errors.js';
import { stateDir as defaultStateDir } from '../core/paths.js';
import type { VaultCodec } from './codec.js';
import type { Copy } from './copies/copy.js';
import type { VaultDatabase } from './kdbx/database.js';
import type { VaultKey } from './kdbx/key.js';
import { kdbxCodec } from './kdbx-codec.js';
import { resolveVaultKey } from './key.js';

/**
 * Everything one vault's operations need, built from the config: its key,
 * its codec and its copies. The Drive client is only loaded when a vault has
 * a Drive copy.
 */
export interface VaultRuntime {
  vault: VaultConfig;
  key: VaultKey;
  codec: VaultCodec<VaultDatabase>;
  copies: Copy[];
  primaryPath: string;
  stateDir: string;
}

export interface SetupDeps {
  config: LoadedConfig;
  creds: CredentialContext;
  stateDir?: string;
}

export async function prepareVault(v: VaultConfig, deps: SetupDeps): Promise<VaultRuntime> {
  const key = await resolveVaultKey(v, deps.creds);
  const codec = kdbxCodec(key, v.require);
  const stateDir = deps.stateDir ?? defaultStateDir(deps.creds.env);
  const copies = await makeCopies(v, codec, deps, stateDir);
  return { vault: v, key, codec, copies, primaryPath: v.path, stateDir };
}

/** Open the primary of a vault (for `{ vault: … }` credentials, fingerprinting, verify). */
export async function openPrimary(v: VaultConfig, creds: CredentialContext): Promise<VaultDatabase> {
  const key = await resolveVaultKey(v, creds);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(v.path);
  } catch (e) {
    throw new InputError(ErrorCode.NotFound, `cannot read vault ${v.name}: ${(e as Error).message}`, { file: v.path }, `create it with \`ssot vault create ${v.name}\` or fix vaults[].path`);
  }
  const { VaultDatabase } = await import('./kdbx/database.js');
  return VaultDatabase.open(bytes, key, v.path);
}

/** The copies of a vault; the merge a git copy needs on a diverged pull is the engine's entry-by-entry merge. */
async function makeCopies(v: VaultConfig, codec: VaultCodec<VaultDatabase>, deps: SetupDeps, stateDir: string): Promise<Copy[]> {
  const { copyFromConfig, driveClientFromConfig, fileDriveState, rcloneRunnerFromConfig } = await import('./copies/index.js');
  const { fileRcloneState } = await import('./copies/rclone-state.js');
  const g = deps.config.gdrive;
  let drive: ReturnType<typeof driveClientFromConfig> | undefined;
  const copies: Copy[] = [];
  for (const c of v.copies) {
    copies.push(
      await copyFromConfig(c, {
        primaryPath: v.path,
        baseDir: deps.config.dir,
        merge: async (ours, theirs) => {
          const a = await codec.open(ours, `${v.name} (ours)`);
          const b = await codec.open(theirs, `${v.name} (theirs)`);
          codec.merge(a, b);
          return a.save();
        },
        ...(g ? { driveClient: () => (drive ??= driveClientFromConfig(g, deps.creds)), driveScope: g.scope } : {}),
        driveState: (key) => fileDriveState(key, path.join(stateDir, 'copies')),
        rclone: rcloneRunnerFromConfig(deps.config.rclone, deps.creds),
        rcloneState: (key) => fileRcloneState(key, path.join(stateDir, 'copies')),
      }),
    );
  }
  return copies;
}
