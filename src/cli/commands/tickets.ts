import path from 'node:path';
import { accountCredentials } from '../../config/credentials.js';
import type { LoadedConfig } from '../../config/load.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { credentialContext } from '../credentials.js';
import { confirm } from '../prompt.js';
import { guardCheck } from '../secret-check.js';
import type { Printer } from '../output.js';
import type { NoteReadings, PlanOp, TicketsPlan, TicketsSyncResult } from '../../tickets/index.js';

export interface TicketsSyncOptions {
  /** Notes as given on the command line; none: every note in tickets.notes. */
  notes: string[];
  dryRun: boolean;
  yes: boolean;
}

/** `ssot tickets sync [notes...] [--dry-run] [--yes]` */
export async function sync(ctx: CommandContext, opts: TicketsSyncOptions): Promise<number> {
  const config = await ctx.config();
  if (!config.jira) throw new UsageError(`${config.file} has no "jira" section`, 'add jira.baseUrl, jira.email, jira.token and jira.project (docs/jira-setup.md)');
  const notes = opts.notes.map((n) => path.resolve(ctx.cwd, n));
  const dryRun = opts.dryRun;
  const { syncTickets, verb } = await import('../../tickets/index.js');
  const credentials = await jiraCredentials(config.jira, config, ctx);
  const result = await syncTickets(config, {
    notes,
    dryRun,
    yes: opts.yes,
    credentials,
    secretCheck: await guardCheck(ctx, config),
    ...(ctx.interactive ? { confirm: (plan: TicketsPlan) => confirmOnTerminal(plan, ctx.out) } : {}),
    log: (e) => {
      if (e.type === 'read') printReadings(e.notes, ctx.out, dryRun);
      else if (e.type === 'plan') printPlan(e.plan, ctx.out, dryRun, verb);
      else if (e.type === 'applied') ctx.out.verbose(`${e.item.note}:${e.item.line} ${e.key ?? ''}: ${verb(e.op.kind, true)}`);
      else if (e.type === 'retry') ctx.out.verbose(`Jira asked to wait ${e.waitMs} ms (${e.what}); retrying`);
      else if (e.type === 'warning') ctx.out.warn(e.message);
    },
  });
  printOutcome(result, ctx.out, dryRun);
  return result.exitCode;
}

/** jira.email and jira.token through the usual references (env, keyring, file, vault entry, a prompt on a terminal). */
async function jiraCredentials(account: NonNullable<LoadedConfig['jira']>, config: LoadedConfig, ctx: CommandContext): Promise<{ email: string; token: string }> {
  return accountCredentials(account, credentialContext(ctx, config), 'jira');
}

async function confirmOnTerminal(plan: TicketsPlan, out: Printer): Promise<boolean> {
  out.warn(`${plan.creates} issues would be created.`);
  return confirm(`Create ${plan.creates} issues in Jira?`);
}

type Verb = (kind: PlanOp['kind']) => string;

function planRows(plan: TicketsPlan, verb: Verb): string[][] {
  const rows: string[][] = [];
  for (const item of plan.items) for (const op of item.ops) rows.push([verb(op.kind), item.key ?? '(new)', `${item.note}:${item.line}`, op.detail]);
  return rows;
}

/** The dry run's first part: every line that was read as a ticket line, and every ticket-like line that was not, with why. */
function printReadings(notes: readonly NoteReadings[], out: Printer, dryRun: boolean): void {
  for (const n of notes) for (const r of n.readings) out.emit({ type: 'read', note: n.note, line: r.line, kind: r.kind, text: r.text });
  if (!dryRun) return;
  for (const n of notes) {
    out.info(`tickets: ${n.note}, read as:`);
    out.table(n.readings.map((r) => [`  ${r.line}`, r.kind, r.text]));
  }
}

function printPlan(plan: TicketsPlan, out: Printer, dryRun: boolean, verb: Verb): void {
  for (const item of plan.items) out.emit({ type: 'plan', note: item.note, line: item.line, key: item.key ?? null, title: item.title, ops: item.ops });
  if (!plan.items.length) {
    out.info('tickets: nothing to change');
    return;
  }
  out.info(`tickets: ${dryRun ? 'plan (dry run, nothing is sent)' : 'plan'}`);
  out.table(planRows(plan, verb));
}

function printOutcome(r: TicketsSyncResult, out: Printer, dryRun: boolean): void {
  for (const o of r.outcomes) {
    out.emit({ type: 'outcome', ...o });
    if (o.status === 'conflict') out.warn(`${o.note}:${o.line}: ${o.key ?? o.title}: ${o.message ?? 'conflict'}`);
    if (o.status === 'failed') out.warn(`${o.note}:${o.line}: ${o.key ?? o.title}: ${o.did.length ? `${o.did.join(', ')}, then ` : ''}${o.message ?? 'failed'}`);
    if (o.status === 'waiting') out.warn(`${o.note}:${o.line}: "${o.title}": ${o.message ?? 'waiting'}`);
  }
  const count = (s: string): number => r.outcomes.filter((o) => o.status === s).length;
  const tally = new Map<string, number>();
  for (const o of r.outcomes) if (o.status === 'changed' || o.status === 'planned') for (const d of o.did) tally.set(d, (tally.get(d) ?? 0) + 1);
  const done = [...tally].map(([what, n]) => `${n} ${dryRun ? `to ${what}` : what}`);
  const rest = [`${count('unchanged')} unchanged`, `${count('conflict')} conflicts`, ...(dryRun ? [] : [`${count('failed')} failed`]), ...(count('waiting') ? [`${count('waiting')} waiting`] : [])];
  out.info(`tickets: ${[...done, ...rest].join(', ')}${r.created.length ? ` (created ${r.created.join(', ')})` : ''}`);
  if (r.exitCode === ExitCode.CONFLICT) out.info('tickets: a key whose Jira summary does not match the note was not touched (exit 3)');
}
