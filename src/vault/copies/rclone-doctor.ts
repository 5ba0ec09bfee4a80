import { ErrorCode, SsotError } from '../../core/errors.js';
import type { Copy } from './copy.js';
import { RcloneCopy, fingerprint } from './rclone.js';

/**
 * `ssot doctor` for an rclone copy: the remote is in the config and
 * reachable, its folder exists, the file's hash can be read; and which
 * compare-and-swap this backend allows (docs/rclone.md has the table).
 * Throws the classified error (with its fix) when a step fails.
 */
export async function checkRcloneCopy(copy: Copy): Promise<string> {
  if (!(copy instanceof RcloneCopy)) throw new SsotError(ErrorCode.Internal, `${copy.label} is not an rclone copy`);
  const meta = await copy.learn();
  const folder = await copy.statFolder();
  const file = await copy.stat();
  const parts = [`${meta.backendType} remote reachable`];
  parts.push(folder ? 'the folder exists' : 'the folder is not there yet (the first sync makes it)');
  if (!file) parts.push('the file is not there yet (the next sync creates it)');
  else {
    const fp = fingerprint(file, meta);
    parts.push(fp.startsWith('size:') ? `the file is there (${file.Size} bytes); this backend gives no hash, so changes are seen by size and time` : `the file's ${fp.slice(0, fp.indexOf(':'))} hash reads ${fp.slice(fp.indexOf(':') + 1, fp.indexOf(':') + 13)}`);
  }
  parts.push(meta.canMove ? 'writes go to a temporary name, moved over the file server-side' : 'no server-side move: each write uploads over the file directly');
  return parts.join('; ');
}
