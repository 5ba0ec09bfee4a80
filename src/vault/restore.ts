import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../core/atomic.js';
import { ConfigError, ErrorCode, UsageError } from '../core/errors.js';
import { backupPrimary, listBackups, readBackup } from './backup.js';
import type { Copy, CopyVersion } from './copies/copy.js';
import type { VaultRuntime } from './setup.js';
import { readVaultState } from './state.js';

export type RestoreSource = 'git' | 'gdrive' | 'rclone' | 'backup';

function copyOf(rt: VaultRuntime, from: Exclude<RestoreSource, 'backup'>): Copy {
  const copy = rt.copies.find((c) => c.kind === from);
  if (!copy) throw new UsageError(`vault ${rt.vault.name} has no ${from} copy`, 'use --from backup, or add the copy to the config');
  return copy;
}

export async function listVersions(rt: VaultRuntime, from: RestoreSource): Promise<CopyVersion[]> {
  if (from === 'backup') return listBackups(rt.stateDir, rt.vault.name);
  const copy = copyOf(rt, from);
  // An rclone copy keeps versions only where its backend does (S3 with versioning); else say so, not "no version".
  const why = 'versionsUnavailable' in copy ? await (copy as { versionsUnavailable(): Promise<string | undefined> }).versionsUnavailable() : undefined;
  if (why) throw new UsageError(`cannot restore from ${from}: ${why}`, 'use --from backup (this machine\'s safety backups); for Drive, the native gdrive copy keeps revisions');
  return copy.versions();
}

/**
 * REV: an exact id (or a unique prefix, for git commits); DATE: the newest
 * version at or before it; nothing: the newest version.
 */
export function pickVersion(versions: CopyVersion[], at: string | undefined): CopyVersion {
  const [newest] = versions;
  if (!newest) throw new UsageError('there is no version to restore from there');
  if (!at) return newest;
  const exact = versions.find((v) => v.id === at) ?? uniquePrefix(versions, at);
  if (exact) return exact;
  const date = parseDate(at);
  if (date === undefined) throw new UsageError(`"${at}" is neither a known version nor a date`, 'list them with `ssot vault restore NAME --from … --list`');
  const candidates = versions.filter((v) => v.time.getTime() <= date).sort((a, b) => b.time.getTime() - a.time.getTime());
  const [best] = candidates;
  if (!best) throw new UsageError(`no version at or before ${at}`);
  return best;
}

function uniquePrefix(versions: CopyVersion[], at: string): CopyVersion | undefined {
  if (at.length < 4) return undefined;
  const m = versions.filter((v) => v.id.startsWith(at));
  return m.length === 1 ? m[0] : undefined;
}

function parseDate(s: string): number | undefined {
  // A bare date means the end of that day: "the newest version at or before 2026-03-31".
  const t = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T23:59:59.999Z`) : Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

export interface RestoreResult {
  version: CopyVersion;
  backup?: string;
  entries: number;
}

/**
 * Make a chosen version the primary: it must decrypt and be the same
 * database; the current primary is backed up first. History is never
 * rewritten: the next sync carries this version to the copies as a new one.
 */
export async function restoreVersion(rt: VaultRuntime, from: RestoreSource, version: CopyVersion): Promise<RestoreResult> {
  const bytes = from === 'backup' ? await readBackup(rt.stateDir, rt.vault.name, version.id) : await copyOf(rt, from).readVersion(version.id);
  const db = await rt.codec.open(bytes, `${from} version ${version.id}`);
  const state = await readVaultState(rt.stateDir, rt.vault.name);
  if (state.rootUuid && db.rootUuid !== state.rootUuid) {
    throw new ConfigError(ErrorCode.NotSameDatabase, `${from} version ${version.id} is not a version of vault ${rt.vault.name}`);
  }
  let backup: string | undefined;
  try {
    const current = await fs.readFile(rt.primaryPath);
    backup = await backupPrimary(rt.stateDir, rt.vault.name, current, rt.vault.backups?.keep ?? 20);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await writeFileAtomic(rt.primaryPath, bytes, { mode: 0o600 });
  return { version, ...(backup ? { backup } : {}), entries: db.summary().entries };
}
