import { CommanderError } from 'commander';
import { ExitCode } from '../core/errors.js';
import { exitCodeFor } from './exit.js';
import { createPrinter } from './output.js';
import { buildProgram } from './program.js';

/**
 * The process's way in: parses the command line (cli/program.ts routes to a
 * command module) and sets the exit code. Nothing else happens here.
 */

/**
 * `ssot status | head -1`: the reader is gone. Unix tools die of SIGPIPE
 * without a word; Node ignores SIGPIPE and reports EPIPE as a stream error,
 * which, unhandled, is a stack trace. Output to a closed pipe is dropped
 * instead, and the command finishes what it was doing (a sync is never cut
 * in the middle because nobody reads its summary).
 */
function dropOutputToClosedPipes(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const s of streams) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}

export async function main(argv: string[]): Promise<void> {
  dropOutputToClosedPipes();
  let code: number | undefined;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other parse error is a usage error.
      code = err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    } else {
      createPrinter({ json: false, quiet: false, verbose: false }).error(err);
      code = exitCodeFor(err);
    }
  }
  process.exitCode = code ?? ExitCode.OK;
}
