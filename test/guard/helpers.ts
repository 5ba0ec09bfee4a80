import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Test tokens are built at run time from parts and a seeded generator, so no
 * credential-shaped literal sits in the repository (push protection, our own
 * hook).
 */
export function join(...parts: string[]): string {
  return parts.join('');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const HEX = '0123456789abcdef';
export const LOWER_DIGITS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A deterministic pseudo-random string (mulberry32). */
export function rand(n: number, alphabet = ALNUM, seed = n * 7919 + alphabet.length): string {
  let a = seed >>> 0;
  let s = '';
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    s += alphabet.charAt(Math.floor(r * alphabet.length));
  }
  return s;
}

/**
 * The environment without the runner's git, ssot and XDG settings (a GIT_DIR or
 * GIT_INDEX_FILE from a hook the tests run in, a SSOT_CONFIG, a state folder):
 * tests are hermetic. Keys are present with `undefined` so that a merge over
 * process.env drops them too.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) env[k] = /^(?:GIT_|SSOT_|XDG_)/.test(k) ? undefined : v;
  return { ...env, ...extra };
}

/**
 * For tests that call git in this very process (the guard honours GIT_DIR and
 * GIT_INDEX_FILE, as a hook must): take the runner's git, ssot and XDG settings
 * out of process.env; the returned function puts them back.
 */
export function isolateEnv(): () => void {
  const saved = Object.entries(process.env).filter(([k]) => /^(?:GIT_|SSOT_|XDG_)/.test(k));
  for (const [k] of saved) delete process.env[k];
  return () => {
    for (const [k, v] of saved) process.env[k] = v;
  };
}

export interface Repo {
  dir: string;
  git(...args: string[]): string;
  write(rel: string, content: string | Buffer): void;
  cleanup(): void;
}

export function tempDir(prefix = 'ssot-guard-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function makeRepo(opts: { commit?: boolean } = {}): Repo {
  const dir = tempDir();
  const run = (...args: string[]): string => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: cleanEnv({ GIT_CONFIG_NOSYSTEM: '1' }) });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  run('init', '-q', '-b', 'main');
  run('config', 'user.email', 'test@example.invalid');
  run('config', 'user.name', 'Test');
  run('config', 'commit.gpgsign', 'false');
  const repo: Repo = {
    dir,
    git: run,
    write(rel, content) {
      const abs = path.join(dir, rel);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (opts.commit !== false) {
    repo.write('README.md', '# test\n');
    run('add', '.');
    run('commit', '-qm', 'init');
  }
  return repo;
}

const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'ssot');

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (`npm run build` first) with its own state and config folders. */
export function ssot(args: string[], opts: { cwd: string; home: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] }): Run {
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    XDG_STATE_HOME: path.join(opts.home, 'state'),
    XDG_CONFIG_HOME: path.join(opts.home, 'config'),
    SSOT_KEYRING: 'file',
    NO_COLOR: '1',
    ...opts.env,
  };
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], { cwd: opts.cwd, env, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
