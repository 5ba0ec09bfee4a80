import { ErrorCode, SsotError } from './errors.js';

/**
 * An internal invariant: the value is there because the code before made sure
 * (a key taken from the same map, an index inside the bounds just checked).
 * If it is not, that is a bug in ssot, reported as one (exit 1) with what was
 * expected, instead of a TypeError further on or a silent undefined.
 */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new SsotError(ErrorCode.Internal, `internal error: ${what} is missing`);
  return value;
}
