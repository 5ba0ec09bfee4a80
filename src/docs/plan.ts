import path from 'node:path';
import { digest, fileStamps, loadCache, type DocsCache } from './cache.js';
import { readMapping, type Mapping } from './mapping.js';
import { isFolderKey, listDocs } from './project.js';
import { CONVERTER_VERSION, DocSet, type DocProblem, type DocsSettings, type PreparedPage } from './render.js';
import { isSsotError } from '../core/errors.js';

/**
 * The first step of a push, before any request: read the mapping and every
 * doc, convert what changed (a per-machine cache skips the rest), order the
 * docs after their parents, and check what must hold across docs (one title
 * per space, no parent loop). Problems are reported, never thrown.
 */

export interface PlanSettings extends DocsSettings {
  mappingFile: string;
  exclude: readonly string[];
  cacheFile?: string;
}

export interface PlanReport {
  invalid: (p: DocProblem) => void;
  warn: (p: DocProblem) => void;
}

export interface Plan {
  mapping: Mapping;
  docs: DocSet;
  /** Mapped keys whose file is there (folder pages included). */
  present: string[];
  /** The docs to push and every ancestor they are created under, parents first. */
  order: string[];
  prepared: Map<string, PreparedPage>;
  cache: DocsCache;
  /** What the cache will hold after this run. */
  nextCache: DocsCache;
}

export async function planPush(settings: PlanSettings, paths: readonly string[] | undefined, report: PlanReport): Promise<Plan | undefined> {
  let mapping: Mapping;
  try {
    mapping = await readMapping(settings.mappingFile, settings.space);
  } catch (e) {
    report.invalid(problemOf(e, settings.mappingFile));
    return undefined;
  }
  if (mapping.space !== undefined && mapping.space !== settings.space) {
    report.invalid({ file: settings.mappingFile, key: '', message: `the mapping is for space ${mapping.space}, the config says ${settings.space}` });
    return undefined;
  }
  const onDisk = await listDocs(settings.root, settings.exclude);
  const onDiskSet = new Set(onDisk);
  const cache = await loadCache(settings.cacheFile);
  const docs = new DocSet(settings, mapping, onDisk, new Map(Object.entries(cache.meta)));
  const present = Object.keys(mapping.pages)
    .sort()
    .filter((k) => {
      if (isFolderKey(k) || onDiskSet.has(k)) return true;
      const id = mapping.pages[k]?.id;
      report.warn({ file: docs.fileOf(k), key: k, message: `in the mapping, but the file is gone or excluded: its page${id ? ` ${id}` : ''} is left as it is (\`ssot docs prune\` archives it)`, warning: true });
      return false;
    });
  const selected = selectPaths(settings, present, paths, report);
  const plan: Plan = { mapping, docs, present, order: [], prepared: new Map(), cache, nextCache: { version: 1, meta: {}, pages: {} } };
  const prepare = await preparer(settings, plan, onDisk, report);
  await orderAfterParents(plan, selected, prepare, report);
  await checkTitles(plan, report);
  return plan;
}

function selectPaths(settings: PlanSettings, present: string[], paths: readonly string[] | undefined, report: PlanReport): string[] {
  if (!paths || paths.length === 0) return present;
  const chosen = new Set<string>();
  for (const p of paths) {
    const rel = path.relative(settings.root, p).split(path.sep).join('/');
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      report.invalid({ file: p, key: rel, message: `not under docs.root (${settings.root})` });
      continue;
    }
    const matches = present.filter((k) => rel === '' || k === rel || k.startsWith(`${rel.replace(/\/$/, '')}/`));
    if (matches.length === 0) report.invalid({ file: p, key: rel, message: 'not in the mapping (run `ssot docs map --write` to add it)' });
    for (const m of matches) chosen.add(m);
  }
  return present.filter((k) => chosen.has(k));
}

/**
 * Prepare a doc, from the cache when its source, the files it attaches and
 * everything else its output depends on are unchanged (its warnings are
 * replayed from the cache).
 */
async function preparer(settings: PlanSettings, plan: Plan, onDisk: string[], report: PlanReport): Promise<(key: string) => Promise<PreparedPage>> {
  const { mapping, docs, cache, nextCache, prepared } = plan;
  const metas: [string, string, boolean][] = [];
  for (const k of plan.present) {
    const m = await docs.meta(k);
    metas.push([k, m.title, m.publish]);
  }
  const global = digest({
    v: CONVERTER_VERSION,
    settings: [settings.root, settings.space, settings.mermaid ?? 'code', settings.mermaidMacro ?? '', settings.siteUrl ?? '', settings.repoRoot ?? ''],
    mapping: Object.keys(mapping.pages).sort().map((k) => [k, mapping.pages[k]?.parent ?? null]),
    onDisk,
    metas,
  });
  const fromCache = async (key: string): Promise<PreparedPage | undefined> => {
    const entry = mapping.pages[key];
    const c = cache.pages[key];
    if (isFolderKey(key) || !entry?.id || !c || c.hash !== entry.hash || c.global !== global) return undefined;
    const src = await docs.source(key);
    if (!src || src.hash !== c.src) return undefined;
    const stamps = await fileStamps(Object.keys(c.files));
    if (!stamps || Object.entries(c.files).some(([f, st]) => stamps[f] !== st)) return undefined;
    nextCache.pages[key] = c;
    for (const w of c.warnings ?? []) report.warn(w);
    const meta = await docs.meta(key);
    return { key, file: docs.fileOf(key), title: c.title, ...(c.parent ? { parent: c.parent } : {}), labels: c.labels, xhtml: '', attachments: c.attachments, hash: c.hash, source: src.source, publish: meta.publish };
  };
  return async (key) => {
    const known = prepared.get(key) ?? (await fromCache(key));
    if (known) {
      prepared.set(key, known);
      return known;
    }
    const { page, problems } = await docs.prepare(key);
    prepared.set(key, page);
    for (const p of problems) {
      if (p.warning) report.warn(p);
      else report.invalid(p);
    }
    const src = isFolderKey(key) ? undefined : await docs.source(key);
    const files = src && !problems.some((p) => !p.warning) ? await fileStamps(page.attachments.map((a) => a.file)) : undefined;
    if (src && files) {
      const warnings = problems.filter((p) => p.warning);
      nextCache.pages[key] = { src: src.hash, global, files, title: page.title, ...(page.parent ? { parent: page.parent } : {}), labels: page.labels, hash: page.hash, attachments: page.attachments, ...(warnings.length > 0 ? { warnings } : {}) };
    }
    return page;
  };
}

/** The selected docs and every ancestor they are created under, parents first; a parent loop is bad input. */
async function orderAfterParents(plan: Plan, selected: string[], prepare: (key: string) => Promise<PreparedPage>, report: PlanReport): Promise<void> {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = async (key: string, from?: string): Promise<void> => {
    const s = state.get(key);
    if (s === 'done') return;
    if (s === 'visiting') {
      report.invalid({ file: plan.docs.fileOf(key), key, message: `parent loop: ${key} is its own ancestor (through ${from ?? key})` });
      return;
    }
    state.set(key, 'visiting');
    const page = await prepare(key);
    if (page.parent && 'key' in page.parent) await visit(page.parent.key, key);
    state.set(key, 'done');
    plan.order.push(key);
  };
  for (const k of selected) await visit(k);
}

/** One title per space: checked over every mapped doc, before any request (md2conf #200). */
async function checkTitles(plan: Plan, report: PlanReport): Promise<void> {
  const byTitle = new Map<string, string>();
  for (const k of plan.present) {
    if (!(await plan.docs.publishes(k))) continue;
    const title = plan.prepared.get(k)?.title ?? (await plan.docs.titleOf(k));
    const norm = title.trim().toLowerCase();
    const other = byTitle.get(norm);
    if (other !== undefined) {
      report.invalid({ file: plan.docs.fileOf(k), key: k, message: `duplicate title "${title}": ${other} has the same title, and Confluence allows one page per title in a space` });
    } else byTitle.set(norm, k);
  }
}

export function problemOf(e: unknown, file: string): DocProblem {
  if (isSsotError(e)) {
    return { file: e.place?.file ?? file, key: '', message: e.message, ...(e.place?.line !== undefined ? { line: e.place.line } : {}), ...(e.place?.column !== undefined ? { column: e.place.column } : {}) };
  }
  return { file, key: '', message: e instanceof Error ? e.message : String(e) };
}
