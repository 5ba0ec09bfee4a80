/**
 * Typed errors. Every error a user can meet carries a stable `code` (for --json
 * and scripts), a message that says what to do, and the exit code it maps to.
 * The exit code is the error's class, never a number at the throw site:
 * SsotError is a failure (1); UsageError, InputError, CredentialError and
 * ConfigError need a person to fix something first (2); ConflictError needs a
 * person to decide (3). The CLI turns what was thrown into the process's exit
 * code in exactly one place (cli/exit.ts).
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

/** What `--json` prints of an error (docs/json.md): alone as a line, or inside a line about what failed. */
export interface ErrorJson {
  type: 'error';
  code: string;
  message: string;
  place?: Place;
  hint?: string;
}

export interface ErrorOptions {
  place?: Place;
  /** One line telling the user how to fix it. */
  hint?: string;
  cause?: unknown;
}

/** A failure (exit 1): a remote that did not answer, a step that did not complete. `ssot status` shows the last one. */
export class SsotError extends Error {
  readonly code: ErrorCode;
  /** Set by the class (see the top of this file); subclasses override it. */
  readonly exitCode: ExitCode = ExitCode.FAILURE;
  readonly place: Place | undefined;
  /** One line telling the user how to fix it. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.place = opts.place;
    this.hint = opts.hint;
  }

  toJSON(): ErrorJson {
    return {
      type: 'error',
      code: this.code,
      message: this.message,
      ...(this.place ? { place: this.place } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
    };
  }
}

/** Bad command line (an option, an argument, a command run where it cannot be). Exit 2. */
export class UsageError extends SsotError {
  override readonly exitCode: ExitCode = ExitCode.USAGE;
  constructor(message: string, hint?: string) {
    super(ErrorCode.Usage, message, hint ? { hint } : {});
  }
}

/** Malformed config, mapping or other input file. Exit 2; nothing was written. */
export class InputError extends SsotError {
  override readonly exitCode: ExitCode = ExitCode.USAGE;
  constructor(code: ErrorCode, message: string, place: Place, hint?: string, cause?: unknown) {
    super(code, message, { place, ...(hint ? { hint } : {}), cause });
  }
}

/** A credential that is missing, refused, or a database that does not decrypt. Exit 2. */
export class CredentialError extends SsotError {
  override readonly exitCode: ExitCode = ExitCode.USAGE;
  constructor(code: ErrorCode, message: string, opts: ErrorOptions = {}) {
    super(code, message, opts);
  }
}

/**
 * What the config names, or what a command is given, cannot be used as it is:
 * a copy's repository or folder that is not there, a Drive folder not found,
 * a file name with a folder in it, a file that is another database, a version
 * that does not exist. Retrying does not help; a person fixes it. Exit 2.
 */
export class ConfigError extends SsotError {
  override readonly exitCode: ExitCode = ExitCode.USAGE;
  constructor(code: ErrorCode, message: string, opts: ErrorOptions = {}) {
    super(code, message, opts);
  }
}

/** Needs a person: a hand edit in Confluence, a merge that could not be made. Exit 3. */
export class ConflictError extends SsotError {
  override readonly exitCode: ExitCode = ExitCode.CONFLICT;
  constructor(message: string, opts: ErrorOptions = {}) {
    super(ErrorCode.Conflict, message, opts);
  }
}

/** A remote that failed in a way worth retrying later (network, 5xx, 429). Exit 1. */
export class RemoteError extends SsotError {
  readonly retryable: boolean;
  readonly status: number | undefined;
  constructor(message: string, opts: { retryable?: boolean; status?: number; hint?: string; cause?: unknown } = {}) {
    super(ErrorCode.Remote, message, { ...(opts.hint ? { hint: opts.hint } : {}), cause: opts.cause });
    this.retryable = opts.retryable ?? false;
    this.status = opts.status;
  }
}

/**
 * Several things ran (parts of a sync, copies of a vault, docs): the worst
 * outcome wins. A conflict (3) needs a person more than a usage, config or
 * credential error (2), which needs one more than a failure (1).
 */
export function worstExit(...codes: readonly ExitCode[]): ExitCode {
  return codes.reduce<ExitCode>((a, b) => (b > a ? b : a), ExitCode.OK);
}

export function isSsotError(e: unknown): e is SsotError {
  return e instanceof SsotError;
}
