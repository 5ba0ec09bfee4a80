import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { drive_v3 } from '@googleapis/drive';
import { writeJsonAtomic } from '../../core/atomic.js';
import { shortHash } from '../../core/hash.js';
import { ensurePrivateDir, resolveUserPath, stateDir } from '../../core/paths.js';
import { resolveCredential, type CredentialContext } from '../../config/credentials.js';
import type { CopyConfig, GdriveConfig, RcloneConfig } from '../../config/schema.js';
import type { Copy } from './copy.js';
import type { DriveCopyState, DriveCopyStateValue } from './gdrive.js';
import type { MergeBytes } from './git.js';
import type { RcloneRunner } from './rclone-run.js';
import type { RcloneCopyState } from './rclone-state.js';

/**
 * From a vault's `copies:` entries to Copy objects. The git and Drive modules
 * (simple-git, the Google client) are imported only when a vault has such a
 * copy, so commands that never touch them never load them.
 */
export interface CopyFactoryDeps {
  /** The primary's absolute path: a copy's file takes its name unless it gives one. */
  primaryPath: string;
  /** The config file's folder (relative paths resolve against it). */
  baseDir: string;
  /** The engine's byte-level merge (decrypt both, merge entry by entry, save). */
  merge: MergeBytes;
  /** The Drive client, built once per run by the caller (see driveClientFromConfig). */
  driveClient?: () => Promise<drive_v3.Drive>;
  /** The scope the Drive credentials were granted (`gdrive.scope`). */
  driveScope?: 'drive' | 'drive.file';
  /** Where a Drive copy remembers its ids; default a 0600 JSON file under the state folder. */
  driveState?: (key: string) => DriveCopyState;
  /** The user's rclone (top-level `rclone:`); default: `rclone` on PATH with its default config. */
  rclone?: RcloneRunner;
  /** Where an rclone copy remembers what it learnt; default files under the state folder. */
  rcloneState?: (key: string) => RcloneCopyState;
}

export async function copyFromConfig(entry: CopyConfig, deps: CopyFactoryDeps): Promise<Copy> {
  const defaultName = path.basename(deps.primaryPath);
  if ('folder' in entry) {
    const { FolderCopy } = await import('./folder.js');
    return new FolderCopy({ dir: resolveUserPath(entry.folder.path, deps.baseDir), name: entry.folder.name ?? defaultName });
  }
  if ('git' in entry) {
    const { GitCopy } = await import('./git.js');
    const g = entry.git;
    return new GitCopy({
      repo: resolveUserPath(g.repo, deps.baseDir),
      remote: g.remote,
      ...(g.branch ? { branch: g.branch } : {}),
      ...(g.path ? { path: g.path } : {}),
      name: g.name ?? defaultName,
      merge: deps.merge,
    });
  }
  if ('rclone' in entry) return rcloneCopy(entry.rclone, deps, defaultName);
  const { DriveCopy } = await import('./gdrive.js');
  const d = entry.gdrive;
  if (!deps.driveClient) {
    const { ConfigError, ErrorCode } = await import('../../core/errors.js');
    throw new ConfigError(ErrorCode.Config, 'a gdrive copy needs the top-level `gdrive:` section (auth)', {
      hint: 'add gdrive.auth to ssot.config.yaml (docs/drive-setup.md)',
    });
  }
  const name = d.name ?? defaultName;
  const key = `gdrive-${shortHash(`${deps.primaryPath}\n${d.fileId ?? ''}\n${d.folderId ?? ''}\n${d.folder ?? ''}\n${name}`, 16)}`;
  return new DriveCopy({
    drive: await deps.driveClient(),
    name,
    ...(d.folder ? { folder: d.folder } : {}),
    ...(d.folderId ? { folderId: d.folderId } : {}),
    ...(d.fileId ? { fileId: d.fileId } : {}),
    ...(deps.driveScope ? { scope: deps.driveScope } : {}),
    state: (deps.driveState ?? fileDriveState)(key),
  });
}

async function rcloneCopy(r: { remote: string; name?: string | undefined; config?: string | undefined }, deps: CopyFactoryDeps, defaultName: string): Promise<Copy> {
  const { RcloneCopy } = await import('./rclone.js');
  const { fileRcloneState } = await import('./rclone-state.js');
  const name = r.name ?? defaultName;
  const base: RcloneRunner = deps.rclone ?? { bin: 'rclone' };
  const runner: RcloneRunner = r.config ? { ...base, config: resolveUserPath(r.config, deps.baseDir) } : base;
  const key = `rclone-${shortHash(`${deps.primaryPath}\n${runner.config ?? ''}\n${r.remote}\n${name}`, 16)}`;
  const state = (deps.rcloneState ?? ((k: string) => fileRcloneState(k, path.join(stateDir(), 'copies'))))(key);
  return new RcloneCopy({ remote: r.remote, name, runner, state });
}

/** The runner for the config's `rclone:` section; its config password is resolved only when rclone runs. */
export function rcloneRunnerFromConfig(cfg: RcloneConfig | undefined, ctx: CredentialContext): RcloneRunner {
  let pass: Promise<string> | undefined;
  const ref = cfg?.configPass;
  return {
    bin: cfg?.path ?? 'rclone',
    ...(cfg?.config ? { config: cfg.config } : {}),
    ...(ref ? { configPass: () => (pass ??= resolveCredential(ref, ctx, 'rclone config password (rclone.configPass)')) } : {}),
    ...(ctx.env ? { env: ctx.env } : {}),
  };
}

/** A Drive copy's remembered ids in `<state>/copies/<key>.json`, mode 0600. */
export function fileDriveState(key: string, dir = path.join(stateDir(), 'copies')): DriveCopyState {
  const file = path.join(dir, `${key}.json`);
  return {
    async get(): Promise<DriveCopyStateValue> {
      try {
        const v = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
        const out: DriveCopyStateValue = {};
        for (const k of ['folderId', 'fileId', 'lastRev', 'madeFolderId'] as const) if (typeof v[k] === 'string') out[k] = v[k];
        return out;
      } catch {
        return {}; // absent or unreadable: the ids are found again by name
      }
    },
    async set(value: DriveCopyStateValue): Promise<void> {
      await ensurePrivateDir(dir);
      await writeJsonAtomic(file, value, { mode: 0o600 });
    },
  };
}

/** The Drive client from the config's `gdrive:` section, credentials resolved (and redacted). */
export async function driveClientFromConfig(cfg: GdriveConfig, ctx: CredentialContext): Promise<drive_v3.Drive> {
  const { createDriveClient } = await import('./gdrive.js');
  const a = cfg.auth;
  const auth =
    'accessToken' in a
      ? { accessToken: await resolveCredential(a.accessToken, ctx, 'Google Drive access token') }
      : {
          clientId: a.clientId,
          clientSecret: await resolveCredential(a.clientSecret, ctx, 'Google OAuth client secret'),
          refreshToken: await resolveCredential(a.refreshToken, ctx, 'Google Drive refresh token'),
        };
  return createDriveClient({
    auth,
    ...(cfg.rootUrl ? { rootUrl: cfg.rootUrl } : {}),
    ...(cfg.tokenUrl ? { tokenUrl: cfg.tokenUrl } : {}),
  });
}
