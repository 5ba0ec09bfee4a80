import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Write `data` to `file` atomically: a temp file in the same directory, fsync,
 * rename over the target, fsync the directory. A crash at any point leaves
 * either the old file or the new one, never a torn one.
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | string,
  opts: { mode?: number } = {},
): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = opts.mode ?? (await existingMode(file)) ?? 0o644;
  const fh = await fs.open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    // open() applies the umask; the mode asked for must hold exactly (0600 for secrets).
    await fs.chmod(tmp, mode);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

async function existingMode(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).mode & 0o777;
  } catch {
    return undefined;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let dh: fs.FileHandle | undefined;
  try {
    dh = await fs.open(dir, 'r');
    await dh.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await dh?.close();
  }
}

/** Write JSON (2-space, trailing newline) atomically. */
export async function writeJsonAtomic(file: string, value: unknown, opts: { mode?: number } = {}): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n', opts);
}
