import { promises as fs, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, ExitCode, SsotError, UsageError } from '../../core/errors.js';
import { pathMatcher } from '../../core/globs.js';
import { stateDir } from '../../core/paths.js';
import {
  GitError,
  installHook,
  loadFingerprintIndex,
  loadGuardConfig,
  readAll,
  readBaseline,
  readPaths,
  readStaged,
  scanTargets,
  uninstallHook,
  writeBaseline,
  type FingerprintIndex,
  type Finding,
  type GuardConfig,
  type ReadResult,
  type ScanReport,
} from '../../guard/index.js';
import type { CommandContext } from '../context.js';
import type { GuardSummary } from '../messages.js';

/**
 * `ssot guard`: prints findings and maps them to exit codes (0 clean, 1
 * secrets found, 2 usage or config error). Kept lean: it runs on every commit,
 * so it loads neither the config schema nor any vault, docs or remote code.
 */

export interface GuardOptions {
  /** Files or folders to scan instead of the staged change. */
  paths: string[];
  staged: boolean;
  all: boolean;
  /** The git hook that calls the guard (`pre-commit`): the advice then says how to commit anyway. */
  hook?: string;
  /** False with --no-vault-index. */
  vaultIndex: boolean;
  writeBaseline: boolean;
}

export async function scan(ctx: CommandContext, opts: GuardOptions): Promise<number> {
  const inputs = opts.paths;
  if (opts.all && inputs.length > 0) throw new UsageError('give either --all or paths, not both');
  if (opts.staged && (opts.all || inputs.length > 0)) throw new UsageError('--staged scans the index: give no --all and no paths with it');
  const mode = opts.all ? 'all' : inputs.length > 0 ? 'paths' : 'staged';

  const cfg = await loadGuardConfig({ explicit: ctx.opts.config, cwd: ctx.cwd, env: ctx.env, cacheDir: stateDir(ctx.env) });
  const read = await readTargets(ctx, mode, inputs, cfg);
  const opened = opts.vaultIndex ? await openIndex(ctx, cfg) : { index: undefined };
  const index = opened.index;
  const baselineFile = cfg.baselineRelative ? path.join(read.root, cfg.baseline) : cfg.baseline;

  if (opts.writeBaseline) {
    const report = scanTargets(read, { blockPaths: cfg.blockPaths, index });
    const r = await writeBaseline(
      baselineFile,
      report.all.map((f) => ({ fingerprint: f.fingerprint, rule: f.rule, file: f.file, ...(f.line > 0 ? { line: f.line } : {}) })),
    );
    ctx.out.emit({ type: 'baseline', file: baselineFile, added: r.added, total: r.total });
    ctx.out.info(`ssot guard: ${r.added} finding(s) added to ${path.relative(ctx.cwd, baselineFile) || baselineFile} (${r.total} in all); commit that file`);
    return ExitCode.OK;
  }

  const report = scanTargets(read, { blockPaths: cfg.blockPaths, index, baseline: await readBaseline(baselineFile) });
  recordReport(ctx, report, mode, index ? 'used' : opened.failure ? 'unusable' : 'not used');
  if (opened.failure) {
    // Fail closed: with vaults configured, a commit is not let through unchecked for their values.
    if (report.findings.length > 0) printFindings(ctx, report.findings, Boolean(opts.hook));
    ctx.out.error(opened.failure);
    return ExitCode.FAILURE;
  }
  if (report.findings.length === 0) {
    ctx.out.verbose(`ssot guard: no secrets in ${report.files} file(s)`);
    return ExitCode.OK;
  }
  printFindings(ctx, report.findings, Boolean(opts.hook));
  return ExitCode.FAILURE;
}

/** What to scan: the staged change, every tracked file, or the paths given. */
async function readTargets(ctx: CommandContext, mode: 'all' | 'paths' | 'staged', inputs: string[], cfg: GuardConfig): Promise<ReadResult> {
  const ignored = pathMatcher(cfg.ignorePaths);
  const readOpts = { maxFileBytes: cfg.maxFileBytes, ignore: (p: string) => ignored(p) !== undefined };
  try {
    if (mode === 'paths') return await readPaths(ctx.cwd, inputs, readOpts);
    return mode === 'all' ? readAll(ctx.cwd, readOpts) : await readStaged(ctx.cwd, readOpts);
  } catch (e) {
    if (e instanceof GitError && e.notARepo) throw new UsageError('not inside a git repository', 'pass the files or folders to scan: `ssot guard PATH...`');
    throw e;
  }
}

/** Notes, skipped files, findings and the summary as records (--json), notes and skips as text. */
function recordReport(ctx: CommandContext, report: ScanReport, mode: GuardSummary['mode'], vaultIndex: GuardSummary['vaultIndex']): void {
  for (const n of report.notes) {
    ctx.out.emit({ type: 'note', message: n });
    ctx.out.verbose(`note: ${n}`);
  }
  for (const s of report.skipped) {
    ctx.out.emit({ type: 'skipped', file: s.path, reason: s.reason });
    ctx.out.warn(`not scanned: ${s.path}: ${s.reason}`);
  }
  for (const f of report.findings) {
    ctx.out.emit({ type: 'finding', file: f.file, line: f.line, column: f.column, rule: f.rule, description: f.description, match: f.redacted, fingerprint: f.fingerprint, ...(f.entry ? { entry: f.entry, variant: f.variant } : {}) });
  }
  ctx.out.emit({
    type: 'summary',
    mode,
    files: report.files,
    findings: report.findings.length,
    allowedByBaseline: report.allowed.baseline,
    allowedInline: report.allowed.inline,
    skipped: report.skipped.length,
    vaultIndex,
  });
}

function printFindings(ctx: CommandContext, findings: Finding[], hook: boolean): void {
  const rows = findings.map((f) => [f.line > 0 ? `${f.file}:${f.line}:${f.column}` : f.file, f.rule, f.redacted, f.description]);
  ctx.out.info(`ssot guard: ${findings.length} secret(s) found`);
  ctx.out.table(rows);
  ctx.out.info(
    [
      'Remove them (and rotate any that were real), or accept one:',
      '  add `ssot:allow` in a comment on its line, or run `ssot guard --write-baseline` and commit the baseline.',
      ...(hook ? ['  To commit anyway: git commit --no-verify'] : []),
    ].join('\n'),
  );
}

/**
 * The index of vault values. With vaults configured and `guard.vaultIndex:
 * required` (the default), an index that is missing or cannot be opened is a
 * failure (the guard must not pass a commit it could not check); otherwise a
 * warning, and the credential rules run alone.
 */
async function openIndex(ctx: CommandContext, cfg: GuardConfig): Promise<{ index: FingerprintIndex | undefined; failure?: SsotError }> {
  const r = await loadFingerprintIndex(stateDir(ctx.env), { env: ctx.env });
  if (r.status !== 'ok') {
    const reason = r.status === 'missing' ? 'there is no index of vault values yet' : r.reason;
    if (cfg.hasVaults && cfg.vaultIndex === 'required') {
      const where = cfg.file ? ` (${path.basename(cfg.file)} names vaults)` : '';
      return {
        index: undefined,
        failure: new SsotError(ErrorCode.GuardIndex, `vault values not checked: ${reason}${where}`, {
          hint: 'run `ssot vault fingerprint` to build it; to commit without it once: `ssot guard --no-vault-index` (or git commit --no-verify); to make it optional: guard.vaultIndex: optional',
        }),
      };
    }
    if (r.status === 'unusable' || cfg.hasVaults) ctx.out.warn(`vault values not checked: ${reason}; the credential rules still ran. Build it with \`ssot vault fingerprint\``);
    return { index: undefined };
  }
  for (const w of r.warnings) ctx.out.warn(w);
  for (const s of r.index.sources) {
    try {
      const st = await fs.stat(s.path);
      if (st.mtimeMs > s.mtimeMs + 1) ctx.out.warn(`vault ${s.vault} changed since the index was built: run \`ssot vault fingerprint\``);
    } catch {
      /* a vault moved away is not the guard's problem */
    }
  }
  return { index: r.index };
}

/** The entry point the hook calls: this package's bin/ssot, as a real path. */
export function entryPoint(): string {
  const bin = fileURLToPath(new URL('../../../bin/ssot', import.meta.url));
  try {
    return realpathSync(bin);
  } catch {
    return bin;
  }
}

export async function install(ctx: CommandContext): Promise<number> {
  const r = await installHook(ctx.cwd, { node: process.execPath, cli: entryPoint() });
  ctx.out.emit({ type: 'hook', action: r.updated ? 'updated' : 'installed', kind: r.kind, file: r.hookFile, ...(r.chained ? { chained: r.chained } : {}) });
  ctx.out.info(`ssot guard: pre-commit hook ${r.updated ? 'updated' : 'installed'} in ${r.hookFile}${r.kind === 'husky' ? ' (beside husky)' : ''}`);
  if (r.chained) ctx.out.info(`  the hook that was there runs first: ${r.chained}`);
  return ExitCode.OK;
}

export async function uninstall(ctx: CommandContext): Promise<number> {
  const r = await uninstallHook(ctx.cwd);
  ctx.out.emit({ type: 'hook', action: r.kind === 'none' ? 'not-installed' : 'removed', ...(r.hookFile ? { file: r.hookFile } : {}), ...(r.restored ? { restored: r.restored } : {}) });
  if (r.kind === 'none') ctx.out.info('ssot guard: no ssot hook installed here');
  else ctx.out.info(`ssot guard: hook removed from ${r.hookFile ?? ''}${r.restored ? '; the previous hook is back' : ''}`);
  return ExitCode.OK;
}
