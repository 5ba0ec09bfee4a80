import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isBinary, type ReadOptions, type ReadResult, type Skipped, type Target } from './git.js';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

/** The given files and folders, from the disk (not only git's view: they may be untracked). */
export async function readPaths(cwd: string, inputs: string[], opts: ReadOptions): Promise<ReadResult> {
  const targets: Target[] = [];
  const skipped: Skipped[] = [];
  const paths: string[] = [];
  const visit = async (abs: string): Promise<void> => {
    const rel = path.relative(cwd, abs).split(path.sep).join('/') || path.basename(abs);
    let st;
    try {
      st = await fs.lstat(abs);
    } catch (e) {
      skipped.push({ path: rel, reason: `cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      if (SKIP_DIRS.has(path.basename(abs))) return;
      let names: string[];
      try {
        names = await fs.readdir(abs);
      } catch (e) {
        skipped.push({ path: rel, reason: `cannot list it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
        return;
      }
      for (const n of names.sort()) await visit(path.join(abs, n));
      return;
    }
    if (!st.isFile()) return;
    paths.push(rel);
    if (opts.ignore?.(rel)) return;
    if (st.size > opts.maxFileBytes) {
      skipped.push({ path: rel, reason: `larger than guard.maxFileBytes (${st.size} > ${opts.maxFileBytes} bytes): not scanned` });
      return;
    }
    try {
      const bytes = await fs.readFile(abs);
      targets.push({ path: rel, bytes, binary: isBinary(bytes), fromStart: true });
    } catch (e) {
      skipped.push({ path: rel, reason: `cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    }
  };
  for (const p of inputs) await visit(path.resolve(cwd, p));
  return { root: cwd, targets, skipped, notes: [], paths };
}
