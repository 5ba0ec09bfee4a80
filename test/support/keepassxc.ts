/**
 * Running the real keepassxc-cli (2.7.4 on the CI image) in tests. Passwords go
 * on stdin, one line per prompt, never on the command line.
 */
import { spawnSync } from 'node:child_process';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

let available: boolean | undefined;

/** Whether keepassxc-cli can be run here (tests skip the interop part otherwise). */
export function hasKeepassxc(): boolean {
  if (available === undefined) {
    const r = spawnSync('keepassxc-cli', ['--version'], { encoding: 'utf8' });
    available = r.status === 0;
  }
  return available;
}

/**
 * Runs `keepassxc-cli args...` with `stdin` lines written to its standard input
 * (each prompt reads one line). Throws with stderr when it fails, unless `allowFail`.
 */
export function keepassxc(args: [command: string, ...rest: string[]], stdin: string[] = [], opts: { allowFail?: boolean; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync('keepassxc-cli', args, {
    input: stdin.map((l) => `${l}\n`).join(''),
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' },
  });
  // When keepassxc-cli cannot start at all (not installed), spawnSync leaves both streams undefined, whatever its types say.
  const { stdout = '', stderr = '' } = r as { stdout?: string; stderr?: string };
  const out: CliResult = { status: r.status, stdout, stderr };
  if (!opts.allowFail && r.status !== 0) {
    throw new Error(`keepassxc-cli ${args[0]} failed (${String(r.status)}): ${out.stderr.trim()}`);
  }
  return out;
}
