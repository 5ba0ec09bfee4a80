import { ExitCode, isSsotError } from '../core/errors.js';

/** The one place errors become exit codes (DESIGN: 0 done, 1 failure, 2 usage/config/credential, 3 conflict). */
export function exitCodeFor(err: unknown): ExitCode {
  if (isSsotError(err)) return err.exitCode;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('commander.')) return ExitCode.USAGE;
  return ExitCode.FAILURE;
}

/** Several parts ran; the worst outcome wins (2 and 3 need a person more than 1 does). */
export function worstExit(codes: readonly ExitCode[]): ExitCode {
  const rank: Record<ExitCode, number> = { 0: 0, 1: 1, 2: 2, 3: 3 };
  return codes.reduce<ExitCode>((a, b) => (rank[b] > rank[a] ? b : a), ExitCode.OK);
}
