import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import { sha256Hex, shortHash } from '../core/hash.js';
import { ensurePrivateDir, stateDir } from '../core/paths.js';
import type { AttachmentFile, DocMeta, DocProblem, PreparedPage } from './render.js';

/**
 * Per-machine cache (under $XDG_STATE_HOME/ssot/docs/) that lets a re-run skip
 * parsing docs that did not change: for each doc, the hash of its source, of
 * everything else its output depends on (settings, mapping, titles of all
 * docs) and the size and time of the files it attaches, with the page hash
 * they gave. Losing it costs time, never correctness.
 */
interface CachedPage {
  src: string;
  global: string;
  files: Record<string, string>;
  title: string;
  parent?: PreparedPage['parent'];
  labels: string[];
  hash: string;
  attachments: AttachmentFile[];
  /** The doc's warnings, shown again when the cache spares converting it. */
  warnings?: DocProblem[];
}

export interface DocsCache {
  version: 1;
  meta: Record<string, DocMeta>;
  pages: Record<string, CachedPage>;
}

export function defaultCacheFile(mappingFile: string, env: NodeJS.ProcessEnv = process.env): string {
  const id = shortHash(path.resolve(mappingFile), 16);
  return path.join(stateDir(env), 'docs', `${id}.json`);
}

export async function loadCache(file: string | undefined): Promise<DocsCache> {
  const empty: DocsCache = { version: 1, meta: {}, pages: {} };
  if (!file) return empty;
  try {
    // Another version's (or a torn) cache is no cache: the next push recomputes it.
    const c = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<DocsCache> | null;
    return c?.version === 1 && c.meta && c.pages ? { version: 1, meta: c.meta, pages: c.pages } : empty;
  } catch {
    return empty;
  }
}

export async function saveCache(file: string | undefined, c: DocsCache): Promise<void> {
  if (!file) return;
  await ensurePrivateDir(path.dirname(file))
    .then(() => writeJsonAtomic(file, c, { mode: 0o600 }))
    .catch(() => undefined);
}

export async function fileStamps(files: readonly string[]): Promise<Record<string, string> | undefined> {
  const out: Record<string, string> = {};
  for (const f of files) {
    try {
      const st = await fs.stat(f);
      out[f] = `${st.size}:${st.mtimeMs}`;
    } catch {
      return undefined;
    }
  }
  return out;
}

export function digest(value: unknown): string {
  return sha256Hex(JSON.stringify(value));
}
