import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CredentialContext } from '../config/credentials.js';
import { resolveCredential } from '../config/credentials.js';
import type { LoadedConfig } from '../config/load.js';
import type { CopyConfig, VaultConfig } from '../config/schema.js';
import { ErrorCode, InputError, UsageError } from '../core/errors.js';
import { stateDir as defaultStateDir } from '../core/paths.js';
import type { VaultCodec } from './codec.js';
import type { Copy } from './copies/copy.js';
import type { DriveCopyState, DriveCopyStateValue } from './copies/gdrive.js';
import { writeJsonAtomic } from '../core/atomic.js';
import { VaultDatabase } from './kdbx/database.js';
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

export function findVault(config: LoadedConfig, name: string): VaultConfig {
  const v = config.vaults.find((x) => x.name === name);
  if (!v) {
    const known = config.vaults.map((x) => x.name).join(', ') || 'none';
    throw new UsageError(`no vault named "${name}" in ${config.file}`, `configured vaults: ${known}`);
  }
  return v;
}

export async function prepareVault(v: VaultConfig, deps: SetupDeps): Promise<VaultRuntime> {
  const key = await resolveVaultKey(v, deps.creds);
  const codec = kdbxCodec(key, v.require);
  const stateDir = deps.stateDir ?? defaultStateDir(deps.creds.env);
  const copies: Copy[] = [];
  for (const [i, c] of v.copies.entries()) copies.push(await makeCopy(v, c, i, codec, deps, stateDir));
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
  return VaultDatabase.open(bytes, key, v.path);
}

async function makeCopy(v: VaultConfig, c: CopyConfig, index: number, codec: VaultCodec<VaultDatabase>, deps: SetupDeps, stateDir: string): Promise<Copy> {
  const fileName = path.basename(v.path);
  if ('folder' in c) {
    const { FolderCopy } = await import('./copies/folder.js');
    return new FolderCopy({ dir: c.folder.path, name: c.folder.name ?? fileName });
  }
  if ('git' in c) {
    const { GitCopy } = await import('./copies/git.js');
    return new GitCopy({
      repo: c.git.repo,
      remote: c.git.remote,
      branch: c.git.branch,
      ...(c.git.path ? { path: c.git.path } : {}),
      name: c.git.name ?? fileName,
      merge: async (ours, theirs) => {
        const a = await codec.open(ours, `${c.git.repo} (ours)`);
        const b = await codec.open(theirs, `${c.git.repo} (theirs)`);
        codec.merge(a, b);
        return a.save();
      },
    });
  }
  const g = deps.config.gdrive;
  if (!g) {
    throw new InputError(ErrorCode.Config, `vault ${v.name} has a Drive copy but the config has no gdrive section`, { file: deps.config.file, path: `vaults[${v.name}].copies[${index}]` }, 'add gdrive.auth (see docs/drive-setup.md)');
  }
  const { DriveCopy, createDriveClient } = await import('./copies/gdrive.js');
  const auth =
    'accessToken' in g.auth
      ? { accessToken: await resolveCredential(g.auth.accessToken, deps.creds, 'Google Drive access token') }
      : {
          clientId: g.auth.clientId,
          clientSecret: await resolveCredential(g.auth.clientSecret, deps.creds, 'Google OAuth client secret'),
          refreshToken: await resolveCredential(g.auth.refreshToken, deps.creds, 'Google Drive refresh token'),
        };
  const drive = createDriveClient({ ...(g.rootUrl ? { rootUrl: g.rootUrl } : {}), ...(g.tokenUrl ? { tokenUrl: g.tokenUrl } : {}), auth });
  return new DriveCopy({
    drive,
    ...(c.gdrive.folder ? { folder: c.gdrive.folder } : {}),
    ...(c.gdrive.folderId ? { folderId: c.gdrive.folderId } : {}),
    ...(c.gdrive.fileId ? { fileId: c.gdrive.fileId } : {}),
    name: c.gdrive.name ?? fileName,
    state: driveState(stateDir, v.name, index),
  });
}

/** What a Drive copy remembers (folder and file ids, last revision), beside the vault's sync state. */
function driveState(stateDir: string, vault: string, index: number): DriveCopyState {
  const file = path.join(stateDir, 'vaults', `${vault}.gdrive-${index}.json`);
  return {
    get: async () => {
      try {
        return JSON.parse(await fs.readFile(file, 'utf8')) as DriveCopyStateValue;
      } catch {
        return {};
      }
    },
    set: async (value) => {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeJsonAtomic(file, value, { mode: 0o600 });
    },
  };
}
