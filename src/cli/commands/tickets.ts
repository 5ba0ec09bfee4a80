import path from 'node:path';
import { accountCredentials } from '../../config/credentials.js';
import type { LoadedConfig } from '../../config/load.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { credentialContext } from '../credentials.js';
import { confirm } from '../prompt.js';
import { guardCheck } from '../secret-check.js';
import type { Printer } from '../output.js';
import type { TicketsPlan, TicketsSyncResult } from '../../tickets/sync.js';

/** `ssot tickets sync [notes...] [--dry-run] [--yes]` */
export async function sync(ctx: CommandContext, args: unknown[], opts: Record<string, unknown>): Promise<number> {
  const config = await ctx.config();
  if (!config.jira) throw new UsageError(`${config.file} has no "jira" section`, 'add jira.baseUrl, jira.email, jira.token and jira.project (docs/jira-setup.md)');
  const notes = ((args[0] as string[] | undefined) ?? []).map((n) => path.resolve(ctx.cwd, n));
  const dryRun = Boolean(opts['dryRun'] ?? ctx.opts.dryRun);
  const { syncTickets } = await import('../../tickets/sync.js');
  const credentials = await jiraCredentials(config, ctx);
  const result = await syncTickets(config, {
    notes,
    dryRun,
    yes: Boolean(opts['yes']),
    credentials,
    secretCheck: await guardCheck(ctx, config),
    ...(ctx.interactive ? { confirm: (plan: TicketsPlan) => confirmOnTerminal(plan, ctx.out) } : {}),
    log: (e) => {
      if (e.type === 'plan') printPlan(e.plan, ctx.out, dryRun);
      else if (e.type === 'applied') ctx.out.verbose(`${e.op.kind} ${e.key ?? ''} ${e.item.note}:${e.item.line} done`);
      else if (e.type === 'retry') ctx.out.verbose(`Jira asked to wait ${e.waitMs} ms (${e.what}); retrying`);
      else if (e.type === 'warning') ctx.out.warn(e.message);
    },
  });
  printOutcome(result, ctx.out, dryRun);
  return result.exitCode;
}

/** jira.email and jira.token through the usual references (env, keyring, file, vault entry, a prompt on a terminal). */
export async function jiraCredentials(config: LoadedConfig, ctx: CommandContext): Promise<{ email: string; token: string }> {
  return accountCredentials(config.jira!, credentialContext(ctx, config), 'jira');
}

async function confirmOnTerminal(plan: TicketsPlan, out: Printer): Promise<boolean> {
  out.warn(`${plan.creates} issues would be created.`);
  return confirm(`Create ${plan.creates} issues in Jira?`);
}

export function planRows(plan: TicketsPlan): string[][] {
  const rows: string[][] = [];
  for (const item of plan.items) {
    for (const op of item.ops) rows.push([op.kind, item.key ?? '(new)', `${item.note}:${item.line}`, op.detail]);
  }
  return rows;
}

function printPlan(plan: TicketsPlan, out: Printer, dryRun: boolean): void {
  for (const item of plan.items) out.record({ type: 'plan', note: item.note, line: item.line, key: item.key ?? null, title: item.title, ops: item.ops });
  if (!plan.items.length) {
    out.info('tickets: nothing to change');
    return;
  }
  out.info(`tickets: ${dryRun ? 'plan (dry run, nothing is sent)' : 'plan'}`);
  out.table(planRows(plan));
}

function printOutcome(r: TicketsSyncResult, out: Printer, dryRun: boolean): void {
  for (const o of r.outcomes) {
    out.record({ type: 'outcome', ...o });
    if (o.status === 'conflict') out.warn(`${o.note}:${o.line}: ${o.key ?? o.title}: ${o.message ?? 'conflict'}`);
    if (o.status === 'failed') out.warn(`${o.note}:${o.line}: ${o.key ?? o.title}: ${o.message ?? 'failed'}`);
    if (o.status === 'waiting') out.warn(`${o.note}:${o.line}: "${o.title}": ${o.message ?? 'waiting'}`);
  }
  const count = (s: string): number => r.outcomes.filter((o) => o.status === s).length;
  if (dryRun) out.info(`tickets: ${count('planned')} to change, ${count('unchanged')} unchanged, ${count('conflict')} conflicts`);
  else out.info(`tickets: ${count('done')} changed${r.created.length ? ` (created ${r.created.join(', ')})` : ''}, ${count('unchanged')} unchanged, ${count('conflict')} conflicts, ${count('failed')} failed`);
  if (r.exitCode === ExitCode.CONFLICT) out.info('tickets: a key whose Jira summary does not match the note was not touched (exit 3)');
}
