import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import { ensurePrivateDir } from '../core/paths.js';
import { isRecord } from '../core/record.js';
import type { GuardConfig } from './config.js';

/**
 * The guard's settings as last read from a config file, kept with the file's
 * identity (inode, size, modification and change times). The hook runs on
 * every commit and the `yaml` package alone costs ~20 ms to load; the config
 * changes rarely. Any write to the file moves its change time, so an edited
 * config is read again; a cache that cannot be read or written only costs
 * that reading.
 */

interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

interface CacheFile {
  version: 1;
  entries: { file: string; stamp: FileStamp; config: GuardConfig }[];
}

/** Configs remembered per machine (one per repository a user commits in, at most). */
const KEEP = 16;
const CACHE_NAME = 'guard-config.json';

/**
 * A file written within the last moments is not remembered (git's "racy" rule): on a file
 * system that keeps times to the second, a second write in that same second would leave
 * the stamp as it was. Once the times are older than that, any later write shows.
 */
export const RACY_MS = 2000;

/**
 * The settings of config `file`: those remembered in `dir` while it is still the file they
 * were read from, else `read()`'s, remembered for the next commit.
 */
export async function rememberedConfig(o: { dir: string; file: string; env: NodeJS.ProcessEnv; racyMs?: number }, read: () => Promise<GuardConfig>): Promise<GuardConfig> {
  // The stamp is taken before reading: a write meanwhile moves the file's change time past it.
  const stamp = await stampOf(o.file);
  if (!stamp) return read();
  const entries = await readCache(o.dir);
  const hit = entries.find((e) => e.file === o.file && sameStamp(e.stamp, stamp));
  if (hit && isGuardConfig(hit.config)) return hit.config;
  const config = await read();
  if (Date.now() - Math.max(stamp.mtimeMs, stamp.ctimeMs) >= (o.racyMs ?? RACY_MS)) {
    const others = entries.filter((e) => e.file !== o.file).slice(0, KEEP - 1);
    await writeCache(o.dir, { version: 1, entries: [{ file: o.file, stamp, config }, ...others] }, o.env);
  }
  return config;
}

async function stampOf(file: string): Promise<FileStamp | undefined> {
  try {
    const st = await fs.stat(file);
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
  } catch {
    return undefined;
  }
}

/** `a` as read back from the cache file, so perhaps not a stamp at all. */
const sameStamp = (a: unknown, b: FileStamp): boolean => isRecord(a) && a['ino'] === b.ino && a['size'] === b.size && a['mtimeMs'] === b.mtimeMs && a['ctimeMs'] === b.ctimeMs;

async function readCache(dir: string): Promise<CacheFile['entries']> {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(path.join(dir, CACHE_NAME), 'utf8'));
    if (!isRecord(parsed) || parsed['version'] !== 1 || !Array.isArray(parsed['entries'])) return [];
    // Each entry is checked where it is used (its stamp, its settings).
    return parsed['entries'].filter(isRecord) as CacheFile['entries'];
  } catch {
    return [];
  }
}

async function writeCache(dir: string, cache: CacheFile, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await ensurePrivateDir(dir, env);
    await writeJsonAtomic(path.join(dir, CACHE_NAME), cache, { mode: 0o600 });
  } catch {
    /* a state folder that cannot be written: the next commit reads the config again */
  }
}

/** What another version of ssot remembered may lack a setting this one reads: then it is read again. */
function isGuardConfig(x: unknown): x is GuardConfig {
  if (!isRecord(x)) return false;
  const strings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
  return (
    strings(x['blockPaths']) &&
    strings(x['ignorePaths']) &&
    typeof x['baseline'] === 'string' &&
    typeof x['baselineRelative'] === 'boolean' &&
    typeof x['maxFileBytes'] === 'number' &&
    typeof x['hasVaults'] === 'boolean' &&
    (x['vaultIndex'] === 'required' || x['vaultIndex'] === 'optional')
  );
}
