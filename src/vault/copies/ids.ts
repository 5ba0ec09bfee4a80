import path from 'node:path';
import type { CopyConfig } from '../../config/schema.js';
import type { CopyKind } from './copy.js';

/**
 * A copy's id from its config alone: no copy module loaded, no I/O. The
 * copies build their ids with the same functions, so `ssot status` can tell
 * the copies the config has now from those the state still remembers.
 */

/** `git:<repo>/<path>/<name>`: the file in the working tree. */
export function gitCopyId(repo: string, relPath: string): string {
  return `git:${path.join(path.resolve(repo), relPath)}`;
}

/** The file's path inside the repository (posix separators, no leading or trailing slash). */
export function gitRelPath(sub: string | undefined, name: string): string {
  const clean = (sub ?? '').replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  return clean ? `${clean}/${name}` : name;
}

/** How a Drive copy is named in ids and labels: `file ID`, `Backups/security/x.kdbx` or `folder ID/x.kdbx`. */
export function driveWhere(d: { folder?: string; folderId?: string; fileId?: string }, name: string): string {
  if (d.fileId) return `file ${d.fileId}`;
  if (d.folder) return `${d.folder.replace(/^\/+|\/+$/g, '')}/${name}`;
  // The config names a fileId, a folder or a folderId (its schema refuses none).
  return `folder ${String(d.folderId)}/${name}`;
}

/** `NAME:folder/file` for an rclone copy (`NAME:file` at the remote's root). */
export function rcloneFile(remote: string, name: string): string {
  const folder = remote.replace(/\/+$/, '');
  return folder.endsWith(':') ? `${folder}${name}` : `${folder}/${name}`;
}

export function copyIdentity(entry: CopyConfig, primaryPath: string): { id: string; kind: CopyKind } {
  const defaultName = path.basename(primaryPath);
  if ('folder' in entry) return { id: `folder:${path.resolve(entry.folder.path, entry.folder.name ?? defaultName)}`, kind: 'folder' };
  if ('git' in entry) return { id: gitCopyId(entry.git.repo, gitRelPath(entry.git.path, entry.git.name ?? defaultName)), kind: 'git' };
  if ('rclone' in entry) return { id: `rclone:${rcloneFile(entry.rclone.remote, entry.rclone.name ?? defaultName)}`, kind: 'rclone' };
  return { id: `gdrive:${driveWhere(entry.gdrive, entry.gdrive.name ?? defaultName)}`, kind: 'gdrive' };
}
