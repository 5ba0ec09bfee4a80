import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateJsonLine } from './json-contract.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(REPO, 'bin', 'ssot');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (`bin/ssot`) as a user would, in its own process. */
export function runSsot(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? REPO,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** The JSON lines of a --json run, each checked against the contract (schemas/json-messages.schema.json). */
export function jsonLines(out: string): Record<string, unknown>[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      const line = JSON.parse(l) as Record<string, unknown>;
      const problems = validateJsonLine(line);
      if (problems.length > 0) throw new Error(`a --json line outside the contract (docs/json.md): ${problems.join('; ')}\n${l}`);
      return line;
    });
}

/** The runner's $PATH with `dir` searched first: how a test puts a stand-in program before the real one. */
export function pathWith(dir: string): string {
  const rest = process.env['PATH'];
  return rest ? `${dir}${path.delimiter}${rest}` : dir;
}
