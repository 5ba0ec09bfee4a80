import type { LoadedConfig } from '../config/load.js';
import { stateDir } from '../core/paths.js';
import type { CommandContext } from './context.js';

export type SecretCheck = (text: string, file: string) => Promise<{ line?: number; column?: number; rule: string; message?: string }[]>;

/**
 * The guard as a gate before anything leaves the machine: a doc in which the
 * guard's rules or the index of vault values find something is not published,
 * a note item with a finding is not sent to Jira. The docs and tickets parts
 * know nothing of the guard; this is where they meet.
 */
export async function guardCheck(ctx: CommandContext, config: LoadedConfig): Promise<SecretCheck> {
  const { loadFingerprintIndex, scanTargets } = await import('../guard/index.js');
  const loaded = await loadFingerprintIndex(stateDir(ctx.env), { env: ctx.env });
  if (loaded.status === 'unusable') ctx.out.warn(`the guard's vault index is unusable (${loaded.reason}); text is checked with the rules only`);
  const index = loaded.status === 'ok' ? loaded.index : undefined;
  return async (text, file) => {
    const report = scanTargets(
      { root: config.dir, targets: [{ path: file, bytes: Buffer.from(text, 'utf8'), binary: false, fromStart: true }], skipped: [], notes: [], paths: [] },
      { index },
    );
    return report.findings.map((f) => ({ line: f.line, column: f.column, rule: f.rule, message: `${f.description} (${f.redacted})` }));
  };
}
