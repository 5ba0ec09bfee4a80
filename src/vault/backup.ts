import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { shortHash } from '../core/hash.js';
import { ensurePrivateDir } from '../core/paths.js';
import type { CopyVersion } from './copies/copy.js';

/**
 * Safety backups of a vault's primary, taken before it is replaced: under the
 * state folder, mode 0600, named `<UTC time>-<hash8>.kdbx`, the newest N kept.
 */
export function backupDir(stateDir: string, vault: string): string {
  return path.join(stateDir, 'backups', vault);
}

export async function backupPrimary(stateDir: string, vault: string, data: Uint8Array, keep: number): Promise<string> {
  const dir = backupDir(stateDir, vault);
  await ensurePrivateDir(dir);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const hash = shortHash(data, 8);
  const name = `${stamp}-${hash}.kdbx`;
  await writeFileAtomic(path.join(dir, name), data, { mode: 0o600 });
  await prune(dir, keep);
  return name;
}

async function prune(dir: string, keep: number): Promise<void> {
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.kdbx')).sort();
  for (const n of names.slice(0, Math.max(0, names.length - keep))) await fs.rm(path.join(dir, n), { force: true });
}

export async function listBackups(stateDir: string, vault: string): Promise<CopyVersion[]> {
  const dir = backupDir(stateDir, vault);
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.kdbx'));
  } catch {
    return [];
  }
  const out: CopyVersion[] = [];
  for (const n of names) {
    const st = await fs.stat(path.join(dir, n));
    out.push({ id: n, time: st.mtime, size: st.size, description: 'safety backup' });
  }
  return out.sort((a, b) => b.id.localeCompare(a.id));
}

export async function readBackup(stateDir: string, vault: string, name: string): Promise<Uint8Array> {
  if (name.includes('/') || name.includes('..')) throw new Error(`not a backup name: ${name}`);
  return fs.readFile(path.join(backupDir(stateDir, vault), name));
}
