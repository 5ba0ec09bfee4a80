import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real material made by others (the peers' test suites, kdbx files), in the
 * steering repository's shared/corpora beside this repository's clone, never
 * copied into it. `SSOT_CORPORA` points elsewhere. Missing is an error, never
 * a silent skip.
 */
export function corpus(sub: string): string {
  const candidates: string[] = [];
  if (process.env['SSOT_CORPORA']) candidates.push(path.join(process.env['SSOT_CORPORA'], sub));
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'shared', 'corpora', sub), path.join(dir, '..', 'shared', 'corpora', sub));
    if (path.dirname(dir) === dir) break;
  }
  candidates.push(path.join('/work/shared/corpora', sub));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`corpus ${sub} not found (looked in shared/corpora beside the clone; set SSOT_CORPORA)`);
  return found;
}
