import { ExitCode, isSsotError } from '../core/errors.js';

/**
 * The one place a thrown value becomes the process's exit code (DESIGN: 0 done,
 * 1 failure, 2 usage/config/credential, 3 conflict). An SsotError's class says
 * which (core/errors.ts); a parse error of commander is a usage error.
 */
export function exitCodeFor(err: unknown): ExitCode {
  if (isSsotError(err)) return err.exitCode;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('commander.')) return ExitCode.USAGE;
  return ExitCode.FAILURE;
}
