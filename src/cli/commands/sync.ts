import { ExitCode, UsageError, isSsotError, worstExit } from '../../core/errors.js';
import type { LoadedConfig } from '../../config/load.js';
import type { CredentialContext } from '../../config/credentials.js';
import { PARTS, type Part, type PartOptions, type PartResult } from '../../sync/index.js';
import type { CommandContext } from '../context.js';
import { credentialContext } from '../credentials.js';
import { describe } from '../output.js';
import { confirm } from '../prompt.js';
import type { SecretCheck } from '../secret-check.js';

export interface SyncOptions {
  /** --only as given: a comma-separated list of parts, checked here. */
  only?: string;
  dryRun: boolean;
  force: boolean;
  yes: boolean;
}

/** `ssot sync [--only vault,docs,tickets] [--dry-run] [--json]`: vaults, then docs, then tickets. */
export async function run(ctx: CommandContext, opts: SyncOptions): Promise<number> {
  const parts = parseOnly(opts.only);
  const config = await ctx.config();
  const creds = credentialContext(ctx, config);
  const partOpts: PartOptions = {
    dryRun: opts.dryRun,
    force: opts.force,
    yes: opts.yes,
    ...(ctx.interactive ? { confirm } : {}),
    ...(process.stderr.isTTY && !ctx.opts.json && !ctx.opts.quiet ? { progress: (m: string) => process.stderr.write(`… ${m}\n`) } : {}),
  };
  // The guard's index is loaded once for the docs and tickets parts, and only if one runs.
  let check: Promise<SecretCheck> | undefined;
  const secretCheck = (): Promise<SecretCheck> => (check ??= import('../secret-check.js').then((m) => m.guardCheck(ctx, config)));
  const results: PartResult[] = [];
  for (const part of parts) {
    if (!configured(config, part)) {
      if (opts.only) ctx.out.warn(`${part}: not configured in ${config.file}; skipped`);
      continue;
    }
    results.push(await runPart(part, config, creds, partOpts, ctx, secretCheck));
  }
  return report(ctx, results, partOpts.dryRun);
}

function parseOnly(only: string | undefined): Part[] {
  if (only === undefined) return [...PARTS];
  const parts = only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of parts) {
    if (!(PARTS as readonly string[]).includes(p)) throw new UsageError(`--only: unknown part "${p}"`, `use any of ${PARTS.join(', ')}`);
  }
  return PARTS.filter((p) => parts.includes(p));
}

export function configured(config: LoadedConfig, part: Part): boolean {
  if (part === 'vault') return config.vaults.length > 0;
  if (part === 'docs') return config.confluence !== undefined;
  return config.jira !== undefined;
}

/** One part failing does not stop the others: its error becomes an action. */
async function runPart(
  part: Part,
  config: LoadedConfig,
  creds: CredentialContext,
  o: PartOptions,
  ctx: CommandContext,
  secretCheck: () => Promise<SecretCheck>,
): Promise<PartResult> {
  try {
    if (part === 'vault') {
      const { runVaultPart } = await import('../../sync/index.js');
      const { fingerprintFromDatabases } = await import('../fingerprint.js');
      return await runVaultPart(config, creds, { ...o, onSynced: (dbs) => fingerprintFromDatabases(ctx, config, dbs) });
    }
    if (part === 'docs') {
      const { runDocsPart } = await import('../../sync/index.js');
      return await runDocsPart(config, creds, { ...o, secretCheck: await secretCheck() });
    }
    const { runTicketsPart } = await import('../../sync/index.js');
    return await runTicketsPart(config, creds, { ...o, secretCheck: await secretCheck() });
  } catch (e) {
    if (!isSsotError(e)) throw e;
    return { part, actions: [{ part, target: '-', action: 'error', error: e }], exitCode: e.exitCode, warnings: [] };
  }
}

function report(ctx: CommandContext, results: PartResult[], dryRun: boolean): number {
  const rows: string[][] = [['PART', 'TARGET', 'ACTION', 'DETAIL']];
  let code: ExitCode = ExitCode.OK;
  for (const r of results) {
    for (const a of r.actions) {
      rows.push([a.part, a.target, a.action, a.error ? describe(a.error) : (a.detail ?? '')]);
      ctx.out.emit({ type: 'action', part: a.part, target: a.target, action: a.action, ...(a.detail ? { detail: a.detail } : {}), ...(a.error ? { error: a.error.toJSON() } : {}), dryRun });
    }
    for (const w of r.warnings) ctx.out.warn(w);
    code = worstExit(code, r.exitCode);
  }
  if (results.length === 0) ctx.out.warn('nothing to sync: the config has no vaults, confluence or jira section');
  if (rows.length > 1) ctx.out.table(rows);
  if (!ctx.opts.json) for (const r of results) for (const a of r.actions) if (a.error) ctx.out.error(a.error);
  ctx.out.emit({ type: 'summary', dryRun, exitCode: code, parts: results.map((r) => ({ part: r.part, actions: r.actions.length, exitCode: r.exitCode })) });
  return code;
}
