import { promises as fs } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { writeFileAtomic } from '../../core/atomic.js';
import { ConflictError, ErrorCode, ExitCode, RemoteError, SsotError } from '../../core/errors.js';
import { redactor } from '../../core/redact.js';
import { CopyConflictError, type Copy, type CopyRead, type CopyVersion, type WriteInfo, type WriteResult } from './copy.js';
import { gitCopyId, gitRelPath } from './ids.js';

/**
 * Merges two versions of the copy's file (bytes in, bytes out). Supplied by the
 * sync engine: it decrypts both, merges entry by entry and saves. The copy knows
 * nothing of kdbx.
 */
export type MergeBytes = (ours: Uint8Array, theirs: Uint8Array) => Promise<Uint8Array>;

export interface GitCopyOptions {
  /** The working tree of the vault repository (a clone with `remote`). */
  repo: string;
  remote?: string;
  branch?: string;
  /** Subfolder inside the repository (posix separators). */
  path?: string;
  /** File name. */
  name: string;
  merge: MergeBytes;
  /** Push attempts after non-fast-forward rejections (default 3). */
  pushAttempts?: number;
}

/**
 * Ambient GIT_* variables that a user's git setup legitimately relies on (ssh
 * command, askpass helper, identity). simple-git strips every other GIT_* key.
 */
const ALLOWED_ENV = [
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
interface Heads {
  local: string | undefined;
  remote: string | undefined;
}

/**
 * A copy in a Git repository that is pushed to a remote.
 *
 * rev: the id of the newest commit (reachable from the local branch) that
 * touched the file. This refines "the commit at which the file was read": a
 * commit of another file in the repository (a README) does not move the rev,
 * so the rev changes when the file's bytes change and only then, as the Copy
 * contract asks, and an unrelated commit pushed from another machine is not a
 * conflict.
 *
 * read(): fetch; fast-forward when behind; keep unpushed local commits when
 * ahead; merge when diverged (the file through the engine's merge callback,
 * other files by git). An uncommitted edit of the file in the working tree is
 * the user's (KeePassXC opened on the repo's file, or a crash between our write
 * and our commit): it is committed, never thrown away.
 * write(): compare-and-swap on the rev, commit only that file, push; a
 * rejected push is fetched, merged (callback) and pushed again.
 * Never `reset --hard`, never `--force`, never a secret on a command line.
 */
export class GitCopy implements Copy {
  readonly kind = 'git' as const;
  readonly id: string;
  readonly label: string;
  private readonly repo: string;
  private readonly remote: string;
  private readonly branch: string;
  private readonly relPath: string;
  private readonly merge: MergeBytes;
  private readonly pushAttempts: number;
  private gitP: Promise<{ git: SimpleGit; top: string; file: string; repoPath: string }> | undefined;

  constructor(opts: GitCopyOptions) {
    if (!opts.name || /[\\/]/.test(opts.name)) {
      throw new SsotError(ErrorCode.Config, `git copy: bad file name "${opts.name}"`, {
        exitCode: ExitCode.USAGE,
        hint: 'give a plain file name; put the folder in `path`',
      });
    }
    const sub = (opts.path ?? '').replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
    if (sub.split('/').includes('..')) {
      throw new SsotError(ErrorCode.Config, `git copy: path "${opts.path}" leaves the repository`, {
        exitCode: ExitCode.USAGE,
        hint: 'give a folder inside the repository',
      });
    }
    this.repo = path.resolve(opts.repo);
    this.remote = opts.remote ?? 'origin';
    this.branch = opts.branch ?? 'main';
    this.relPath = gitRelPath(sub, opts.name);
    this.merge = opts.merge;
    this.pushAttempts = opts.pushAttempts ?? 3;
    this.id = gitCopyId(this.repo, this.relPath);
    this.label = `git ${this.remote}/${this.branch} in ${this.repo}`;
  }

  // ---- Copy ----------------------------------------------------------------

  async read(): Promise<CopyRead | null> {
    const { git, repoPath } = await this.open();
    await this.commitWorkingTreeEdit();
    const heads = await this.fetch();
    await this.integrate(heads);
    const rev = await this.fileRev();
    if (rev === null) return null;
    const data = await this.blob(git, `HEAD:${repoPath}`);
    return { data, rev };
  }

  async head(): Promise<string | null> {
    // Cheap and side-effect free: no merge, no commit. When read() would
    // fast-forward, the head is the remote's; when it would merge, it is a token
    // no write can match, so a write made on it is a conflict.
    await this.open();
    const heads = await this.fetch();
    const localRev = heads.local ? await this.fileRevAt(heads.local) : null;
    const dirty = await this.fileDirty();
    if (dirty) return `uncommitted:${localRev ?? 'none'}`;
    if (!heads.remote || heads.remote === heads.local) return localRev;
    if (!heads.local) return this.fileRevAt(heads.remote);
    const base = await this.mergeBase(heads.local, heads.remote);
    if (base === heads.local) return this.fileRevAt(heads.remote); // behind: read() fast-forwards
    if (base === heads.remote) return localRev; // ahead: local wins until pushed
    const remoteRev = await this.fileRevAt(heads.remote);
    if (remoteRev === null || remoteRev === localRev || remoteRev === (await this.fileRevAt(base ?? ''))) {
      return localRev; // the remote side did not touch the file
    }
    if (localRev === (await this.fileRevAt(base ?? ''))) return remoteRev; // only the remote touched it
    return `diverged:${heads.local}..${heads.remote}`;
  }

  async write(data: Uint8Array, ifRev: string | null, info: WriteInfo): Promise<WriteResult> {
    const { git, top, repoPath } = await this.open();
    // An uncommitted edit is the user's: read() commits it, write() must not overwrite it.
    // A file deleted from the working tree is simply written again.
    if ((await this.fileDirty()) && (await fs.stat(path.join(top, repoPath)).catch(() => null))) {
      throw new CopyConflictError(this.id, `${this.id} has uncommitted changes; read it again first`);
    }
    const current = await this.fileRev();
    if (current !== ifRev) {
      throw new CopyConflictError(
        this.id,
        `${this.label}: ${this.relPath} is at ${short(current)}, expected ${short(ifRev)}`,
      );
    }
    const file = path.join(top, repoPath);
    const same = current !== null && Buffer.from(await this.blob(git, `HEAD:${repoPath}`)).equals(Buffer.from(data));
    if (same) {
      // No change, no commit; a file deleted from the working tree is put back.
      if (!(await fs.stat(file).catch(() => null))) await writeFileAtomic(file, data, { mode: 0o600 });
    } else {
      await writeFileAtomic(file, data, { mode: 0o600 });
      // A tracked file is committed straight from the working tree; a new one is added first.
      if (current === null) await this.run(['add', '-f', '--', repoPath]);
      // `--only` semantics (paths given): whatever else the user staged stays staged, uncommitted.
      await this.run(['commit', '-q', '-m', redactor.redact(info.message), '--', repoPath]);
    }
    const merged = await this.pushWithRetry();
    const rev = await this.fileRev();
    if (rev === null) throw new SsotError(ErrorCode.Internal, `${this.id}: the file vanished after the commit`);
    if (!merged) return { rev };
    // A raced push was merged: the file may now hold more than `data`.
    const stored = await this.blob(git, `HEAD:${repoPath}`);
    return Buffer.from(stored).equals(Buffer.from(data)) ? { rev } : { rev, stored };
  }

  async versions(): Promise<CopyVersion[]> {
    await this.open();
    const heads = await this.fetch().catch(() => this.localHeads());
    const refs = [heads.local, heads.remote].filter((r): r is string => !!r);
    if (refs.length === 0) return [];
    const out = await this.run(['log', '--format=%H%x09%cI%x09%s', ...new Set(refs), '--', this.repoPathSync()]);
    return out
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const [id = '', time = '', ...subject] = l.split('\t');
        return { id, time: new Date(time), description: subject.join('\t') };
      });
  }

  async readVersion(id: string): Promise<Uint8Array> {
    const { git, repoPath } = await this.open();
    if (!/^[0-9a-f]{4,64}$/i.test(id)) {
      throw new SsotError(ErrorCode.NotFound, `${this.id}: "${id}" is not a commit id`, { exitCode: ExitCode.USAGE });
    }
    try {
      return await this.blob(git, `${id}:${repoPath}`);
    } catch (e) {
      throw new SsotError(ErrorCode.NotFound, `${this.id}: no version of ${repoPath} at commit ${id}`, {
        exitCode: ExitCode.USAGE,
        hint: 'pick an id from `ssot vault restore --from git` without --at, or from `git log`',
        cause: e,
      });
    }
  }

  // ---- repository checks ---------------------------------------------------

  /**
   * The repository checks that cannot change under us (folder, remote,
   * identity) run once per instance; the branch and "no merge in progress"
   * checks run on every operation (a long-lived watcher must notice a user who
   * switched branches in the meantime).
   */
  private async open(): Promise<{ git: SimpleGit; top: string; file: string; repoPath: string }> {
    this.gitP ??= this.openOnce().catch((e: unknown) => {
      this.gitP = undefined;
      throw e;
    });
    const opened = await this.gitP;
    await this.checkBranch();
    return opened;
  }

  private async openOnce(): Promise<{ git: SimpleGit; top: string; file: string; repoPath: string }> {
    const fix = `make it a clone of the vault repository: git clone <url> ${this.repo}`;
    const st = await fs.stat(this.repo).catch(() => null);
    if (!st?.isDirectory()) {
      throw new SsotError(ErrorCode.Config, `git copy: ${this.repo} does not exist`, { exitCode: ExitCode.USAGE, hint: fix });
    }
    let git = simpleGit({ baseDir: this.repo, allowEnvironment: ALLOWED_ENV });
    let top: string;
    try {
      top = (await git.raw(['rev-parse', '--show-toplevel'])).trim();
    } catch (e) {
      throw new SsotError(ErrorCode.Config, `git copy: ${this.repo} is not a git repository`, {
        exitCode: ExitCode.USAGE,
        hint: `${fix} (or: git -C ${this.repo} init && git -C ${this.repo} remote add ${this.remote} <url>)`,
        cause: e,
      });
    }
    const prefix = (await git.raw(['rev-parse', '--show-prefix'])).trim();
    const repoPath = path.posix.join(prefix, this.relPath);
    const remotes = (await git.raw(['remote'])).split('\n').map((s) => s.trim());
    if (!remotes.includes(this.remote)) {
      throw new SsotError(ErrorCode.Config, `git copy: ${this.repo} has no remote "${this.remote}"`, {
        exitCode: ExitCode.USAGE,
        hint: `git -C ${top} remote add ${this.remote} <url>, or set the copy's remote to one of: ${remotes.filter(Boolean).join(', ') || '(none)'}`,
      });
    }
    // A commit needs an identity; a machine without one gets a neutral one (only for ssot's commits).
    const email = await git.raw(['config', '--get', 'user.email']).catch(() => '');
    if (!email.trim()) {
      this.identity = ['user.name=ssot', 'user.email=ssot@localhost'];
      git = simpleGit({ baseDir: this.repo, allowEnvironment: ALLOWED_ENV, config: this.identity });
    }
    this.git = git;
    this.top = top;
    this.repoPathValue = repoPath;
    return { git, top, file: path.join(top, repoPath), repoPath };
  }

  private git: SimpleGit | undefined;
  private identity: string[] | undefined;
  private top = '';
  private repoPathValue = '';

  private repoPathSync(): string {
    return this.repoPathValue;
  }

  /** The working tree must be on `branch` (or unborn) with no merge or rebase in progress. */
  private async checkBranch(): Promise<void> {
    const gitDir = await this.gitDir();
    for (const [f, what] of [
      ['MERGE_HEAD', 'a merge'],
      ['rebase-merge', 'a rebase'],
      ['rebase-apply', 'a rebase'],
      ['CHERRY_PICK_HEAD', 'a cherry-pick'],
    ] as const) {
      if (await fs.stat(path.join(gitDir, f)).catch(() => null)) {
        throw new SsotError(ErrorCode.Conflict, `git copy: ${this.top} is in the middle of ${what}`, {
          exitCode: ExitCode.CONFLICT,
          hint: `finish it or abort it in ${this.top} (git status says how), then sync again`,
        });
      }
    }
    // HEAD read as a file: this runs before every operation, and a git call costs a process.
    const headFile = (await fs.readFile(path.join(gitDir, 'HEAD'), 'utf8').catch(() => '')).trim();
    const headRef = headFile.startsWith('ref: ') ? headFile.slice(5).trim() : '';
    if (!headRef) {
      throw new SsotError(ErrorCode.Conflict, `git copy: ${this.top} has a detached HEAD`, {
        exitCode: ExitCode.CONFLICT,
        hint: `git -C ${this.top} switch ${this.branch}`,
      });
    }
    if (headRef === `refs/heads/${this.branch}`) return;
    const hasCommits = (await this.run(['for-each-ref', '--count=1', 'refs/heads/'])).trim() !== '';
    if (!hasCommits) {
      // A fresh clone of an empty remote: the unborn branch may be named after
      // init.defaultBranch. Nothing is on it, so renaming it loses nothing.
      await this.run(['symbolic-ref', 'HEAD', `refs/heads/${this.branch}`]);
      return;
    }
    throw new SsotError(ErrorCode.Conflict, `git copy: ${this.top} is on ${headRef.replace('refs/heads/', '')}, not ${this.branch}`, {
      exitCode: ExitCode.CONFLICT,
      hint: `git -C ${this.top} switch ${this.branch}, or set the copy's branch`,
    });
  }

  // ---- git plumbing --------------------------------------------------------

  private async run(args: string[]): Promise<string> {
    if (!this.git) throw new SsotError(ErrorCode.Internal, 'git copy used before open');
    return this.git.raw(args);
  }

  private async blob(git: SimpleGit, spec: string): Promise<Uint8Array> {
    const buf = (await git.binaryCatFile(['blob', spec])) as Buffer;
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private async refId(ref: string): Promise<string | undefined> {
    const out = (await this.run(['for-each-ref', '--format=%(objectname)', ref])).trim();
    return out.split('\n')[0] || undefined;
  }

  private async localHeads(): Promise<Heads> {
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

  private async fetch(): Promise<Heads> {
    try {
      // Only the one branch; a missing remote branch (empty remote) is not an error.
      await this.run(['fetch', '-q', '--no-tags', this.remote]);
    } catch (e) {
      throw this.remoteError('fetch from', e);
    }
    return this.localHeads();
  }

  private async mergeBase(a: string, b: string): Promise<string | undefined> {
    const out = await this.run(['merge-base', a, b]).catch(() => '');
    return out.trim() || undefined;
  }

  /** The newest commit reachable from `commit` that touched the file; null if the file is not there. */
  private async fileRevAt(commit: string): Promise<string | null> {
    if (!commit) return null;
    const known = this.revMemo.get(commit);
    if (known !== undefined) return known;
    // One call: the newest commit touching the file, and how it touched it (D: deleted, so absent).
    const out = (await this.run(['log', '-1', '--format=%H', '--name-status', commit, '--', this.repoPathValue])).trim();
    const [id = '', ...status] = out.split('\n').filter(Boolean);
    let rev: string | null = id || null;
    if (rev && status.length === 0) {
      // A merge commit lists no status: ask the tree.
      const present = (await this.run(['ls-tree', '--name-only', commit, '--', this.repoPathValue])).trim();
      if (!present) rev = null;
    } else if (status[0]?.startsWith('D')) rev = null;
    this.revMemo.set(commit, rev); // commits are immutable: the answer never changes
    return rev;
  }
  private readonly revMemo = new Map<string, string | null>();

  private async fileRev(): Promise<string | null> {
    const local = await this.refId(`refs/heads/${this.branch}`);
    return local ? this.fileRevAt(local) : null;
  }

  private async fileDirty(): Promise<boolean> {
    const out = await this.run(['status', '--porcelain', '--untracked-files=all', '--', this.repoPathValue]);
    return out.trim() !== '';
  }

  /** The user's uncommitted edit of the file is committed (never discarded). */
  private async commitWorkingTreeEdit(): Promise<void> {
    if (!(await this.fileDirty())) return;
    const exists = await fs.stat(path.join(this.top, this.repoPathValue)).catch(() => null);
    if (!exists) return; // deleted in the working tree: leave that to the user, the committed file stays the copy
    await this.run(['add', '-f', '--', this.repoPathValue]);
    await this.run(['commit', '-q', '-m', `ssot: commit uncommitted edit of ${this.repoPathValue}`, '--', this.repoPathValue]);
  }

  /** Bring the remote's commits into the local branch: fast-forward or merge. */
  private async integrate(heads: Heads): Promise<boolean> {
    if (!heads.remote || heads.remote === heads.local) return false;
    const remoteRef = `refs/remotes/${this.remote}/${this.branch}`;
    if (!heads.local) {
      await this.guard(() => this.run(['merge', '-q', '--ff-only', remoteRef]), 'fast-forward to');
      return false;
    }
    const base = await this.mergeBase(heads.local, heads.remote);
    if (base === heads.remote) return false; // ahead: unpushed local commits are kept
    if (base === heads.local) {
      await this.guard(() => this.run(['merge', '-q', '--ff-only', remoteRef]), 'fast-forward to');
      return false;
    }
    await this.mergeDiverged(remoteRef);
    return true;
  }

  private async guard<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw new SsotError(ErrorCode.Conflict, `git copy: could not ${what} ${this.remote}/${this.branch} in ${this.top}: ${clean(e)}`, {
        exitCode: ExitCode.CONFLICT,
        hint: `local changes in ${this.top} are in the way; commit or stash them (git -C ${this.top} status), then sync again`,
        cause: e,
      });
    }
  }

  /**
   * Merge the remote branch into the local one. The merge is made in a
   * temporary worktree (inside the git directory), so that whatever the user
   * has staged or modified in their working tree is never touched (git refuses
   * to merge over a dirty index). The file goes through the engine's merge
   * callback; other files are merged by git and, if they conflict, the merge is
   * given up and reported (those files are the user's to merge). The local
   * branch is then fast-forwarded to the merge commit; if that would overwrite
   * the user's uncommitted changes git refuses, and we report it.
   */
  private async mergeDiverged(remoteRef: string): Promise<void> {
    const p = this.repoPathValue;
    const gitDir = await this.gitDir();
    const tmp = await fs.mkdtemp(path.join(gitDir, 'ssot-merge-'));
    await this.run(['worktree', 'add', '-q', '--detach', tmp, `refs/heads/${this.branch}`]);
    const wt = simpleGit({ baseDir: tmp, allowEnvironment: ALLOWED_ENV, ...(this.identity ? { config: this.identity } : {}) });
    let mergeCommit: string;
    try {
      try {
        await wt.raw(['merge', '-q', '--no-ff', '--no-commit', '--allow-unrelated-histories', remoteRef]);
      } catch (e) {
        const wtGitDir = path.resolve(tmp, (await wt.raw(['rev-parse', '--git-dir'])).trim());
        if (!(await fs.stat(path.join(wtGitDir, 'MERGE_HEAD')).catch(() => null))) {
          throw new SsotError(ErrorCode.Conflict, `git copy: could not merge ${this.remote}/${this.branch} in ${this.top}: ${clean(e)}`, {
            exitCode: ExitCode.CONFLICT,
            hint: `merge by hand: git -C ${this.top} pull ${this.remote} ${this.branch}; then sync again`,
            cause: e,
          });
        }
      }
      const unmerged = (await wt.raw(['diff', '--name-only', '--diff-filter=U', '-z'])).split('\0').filter(Boolean);
      const others = unmerged.filter((f) => f !== p);
      if (others.length > 0) {
        throw new ConflictError(
          `git copy: merging ${this.remote}/${this.branch} in ${this.top} conflicts in ${others.join(', ')}`,
          { hint: `merge by hand: git -C ${this.top} pull ${this.remote} ${this.branch}, resolve, commit; then sync again` },
        );
      }
      if (unmerged.includes(p)) {
        const ours = await this.blob(wt, `:2:${p}`).catch(() => undefined);
        const theirs = await this.blob(wt, `:3:${p}`).catch(() => undefined);
        // One side deleted the file: keep the side that has it (a vault is never lost by a merge).
        const result = ours && theirs ? await this.merge(ours, theirs) : (ours ?? theirs)!;
        await writeFileAtomic(path.join(tmp, p), result, { mode: 0o600 });
        await wt.raw(['add', '-f', '--', p]);
      }
      // --no-verify: both sides were committed (and their hooks run) already; this joins them.
      await wt.raw(['commit', '-q', '--no-verify', '-m', `ssot: merge ${this.remote}/${this.branch} (${p} merged entry by entry)`]);
      mergeCommit = (await wt.raw(['rev-parse', 'HEAD'])).trim();
    } finally {
      await this.run(['worktree', 'remove', '--force', tmp]).catch(() => fs.rm(tmp, { recursive: true, force: true }));
      await this.run(['worktree', 'prune']).catch(() => undefined);
    }
    await this.guard(() => this.run(['merge', '-q', '--ff-only', mergeCommit]), 'fast-forward to the merge of');
  }

  private async gitDir(): Promise<string> {
    this.gitDirValue ??= path.resolve(this.top, (await this.run(['rev-parse', '--git-dir'])).trim());
    return this.gitDirValue;
  }
  private gitDirValue: string | undefined;

  /**
   * Push; on a rejection because the remote moved on, fetch, merge (the file
   * through the callback) and push again. Returns whether a merge happened.
   * The check is by state (is the remote an ancestor of ours?), not by git's
   * localised messages.
   */
  private async pushWithRetry(): Promise<boolean> {
    let merged = false;
    for (let attempt = 1; ; attempt++) {
      const heads = await this.localHeads();
      if (!heads.local) return merged; // nothing committed, nothing to push
      if (heads.remote === heads.local) return merged;
      // Behind the remote (a write of unchanged bytes before a read): nothing of ours to push;
      // the next read fast-forwards.
      if (heads.remote && (await this.mergeBase(heads.local, heads.remote)) === heads.local) return merged;
      try {
        await this.run(['push', '-q', this.remote, `refs/heads/${this.branch}:refs/heads/${this.branch}`]);
        return merged;
      } catch (e) {
        const after = await this.fetch().catch(() => undefined);
        const raced = after?.remote && after.local && (await this.mergeBase(after.local, after.remote)) !== after.remote;
        if (!raced || attempt >= this.pushAttempts) {
          throw this.remoteError(raced ? `push (still rejected after ${attempt} merges) to` : 'push to', e);
        }
        merged = (await this.integrate(after)) || merged;
      }
    }
  }

  private remoteError(what: string, e: unknown): RemoteError {
    return new RemoteError(`git copy: could not ${what} ${this.remote} (${this.top}): ${clean(e)}`, {
      retryable: true,
      hint: `check the network and your access: git -C ${this.top} fetch ${this.remote}; the local commit is kept and pushed on the next sync`,
      cause: e,
    });
  }
}

/** Git's message, with any credentials in a URL masked and known secrets redacted. */
function clean(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return redactor.redact(msg.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@').trim().split('\n').slice(0, 4).join(' / '));
}

function short(rev: string | null): string {
  return rev === null ? 'no file' : rev.slice(0, 12);
}
