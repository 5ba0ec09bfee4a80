import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, SsotError, UsageError } from '../core/errors.js';

/**
 * `ssot vault verify --keepassxc`: the real KeePassXC, through keepassxc-cli,
 * opens each location. The bytes go to a private temp file (0600 in a 0700
 * folder, removed after), the password goes on standard input (never in argv,
 * where every user of the machine could read it), the key file by its path.
 */
export interface KeepassxcKey {
  /** Absent: the database has no password (`--no-password`); "" is the empty password. */
  password?: string | undefined;
  keyFilePath?: string | undefined;
}

export interface Keepassxc {
  version: string;
  /** Undefined when KeePassXC opens the bytes; else what it said. */
  refuses(bytes: Uint8Array, label: string): Promise<string | undefined>;
}

const CLI = 'keepassxc-cli';
const TIMEOUT_MS = 180_000;

/** keepassxc-cli, or a usage error that says how to get it. */
export async function findKeepassxc(key: KeepassxcKey): Promise<Keepassxc> {
  const r = await run(['--version'], '');
  if (r.missing || r.code !== 0) {
    throw new UsageError(`--keepassxc needs keepassxc-cli, which ${r.missing ? 'is not installed here (not on PATH)' : `does not run: ${lastLine(r.stderr)}`}`, 'install KeePassXC (Debian/Ubuntu: apt-get install keepassxc; macOS: brew install --cask keepassxc), or run `ssot vault verify` without --keepassxc');
  }
  const version = r.stdout.trim();
  return { version, refuses: (bytes, label) => refuses(key, bytes, label) };
}

async function refuses(key: KeepassxcKey, bytes: Uint8Array, label: string): Promise<string | undefined> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-kpxc-'));
  try {
    const file = path.join(dir, 'location.kdbx');
    await fs.writeFile(file, bytes, { mode: 0o600 });
    // Not -q: it silences the reason of a refusal too.
    const args = ['db-info', ...(key.keyFilePath ? ['-k', key.keyFilePath] : []), ...(key.password === undefined ? ['--no-password'] : []), file];
    const r = await run(args, key.password === undefined ? '' : `${key.password}\n`);
    if (r.code === 0) return undefined;
    const said = whatItSaid(r.stderr);
    return (said || `keepassxc-cli exited with ${String(r.code ?? r.signal)}`).split(file).join(label);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The error verify reports for a location KeePassXC refuses. */
export function refusedError(label: string, version: string, reason: string): SsotError {
  return new SsotError(ErrorCode.Corrupt, `KeePassXC (keepassxc-cli ${version}) refuses ${label}: ${reason}`, {
    hint: 'restore a good version (`ssot vault restore`) and report the file to ssot: a location KeePassXC cannot open must not exist',
  });
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  missing: boolean;
}

function run(args: string[], input: string): Promise<RunResult> {
  return new Promise((resolve) => {
    // offscreen: keepassxc-cli links Qt and must not look for a display (a service, an ssh session).
    const child = spawn(CLI, args, { env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' }, stdio: ['pipe', 'pipe', 'pipe'] });
    // Our own timer (spawn's `timeout` outlives a command that never started, holding the process open).
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: e.message, missing: e.code === 'ENOENT' });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, missing: false });
    });
    // It may exit before reading (bad arguments): a closed pipe is not our failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** Its message, from the line that starts with "Error" on (it may take two lines), without the password prompt. */
function whatItSaid(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^Enter password to unlock .*?: ?/, '').trim())
    .filter(Boolean);
  const from = lines.findIndex((l) => l.startsWith('Error'));
  return lines.slice(Math.max(from, 0)).join(' ');
}

function lastLine(s: string): string {
  return (
    s
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  );
}
