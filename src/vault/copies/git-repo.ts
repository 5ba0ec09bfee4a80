import { promises as fs } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { ConfigError, ConflictError, ErrorCode, RemoteError } from '../../core/errors.js';
import { redactor } from '../../core/redact.js';

/**
 * The vault repository as a git copy sees it: the checks that cannot change
 * under us (the folder is a clone, the remote exists, an identity to commit
 * with), which branch the copy follows, and the read-only plumbing (refs,
 * blobs, the newest commit that touched the file). Never `reset --hard`, never
 * `--force`, never a secret on a command line.
 */

/**
 * Ambient GIT_* variables that a user's git setup legitimately relies on (ssh
 * command, askpass helper, identity). simple-git strips every other GIT_* key.
 */
export const ALLOWED_ENV = [
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_ASKPASS',
  'GIT_TERMINAL_PROMPT',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_DATE',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_NOSYSTEM',
] as const;

/** What a fetch found: the local branch head and the remote one (undefined: none). */
export interface Heads {
  local: string | undefined;
  remote: string | undefined;
}

export interface GitRepoOptions {
  repo: string;
  remote: string;
  /** The configured branch; absent: the remote's default branch (else the clone's own). */
  branch?: string;
  /** The file's path inside the repository (posix separators). */
  relPath: string;
}

export class GitRepo {
  readonly repo: string;
  readonly remote: string;
  readonly configuredBranch: string | undefined;
  git: SimpleGit;
  top = '';
  /** The file's path from the top of the repository. */
  repoPath = '';
  /** `-c` settings for a machine without a git identity (only for ssot's commits). */
  identity: string[] | undefined;
  private branchValue: string | undefined;
  private gitDirValue: string | undefined;
  private readonly revMemo = new Map<string, string | null>();
  private readonly relPath: string;

  private constructor(o: GitRepoOptions, git: SimpleGit) {
    this.repo = o.repo;
    this.remote = o.remote;
    this.configuredBranch = o.branch;
    this.relPath = o.relPath;
    this.git = git;
  }

  /** The checks that cannot change under us: the folder, the clone, the remote, an identity. */
  static async open(o: GitRepoOptions): Promise<GitRepo> {
    const fix = `make it a clone of the vault repository: git clone <url> ${o.repo}`;
    const st = await fs.stat(o.repo).catch(() => null);
    if (!st?.isDirectory()) throw new ConfigError(ErrorCode.Config, `git copy: ${o.repo} does not exist`, { hint: fix });
    const r = new GitRepo(o, simpleGit({ baseDir: o.repo, allowEnvironment: ALLOWED_ENV }));
    try {
      r.top = (await r.git.raw(['rev-parse', '--show-toplevel'])).trim();
    } catch (e) {
      throw new ConfigError(ErrorCode.Config, `git copy: ${o.repo} is not a git repository`, {
        hint: `${fix} (or: git -C ${o.repo} init && git -C ${o.repo} remote add ${o.remote} <url>)`,
        cause: e,
      });
    }
    r.repoPath = path.posix.join((await r.git.raw(['rev-parse', '--show-prefix'])).trim(), r.relPath);
    const remotes = (await r.git.raw(['remote'])).split('\n').map((s) => s.trim());
    if (!remotes.includes(o.remote)) {
      throw new ConfigError(ErrorCode.Config, `git copy: ${o.repo} has no remote "${o.remote}"`, {
        hint: `git -C ${r.top} remote add ${o.remote} <url>, or set the copy's remote to one of: ${remotes.filter(Boolean).join(', ') || '(none)'}`,
      });
    }
    // A commit needs an identity; a machine without one gets a neutral one (only for ssot's commits).
    const email = await r.git.raw(['config', '--get', 'user.email']).catch(() => '');
    if (!email.trim()) {
      r.identity = ['user.name=ssot', 'user.email=ssot@localhost'];
      r.git = simpleGit({ baseDir: o.repo, allowEnvironment: ALLOWED_ENV, config: r.identity });
    }
    return r;
  }

  /** The branch the copy follows (resolved by checkBranch, which every operation runs first). */
  get branch(): string {
    return this.knownBranch ?? 'main';
  }

  /** The branch, when configured or resolved already (labels). */
  get knownBranch(): string | undefined {
    return this.configuredBranch ?? this.branchValue;
  }

  /**
   * The configured branch; else the remote's default branch (`origin/HEAD`,
   * else asked of the remote), so that a repository on `master` works and a
   * user who switches their clone to another branch is told, not followed;
   * else, for an empty remote, the branch the clone was made on.
   */
  private async resolveBranch(fix: boolean): Promise<string> {
    if (this.configuredBranch) return this.configuredBranch;
    if (this.branchValue) return this.branchValue;
    const prefix = `refs/remotes/${this.remote}/`;
    const local = (await this.run(['symbolic-ref', '-q', `${prefix}HEAD`]).catch(() => '')).trim();
    let ref = local.startsWith(prefix) ? local.slice(prefix.length) : '';
    if (!ref) {
      let out: string;
      try {
        out = await this.run(['ls-remote', '--symref', this.remote, 'HEAD']);
      } catch (e) {
        throw this.remoteError('ask which branch is the default of', e);
      }
      ref = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out)?.[1] ?? '';
      // Remember it as `git clone` does, so the next sync need not ask (a sync writes; doctor does not).
      if (ref && fix) await this.run(['symbolic-ref', `${prefix}HEAD`, `${prefix}${ref}`]).catch(() => undefined);
    }
    // An empty remote has no default yet: the branch the clone was made on (git takes the remote's unborn HEAD).
    if (!ref) ref = (await this.headRef()).replace(/^refs\/heads\//, '');
    this.branchValue = ref || 'main';
    return this.branchValue;
  }

  /**
   * The working tree must be on the branch (or on an unborn one), with no
   * merge or rebase in progress; a long-lived watcher must notice a user who
   * switched branches since. `fix`: an unborn branch of another name (a fresh
   * clone of an empty remote) is renamed: nothing is on it. Without `fix`
   * (doctor, head()) nothing is changed.
   */
  async checkBranch(fix: boolean): Promise<void> {
    const branch = await this.resolveBranch(fix);
    const gitDir = await this.gitDir();
    for (const [f, what] of [
      ['MERGE_HEAD', 'a merge'],
      ['rebase-merge', 'a rebase'],
      ['rebase-apply', 'a rebase'],
      ['CHERRY_PICK_HEAD', 'a cherry-pick'],
    ] as const) {
      if (await fs.stat(path.join(gitDir, f)).catch(() => null)) {
        throw new ConflictError(`git copy: ${this.top} is in the middle of ${what}`, { hint: `finish it or abort it in ${this.top} (git status says how), then sync again` });
      }
    }
    const headRef = await this.headRef();
    if (!headRef) throw new ConflictError(`git copy: ${this.top} has a detached HEAD`, { hint: `git -C ${this.top} switch ${branch}` });
    if (headRef === `refs/heads/${branch}`) return;
    if (!(await this.hasCommits())) {
      if (fix) await this.run(['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
      return;
    }
    const on = headRef.replace('refs/heads/', '');
    throw new ConflictError(`git copy: ${this.top} is on ${on}, not ${branch}`, { hint: await this.switchHint(branch, on) });
  }

  /** A hint that names commands that work in this clone: switch only to a branch that exists. */
  private async switchHint(branch: string, on: string): Promise<string> {
    const exists = (await this.refId(`refs/heads/${branch}`)) ?? (await this.refId(`refs/remotes/${this.remote}/${branch}`));
    const setIt = `set the copy's branch to ${on} (\`branch: ${on}\` under git: in the config)`;
    if (exists) return `git -C ${this.top} switch ${branch}, or ${setIt}`;
    return `${this.top} has no branch ${branch}: ${setIt}, or make it: git -C ${this.top} switch -c ${branch}`;
  }

  /** HEAD read as a file: this runs before every operation, and a git call costs a process. */
  async headRef(): Promise<string> {
    const headFile = (await fs.readFile(path.join(await this.gitDir(), 'HEAD'), 'utf8').catch(() => '')).trim();
    return headFile.startsWith('ref: ') ? headFile.slice(5).trim() : '';
  }

  async hasCommits(): Promise<boolean> {
    return (await this.run(['for-each-ref', '--count=1', 'refs/heads/'])).trim() !== '';
  }

  async gitDir(): Promise<string> {
    this.gitDirValue ??= path.resolve(this.top, (await this.run(['rev-parse', '--git-dir'])).trim());
    return this.gitDirValue;
  }

  run(args: string[]): Promise<string> {
    return this.git.raw(args);
  }

  async blob(spec: string, git: SimpleGit = this.git): Promise<Uint8Array> {
    const buf = (await git.binaryCatFile(['blob', spec])) as Buffer;
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  async refId(ref: string): Promise<string | undefined> {
    const out = (await this.run(['for-each-ref', '--format=%(objectname)', ref])).trim();
    return out.split('\n')[0] || undefined;
  }

  async localHeads(): Promise<Heads> {
    const localRef = `refs/heads/${this.branch}`;
    const remoteRef = `refs/remotes/${this.remote}/${this.branch}`;
    const out = await this.run(['for-each-ref', '--format=%(refname) %(objectname)', localRef, remoteRef]);
    const heads: Heads = { local: undefined, remote: undefined };
    for (const line of out.split('\n')) {
      const [ref, id] = line.trim().split(' ');
      if (ref === localRef) heads.local = id;
      if (ref === remoteRef) heads.remote = id;
    }
    return heads;
  }

  async fetch(): Promise<Heads> {
    try {
      // A missing remote branch (empty remote) is not an error.
      await this.run(['fetch', '-q', '--no-tags', this.remote]);
    } catch (e) {
      throw this.remoteError('fetch from', e);
    }
    return this.localHeads();
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const out = await this.run(['merge-base', a, b]).catch(() => '');
    return out.trim() || undefined;
  }

  /** The newest commit reachable from `commit` that touched the file; null if the file is not there. */
  async fileRevAt(commit: string): Promise<string | null> {
    if (!commit) return null;
    const known = this.revMemo.get(commit);
    if (known !== undefined) return known;
    // One call: the newest commit touching the file, and how it touched it (D: deleted, so absent).
    const out = (await this.run(['log', '-1', '--format=%H', '--name-status', commit, '--', this.repoPath])).trim();
    const [id = '', ...status] = out.split('\n').filter(Boolean);
    let rev: string | null = id || null;
    if (rev && status.length === 0) {
      // A merge commit lists no status: ask the tree.
      const present = (await this.run(['ls-tree', '--name-only', commit, '--', this.repoPath])).trim();
      if (!present) rev = null;
    } else if (status[0]?.startsWith('D')) rev = null;
    this.revMemo.set(commit, rev); // commits are immutable: the answer never changes
    return rev;
  }

  async fileRev(): Promise<string | null> {
    const local = await this.refId(`refs/heads/${this.branch}`);
    return local ? this.fileRevAt(local) : null;
  }

  async fileDirty(): Promise<boolean> {
    const out = await this.run(['status', '--porcelain', '--untracked-files=all', '--', this.repoPath]);
    return out.trim() !== '';
  }

  /** A step that local changes can block (a fast-forward): a conflict that names the fix. */
  async guard<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw new ConflictError(`git copy: could not ${what} ${this.remote}/${this.branch} in ${this.top}: ${clean(e)}`, {
        hint: `local changes in ${this.top} are in the way; commit or stash them (git -C ${this.top} status), then sync again`,
        cause: e,
      });
    }
  }

  remoteError(what: string, e: unknown): RemoteError {
    return new RemoteError(`git copy: could not ${what} ${this.remote} (${this.top}): ${clean(e)}`, {
      retryable: true,
      hint: `check the network and your access: git -C ${this.top} fetch ${this.remote}; the local commit is kept and pushed on the next sync`,
      cause: e,
    });
  }
}

/** Git's message, with any credentials in a URL masked and known secrets redacted. */
export function clean(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return redactor.redact(msg.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@').trim().split('\n').slice(0, 4).join(' / '));
}
