import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * The key of one vault-value index. Each index has its own key, kept beside it
 * in the state folder (`guard/keys/<id>.key`, mode 0600, folder 0700) and named
 * in the index's clear header. A rebuild writes a new key under a new id and
 * never overwrites one, so nothing else — another state folder, another
 * config, a test run, a second rebuild running at the same time — can replace
 * the key an index was written with: the guard either opens its index or says
 * why it cannot.
 */

const KEY_BYTES = 32;
/** A key no index names is removed once it is this old (a rebuild running at the same moment still needs its own). */
const ORPHAN_AGE_MS = 10 * 60 * 1000;

function keysDir(guardDir: string): string {
  return path.join(guardDir, 'keys');
}

function keyFile(guardDir: string, id: string): string {
  return path.join(keysDir(guardDir), `${id}.key`);
}

/** A fresh key under a fresh id, written before the index that uses it (never over an existing file). */
export async function createIndexKey(guardDir: string): Promise<{ id: string; key: Buffer }> {
  await fs.mkdir(keysDir(guardDir), { recursive: true, mode: 0o700 });
  const id = randomBytes(12).toString('hex');
  const key = randomBytes(KEY_BYTES);
  const handle = await fs.open(keyFile(guardDir, id), 'wx', 0o600);
  try {
    await handle.writeFile(key.toString('base64') + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { id, key };
}

export type KeyRead = { status: 'ok'; key: Buffer; warnings: string[] } | { status: 'missing' } | { status: 'unreadable'; reason: string };

/** The key an index names. */
export async function readIndexKey(guardDir: string, id: string): Promise<KeyRead> {
  if (!/^[0-9a-f]{24}$/.test(id)) return { status: 'unreadable', reason: 'the index names no valid key' };
  const file = keyFile(guardDir, id);
  const warnings: string[] = [];
  try {
    const st = await fs.stat(file);
    if ((st.mode & 0o077) !== 0) warnings.push(`${file} is readable by other users: run \`chmod 600 ${file}\``);
    const key = Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
    if (key.length !== KEY_BYTES) return { status: 'unreadable', reason: `${file} is not a key` };
    return { status: 'ok', key, warnings };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'unreadable', reason: `cannot read ${file}: ${(e as Error).message}` };
  }
}

/** Remove keys no index uses any more: every key but `keep`, once it is old enough not to belong to a rebuild in flight. */
export async function removeOldKeys(guardDir: string, keep: string, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(keysDir(guardDir));
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.endsWith('.key') || n === `${keep}.key`) continue;
    const file = path.join(keysDir(guardDir), n);
    try {
      if (now - (await fs.stat(file)).mtimeMs > ORPHAN_AGE_MS) await fs.rm(file, { force: true });
    } catch {
      /* gone already */
    }
  }
}
