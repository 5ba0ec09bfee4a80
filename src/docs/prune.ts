import path from 'node:path';
import { ExitCode } from '../core/errors.js';
import type { ConfluenceApi, RemotePage } from './api.js';
import { readMapping, writeMapping, type Mapping } from './mapping.js';
import type { PlanSettings } from './plan.js';
import { isFolderKey, listDocs } from './project.js';
import { messageOf } from './writes.js';

/**
 * Deleted docs: a doc removed from the repository (or excluded) leaves its
 * page behind. `ssot status` lists these orphans (no network), `ssot docs
 * prune` archives their pages (archived pages can be restored in Confluence)
 * and takes them out of the mapping.
 */

export interface Orphan {
  key: string;
  /** The page, when one was ever created. */
  id?: string;
  title?: string;
  /** A doc still in the mapping that has this page as its parent: it is not pruned. */
  parentOf?: string;
}

export async function findOrphans(settings: Pick<PlanSettings, 'root' | 'exclude' | 'mappingFile' | 'space'>): Promise<{ mapping: Mapping; orphans: Orphan[] }> {
  const mapping = await readMapping(settings.mappingFile, settings.space || undefined);
  const onDisk = new Set(await listDocs(settings.root, settings.exclude));
  const gone = (k: string): boolean => (isFolderKey(k) ? ![...onDisk].some((d) => d.startsWith(k)) : !onDisk.has(k));
  const orphanKeys = new Set(Object.keys(mapping.pages).filter(gone));
  const orphans: Orphan[] = [];
  for (const key of [...orphanKeys].sort(deepestFirst)) {
    const e = mapping.pages[key] ?? {};
    const child = Object.entries(mapping.pages).find(([k, c]) => c.parent === key && !orphanKeys.has(k))?.[0];
    orphans.push({ key, ...(e.id ? { id: e.id } : {}), ...(e.title ? { title: e.title } : {}), ...(child ? { parentOf: child } : {}) });
  }
  return { mapping, orphans };
}

/** Children before their parents. */
function deepestFirst(a: string, b: string): number {
  const depth = (k: string): number => k.replace(/\/$/, '').split('/').length;
  return depth(b) - depth(a) || a.localeCompare(b);
}

interface PruneOutcome {
  key: string;
  id?: string;
  title?: string;
  action: 'archive' | 'forget' | 'keep' | 'error';
  message?: string;
}

export interface PruneResult {
  docs: PruneOutcome[];
  dryRun: boolean;
  /** 0 done (or nothing to do, or not confirmed), 1 some page failed. */
  exitCode: ExitCode;
}

export interface PruneOptions {
  dryRun: boolean;
  /** Asked once with the list of pages to archive; false stops before any write. */
  confirm: (toArchive: readonly Orphan[]) => Promise<boolean>;
}

export async function pruneDocs(settings: PlanSettings, api: () => Promise<ConfluenceApi>, opts: PruneOptions): Promise<PruneResult> {
  const { mapping, orphans } = await findOrphans(settings);
  const result: PruneResult = { docs: [], dryRun: opts.dryRun, exitCode: ExitCode.OK };
  for (const o of orphans.filter((x) => x.parentOf)) result.docs.push({ ...base(o), action: 'keep', message: `still the parent of ${o.parentOf ?? ''} in the mapping: give that doc another parent first` });
  const todo = orphans.filter((o) => !o.parentOf);
  if (todo.length === 0) return result;
  // What is still there decides what is archived and what is only forgotten: read before asking.
  const ids = todo.flatMap((o) => (o.id ? [o.id] : []));
  const remote = ids.length > 0 ? await (await api()).pagesByIds(ids) : new Map<string, RemotePage>();
  const plan = todo.map((o) => planOne(o, remote.get(o.id ?? '')));
  const toArchive = plan.filter((x) => x.action === 'archive');
  if (opts.dryRun || (toArchive.length > 0 && !(await opts.confirm(toArchive.map((x) => x.orphan))))) {
    for (const x of plan) result.docs.push({ ...base(x.orphan), action: x.action, message: opts.dryRun ? x.message : `${x.message}: not confirmed, nothing done` });
    return result;
  }
  for (const x of plan) {
    const outcome = x.action === 'archive' ? await archiveOne(x.orphan, x.id, api) : { ...base(x.orphan), action: x.action, message: x.message };
    result.docs.push(outcome);
    if (outcome.action === 'error') continue;
    delete mapping.pages[x.orphan.key];
    await writeMapping(settings.mappingFile, mapping);
  }
  result.exitCode = result.docs.some((d) => d.action === 'error') ? ExitCode.FAILURE : ExitCode.OK;
  return result;
}

type Planned = { orphan: Orphan; action: 'forget'; message: string } | { orphan: Orphan; action: 'archive'; id: string; message: string };

function planOne(o: Orphan, rp: RemotePage | undefined): Planned {
  if (!o.id) return { orphan: o, action: 'forget', message: 'never published: taken out of the mapping' };
  if (!rp) return { orphan: o, action: 'forget', message: `page ${o.id} is no longer in Confluence: taken out of the mapping` };
  if (rp.status === 'archived') return { orphan: o, action: 'forget', message: `page ${o.id} was archived already: taken out of the mapping` };
  return { orphan: o, action: 'archive', id: o.id, message: `page ${o.id}${o.title ? ` "${o.title}"` : ''}` };
}

async function archiveOne(o: Orphan, id: string, api: () => Promise<ConfluenceApi>): Promise<PruneOutcome> {
  try {
    await (await api()).archivePage(id);
    return { ...base(o), action: 'archive', message: `page ${id} archived` };
  } catch (e) {
    return { ...base(o), action: 'error', message: messageOf(e) };
  }
}

function base(o: Orphan): Pick<PruneOutcome, 'key' | 'id' | 'title'> {
  return { key: o.key, ...(o.id ? { id: o.id } : {}), ...(o.title ? { title: o.title } : {}) };
}

export function orphanLabel(root: string, o: Orphan, cwd: string): string {
  const where = isFolderKey(o.key) ? `${o.key} (folder page)` : path.relative(cwd, path.join(root, o.key)) || o.key;
  return `${where}${o.id ? ` → page ${o.id}${o.title ? ` "${o.title}"` : ''}` : ' (never published)'}`;
}
