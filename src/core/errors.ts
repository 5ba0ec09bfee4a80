/**
 * Typed errors. Every error a user can meet carries a stable `code` (for --json
 * and scripts), a message that says what to do, and the exit code it maps to.
 * The CLI maps errors to exit codes in exactly one place (cli/exit.ts).
 */

export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  CONFLICT: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const ErrorCode = {
  Usage: 'USAGE',
  Config: 'CONFIG_INVALID',
  Credential: 'CREDENTIAL',
  InvalidKey: 'VAULT_INVALID_KEY',
  Corrupt: 'VAULT_CORRUPT',
  NotSameDatabase: 'VAULT_NOT_SAME_DATABASE',
  RequireFailed: 'VAULT_REQUIRE_FAILED',
  WriteCheck: 'VAULT_WRITE_CHECK',
  Locked: 'LOCKED',
  Conflict: 'CONFLICT',
  Remote: 'REMOTE',
  RemoteAuth: 'REMOTE_AUTH',
  NotFound: 'NOT_FOUND',
  Input: 'BAD_INPUT',
  /** The guard's index of vault values is missing or cannot be opened. */
  GuardIndex: 'GUARD_INDEX_UNUSABLE',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Where in a file a problem is; printed as `file:line:col`. */
export interface Place {
  file: string;
  line?: number;
  column?: number;
  /** A key path (`vaults[0].copies[1].gdrive.folder`) or a short locator. */
  path?: string;
}

export function formatPlace(p: Place): string {
  let s = p.file;
  if (p.line !== undefined) s += `:${p.line}`;
  if (p.line !== undefined && p.column !== undefined) s += `:${p.column}`;
  if (p.path) s += ` (${p.path})`;
  return s;
}

export class SsotError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly place: Place | undefined;
  /** One line telling the user how to fix it. */
  readonly hint: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { exitCode?: ExitCode; place?: Place; hint?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = opts.exitCode ?? ExitCode.FAILURE;
    this.place = opts.place;
    this.hint = opts.hint;
  }

  toJSON(): Record<string, unknown> {
    return {
      type: 'error',
      code: this.code,
      message: this.message,
      ...(this.place ? { place: this.place } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
    };
  }
}

/** Bad command line. Exit 2. */
export class UsageError extends SsotError {
  constructor(message: string, hint?: string) {
    super(ErrorCode.Usage, message, { exitCode: ExitCode.USAGE, ...(hint ? { hint } : {}) });
  }
}

/** Malformed config, mapping or other input file. Exit 2; nothing was written. */
export class InputError extends SsotError {
  constructor(code: ErrorCode, message: string, place: Place, hint?: string, cause?: unknown) {
    super(code, message, { exitCode: ExitCode.USAGE, place, ...(hint ? { hint } : {}), cause });
  }
}

/** A credential that is missing, refused, or a database that does not decrypt. Exit 2. */
export class CredentialError extends SsotError {
  constructor(code: ErrorCode, message: string, opts: { place?: Place; hint?: string; cause?: unknown } = {}) {
    super(code, message, { exitCode: ExitCode.USAGE, ...opts });
  }
}

/** Needs a person: a hand edit in Confluence, a merge that could not be made. Exit 3. */
export class ConflictError extends SsotError {
  constructor(message: string, opts: { place?: Place; hint?: string; cause?: unknown } = {}) {
    super(ErrorCode.Conflict, message, { exitCode: ExitCode.CONFLICT, ...opts });
  }
}

/** A remote that failed in a way worth retrying later (network, 5xx, 429). Exit 1. */
export class RemoteError extends SsotError {
  readonly retryable: boolean;
  readonly status: number | undefined;
  constructor(message: string, opts: { retryable?: boolean; status?: number; hint?: string; cause?: unknown } = {}) {
    super(ErrorCode.Remote, message, {
      exitCode: ExitCode.FAILURE,
      ...(opts.hint ? { hint: opts.hint } : {}),
      cause: opts.cause,
    });
    this.retryable = opts.retryable ?? false;
    this.status = opts.status;
  }
}

export function isSsotError(e: unknown): e is SsotError {
  return e instanceof SsotError;
}
