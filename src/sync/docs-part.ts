import { accountCredentials, type CredentialContext } from '../config/credentials.js';
import type { LoadedConfig } from '../config/load.js';
import { ConflictError, ErrorCode, InputError, SsotError, UsageError } from '../core/errors.js';
import type { DocOutcome } from '../docs/index.js';
import type { Action, PartOptions, PartResult } from './types.js';

/** The docs part of `ssot sync`: publish what changed; a doc's failure is its own row. */
export async function runDocsPart(
  config: LoadedConfig,
  creds: CredentialContext,
  opts: PartOptions & { secretCheck?: (text: string, file: string) => Promise<{ line?: number; rule: string }[]> },
): Promise<PartResult> {
  if (!config.confluence) throw new UsageError(`${config.file} has no confluence section`, 'add confluence: { baseUrl, email, token, space } (see docs/confluence-setup.md)');
  const credentials = await accountCredentials(config.confluence, creds, 'confluence');
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
    actions.push({ part: 'docs', target: p.file, action: 'invalid', error: new InputError(ErrorCode.Input, p.message, { file: p.file, ...(p.line ? { line: p.line } : {}) }) });
  }
  for (const d of r.docs) {
    const action = opts.dryRun && (d.action === 'create' || d.action === 'update') ? `would ${d.action}` : d.action;
    actions.push({
      part: 'docs',
      target: d.key,
      action,
      ...(d.message ? { detail: d.message } : d.version ? { detail: `version ${d.version}` } : {}),
      ...(d.action === 'error' || d.action === 'conflict' ? { error: docError(d) } : {}),
    });
  }
  return { part: 'docs', actions, exitCode: r.exitCode, warnings: r.warnings.map((w) => `${w.file}${w.line ? `:${w.line}` : ''} ${w.message}`.trim()) };
}

/** A doc that failed (exit 1) or met a page edited in Confluence (exit 3), with where Confluence's version was saved. */
function docError(d: DocOutcome): SsotError {
  const message = d.message ?? d.action;
  const opts = d.savedRemote ? { hint: `Confluence's version is saved as markdown in ${d.savedRemote}: merge it into the doc and push with --force, or take it with \`ssot docs pull\`` } : {};
  return d.action === 'conflict' ? new ConflictError(message, opts) : new SsotError(ErrorCode.Remote, message, opts);
}
