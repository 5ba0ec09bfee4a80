import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Real git on disk: a bare repository as the remote, clones as machines. */
export interface GitWorld {
  root: string;
  bare: string;
  clone(name: string, opts?: { identity?: boolean }): string;
  git(dir: string, ...args: string[]): string;
  cleanup(): Promise<void>;
}

const ENV = { ...process.env, LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1', HOME: '' };

export async function gitWorld(): Promise<GitWorld> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-git-'));
  const env = { ...ENV, HOME: root, GIT_CONFIG_GLOBAL: path.join(root, 'gitconfig') };
  await fs.writeFile(env.GIT_CONFIG_GLOBAL, '[init]\n\tdefaultBranch = master\n[protocol "file"]\n\tallow = always\n');
  const git = (dir: string, ...args: string[]): string =>
    execFileSync('git', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const bare = path.join(root, 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env });
  return {
    root,
    bare,
    git,
    clone(name, opts = {}) {
      const dir = path.join(root, name);
      execFileSync('git', ['clone', '-q', bare, dir], { env, stdio: 'ignore' });
      if (opts.identity !== false) {
        git(dir, 'config', 'user.name', name);
        git(dir, 'config', 'user.email', `${name}@example.test`);
      }
      return dir;
    },
    cleanup: () => fs.rm(root, { recursive: true, force: true }),
  };
}

/**
 * Test payloads stand in for .kdbx bytes: NUL-separated records (the NUL makes
 * git treat the file as binary, as it does a real kdbx). The test merge unites
 * the records, sorted, so its result is checkable and order-independent.
 */
export function records(...items: string[]): Uint8Array {
  return new Uint8Array(Buffer.from('\0' + [...items].sort().join('\0')));
}
export function parseRecords(data: Uint8Array): string[] {
  return Buffer.from(data).toString('utf8').split('\0').filter(Boolean);
}
export const unionMerge = async (ours: Uint8Array, theirs: Uint8Array): Promise<Uint8Array> =>
  records(...new Set([...parseRecords(ours), ...parseRecords(theirs)]));
