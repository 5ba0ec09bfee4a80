import { execFileSync } from 'node:child_process';
import { promises as fs, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VaultDatabase } from '../../src/vault/kdbx/database.js';
import { tmpDir } from './tmp.js';

/**
 * A throwaway workspace for end-to-end vault tests: a primary made by ssot,
 * a bare git remote with a clone (the vault repository), a folder copy, a
 * config, and a private state folder. Real files, real git, real crypto.
 */
export interface VaultWorkspace {
  dir: string;
  primary: string;
  repo: string;
  remote: string;
  usb: string;
  config: string;
  password: string;
  env: NodeJS.ProcessEnv;
  gitCopy: string;
  usbCopy: string;
}

export const TEST_KDF: { kdf: 'argon2id'; memoryKiB: number; iterations: number; parallelism: number } = { kdf: 'argon2id', memoryKiB: 1024, iterations: 2, parallelism: 1 };

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).trim();
}

export async function makeVaultWorkspace(opts: { copies?: string; extraYaml?: string; password?: string; kdf?: Partial<typeof TEST_KDF> } = {}): Promise<VaultWorkspace> {
  const dir = tmpDir('ssot-ws-');
  const password = opts.password ?? 'correct horse battery staple 42';
  const primary = path.join(dir, 'home', 'security', 'chronos.kdbx');
  mkdirSync(path.dirname(primary), { recursive: true });
  const db = await VaultDatabase.create({ password }, { name: 'chronos', ...TEST_KDF, ...opts.kdf });
  db.addEntry('', { Title: 'AWS SSO', UserName: 'ops', Password: 'aws-sso-secret-value-0001' });
  await fs.writeFile(primary, await db.save(), { mode: 0o600 });

  const remote = path.join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', remote);
  const repo = path.join(dir, 'home', 'keepass_versions');
  git(dir, 'clone', '-q', remote, repo);
  git(repo, 'config', 'user.email', 'm1@example.invalid');
  git(repo, 'config', 'user.name', 'machine one');
  writeFileSync(path.join(repo, 'README.md'), 'vault versions\n');
  git(repo, 'add', 'README.md');
  git(repo, 'commit', '-q', '-m', 'init');
  git(repo, 'push', '-q', 'origin', 'main');
  const usb = path.join(dir, 'usb');

  const config = path.join(dir, 'ssot.config.yaml');
  writeFileSync(
    config,
    `vaults:
  - name: chronos
    path: home/security/chronos.kdbx
    password: { env: SSOT_TEST_PW }
    copies:
${opts.copies ?? `      - git: { repo: home/keepass_versions }
      - folder: { path: usb }`}
${opts.extraYaml ?? ''}`,
  );
  const env: NodeJS.ProcessEnv = {
    SSOT_TEST_PW: password,
    SSOT_CONFIG: config,
    XDG_STATE_HOME: path.join(dir, 'state'),
    XDG_CONFIG_HOME: path.join(dir, 'cfg'),
    SSOT_KEYRING: 'file',
    GIT_AUTHOR_NAME: 'ssot test',
    GIT_AUTHOR_EMAIL: 'ssot@example.invalid',
    GIT_COMMITTER_NAME: 'ssot test',
    GIT_COMMITTER_EMAIL: 'ssot@example.invalid',
  };
  return { dir, primary, repo, remote, usb, config, password, env, gitCopy: path.join(repo, 'chronos.kdbx'), usbCopy: path.join(usb, 'chronos.kdbx') };
}

export async function openAt(file: string, password: string): Promise<VaultDatabase> {
  return VaultDatabase.open(await fs.readFile(file), { password }, file);
}

export async function titles(file: string, password: string): Promise<string[]> {
  const db = await openAt(file, password);
  return db
    .entries()
    .map((e) => e.path)
    .sort();
}
