import { spawn } from 'node:child_process';
import { ConfigError, CredentialError, ErrorCode, RemoteError, SsotError } from '../../core/errors.js';
import { redactor } from '../../core/redact.js';

/**
 * Running the user's own rclone. Secrets never travel in argv (any user on the
 * machine can read another's command line): the config's password goes in
 * RCLONE_CONFIG_PASS in the child's environment, the vault's password never
 * goes near rclone at all. rclone never prompts (no terminal, RCLONE_ASK_PASSWORD=false):
 * a missing password is an error, not a hang.
 */
export interface RcloneRunner {
  /** The binary: a name looked up on PATH, or a path. */
  bin: string;
  /** rclone.conf to use; absent: rclone's own default (RCLONE_CONFIG or ~/.config/rclone). */
  config?: string;
  /** The config's password, resolved lazily (only an encrypted config needs it). */
  configPass?: () => Promise<string | undefined>;
  /** The environment the child starts from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface RcloneResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** What a failing call was about, for the error's message and fix. */
export interface RcloneTarget {
  /** The copy's label: "rclone nas:vault/chronos.kdbx". */
  label: string;
  /** The remote's name, without the colon. */
  remoteName: string;
}

/** Flags on every call: fail fast on a dead network rather than retry for minutes. */
const COMMON = ['--retries', '1', '--low-level-retries', '2', '--contimeout', '15s', '--timeout', '60s'];

async function rcloneEnv(r: RcloneRunner): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...(r.env ?? process.env), RCLONE_ASK_PASSWORD: 'false' };
  if (r.config) env['RCLONE_CONFIG'] = r.config;
  const pass = r.configPass ? await r.configPass() : undefined;
  if (pass) env['RCLONE_CONFIG_PASS'] = pass;
  return env;
}

/** Run rclone; resolves with its exit code (a non-zero code is the caller's to judge). */
export async function runRclone(r: RcloneRunner, args: string[], target: RcloneTarget, input?: Uint8Array): Promise<RcloneResult> {
  const env = await rcloneEnv(r);
  return new Promise((resolve, reject) => {
    const child = spawn(r.bin, [...args, ...COMMON], { env, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? notInstalled(r, target) : e));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err }));
    if (input && child.stdin) {
      child.stdin.on('error', () => undefined); // rclone exiting early reports its own error
      child.stdin.end(input);
    }
  });
}

/** Run rclone and throw the classified error unless it exits 0. */
export async function rcloneOk(r: RcloneRunner, args: string[], target: RcloneTarget, input?: Uint8Array): Promise<RcloneResult> {
  const res = await runRclone(r, args, target, input);
  if (res.code !== 0) throw rcloneError(res, target, r);
  return res;
}

function notInstalled(r: RcloneRunner, t: RcloneTarget): SsotError {
  return new ConfigError(ErrorCode.Config, `${t.label}: rclone is not installed (no "${r.bin}" found)`, {
    hint: 'install rclone 1.60 or newer (`apt install rclone`, `brew install rclone`), or point rclone.path in ssot.config.yaml at it',
  });
}

const AUTH = /\b(401|403)\b|unauthori[sz]ed|forbidden|unable to authenticate|authentication failed|permission denied|invalid_grant|invalid_client|access denied|token (has )?expired|couldn't fetch token/i;
const NETWORK = /connection refused|no such host|network is unreachable|i\/o timeout|connection reset|no route to host|context deadline exceeded|dial tcp|EOF$|TLS handshake timeout|server misbehaving/im;

/**
 * rclone's failure as a typed error naming the copy and the fix:
 * configuration (remote unknown, config locked, credentials refused) exits 2;
 * a failure worth retrying (network down, server error) exits 1.
 * rclone's own words are redacted of every secret this run knows.
 */
export function rcloneError(res: RcloneResult, t: RcloneTarget, r: RcloneRunner): SsotError {
  const said = lastLines(res.stderr);
  const cfg = r.config ? `the rclone config ${r.config}` : "rclone's default config (`rclone config file` shows where)";
  if (/didn't find section in config file|config file not found|NotFound.*section/i.test(res.stderr)) {
    return new ConfigError(ErrorCode.Config, `${t.label}: there is no rclone remote "${t.remoteName}" in ${cfg}`, {
      hint: `\`rclone listremotes\` lists the remotes; add one with \`rclone config\`, or fix the copy's rclone.remote (and rclone.config)`,
    });
  }
  if (/unable to decrypt configuration|couldn't decrypt configuration|RCLONE_CONFIG_PASS/i.test(res.stderr)) {
    return new CredentialError(ErrorCode.Credential, `${t.label}: ${cfg} is encrypted and the password given for it does not open it (or none was given)`, {
      hint: 'set rclone.configPass in ssot.config.yaml to a credential reference, e.g. { keyring: "ssot/rclone" } (stored with `ssot keyring set ssot/rclone`)',
    });
  }
  if (AUTH.test(res.stderr)) {
    return new CredentialError(ErrorCode.RemoteAuth, `${t.label}: the remote refused rclone's credentials (${said})`, {
      hint: `renew them with \`rclone config reconnect ${t.remoteName}:\` (or fix user/pass with \`rclone config\`), then check with \`rclone lsd ${t.remoteName}:\``,
    });
  }
  if (NETWORK.test(res.stderr)) {
    return new RemoteError(`${t.label}: cannot reach the remote (${said})`, {
      retryable: true,
      hint: `check the network and that the server is up (\`rclone lsd ${t.remoteName}:\`); the next sync catches this copy up`,
    });
  }
  return new RemoteError(`${t.label}: rclone failed with exit code ${res.code} (${said})`, {
    retryable: res.code === 5,
    hint: `run \`rclone lsd ${t.remoteName}:\` to see what rclone says; the other copies were still synced`,
  });
}

/** rclone's last meaningful line, without its timestamp, redacted and shortened. */
function lastLines(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /, '').trim())
    .filter((l) => l && !/^NOTICE:|^DEBUG :|^INFO {2}:/.test(l));
  const text = lines[lines.length - 1] ?? 'no message';
  return redactor.redact(text).slice(0, 300);
}
