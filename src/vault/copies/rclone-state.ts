import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic.js';
import { sha256Hex } from '../../core/hash.js';

/**
 * What an rclone copy remembers between runs on this machine: the backend's
 * hash types and whether it moves server-side (learnt once), and the last
 * version this machine read or wrote: the remote's fingerprint (a hash, or
 * size and time where the backend has none), the content's sha256 (the rev)
 * and the bytes (the encrypted database, as the safety backups keep it, mode
 * 0600). An unchanged remote then costs one listing, not a download.
 */
export interface RcloneCopyMeta {
  hashTypes?: string[];
  canMove?: boolean;
  backendType?: string;
  fingerprint?: string;
  rev?: string;
}

export interface RcloneCopyState {
  get(): Promise<{ meta: RcloneCopyMeta; data?: Uint8Array }>;
  set(meta: RcloneCopyMeta, data?: Uint8Array): Promise<void>;
}

/** In memory only (tests, benches, one-shot tools). */
export function memoryRcloneState(): RcloneCopyState {
  let meta: RcloneCopyMeta = {};
  let data: Uint8Array | undefined;
  return {
    async get() {
      return { meta: { ...meta }, ...(data ? { data } : {}) };
    },
    async set(m, d) {
      meta = { ...m };
      if (d) data = d;
      else if (!m.rev) data = undefined;
    },
  };
}

/** `<dir>/<key>.json` and `<key>.kdbx`, both 0600; bytes are used only when their sha256 is the remembered rev. */
export function fileRcloneState(key: string, dir: string): RcloneCopyState {
  const metaFile = path.join(dir, `${key}.json`);
  const dataFile = path.join(dir, `${key}.kdbx`);
  return {
    async get() {
      let meta: RcloneCopyMeta = {};
      try {
        meta = pickMeta(JSON.parse(await fs.readFile(metaFile, 'utf8')) as Record<string, unknown>);
      } catch {
        return { meta }; // absent or unreadable: learnt again
      }
      if (!meta.rev) return { meta };
      const data = await fs.readFile(dataFile).then((b) => new Uint8Array(b), () => undefined);
      const ok = data && sha256Hex(data) === meta.rev;
      if (ok) return { meta, data };
      const { fingerprint: _f, rev: _r, ...learnt } = meta;
      return { meta: learnt };
    },
    async set(meta, data) {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      if (data) await writeFileAtomic(dataFile, data, { mode: 0o600 });
      await writeJsonAtomic(metaFile, meta, { mode: 0o600 });
    },
  };
}

function pickMeta(v: Record<string, unknown>): RcloneCopyMeta {
  const m: RcloneCopyMeta = {};
  if (Array.isArray(v['hashTypes'])) m.hashTypes = v['hashTypes'].filter((x): x is string => typeof x === 'string');
  if (typeof v['canMove'] === 'boolean') m.canMove = v['canMove'];
  for (const k of ['backendType', 'fingerprint', 'rev'] as const) if (typeof v[k] === 'string') m[k] = v[k];
  return m;
}
