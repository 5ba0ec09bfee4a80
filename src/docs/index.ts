import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { DocsConfig } from '../config/schema.js';
import { UsageError } from '../core/errors.js';
import { redactor } from '../core/redact.js';
import { stateDir } from '../core/paths.js';
import { createApi, type ApiOptions, type ConfluenceApi } from './api.js';
import { defaultCacheFile } from './cache.js';
import { readMapping, writeMapping, type Mapping } from './mapping.js';
import { folderKey, listDocs, parentFolderOf } from './project.js';
import { publishDocs, type DocsEvent, type DocsSyncResult, type Finding, type PublishSettings, type SecretCheck } from './publish.js';
import { pullDocs, type PullResult } from './pull.js';
import { findOrphans, pruneDocs, type Orphan, type PruneOptions, type PruneResult } from './prune.js';
import { DocSet, type DocProblem } from './render.js';

/**
 * The docs part of ssot, as other parts (the CLI, `ssot sync`, the watcher)
 * use it. Nothing here knows of terminals.
 */
export type { DocOutcome, DocsEvent, DocsSyncResult } from './publish.js';
export type { DocProblem } from './render.js';
export type { PullResult } from './pull.js';
export type { PruneResult } from './prune.js';
export { orphanLabel } from './prune.js';
export { createApi } from './api.js';
export { checkDocsSetup, ensureMapping } from './setup.js';

export interface SyncDocsOptions {
  dryRun: boolean;
  force: boolean;
  credentials: { email: string; token: string };
  log?: (event: DocsEvent) => void;
  /** Absolute paths of docs or folders; every mapped doc when absent. */
  paths?: readonly string[];
  /** The guard: a doc with findings is not published. */
  secretCheck?: (text: string, file: string) => Promise<Finding[]>;
  /** `--strict`: every warning is an error (also `docs.strict: true`). */
  strict?: boolean;
  /** Tests and the benchmark: retry pacing. */
  retry?: Pick<ApiOptions, 'sleep' | 'attempts' | 'baseDelayMs' | 'archivePolls'>;
}

/** Called by `ssot sync` and `ssot docs push`. Never throws for one doc's failure. */
export async function syncDocs(config: LoadedConfig, opts: SyncDocsOptions): Promise<DocsSyncResult> {
  const settings = publishSettings(config);
  return publishDocs(settings, confluenceApi(config, opts), {
    dryRun: opts.dryRun,
    force: opts.force,
    ...(opts.strict ? { strict: true } : {}),
    ...(opts.paths ? { paths: opts.paths } : {}),
    ...(opts.secretCheck ? { secretCheck: opts.secretCheck } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
}

type ApiCaller = Pick<SyncDocsOptions, 'credentials' | 'retry' | 'log'>;

/** The Confluence client of a config, made when first needed; the token is redacted from all output. */
function confluenceApi(config: LoadedConfig, opts: ApiCaller): () => Promise<ConfluenceApi> {
  redactor.add(opts.credentials.token);
  let api: ConfluenceApi | undefined;
  return async () => {
    if (api) return api;
    const baseUrl = config.confluence?.baseUrl;
    if (baseUrl === undefined) throw new UsageError(`${config.file} has no confluence section`, 'add confluence: { baseUrl, email, token, space } (see docs/confluence-setup.md)');
    api = createApi({
      baseUrl,
      email: opts.credentials.email,
      token: opts.credentials.token,
      ...opts.retry,
      onRetry: (what, status, waitMs) => opts.log?.({ type: 'retry', what, ...(status !== undefined ? { status } : {}), waitMs }),
    });
    return api;
  };
}

/** `ssot docs pull PATH…`: take each page's version in Confluence into its doc. */
export async function pullFromConfluence(config: LoadedConfig, opts: ApiCaller & { paths: readonly string[]; secretCheck?: SecretCheck; env?: NodeJS.ProcessEnv }): Promise<PullResult> {
  const backupDir = path.join(stateDir(opts.env ?? process.env), 'docs', 'backups');
  return pullDocs(publishSettings(config), confluenceApi(config, opts), { paths: opts.paths, backupDir, ...(opts.secretCheck ? { secretCheck: opts.secretCheck } : {}) });
}

/** `ssot docs prune`: archive the pages of docs that were removed. */
export async function pruneFromConfluence(config: LoadedConfig, opts: ApiCaller & PruneOptions): Promise<PruneResult> {
  return pruneDocs(publishSettings(config), confluenceApi(config, opts), { dryRun: opts.dryRun, confirm: opts.confirm });
}

/** The docs settings of a config; `confluence` is required, `docs` has defaults. */
export function publishSettings(config: LoadedConfig): PublishSettings {
  if (!config.confluence) throw new UsageError(`${config.file} has no confluence section`, 'add confluence: { baseUrl, email, token, space } (see docs/confluence-setup.md)');
  const d: Partial<DocsConfig> = config.docs ?? {};
  return {
    root: d.root ?? path.join(config.dir, 'docs'),
    mappingFile: d.mapping ?? path.join(config.dir, 'mapping', 'confluence.json'),
    exclude: d.exclude ?? [],
    space: config.confluence.space,
    mermaid: d.mermaid ?? 'code',
    mermaidMacro: d.mermaidMacro ?? 'mermaid-cloud',
    strict: d.strict ?? false,
    ...(d.siteUrl ? { siteUrl: d.siteUrl } : {}),
    repoRoot: config.dir,
    cacheFile: defaultCacheFile(d.mapping ?? path.join(config.dir, 'mapping', 'confluence.json')),
  };
}

/** Settings for `docs map` / `docs render`, where confluence may be absent. */
export function localSettings(config: LoadedConfig | undefined, fallbackRoot: string): PublishSettings {
  const d: Partial<DocsConfig> = config?.docs ?? {};
  const dir = config?.dir ?? fallbackRoot;
  return {
    root: d.root ?? (config ? path.join(dir, 'docs') : fallbackRoot),
    mappingFile: d.mapping ?? path.join(dir, 'mapping', 'confluence.json'),
    exclude: d.exclude ?? [],
    space: config?.confluence?.space ?? '',
    mermaid: d.mermaid ?? 'code',
    mermaidMacro: d.mermaidMacro ?? 'mermaid-cloud',
    strict: d.strict ?? false,
    ...(d.siteUrl ? { siteUrl: d.siteUrl } : {}),
    ...(config ? { repoRoot: config.dir } : {}),
  };
}

export interface MapResult {
  /** Docs on disk not in the mapping. */
  unmapped: string[];
  /** Keys added (with --write): docs and folder pages. */
  added: string[];
  mappingFile: string;
}

/** `ssot docs map [--write]`: unmapped docs; with write, add them with a parent page per folder. */
export async function mapDocs(settings: PublishSettings, opts: { write: boolean }): Promise<MapResult> {
  const space = settings.space;
  const mapping: Mapping = await readMapping(settings.mappingFile, space || undefined);
  const onDisk = await listDocs(settings.root, settings.exclude);
  const docs = new Set(onDisk);
  const unmapped = onDisk.filter((k) => !(k in mapping.pages));
  const added: string[] = [];
  if (opts.write && unmapped.length > 0) {
    const ensureFolder = (dir: string): string | undefined => {
      const fk = folderKey(dir, docs);
      if (fk === undefined) return undefined;
      if (!(fk in mapping.pages)) {
        const parent = ensureFolder(parentFolderOf(fk));
        mapping.pages[fk] = { ...(parent ? { parent } : {}) };
        added.push(fk);
      }
      return fk;
    };
    for (const k of unmapped) {
      if (k in mapping.pages) continue; // added above as a folder's index
      const parent = ensureFolder(parentFolderOf(k));
      mapping.pages[k] = { ...(parent && parent !== k ? { parent } : {}) };
      added.push(k);
    }
    if (space && !mapping.space) mapping.space = space;
    await writeMapping(settings.mappingFile, mapping);
  }
  return { unmapped, added: added.sort(), mappingFile: settings.mappingFile };
}

/** `ssot docs render PATH`: the storage XHTML of one file, with its problems. */
export async function renderDoc(settings: PublishSettings, file: string): Promise<{ title: string; xhtml: string; problems: DocProblem[] }> {
  const abs = path.resolve(file);
  const key = path.relative(settings.root, abs).split(path.sep).join('/');
  if (key.startsWith('..') || path.isAbsolute(key)) {
    // Outside the docs root: rendered on its own, links resolved next to it.
    const set = new DocSet({ ...settings, root: path.dirname(abs) }, { version: 1, pages: {} }, [path.basename(abs)]);
    const { page, problems } = await set.prepare(path.basename(abs));
    return { title: page.title, xhtml: page.xhtml, problems };
  }
  const mapping = await readMapping(settings.mappingFile, settings.space || undefined);
  const onDisk = await listDocs(settings.root, settings.exclude);
  const set = new DocSet(settings, mapping, onDisk.includes(key) ? onDisk : [...onDisk, key]);
  const { page, problems } = await set.prepare(key);
  return { title: page.title, xhtml: page.xhtml, problems };
}

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
