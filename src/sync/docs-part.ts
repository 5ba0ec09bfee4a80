import { accountCredentials, type CredentialContext } from '../config/credentials.js';
import type { LoadedConfig } from '../config/load.js';
import { ErrorCode, SsotError, type ExitCode } from '../core/errors.js';
import type { Action, PartOptions, PartResult } from './types.js';

/** The docs part of `ssot sync`: publish what changed; a doc's failure is its own row. */
export async function runDocsPart(
  config: LoadedConfig,
  creds: CredentialContext,
  opts: PartOptions & { secretCheck?: (text: string, file: string) => Promise<{ line?: number; rule: string }[]> },
): Promise<PartResult> {
  const credentials = await accountCredentials(config.confluence!, creds, 'confluence');
  const { syncDocs } = await import('../docs/index.js');
  opts.progress?.('docs: reading the mapping and the remote versions');
  const r = await syncDocs(config, {
    dryRun: opts.dryRun,
    force: Boolean(opts.force),
    credentials,
    ...(opts.secretCheck ? { secretCheck: opts.secretCheck } : {}),
  });
  const actions: Action[] = [];
  for (const p of r.invalid) {
    actions.push({ part: 'docs', target: p.file ?? '-', action: 'invalid', error: new SsotError(ErrorCode.Input, p.message, { exitCode: 2, place: { file: p.file ?? config.file, ...(p.line ? { line: p.line } : {}) } }) });
  }
  for (const d of r.docs) {
    const action = opts.dryRun && (d.action === 'create' || d.action === 'update') ? `would ${d.action}` : d.action;
    actions.push({
      part: 'docs',
      target: d.key,
      action,
      ...(d.message ? { detail: d.message } : d.version ? { detail: `version ${d.version}` } : {}),
      ...(d.action === 'error' || d.action === 'conflict'
        ? { error: new SsotError(d.action === 'conflict' ? ErrorCode.Conflict : ErrorCode.Remote, d.message ?? d.action, { exitCode: d.action === 'conflict' ? 3 : 1, ...(d.savedRemote ? { hint: `Confluence's version is saved as markdown in ${d.savedRemote}: merge it into the doc and push with --force, or take it with \`ssot docs pull\`` } : {}) }) }
        : {}),
    });
  }
  return { part: 'docs', actions, exitCode: r.exitCode as ExitCode, warnings: r.warnings.map((w) => `${w.file ?? ''}${w.line ? `:${w.line}` : ''} ${w.message}`.trim()) };
}
