import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/exit.js';
import { ConfigError, ConflictError, CredentialError, ErrorCode, ExitCode, InputError, RemoteError, SsotError, UsageError, worstExit } from '../../src/core/errors.js';

describe('one mapping from an error to its exit code', () => {
  it("an error's class is its exit code, whatever its code", () => {
    const cases: [SsotError, ExitCode][] = [
      [new SsotError(ErrorCode.Corrupt, 'KeePassXC refuses it'), ExitCode.FAILURE],
      [new SsotError(ErrorCode.Locked, 'locked'), ExitCode.FAILURE],
      [new RemoteError('Drive is down', { retryable: true }), ExitCode.FAILURE],
      [new UsageError('bad option'), ExitCode.USAGE],
      [new InputError(ErrorCode.Input, 'bad front matter', { file: 'a.md', line: 2 }), ExitCode.USAGE],
      [new CredentialError(ErrorCode.RemoteAuth, 'refused'), ExitCode.USAGE],
      [new ConfigError(ErrorCode.NotFound, 'no such folder'), ExitCode.USAGE],
      [new ConfigError(ErrorCode.NotSameDatabase, 'another database'), ExitCode.USAGE],
      [new ConflictError('edited in Confluence'), ExitCode.CONFLICT],
    ];
    for (const [err, exit] of cases) {
      expect([err.code, err.exitCode]).toEqual([err.code, exit]);
      expect(exitCodeFor(err)).toBe(exit);
    }
    expect(new ConflictError('x').code).toBe(ErrorCode.Conflict);
    expect(new UsageError('x').code).toBe(ErrorCode.Usage);
  });

  it('a command-line parse error is a usage error; anything else thrown is a failure', () => {
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--nope'"))).toBe(ExitCode.USAGE);
    expect(exitCodeFor(new Error('boom'))).toBe(ExitCode.FAILURE);
    expect(exitCodeFor('a string')).toBe(ExitCode.FAILURE);
    expect(exitCodeFor(null)).toBe(ExitCode.FAILURE);
  });

  it('the worst exit wins: conflict over usage over failure over done', () => {
    expect(worstExit()).toBe(ExitCode.OK);
    expect(worstExit(ExitCode.OK, ExitCode.OK)).toBe(ExitCode.OK);
    expect(worstExit(ExitCode.FAILURE, ExitCode.OK)).toBe(ExitCode.FAILURE);
    expect(worstExit(ExitCode.FAILURE, ExitCode.USAGE, ExitCode.OK)).toBe(ExitCode.USAGE);
    expect(worstExit(ExitCode.CONFLICT, ExitCode.USAGE, ExitCode.FAILURE)).toBe(ExitCode.CONFLICT);
    expect(worstExit(ExitCode.USAGE, ExitCode.CONFLICT)).toBe(ExitCode.CONFLICT);
  });

  it('an error as --json prints it: type, code, message, and place and hint when known', () => {
    expect(new UsageError('bad').toJSON()).toEqual({ type: 'error', code: 'USAGE', message: 'bad' });
    expect(new InputError(ErrorCode.Input, 'bad', { file: 'a.md', line: 3 }, 'fix it').toJSON()).toEqual({ type: 'error', code: 'BAD_INPUT', message: 'bad', place: { file: 'a.md', line: 3 }, hint: 'fix it' });
  });
});
