import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { localSettings, mapDocs } from './index.js';
import { findOrphans, type Orphan } from './prune.js';

/**
 * What `ssot status` shows of the docs, from the disk alone: the mapping, the
 * docs not in it, the pages of removed docs (orphans) and the conflict copies
 * (`NAME.confluence.md`) waiting for a person.
 */
export interface DocsStatus {
  mapped: number;
  published: number;
  unmapped: string[];
  /** Conflict copies, relative to docs.root. */
  conflicts: string[];
  orphans: Orphan[];
  pages: Record<string, { id: string; version?: number }>;
  root: string;
}

export async function docsStatus(config: LoadedConfig): Promise<DocsStatus> {
  const settings = localSettings(config, path.join(config.dir, 'docs'));
  const { mapping, orphans } = await findOrphans(settings);
  const entries = Object.entries(mapping.pages);
  const published = entries.filter((e): e is [string, typeof e[1] & { id: string }] => e[1].id !== undefined);
  const { unmapped } = await mapDocs(settings, { write: false });
  return {
    mapped: entries.length,
    published: published.length,
    unmapped,
    conflicts: await conflictCopies(settings.root),
    orphans,
    pages: Object.fromEntries(published.map(([k, p]) => [k, { id: p.id, ...(p.version !== undefined ? { version: p.version } : {}) }])),
    root: settings.root,
  };
}

async function conflictCopies(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') await walk(p);
      else if (/\.confluence\.md$/i.test(e.name)) out.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  await walk(root);
  return out.sort();
}
