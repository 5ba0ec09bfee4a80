import { createContext } from './context.js';
import { exitCodeFor } from './exit.js';
import { createPrinter } from './output.js';

/**
 * The pre-commit hook's way in: `bin/ssot guard --hook pre-commit`, exactly as
 * the installed hook calls it, runs the guard's scan without the command-line
 * parser (commander and the command table cost ~10 ms a commit). Any other
 * arguments go through `main`, which parses them in full.
 */
export const HOOK_ARGV = ['guard', '--hook', 'pre-commit'] as const;

export function isHookCall(argv: readonly string[]): boolean {
  return argv.length === 2 + HOOK_ARGV.length && HOOK_ARGV.every((a, i) => argv[2 + i] === a);
}

export async function runHook(): Promise<void> {
  const globals = { json: false, quiet: false, verbose: false };
  const out = createPrinter(globals);
  try {
    const { scan } = await import('./commands/guard.js');
    process.exitCode = await scan(createContext(globals, out), { paths: [], staged: false, all: false, hook: 'pre-commit', vaultIndex: true, writeBaseline: false });
  } catch (err) {
    out.error(err);
    process.exitCode = exitCodeFor(err);
  }
}
