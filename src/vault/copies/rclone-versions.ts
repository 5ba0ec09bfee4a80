import type { CopyVersion } from './copy.js';

/**
 * S3 buckets with versioning keep every upload; `rclone lsjson --s3-versions`
 * lists the old ones beside the current file, named with the time inserted
 * before the extension: `chronos.kdbx` -> `chronos-v2026-03-31-120501-000.kdbx`.
 * Other backends' versions (Drive revisions, Nextcloud's trash) are not
 * reachable through rclone's listing: restore says so.
 */
export interface ListedFile {
  Name: string;
  Size: number;
  ModTime: string;
}

const VERSIONED = /-v(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})$/;

export function listS3Versions(files: readonly ListedFile[], name: string): CopyVersion[] {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  const out: CopyVersion[] = [];
  for (const f of files) {
    if (f.Name === name) {
      out.push({ id: f.Name, time: new Date(f.ModTime), size: f.Size, description: 'current' });
      continue;
    }
    if (!f.Name.startsWith(stem) || !f.Name.endsWith(ext)) continue;
    const m = VERSIONED.exec(f.Name.slice(stem.length, f.Name.length - ext.length));
    if (!m || f.Name.slice(stem.length, f.Name.length - ext.length) !== m[0]) continue;
    out.push({ id: f.Name, time: new Date(m[0].replace(VERSIONED, '$1-$2-$3T$4:$5:$6.$7Z')), size: f.Size });
  }
  return out.sort((a, b) => b.time.getTime() - a.time.getTime());
}

/** The path rclone reads an old version at (with --s3-versions). */
export function s3VersionPath(folder: string, id: string): string {
  return folder.endsWith(':') ? `${folder}${id}` : `${folder}/${id}`;
}
