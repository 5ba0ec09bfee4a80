import path from 'node:path';
import type { LoadedConfig } from '../../config/load.js';
import { formatPlace, InputError, ErrorCode, UsageError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { credentialContext } from '../credentials.js';
import { guardCheck } from '../secret-check.js';
import type { DocOutcome, DocProblem, DocsEvent, DocsSyncResult } from '../../docs/index.js';

/**
 * `ssot docs push|map|render|pull|prune`: parse, call src/docs, print. The docs code
 * knows nothing of the terminal; this file knows nothing of Confluence.
 */

/** Resolve confluence.email and confluence.token. */
export async function confluenceCredentials(ctx: CommandContext, config: LoadedConfig): Promise<{ email: string; token: string }> {
  if (!config.confluence) throw new UsageError(`${config.file} has no confluence section`, 'add confluence: { baseUrl, email, token, space } (see docs/confluence-setup.md)');
  const { accountCredentials } = await import('../../config/credentials.js');
  return accountCredentials(config.confluence, credentialContext(ctx, config), 'confluence');
}

export interface DocsPushOptions {
  /** Docs as given; none: every mapped doc. */
  paths: string[];
  dryRun: boolean;
  force: boolean;
  strict: boolean;
}

export async function push(ctx: CommandContext, opts: DocsPushOptions): Promise<number> {
  const config = await ctx.config();
  const { syncDocs } = await import('../../docs/index.js');
  const credentials = await confluenceCredentials(ctx, config);
  const paths = opts.paths.map((p) => path.resolve(ctx.cwd, p));
  const dryRun = opts.dryRun;
  const result = await syncDocs(config, {
    dryRun,
    force: opts.force,
    ...(opts.strict ? { strict: true } : {}),
    credentials,
    ...(paths.length > 0 ? { paths } : {}),
    secretCheck: await guardCheck(ctx, config),
    log: (e) => printEvent(ctx, e, dryRun),
  });
  return report(ctx, result);
}

/** Print one event as it happens (docs are long runs; the user sees progress). */
function printEvent(ctx: CommandContext, e: DocsEvent, dryRun: boolean): void {
  if (e.type === 'retry') {
    ctx.out.verbose(`retrying ${e.what}${e.status ? ` (HTTP ${e.status})` : ''} in ${Math.round(e.waitMs / 100) / 10}s`);
    return;
  }
  if (e.type === 'warning') {
    ctx.out.warn(describeProblem(e.problem, ctx.cwd));
    return;
  }
  const o = e.outcome;
  ctx.out.emit({ type: 'doc', ...o, dryRun });
  const line = outcomeLine(o, ctx.cwd, dryRun);
  if (o.action === 'error' || o.action === 'conflict') ctx.out.warn(line);
  else if (o.action === 'skip') ctx.out.verbose(line);
  else ctx.out.info(line);
}

function outcomeLine(o: DocOutcome, cwd: string, dryRun: boolean): string {
  const where = o.file ? path.relative(cwd, o.file) || o.file : o.key;
  const verb = dryRun && (o.action === 'create' || o.action === 'update') ? `would ${o.action}` : o.action;
  const page = o.pageId ? ` (page ${o.pageId}${o.version ? `, v${o.version}` : ''})` : '';
  return `${verb.padEnd(12)} ${where}${page}${o.message ? `: ${o.message}` : ''}`;
}

function describeProblem(p: DocProblem, cwd: string): string {
  return `${formatPlace({ file: path.relative(cwd, p.file) || p.file, ...(p.line !== undefined ? { line: p.line } : {}), ...(p.column !== undefined ? { column: p.column } : {}) })}: ${p.message}`;
}

function report(ctx: CommandContext, r: DocsSyncResult): number {
  const [first] = r.invalid;
  if (first) {
    for (const p of r.invalid) ctx.out.emit({ type: 'error', code: ErrorCode.Input, message: p.message, place: { file: p.file, line: p.line } });
    for (const p of r.invalid.slice(1)) if (!ctx.out.json) ctx.out.warn(describeProblem(p, ctx.cwd));
    throw new InputError(
      ErrorCode.Input,
      `${first.message}${r.invalid.length > 1 ? ` (and ${r.invalid.length - 1} more problem${r.invalid.length > 2 ? 's' : ''} above)` : ''}`,
      { file: path.relative(ctx.cwd, first.file) || first.file, ...(first.line !== undefined ? { line: first.line } : {}), ...(first.column !== undefined ? { column: first.column } : {}) },
      r.invalid.some((p) => p.message.endsWith('[strict]'))
        ? 'nothing was published: fix the docs (--strict / docs.strict makes every warning an error)'
        : 'nothing was published: fix the docs and run again',
    );
  }
  const count = (a: string): number => r.docs.filter((d) => d.action === a).length;
  const summary = `${r.dryRun ? 'dry run: ' : ''}${count('create')} created, ${count('update')} updated, ${count('skip')} unchanged, ${count('conflict')} conflicts, ${count('error')} failed`;
  ctx.out.info(summary);
  ctx.out.emit({ type: 'summary', created: count('create'), updated: count('update'), skipped: count('skip'), conflicts: count('conflict'), failed: count('error'), dryRun: r.dryRun });
  return r.exitCode;
}

export interface DocsMapOptions {
  /** Add the unmapped docs to the mapping. */
  write: boolean;
}

export async function map(ctx: CommandContext, opts: DocsMapOptions): Promise<number> {
  const config = await ctx.config();
  const { mapDocs, localSettings } = await import('../../docs/index.js');
  const settings = localSettings(config, ctx.cwd);
  const write = opts.write;
  const r = await mapDocs(settings, { write });
  const rel = (k: string): string => path.relative(ctx.cwd, path.join(settings.root, k)) || k;
  if (r.unmapped.length === 0) {
    ctx.out.info('every doc is in the mapping');
    return 0;
  }
  for (const k of r.unmapped) {
    ctx.out.emit({ type: 'unmapped', key: k, added: write });
    if (!write) ctx.out.info(rel(k));
  }
  if (write) {
    for (const k of r.added) ctx.out.info(`added ${k.endsWith('/') ? `${k} (folder page)` : rel(k)}`);
    ctx.out.info(`${r.added.length} entries added to ${path.relative(ctx.cwd, r.mappingFile) || r.mappingFile}; \`ssot docs push\` creates their pages`);
  } else ctx.out.info(`${r.unmapped.length} unmapped; \`ssot docs map --write\` adds them`);
  return 0;
}

export interface DocsRenderOptions {
  path: string;
  strict: boolean;
}

export async function render(ctx: CommandContext, opts: DocsRenderOptions): Promise<number> {
  const file = path.resolve(ctx.cwd, opts.path);
  const config = await ctx.maybeConfig();
  const { renderDoc, localSettings } = await import('../../docs/index.js');
  const settings = localSettings(config, path.dirname(file));
  const r = await renderDoc(settings, file);
  const strict = opts.strict || settings.strict === true;
  const errors = r.problems.filter((p) => strict || !p.warning);
  for (const p of r.problems.filter((x) => !errors.includes(x))) ctx.out.warn(describeProblem(p, ctx.cwd));
  const [first] = errors;
  if (first) {
    for (const p of errors.slice(1)) ctx.out.warn(describeProblem(p, ctx.cwd));
    throw new InputError(ErrorCode.Input, first.message, { file: path.relative(ctx.cwd, first.file) || first.file, ...(first.line !== undefined ? { line: first.line } : {}) }, strict && first.warning ? '--strict / docs.strict makes every warning an error' : undefined);
  }
  if (ctx.out.json) ctx.out.emit({ type: 'render', title: r.title, xhtml: r.xhtml });
  else process.stdout.write(`${r.xhtml}\n`);
  return 0;
}

export interface DocsPullOptions {
  paths: string[];
}

/** `ssot docs pull PATH…`: each page's version in Confluence into its doc, as markdown. */
export async function pull(ctx: CommandContext, opts: DocsPullOptions): Promise<number> {
  const config = await ctx.config();
  const { pullFromConfluence } = await import('../../docs/index.js');
  const credentials = await confluenceCredentials(ctx, config);
  const paths = opts.paths.map((p) => path.resolve(ctx.cwd, p));
  const r = await pullFromConfluence(config, { credentials, paths, secretCheck: await guardCheck(ctx, config), env: ctx.env });
  const [first] = r.invalid;
  if (first) {
    for (const p of r.invalid.slice(1)) ctx.out.warn(describeProblem(p, ctx.cwd));
    throw new InputError(ErrorCode.Input, first.message, { file: path.relative(ctx.cwd, first.file) || first.file }, 'nothing was pulled');
  }
  for (const d of r.docs) {
    ctx.out.emit({ type: 'pull', ...d });
    const where = path.relative(ctx.cwd, d.file) || d.file;
    if (d.action === 'error') {
      ctx.out.warn(`error        ${where}${d.pageId ? ` (page ${d.pageId})` : ''}: ${d.message}`);
      continue;
    }
    ctx.out.info(`pulled       ${where} (page ${d.pageId}, v${d.version})${d.backup ? `; its text before is saved in ${d.backup}` : ''}`);
    for (const n of d.notes) ctx.out.warn(`${where}: ${n}`);
  }
  return r.exitCode;
}

export interface DocsPruneOptions {
  dryRun: boolean;
  /** Archive without asking. */
  yes: boolean;
}

/** `ssot docs prune [--dry-run] [--yes]`: archive the pages of removed docs. */
export async function prune(ctx: CommandContext, opts: DocsPruneOptions): Promise<number> {
  const config = await ctx.config();
  const { pruneFromConfluence, orphanLabel, publishSettings } = await import('../../docs/index.js');
  const root = publishSettings(config).root;
  const credentials = await confluenceCredentials(ctx, config);
  const dryRun = opts.dryRun;
  const r = await pruneFromConfluence(config, {
    credentials,
    dryRun,
    confirm: async (pages) => {
      for (const o of pages) ctx.out.info(`  ${orphanLabel(root, o, ctx.cwd)}`);
      if (opts.yes) return true;
      if (!ctx.interactive) throw new UsageError(`prune archives ${pages.length} page(s) in Confluence`, 'pass --yes to confirm when not on a terminal (--dry-run lists them)');
      const { confirm } = await import('../prompt.js');
      return confirm(`Archive ${pages.length} page(s) in Confluence (they can be restored there)?`);
    },
  });
  if (r.docs.length === 0) ctx.out.info('no orphan pages: every page in the mapping has its doc');
  for (const d of r.docs) {
    ctx.out.emit({ type: 'prune', ...d, dryRun });
    const line = `${(dryRun && d.action !== 'keep' ? `would ${d.action}` : d.action).padEnd(15)} ${d.key}${d.message ? `: ${d.message}` : ''}`;
    if (d.action === 'error' || d.action === 'keep') ctx.out.warn(line);
    else ctx.out.info(line);
  }
  return r.exitCode;
}
