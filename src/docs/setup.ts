import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatPlace, isSsotError } from '../core/errors.js';
import { emptyMapping, parseMapping, writeMapping } from './mapping.js';
import type { PlanSettings } from './plan.js';
import { findOrphans } from './prune.js';

/**
 * The docs part's own setup, for `ssot init` and `ssot doctor`: the mapping
 * file exists, is valid, and is for the space the config names.
 */

/**
 * Write the mapping when there is none; fill in the space of one written
 * before the config had a confluence section. Never writes an empty space.
 */
export async function ensureMapping(file: string, space: string | undefined): Promise<'wrote' | 'filled' | 'kept'> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await writeMapping(file, emptyMapping(space));
    return 'wrote';
  }
  const m = parseMapping(text, file);
  if (m.space || !space) return 'kept';
  m.space = space;
  await writeMapping(file, m);
  return 'filled';
}

export interface DocsCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export async function checkDocsSetup(settings: Pick<PlanSettings, 'mappingFile' | 'space' | 'root' | 'exclude'>, cwd: string): Promise<DocsCheck[]> {
  const shown = path.relative(cwd, settings.mappingFile) || settings.mappingFile;
  const name = 'docs mapping';
  let text: string;
  try {
    text = await fs.readFile(settings.mappingFile, 'utf8');
  } catch {
    return [{ name, ok: true, detail: `${shown} is not written yet (\`ssot docs map --write\` adds the docs)` }];
  }
  let space: string | undefined;
  try {
    space = parseMapping(text, settings.mappingFile).space;
  } catch (e) {
    const place = isSsotError(e) && e.place ? `${formatPlace({ ...e.place, file: shown })}: ` : '';
    return [{ name, ok: false, detail: `${place}${(e as Error).message}`, fix: 'correct the file by hand (see docs/confluence-mapping.md); `git log -p` shows what changed it' }];
  }
  if (space && space !== settings.space) {
    return [{
      name,
      ok: false,
      detail: `${shown} is for space ${space}, but confluence.space is ${settings.space}`,
      fix: `set confluence.space: ${space} in the config; or, if the docs are to move to ${settings.space}, start a mapping for it (the page ids in ${shown} are pages of ${space})`,
    }];
  }
  const checks: DocsCheck[] = [{ name, ok: true, detail: `${shown} is valid, for space ${space || `${settings.space} (from the config)`}` }];
  const { orphans } = await findOrphans(settings);
  if (orphans.length > 0) checks.push({ name: 'docs orphans', ok: true, detail: `${orphans.length} page${orphans.length > 1 ? 's' : ''} of removed docs left in Confluence (\`ssot docs prune\` archives them)` });
  return checks;
}
