import { accountCredentials, type CredentialContext } from '../config/credentials.js';
import type { LoadedConfig } from '../config/load.js';
import { ConflictError, ErrorCode, SsotError, UsageError } from '../core/errors.js';
import type { Action, PartOptions, PartResult } from './types.js';

/** The tickets part of `ssot sync`: per item, what happened (created, updated, commented, moved to Done, moved to In Progress, unchanged). */
export async function runTicketsPart(
  config: LoadedConfig,
  creds: CredentialContext,
  opts: PartOptions & { secretCheck?: (text: string, file: string) => Promise<{ rule: string }[]> },
): Promise<PartResult> {
  if (!config.jira) throw new UsageError(`${config.file} has no "jira" section`, 'add jira.baseUrl, jira.email, jira.token and jira.project (docs/jira-setup.md)');
  const credentials = await accountCredentials(config.jira, creds, 'jira');
  const { syncTickets, describeOutcome } = await import('../tickets/index.js');
  const confirm = opts.confirm;
  const r = await syncTickets(config, {
    dryRun: opts.dryRun,
    yes: Boolean(opts.yes),
    ...(opts.readyOnly ? { readyOnly: true } : {}),
    ...(opts.secretCheck ? { secretCheck: opts.secretCheck } : {}),
    ...(confirm ? { confirm: async (plan: { creates: number }) => confirm(`Create ${plan.creates} issues in Jira?`) } : {}),
    credentials,
  });
  const actions: Action[] = r.outcomes.map((o) => ({
    part: 'tickets',
    target: `${o.note}:${o.line} ${o.key ?? ''}`.trim(),
    action: describeOutcome(o),
    detail: o.message ?? o.title,
    ...(o.status === 'failed' || o.status === 'conflict'
      ? { error: o.status === 'conflict' ? new ConflictError(o.message ?? o.status) : new SsotError(ErrorCode.Remote, o.message ?? o.status) }
      : {}),
  }));
  return { part: 'tickets', actions, exitCode: r.exitCode, warnings: r.plan.warnings };
}
