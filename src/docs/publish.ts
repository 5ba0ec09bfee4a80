import { ExitCode, worstExit } from '../core/errors.js';
import type { ConfluenceApi, RemotePage } from './api.js';
import { saveCache } from './cache.js';
import { saveConflict } from './conflict.js';
import { writeMapping, type PageEntry } from './mapping.js';
import { planPush, type Plan, type PlanSettings } from './plan.js';
import { isFolderKey } from './project.js';
import type { DocProblem, PreparedPage } from './render.js';
import type { DocsView } from './remote-doc.js';
import { messageOf, outcomeBase, PageWriter } from './writes.js';

/**
 * `ssot docs push` and the docs part of `ssot sync`: validate every doc, read
 * the remote versions of all mapped pages in batches, then create or update
 * only what changed. Never throws for one doc: each gets an outcome.
 */

type DocAction = 'create' | 'update' | 'skip' | 'conflict' | 'error';

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
  /** Where the remote version of a conflicting page was saved (as markdown). */
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
  exitCode: ExitCode;
}

/** A finding of the secret guard (the guard itself is wired in by the caller). */
export interface Finding {
  line?: number;
  column?: number;
  rule: string;
  message?: string;
}

export type SecretCheck = (text: string, file: string) => Promise<Finding[]>;

export type DocsEvent =
  | { type: 'doc'; outcome: DocOutcome }
  | { type: 'retry'; what: string; status?: number; waitMs: number }
  | { type: 'warning'; problem: DocProblem };

export interface PublishSettings extends PlanSettings {
  /** Every warning found before the first request is an error (`docs.strict`). */
  strict?: boolean;
}

export interface PublishOptions {
  dryRun?: boolean;
  force?: boolean;
  /** `--strict`: as `docs.strict: true`. */
  strict?: boolean;
  /** Absolute paths of docs or folders to push; all mapped docs when empty. */
  paths?: readonly string[];
  secretCheck?: SecretCheck;
  log?: (event: DocsEvent) => void;
}

/** Docs written at once: fast on a first publish, gentle on Confluence's rate limits. */
const CONCURRENCY = 4;

export async function publishDocs(settings: PublishSettings, api: ConfluenceApi | (() => Promise<ConfluenceApi>), opts: PublishOptions = {}): Promise<DocsSyncResult> {
  const run = new Run(settings, api, opts);
  const strict = opts.strict === true || settings.strict === true;
  const plan = await planPush(settings, opts.paths, {
    invalid: (p) => run.result.invalid.push(p),
    warn: strict ? (p) => run.result.invalid.push({ ...p, message: `${p.message} [strict]`, warning: false }) : (p) => run.warn(p),
  });
  if (!plan || run.result.invalid.length > 0) return run.finish();
  const blocked = await guardDocs(plan, opts.secretCheck);
  const remote = await run.remoteVersions(plan, blocked);
  if (!remote) return run.finish();
  await run.writeAll(plan, blocked, remote);
  if (!run.result.dryRun) await saveRunCache(settings, plan);
  return run.finish();
}

/** The guard: a doc with a secret is not published. */
async function guardDocs(plan: Plan, check: SecretCheck | undefined): Promise<Map<string, string>> {
  const blocked = new Map<string, string>();
  if (!check) return blocked;
  for (const k of plan.order) {
    const page = preparedPage(plan, k);
    if (!page.source || !page.file || !page.publish) continue;
    const findings = await check(page.source, page.file);
    const [f] = findings;
    if (!f) continue;
    blocked.set(k, `not published: the guard found ${findings.length} secret${findings.length > 1 ? 's' : ''} (${f.rule}${f.line ? ` on line ${f.line}` : ''}); remove it, or allow it in the guard's baseline`);
  }
  return blocked;
}

async function saveRunCache(settings: PublishSettings, plan: Plan): Promise<void> {
  const { docs, present, nextCache, cache, prepared } = plan;
  for (const k of present) {
    const src = isFolderKey(k) ? undefined : await docs.source(k);
    const m = src ? docs.metaBySource.get(`${k}\0${src.hash}`) : undefined;
    if (src && m) nextCache.meta[`${k}\0${src.hash}`] = m;
  }
  // Docs not looked at this run (a path selection) keep their entries.
  for (const [k, c] of Object.entries(cache.pages)) if (!(k in nextCache.pages) && !prepared.has(k)) nextCache.pages[k] = c;
  await saveCache(settings.cacheFile, nextCache);
}

/** One push: its result, its client, and the mapping writes. */
class Run {
  readonly result: DocsSyncResult;
  private readonly settings: PublishSettings;
  private readonly opts: PublishOptions;
  private readonly apiSource: ConfluenceApi | (() => Promise<ConfluenceApi>);
  private client: ConfluenceApi | undefined;
  private mappingDirty = false;
  private lastSave = 0;
  private saving: Promise<void> = Promise.resolve();

  constructor(settings: PublishSettings, api: ConfluenceApi | (() => Promise<ConfluenceApi>), opts: PublishOptions) {
    this.settings = settings;
    this.apiSource = api;
    this.opts = opts;
    this.result = { docs: [], invalid: [], warnings: [], dryRun: opts.dryRun === true, exitCode: ExitCode.OK };
  }

  api = async (): Promise<ConfluenceApi> => (this.client ??= typeof this.apiSource === 'function' ? await this.apiSource() : this.apiSource);

  warn(p: DocProblem): void {
    this.result.warnings.push(p);
    this.opts.log?.({ type: 'warning', problem: p });
  }

  emit(o: DocOutcome): void {
    this.result.docs.push(o);
    this.opts.log?.({ type: 'doc', outcome: o });
  }

  finish(): DocsSyncResult {
    // Bad input stops the run before any write: that, not what the docs did, is the outcome.
    const codes = this.result.docs.map((d) => (d.action === 'conflict' ? ExitCode.CONFLICT : d.action === 'error' ? ExitCode.FAILURE : ExitCode.OK));
    this.result.exitCode = this.result.invalid.length > 0 ? ExitCode.USAGE : worstExit(...codes);
    return this.result;
  }

  /** Versions of all mapped pages, in batches; without them nothing can be written safely. */
  async remoteVersions(plan: Plan, blocked: Map<string, string>): Promise<Map<string, RemotePage> | undefined> {
    const ids = [...new Set(Object.values(plan.mapping.pages).map((e) => e.id).filter((x): x is string => x !== undefined))];
    if (ids.length === 0 || !plan.order.some((k) => !blocked.has(k))) return new Map();
    try {
      return await (await this.api()).pagesByIds(ids);
    } catch (e) {
      for (const k of plan.order) emitError(this, preparedPage(plan, k), messageOf(e));
      return undefined;
    }
  }

  view(plan: Plan): DocsView {
    return { root: this.settings.root, docs: plan.docs, present: plan.present, mermaidMacro: this.settings.mermaidMacro ?? 'mermaid-cloud' };
  }

  /** Mapping writes, one after the other, each of the newest state. */
  save(plan: Plan): Promise<void> {
    if (this.result.dryRun) return Promise.resolve();
    this.saving = this.saving
      .catch(() => undefined)
      .then(async () => {
        this.mappingDirty = false;
        this.lastSave = Date.now();
        await writeMapping(this.settings.mappingFile, plan.mapping);
      });
    return this.saving;
  }

  /** Per doc, a few at a time, each after its parent; outcomes in the order of the docs. */
  async writeAll(plan: Plan, blocked: Map<string, string>, remote: Map<string, RemotePage>): Promise<void> {
    const failed = new Set<string>();
    const writer = new PageWriter({
      space: this.settings.space,
      mapping: plan.mapping,
      dryRun: this.result.dryRun,
      force: this.opts.force === true,
      api: this.api,
      save: () => this.save(plan),
      dirty: () => void (this.mappingDirty = true),
      warn: (p) => this.warn(p),
      onConflict: (page, id, rp, last) => saveConflict({ page, id, rp, last, dryRun: this.result.dryRun, api: this.api, view: this.view(plan), ...(this.opts.secretCheck ? { secretCheck: this.opts.secretCheck } : {}) }),
      failed,
    });
    const one = async (key: string): Promise<void> => {
      const page = preparedPage(plan, key);
      const entry: PageEntry = (plan.mapping.pages[key] ??= {});
      const outcome = await writeOne(writer, page, entry, remote, blocked.get(key));
      this.emit(outcome);
      if (outcome.action === 'error') failed.add(key);
      // A new page id is saved at once (in create); versions and hashes at most a second later: if
      // that write is lost, the version message marks the page as ssot's own and the next run catches up.
      if (this.mappingDirty && Date.now() - this.lastSave > 1000) await this.save(plan);
    };
    const slot = semaphore(CONCURRENCY);
    const finished = new Map<string, Promise<void>>();
    for (const key of plan.order) {
      const page = preparedPage(plan, key);
      const parentDone = page.parent && 'key' in page.parent ? finished.get(page.parent.key) : undefined;
      finished.set(key, (async () => {
        await parentDone;
        await slot(() => one(key));
      })());
    }
    await Promise.all(finished.values());
    const rank = new Map(plan.order.map((k, i) => [k, i]));
    this.result.docs.sort((a, b) => (rank.get(a.key) ?? 0) - (rank.get(b.key) ?? 0));
    if (this.mappingDirty) await this.save(plan);
  }
}

async function writeOne(writer: PageWriter, page: PreparedPage, entry: PageEntry, remote: Map<string, RemotePage>, blockedWhy: string | undefined): Promise<DocOutcome> {
  const base = outcomeBase(page);
  if (!page.publish) return { ...base, action: 'skip', message: 'confluence: false' };
  if (blockedWhy) return { ...base, action: 'error', message: blockedWhy };
  try {
    return entry.id ? await writer.update(page, entry, entry.id, remote.get(entry.id)) : await writer.create(page, entry);
  } catch (e) {
    return { ...base, ...(entry.id ? { pageId: entry.id } : {}), action: 'error', message: messageOf(e) };
  }
}

function emitError(run: Run, page: PreparedPage, message: string): void {
  run.emit({ ...outcomeBase(page), action: 'error', message });
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

/** A key of the plan's order: planPush prepared a page for each one. */
function preparedPage(plan: Plan, key: string): PreparedPage {
  const page = plan.prepared.get(key);
  if (!page) throw new Error(`the docs plan has no prepared page for ${key}`);
  return page;
}
