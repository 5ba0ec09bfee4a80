import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathMatcher } from '../core/globs.js';

/**
 * The docs tree on disk: which markdown files there are (minus `docs.exclude`)
 * and which page stands for each folder. Keys are paths under docs.root with
 * "/" separators; a folder without index.md/README.md is the key `dir/`.
 */

export const MD_EXT = /\.(md|markdown)$/i;
/** `NAME.confluence.md`: a page's version in Confluence saved for review (a conflict), never a doc. */
const CONFLICT_COPY = /\.confluence\.md$/i;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.ssot']);

export async function listDocs(root: string, exclude: readonly string[]): Promise<string[]> {
  const excluded = pathMatcher(exclude);
  const out: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && rel === '') return;
      throw e;
    }
    for (const ent of entries) {
      const key = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        if (SKIP_DIRS.has(ent.name) || ent.name.startsWith('.')) continue;
        if (excluded(key, true) !== undefined) continue;
        await walk(path.join(dir, ent.name), key);
      } else if (ent.isFile() && MD_EXT.test(ent.name) && !CONFLICT_COPY.test(ent.name)) {
        if (excluded(key) === undefined) out.push(key);
      }
    }
  };
  await walk(root, '');
  return out.sort();
}

/** The key of the page that stands for folder `dir` ("" is the root: none). */
export function folderKey(dir: string, docs: ReadonlySet<string>): string | undefined {
  if (dir === '' || dir === '.') return undefined;
  for (const name of ['index.md', 'README.md', 'readme.md', 'Readme.md']) if (docs.has(`${dir}/${name}`)) return `${dir}/${name}`;
  return `${dir}/`;
}

export function isFolderKey(key: string): boolean {
  return key.endsWith('/');
}

/** The folder a doc's page sits under: its own folder, or, for an index/README, the folder above. */
export function parentFolderOf(key: string): string {
  const dir = path.posix.dirname(isFolderKey(key) ? key.slice(0, -1) : key);
  const base = path.posix.basename(key);
  if (!isFolderKey(key) && /^(index|readme)\.md$/i.test(base)) return dir === '.' ? '' : path.posix.dirname(dir) === '.' ? '' : path.posix.dirname(dir);
  return dir === '.' ? '' : dir;
}
