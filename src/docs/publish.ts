import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { isSsotError } from '../core/errors.js';
import { serverMessage, statusOf, type ConfluenceApi, type RemotePage } from './api.js';
import { readMapping, writeMapping, type Mapping, type PageEntry } from './mapping.js';
import { isFolderKey, listDocs } from './project.js';
import { digest, fileStamps, loadCache, saveCache, type DocsCache } from './cache.js';
import { CONVERTER_VERSION, DocSet, type DocProblem, type DocsSettings, type PreparedPage } from './render.js';

/**
 * `ssot docs push` and the docs part of `ssot sync`: validate every doc, read
 * the remote versions of all mapped pages in batches, then create or update
 * only what changed. Never throws for one doc: each gets an outcome.
 */

export type DocAction = 'create' | 'update' | 'skip' | 'conflict' | 'error';

export interface DocOutcome {
  key: string;
  file?: string;
  title?: string;
  action: DocAction;
  pageId?: string;
  /** The page version after this run. */
  version?: number;
  /** Why (skip reason, conflict, error). */
  message?: string;
  /** Where the remote body of a conflicting page was saved. */
  savedRemote?: string;
  line?: number;
}

export interface DocsSyncResult {
  docs: DocOutcome[];
  /** Problems that stopped the run before any write (bad input): exit 2. */
  invalid: DocProblem[];
  warnings: DocProblem[];
  dryRun: boolean;
  /** 0 done, 1 some doc failed, 2 bad input (nothing written), 3 a conflict. */
  exitCode: 0 | 1 | 2 | 3;
}

/** A finding of the secret guard (the guard itself is wired in by the caller). */
export interface Finding {
  line?: number;
  column?: number;
  rule: string;
  message?: string;
}

export type DocsEvent =
  | { type: 'doc'; outcome: DocOutcome }
  | { type: 'retry'; what: string; status?: number; waitMs: number }
  | { type: 'warning'; problem: DocProblem };

export interface PublishSettings extends DocsSettings {
  mappingFile: string;
  exclude: readonly string[];
  /** The per-machine cache of unchanged docs; none when undefined. */
  cacheFile?: string;
}

export interface PublishOptions {
  dryRun?: boolean;
  force?: boolean;
  /** Absolute paths of docs or folders to push; all mapped docs when empty. */
  paths?: readonly string[];
  secretCheck?: (text: string, file: string) => Promise<Finding[]>;
  log?: (event: DocsEvent) => void;
}

/** Docs written at once: fast on a first publish, gentle on Confluence's rate limits. */
const CONCURRENCY = 4;

/** The content property ssot keeps on each page it writes. */
export const PROPERTY_KEY = 'ssot';
const MARKER = /\bssot (sha256:[0-9a-f]{64})\b/;

export async function publishDocs(settings: PublishSettings, api: ConfluenceApi | (() => Promise<ConfluenceApi>), opts: PublishOptions = {}): Promise<DocsSyncResult> {
  const dryRun = opts.dryRun === true;
  const result: DocsSyncResult = { docs: [], invalid: [], warnings: [], dryRun, exitCode: 0 };
  const finish = (): DocsSyncResult => {
    const codes = result.docs.map((d) => (d.action === 'conflict' ? 3 : d.action === 'error' ? 1 : 0));
    result.exitCode = result.invalid.length > 0 ? 2 : codes.includes(3) ? 3 : codes.includes(1) ? 1 : 0;
    return result;
  };
  const emit = (o: DocOutcome): void => {
    result.docs.push(o);
    opts.log?.({ type: 'doc', outcome: o });
  };
  const warn = (p: DocProblem): void => {
    result.warnings.push(p);
    opts.log?.({ type: 'warning', problem: p });
  };

  // ---- 1. read and validate everything, before any request ----------------
  let mapping: Mapping;
  try {
    mapping = await readMapping(settings.mappingFile, settings.space);
  } catch (e) {
    result.invalid.push(problemOf(e, settings.mappingFile));
    return finish();
  }
  if (mapping.space !== settings.space) {
    result.invalid.push({ file: settings.mappingFile, key: '', message: `the mapping is for space ${mapping.space}, the config says ${settings.space}` });
    return finish();
  }
  const onDisk = await listDocs(settings.root, settings.exclude);
  const onDiskSet = new Set(onDisk);
  const cache = await loadCache(settings.cacheFile);
  const docs = new DocSet(settings, mapping, onDisk, new Map(Object.entries(cache.meta)));
  const nextCache: DocsCache = { version: 1, meta: {}, pages: {} };

  const mappedKeys = Object.keys(mapping.pages).sort();
  const present = mappedKeys.filter((k) => {
    if (isFolderKey(k) || onDiskSet.has(k)) return true;
    warn({ file: docs.fileOf(k), key: k, message: 'in the mapping, but the file is gone or excluded: its page is left as it is', warning: true });
    return false;
  });

  let selected = present;
  if (opts.paths && opts.paths.length > 0) {
    const chosen = new Set<string>();
    for (const p of opts.paths) {
      const rel = path.relative(settings.root, p).split(path.sep).join('/');
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        result.invalid.push({ file: p, key: rel, message: `not under docs.root (${settings.root})` });
        continue;
      }
      const matches = present.filter((k) => rel === '' || k === rel || k.startsWith(`${rel.replace(/\/$/, '')}/`));
      if (matches.length === 0) result.invalid.push({ file: p, key: rel, message: 'not in the mapping (run `ssot docs map --write` to add it)' });
      for (const m of matches) chosen.add(m);
    }
    selected = present.filter((k) => chosen.has(k));
  }

  // What every doc's output depends on besides its own source: when this and
  // the source are unchanged, the cached page hash holds and no parse is needed.
  const metas: [string, string, boolean][] = [];
  for (const k of present) {
    const m = await docs.meta(k);
    metas.push([k, m.title, m.publish]);
  }
  const global = digest({
    v: CONVERTER_VERSION,
    settings: [settings.root, settings.space, settings.mermaid ?? 'code', settings.mermaidMacro ?? ''],
    mapping: mappedKeys.map((k) => [k, mapping.pages[k]!.parent ?? null]),
    onDisk,
    metas,
  });

  const prepared = new Map<string, PreparedPage>();
  const prepare = async (key: string): Promise<PreparedPage> => {
    const known = prepared.get(key);
    if (known) return known;
    const light = await fromCache(key);
    if (light) {
      prepared.set(key, light);
      return light;
    }
    const { page, problems } = await docs.prepare(key);
    prepared.set(key, page);
    for (const p of problems) (p.warning ? warn(p) : result.invalid.push(p));
    const src = isFolderKey(key) ? undefined : await docs.source(key);
    if (src && !problems.some((p) => !p.warning)) {
      const files = await fileStamps(page.attachments.map((a) => a.file));
      if (files) {
        nextCache.pages[key] = { src: src.hash, global, files, title: page.title, ...(page.parent ? { parent: page.parent } : {}), labels: page.labels, hash: page.hash, attachments: page.attachments };
      }
    }
    return page;
  };
  /** A page known unchanged and already published, without parsing it again (its body is not needed). */
  const fromCache = async (key: string): Promise<PreparedPage | undefined> => {
    const entry = mapping.pages[key];
    const c = cache.pages[key];
    if (isFolderKey(key) || !entry?.id || !c || c.hash !== entry.hash || c.global !== global) return undefined;
    const src = await docs.source(key);
    if (!src || src.hash !== c.src) return undefined;
    const stamps = await fileStamps(Object.keys(c.files));
    if (!stamps || Object.entries(c.files).some(([f, st]) => stamps[f] !== st)) return undefined;
    nextCache.pages[key] = c;
    const meta = await docs.meta(key);
    return { key, file: docs.fileOf(key), title: c.title, ...(c.parent ? { parent: c.parent } : {}), labels: c.labels, xhtml: '', attachments: c.attachments, hash: c.hash, source: src.source, publish: meta.publish };
  };
  // The selected docs and every ancestor they are created under.
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = async (key: string, from?: string): Promise<void> => {
    const s = state.get(key);
    if (s === 'done') return;
    if (s === 'visiting') {
      result.invalid.push({ file: docs.fileOf(key), key, message: `parent loop: ${key} is its own ancestor (through ${from ?? key})` });
      return;
    }
    state.set(key, 'visiting');
    const page = await prepare(key);
    if (page.parent && 'key' in page.parent) await visit(page.parent.key, key);
    state.set(key, 'done');
    order.push(key);
  };
  for (const k of selected) await visit(k);

  // One title per space: checked over every mapped doc, before any request (md2conf #200).
  const byTitle = new Map<string, string>();
  for (const k of present) {
    if (!(await docs.publishes(k))) continue;
    const title = prepared.get(k)?.title ?? (await docs.titleOf(k));
    const norm = title.trim().toLowerCase();
    const other = byTitle.get(norm);
    if (other !== undefined) {
      result.invalid.push({
        file: docs.fileOf(k),
        key: k,
        message: `duplicate title "${title}": ${other} has the same title, and Confluence allows one page per title in a space`,
      });
    } else byTitle.set(norm, k);
  }
  if (result.invalid.length > 0) return finish();

  // ---- 2. the guard: a doc with a secret is not published ------------------
  const blocked = new Map<string, string>();
  if (opts.secretCheck) {
    for (const k of order) {
      const page = prepared.get(k)!;
      if (!page.source || !page.file || !page.publish) continue;
      const findings = await opts.secretCheck(page.source, page.file);
      if (findings.length > 0) {
        const f = findings[0]!;
        blocked.set(k, `not published: the guard found ${findings.length} secret${findings.length > 1 ? 's' : ''} (${f.rule}${f.line ? ` on line ${f.line}` : ''}); remove it, or allow it in the guard's baseline`);
      }
    }
  }

  // ---- 3. remote versions of all mapped pages, in batches ------------------
  const ids = [...new Set(Object.values(mapping.pages).map((e) => e.id).filter((x): x is string => x !== undefined))];
  let client: ConfluenceApi | undefined;
  const getApi = async (): Promise<ConfluenceApi> => (client ??= typeof api === 'function' ? await api() : api);
  let remote = new Map<string, RemotePage>();
  const needsRemote = order.some((k) => !blocked.has(k));
  if (ids.length > 0 && needsRemote) {
    try {
      remote = await (await getApi()).pagesByIds(ids);
    } catch (e) {
      // Without versions nothing can be written safely.
      for (const k of order) emit({ key: k, ...fileOf(prepared.get(k)), action: 'error', message: messageOf(e) });
      return finish();
    }
  }

  let mappingDirty = false;
  let lastSave = 0;
  let saving: Promise<void> = Promise.resolve();
  /** Mapping writes, one after the other, each of the newest state. */
  const save = (): Promise<void> => {
    if (dryRun) return Promise.resolve();
    saving = saving
      .catch(() => undefined)
      .then(async () => {
        mappingDirty = false;
        lastSave = Date.now();
        await writeMapping(settings.mappingFile, mapping);
      });
    return saving;
  };
  const failedKeys = new Set<string>();
  let spaceIdLookup: Promise<string> | undefined;

  // ---- 4. per doc, a few at a time, each after its parent ------------------
  const runOne = async (key: string): Promise<void> => {
    const page = prepared.get(key)!;
    const entry: PageEntry = (mapping.pages[key] ??= {});
    const base = { key, ...fileOf(page), title: page.title };
    if (!page.publish) {
      emit({ ...base, action: 'skip', message: 'confluence: false' });
      return;
    }
    const why = blocked.get(key);
    if (why) {
      emit({ ...base, action: 'error', message: why });
      failedKeys.add(key);
      return;
    }
    try {
      const outcome = entry.id ? await updateOne(page, entry, remote.get(entry.id)) : await createOne(page, entry);
      emit(outcome);
      if (outcome.action === 'error') failedKeys.add(key);
    } catch (e) {
      failedKeys.add(key);
      emit({ ...base, ...(entry.id ? { pageId: entry.id } : {}), action: 'error', message: messageOf(e) });
    }
    // A new page id is saved at once (in createOne); versions and hashes at most
    // a second later: if that write is lost, the version message marks the page
    // as ssot's own and the next run catches up without a conflict.
    if (mappingDirty && Date.now() - lastSave > 1000) await save();
  };
  const slot = semaphore(CONCURRENCY);
  const finished = new Map<string, Promise<void>>();
  for (const key of order) {
    const page = prepared.get(key)!;
    const parentDone = page.parent && 'key' in page.parent ? finished.get(page.parent.key) : undefined;
    finished.set(
      key,
      (async () => {
        await parentDone;
        await slot(() => runOne(key));
      })(),
    );
  }
  await Promise.all(finished.values());
  // Outcomes in the order of the docs, whatever order the requests finished in.
  const rank = new Map(order.map((k, i) => [k, i]));
  result.docs.sort((a, b) => (rank.get(a.key) ?? 0) - (rank.get(b.key) ?? 0));
  if (mappingDirty) await save();
  if (!dryRun) {
    for (const k of present) {
      const src = isFolderKey(k) ? undefined : await docs.source(k);
      const m = src ? docs.metaBySource.get(`${k}\0${src.hash}`) : undefined;
      if (src && m) nextCache.meta[`${k}\0${src.hash}`] = m;
    }
    // Docs not looked at this run (a path selection) keep their entries.
    for (const [k, c] of Object.entries(cache.pages)) if (!(k in nextCache.pages) && !prepared.has(k)) nextCache.pages[k] = c;
    await saveCache(settings.cacheFile, nextCache);
  }
  return finish();

  // ---- helpers (closures over the run) ------------------------------------

  async function createOne(page: PreparedPage, entry: PageEntry): Promise<DocOutcome> {
    const base = { key: page.key, ...fileOf(page), title: page.title };
    let parentId: string | undefined;
    if (page.parent && 'id' in page.parent) parentId = page.parent.id;
    else if (page.parent) {
      parentId = mapping.pages[page.parent.key]?.id;
      if (!parentId && !dryRun) {
        return { ...base, action: 'error', message: `its parent ${page.parent.key} has no page${failedKeys.has(page.parent.key) ? ' (it failed above)' : ''}` };
      }
    }
    if (dryRun) return { ...base, action: 'create' };
    const a = await getApi();
    if (!mapping.spaceId) {
      spaceIdLookup ??= a.spaceId(settings.space);
      mapping.spaceId = await spaceIdLookup;
      mappingDirty = true;
    }
    const spaceId = mapping.spaceId;
    let created: RemotePage | undefined;
    for (let attempt = 1; !created; attempt++) {
      try {
        created = await a.createPage({ spaceId, ...(parentId ? { parentId } : {}), title: page.title, body: page.xhtml });
      } catch (e) {
        const status = statusOf(e) ?? (isSsotError(e) ? (e as { status?: number }).status : undefined);
        const msg = serverMessage((e as { cause?: unknown }).cause) ?? messageOf(e);
        if (status === 400 && /title already exists/i.test(msg)) {
          const found = await a.findByTitle(spaceId, page.title).catch(() => undefined);
          return {
            ...base,
            action: 'error',
            message: `a page titled "${page.title}" already exists in space ${settings.space}${found ? ` (id ${found.id})` : ''}; rename the doc, or put "id": "${found?.id ?? '…'}" in its mapping entry to take that page over`,
          };
        }
        if (status !== undefined && status < 500) throw e;
        // The answer was lost (network, 5xx): the page may exist. Look before creating again.
        const found = await a.findByTitle(spaceId, page.title);
        if (found) created = found;
        else if (attempt >= 3) throw e;
      }
    }
    entry.id = created.id;
    entry.version = created.version || 1;
    entry.title = page.title;
    setParent(entry, page);
    mappingDirty = true;
    // Ids first: a crash after this point must not make a second page.
    await save();
    await finishWrite(a, page, entry, created.id, entry.version, true);
    return { ...base, action: 'create', pageId: created.id, version: entry.version };
  }

  async function updateOne(page: PreparedPage, entry: PageEntry, rp: RemotePage | undefined): Promise<DocOutcome> {
    const id = entry.id!;
    const base = { key: page.key, ...fileOf(page), title: page.title, pageId: id };
    if (!rp) {
      return { ...base, action: 'error', message: `page ${id} no longer exists in Confluence (deleted or moved to the trash); remove its "id" from the mapping to create it again` };
    }
    const changed = entry.hash !== page.hash;
    const last = entry.version ?? 0;
    let handEdit = false;
    if (rp.version > last) {
      const theirs = await writtenBySsot(id, rp, changed);
      if (theirs) {
        // A teammate's push, not a hand edit.
        if (theirs === page.hash) {
          entry.version = rp.version;
          entry.hash = page.hash;
          entry.title = page.title;
          mappingDirty = true;
          return { ...base, action: 'skip', version: rp.version, message: 'already published (by another push)' };
        }
      } else handEdit = true;
    }
    if (!changed) {
      if (handEdit) {
        warn({ file: page.file ?? '', key: page.key, message: `page ${id} was edited in Confluence since the last push (version ${rp.version}, ssot wrote ${last}); the doc is unchanged, so nothing is overwritten`, warning: true });
        return { ...base, action: 'skip', version: rp.version, message: 'unchanged (edited in Confluence)' };
      }
      return { ...base, action: 'skip', version: rp.version, message: 'unchanged' };
    }
    if (handEdit && !opts.force) return conflict(page, id, rp, last);
    if (dryRun) return { ...base, action: 'update', version: rp.version + 1, ...(handEdit ? { message: 'overwrites an edit made in Confluence (--force)' } : {}) };

    const a = await getApi();
    await uploadAttachments(a, page, entry, id, false);
    const parentId = page.parent ? ('id' in page.parent ? page.parent.id : mapping.pages[page.parent.key]?.id) : undefined;
    const message = `ssot ${page.hash}`;
    let next = rp.version + 1;
    let written: RemotePage | undefined;
    for (let attempt = 1; !written; attempt++) {
      try {
        written = await a.updatePage({ id, ...(parentId ? { parentId } : {}), title: page.title, body: page.xhtml, version: next, message });
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (status === 409 || status === undefined || status >= 500) {
          // Stale version, or an answer lost on the way: look at the page before writing again.
          const now = (await a.pagesByIds([id])).get(id);
          if (now && now.version === next && MARKER.exec(now.message)?.[1] === page.hash) {
            written = now;
            break;
          }
          if (status === 409 && now && now.version >= next) {
            if (!opts.force) return conflict(page, id, now, last);
            next = now.version + 1;
          }
          if (attempt >= 3 || !now) throw e;
          continue;
        }
        throw e;
      }
    }
    entry.version = written.version || next;
    entry.title = page.title;
    setParent(entry, page);
    mappingDirty = true;
    await finishWrite(a, page, entry, id, entry.version, false);
    return { ...base, action: 'update', version: entry.version, ...(handEdit ? { message: 'overwrote an edit made in Confluence (--force)' } : {}) };
  }

  /** After the body: attachments (new pages), labels, the content property, then the mapping. */
  async function finishWrite(a: ConfluenceApi, page: PreparedPage, entry: PageEntry, id: string, version: number, fresh: boolean): Promise<void> {
    if (fresh) await uploadAttachments(a, page, entry, id, true);
    const before = new Set(entry.labels ?? []);
    const add = page.labels.filter((l) => !before.has(l));
    if (add.length > 0) await a.addLabels(id, add, fresh);
    for (const l of before) if (!page.labels.includes(l)) await a.removeLabel(id, l);
    if (page.labels.length > 0) entry.labels = [...page.labels];
    else delete entry.labels;
    await writeProperty(a, entry, id, { version, hash: page.hash, path: page.key }, fresh);
    entry.hash = page.hash;
    mappingDirty = true;
  }

  async function uploadAttachments(a: ConfluenceApi, page: PreparedPage, entry: PageEntry, id: string, fresh: boolean): Promise<void> {
    const had = entry.attachments ?? {};
    const now: Record<string, string> = {};
    for (const att of page.attachments) {
      if (had[att.filename] !== att.hash) await a.uploadAttachment(id, att.filename, await fs.readFile(att.file), fresh);
      now[att.filename] = att.hash;
    }
    if (Object.keys(now).length > 0) entry.attachments = now;
    else delete entry.attachments;
  }

  async function writeProperty(a: ConfluenceApi, entry: PageEntry, id: string, value: { version: number; hash: string; path: string }, fresh: boolean): Promise<void> {
    if (entry.property) {
      try {
        const p = await a.updateProperty(id, entry.property.id, PROPERTY_KEY, value, entry.property.version + 1);
        entry.property = { id: p.id, version: p.version };
        return;
      } catch (e) {
        // A teammate wrote it since: read its version and write over it.
        if ((e as { status?: number }).status !== 409 && (e as { status?: number }).status !== 404) throw e;
      }
    } else {
      try {
        const p = await a.createProperty(id, PROPERTY_KEY, value, fresh);
        entry.property = { id: p.id, version: p.version };
        return;
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (status !== 400 && status !== 409) throw e;
      }
    }
    const cur = await a.getProperty(id, PROPERTY_KEY, fresh);
    const p = cur ? await a.updateProperty(id, cur.id, PROPERTY_KEY, value, cur.version + 1) : await a.createProperty(id, PROPERTY_KEY, value, fresh);
    entry.property = { id: p.id, version: p.version };
  }

  /** The hash ssot wrote in the page's current version, or undefined if a person wrote it. */
  async function writtenBySsot(id: string, rp: RemotePage, lookHarder: boolean): Promise<string | undefined> {
    const m = MARKER.exec(rp.message);
    if (m) return m[1];
    if (!lookHarder) return undefined;
    // The version message may have been dropped; the content property is the record.
    const prop = await (await getApi()).getProperty(id, PROPERTY_KEY);
    const v = prop?.value as { version?: unknown; hash?: unknown } | undefined;
    return v && v.version === rp.version && typeof v.hash === 'string' ? v.hash : undefined;
  }

  async function conflict(page: PreparedPage, id: string, rp: RemotePage, last: number): Promise<DocOutcome> {
    const base = { key: page.key, ...fileOf(page), title: page.title, pageId: id, action: 'conflict' as const, version: rp.version };
    const msg = `page ${id} was edited in Confluence since the last push (version ${rp.version}, ssot wrote ${last})`;
    if (dryRun || !page.file) return { ...base, message: msg };
    const saved = page.file.replace(/\.(md|markdown)$/i, '') + '.confluence.xhtml';
    try {
      const body = await (await getApi()).pageBody(id);
      await writeFileAtomic(saved, body);
    } catch (e) {
      return { ...base, message: `${msg}; its body could not be saved for review: ${messageOf(e)}` };
    }
    return {
      ...base,
      savedRemote: saved,
      message: `${msg}; its body is saved in ${path.relative(process.cwd(), saved) || saved} for review: port the edit into the doc, then push with --force`,
    };
  }
}

function setParent(entry: PageEntry, page: PreparedPage): void {
  if (page.parent) entry.parent = 'id' in page.parent ? page.parent.id : page.parent.key;
}

function fileOf(page: PreparedPage | undefined): { file?: string } {
  return page?.file ? { file: page.file } : {};
}

function messageOf(e: unknown): string {
  if (isSsotError(e)) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

function problemOf(e: unknown, file: string): DocProblem {
  if (isSsotError(e)) {
    return { file: e.place?.file ?? file, key: '', message: e.message, ...(e.place?.line !== undefined ? { line: e.place.line } : {}), ...(e.place?.column !== undefined ? { column: e.place.column } : {}) };
  }
  return { file, key: '', message: messageOf(e) };
}

/** At most `n` of the given tasks run at a time. */
function semaphore(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let free = n;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}
