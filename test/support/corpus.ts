import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real KeePass databases of shared/corpora/kdbx (KeePassXC's and
 * kdbxweb's test files, with their passwords and key files in manifest.json),
 * found as the API documents are (specs.ts): beside this repository's clone
 * in shared/, or where `SSOT_CORPORA` points. Under CI a missing corpus is an
 * error, never a silent skip. They are read from there, never copied here.
 */
export function corpusDir(): string {
  const candidates: string[] = [];
  if (process.env['SSOT_CORPORA']) candidates.push(path.join(process.env['SSOT_CORPORA'], 'kdbx'));
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'shared', 'corpora', 'kdbx'), path.join(dir, '..', 'shared', 'corpora', 'kdbx'));
    if (path.dirname(dir) === dir) break;
  }
  candidates.push('/work/shared/corpora/kdbx');
  const found = candidates.find((c) => existsSync(path.join(c, 'manifest.json')));
  if (!found) throw new Error('the KDBX corpus (shared/corpora/kdbx/manifest.json) was not found beside the clone; set SSOT_CORPORA');
  return found;
}

export interface CorpusDatabase {
  file: string;
  source: string;
  licence: string;
  /** null: no password (key file only); "": the empty password. */
  password: string | null;
  keyFile: string | null;
  expect: string;
}

export function corpusManifest(): CorpusDatabase[] {
  return (JSON.parse(readFileSync(path.join(corpusDir(), 'manifest.json'), 'utf8')) as { databases: CorpusDatabase[] }).databases;
}
