import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../core/atomic.js';
import { ConfigError, ErrorCode, SsotError } from '../../core/errors.js';
import { redactor } from '../../core/redact.js';
import { CopyConflictError, type Copy, type CopyRead, type CopyVersion, type WriteInfo, type WriteResult } from './copy.js';
import { mergeDiverged, type MergeBytes } from './git-merge.js';
import { probeGit } from './git-probe.js';
import { GitRepo, type Heads } from './git-repo.js';
import { gitCopyId, gitRelPath } from './ids.js';

export type { MergeBytes } from './git-merge.js';

export interface GitCopyOptions {
  /** The working tree of the vault repository (a clone with `remote`). */
  repo: string;
  remote?: string;
  /** Default: the remote's default branch (`main`, `master` ...), else the one the clone is on. */
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
 * other files by git: git-merge.ts). An uncommitted edit of the file in the
 * working tree is the user's (KeePassXC opened on the repo's file, or a crash
 * between our write and our commit): it is committed, never thrown away.
 * write(): compare-and-swap on the rev, commit only that file, push; a
 * rejected push is fetched, merged (callback) and pushed again.
 * The repository checks and plumbing are git-repo.ts; `ssot doctor`'s
 * read-only probe is git-probe.ts.
 */
export class GitCopy implements Copy {
  readonly kind = 'git' as const;
  readonly id: string;
  private readonly repoDir: string;
  private readonly remote: string;
  private readonly branch: string | undefined;
  private readonly relPath: string;
  private readonly merge: MergeBytes;
  private readonly pushAttempts: number;
  private repoP: Promise<GitRepo> | undefined;
  private opened: GitRepo | undefined;

  constructor(opts: GitCopyOptions) {
    if (!opts.name || /[\\/]/.test(opts.name)) {
      throw new ConfigError(ErrorCode.Config, `git copy: bad file name "${opts.name}"`, { hint: 'give a plain file name; put the folder in `path`' });
    }
    const given = opts.path ?? '';
    const sub = given.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
    if (sub.split('/').includes('..')) {
      throw new ConfigError(ErrorCode.Config, `git copy: path "${given}" leaves the repository`, { hint: 'give a folder inside the repository' });
    }
    this.repoDir = path.resolve(opts.repo);
    this.remote = opts.remote ?? 'origin';
    this.branch = opts.branch;
    this.relPath = gitRelPath(sub, opts.name);
    this.merge = opts.merge;
    this.pushAttempts = opts.pushAttempts ?? 3;
    this.id = gitCopyId(this.repoDir, this.relPath);
  }

  /** "git origin/main in ~/security/keepass_versions" (the branch once known). */
  get label(): string {
    const branch = this.opened?.knownBranch ?? this.branch;
    return `git ${this.remote}${branch ? `/${branch}` : ''} in ${this.repoDir}`;
  }

  // ---- Copy ----------------------------------------------------------------

  async read(): Promise<CopyRead | null> {
    const repo = await this.open(true);
    await this.commitWorkingTreeEdit(repo);
    const heads = await repo.fetch();
    await this.integrate(repo, heads);
    const rev = await repo.fileRev();
    if (rev === null) return null;
    return { data: await repo.blob(`HEAD:${repo.repoPath}`), rev };
  }

  async head(): Promise<string | null> {
    // Side-effect free but for the fetch: no merge, no commit, no rename. When
    // read() would merge, the head is a token no write can match, so a write
    // made on it is a conflict.
    const repo = await this.open(false);
    const heads = await repo.fetch();
    if (await repo.fileDirty()) return `uncommitted:${(heads.local ? await repo.fileRevAt(heads.local) : null) ?? 'none'}`;
    const side = await this.readSide(repo, heads);
    if (side.merges) return `diverged:${heads.local ?? ''}..${heads.remote ?? ''}`;
    return side.at ? repo.fileRevAt(side.at) : null;
  }

  /**
   * For `vault verify`: the user's uncommitted edit as it is in the working
   * tree, else the file at the commit read() would end on (where read() would
   * merge, ours: verify does not merge).
   */
  async peek(): Promise<CopyRead | null> {
    const repo = await this.open(false);
    if (await repo.fileDirty()) {
      const data = await fs.readFile(path.join(repo.top, repo.repoPath)).catch(() => null);
      if (data) return { data, rev: 'uncommitted' };
    }
    const { at } = await this.readSide(repo, await repo.fetch());
    const rev = at ? await repo.fileRevAt(at) : null;
    if (!at || rev === null) return null;
    return { data: await repo.blob(`${at}:${repo.repoPath}`), rev };
  }

  /**
   * The commit whose file read() ends on, found without moving anything: the
   * remote's when behind (read() fast-forwards), ours when ahead (local wins
   * until pushed); when both moved on, the side that changed the file, and
   * `merges` when both did (read() merges them; `at` is then ours).
   */
  private async readSide(repo: GitRepo, heads: Heads): Promise<{ at: string | null; merges: boolean }> {
    const { local, remote } = heads;
    if (!remote || remote === local) return { at: local ?? null, merges: false };
    if (!local) return { at: remote, merges: false };
    const base = await repo.mergeBase(local, remote);
    if (base === local) return { at: remote, merges: false };
    if (base === remote) return { at: local, merges: false };
    const [localRev, remoteRev, baseRev] = await Promise.all([repo.fileRevAt(local), repo.fileRevAt(remote), repo.fileRevAt(base ?? '')]);
    if (remoteRev === null || remoteRev === localRev || remoteRev === baseRev) return { at: local, merges: false }; // the remote side did not touch the file
    if (localRev === baseRev) return { at: remote, merges: false }; // only the remote touched it
    return { at: local, merges: true };
  }

  /** For `ssot doctor`: the clone, its branch, the remote reached, push rights tried; nothing written. */
  async probe(): Promise<string> {
    return probeGit(await this.open(null));
  }

  async write(data: Uint8Array, ifRev: string | null, info: WriteInfo): Promise<WriteResult> {
    const repo = await this.open(true);
    const file = path.join(repo.top, repo.repoPath);
    // An uncommitted edit is the user's: read() commits it, write() must not overwrite it.
    // A file deleted from the working tree is simply written again.
    if ((await repo.fileDirty()) && (await fs.stat(file).catch(() => null))) {
      throw new CopyConflictError(this.id, `${this.id} has uncommitted changes; read it again first`);
    }
    const current = await repo.fileRev();
    if (current !== ifRev) throw new CopyConflictError(this.id, `${this.label}: ${this.relPath} is at ${short(current)}, expected ${short(ifRev)}`);
    const same = current !== null && Buffer.from(await repo.blob(`HEAD:${repo.repoPath}`)).equals(Buffer.from(data));
    if (same) {
      // No change, no commit; a file deleted from the working tree is put back.
      if (!(await fs.stat(file).catch(() => null))) await writeFileAtomic(file, data, { mode: 0o600 });
    } else {
      await writeFileAtomic(file, data, { mode: 0o600 });
      // A tracked file is committed straight from the working tree; a new one is added first.
      if (current === null) await repo.run(['add', '-f', '--', repo.repoPath]);
      // `--only` semantics (paths given): whatever else the user staged stays staged, uncommitted.
      await repo.run(['commit', '-q', '-m', redactor.redact(info.message), '--', repo.repoPath]);
    }
    const merged = await this.pushWithRetry(repo);
    const rev = await repo.fileRev();
    if (rev === null) throw new SsotError(ErrorCode.Internal, `${this.id}: the file vanished after the commit`);
    if (!merged) return { rev };
    // A raced push was merged: the file may now hold more than `data`.
    const stored = await repo.blob(`HEAD:${repo.repoPath}`);
    return Buffer.from(stored).equals(Buffer.from(data)) ? { rev } : { rev, stored };
  }

  async versions(): Promise<CopyVersion[]> {
    const repo = await this.open(false);
    const heads = await repo.fetch().catch(() => repo.localHeads());
    const refs = [heads.local, heads.remote].filter((r): r is string => !!r);
    if (refs.length === 0) return [];
    const out = await repo.run(['log', '--format=%H%x09%cI%x09%s', ...new Set(refs), '--', repo.repoPath]);
    return out
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const [id = '', time = '', ...subject] = l.split('\t');
        return { id, time: new Date(time), description: subject.join('\t') };
      });
  }

  async readVersion(id: string): Promise<Uint8Array> {
    const repo = await this.open(false);
    if (!/^[0-9a-f]{4,64}$/i.test(id)) throw new ConfigError(ErrorCode.NotFound, `${this.id}: "${id}" is not a commit id`);
    try {
      return await repo.blob(`${id}:${repo.repoPath}`);
    } catch (e) {
      throw new ConfigError(ErrorCode.NotFound, `${this.id}: no version of ${repo.repoPath} at commit ${id}`, {
        hint: 'pick an id from `ssot vault restore --from git` without --at, or from `git log`',
        cause: e,
      });
    }
  }

  // ---- steps -----------------------------------------------------------------

  /**
   * The repository checks that cannot change under us run once per instance;
   * the branch and "no merge in progress" checks on every operation (a
   * long-lived watcher must notice a user who switched branches). `fix`: may
   * rename an unborn branch; null: no branch check at all (the probe makes its own).
   */
  private async open(fix: boolean | null): Promise<GitRepo> {
    this.repoP ??= GitRepo.open({ repo: this.repoDir, remote: this.remote, relPath: this.relPath, ...(this.branch ? { branch: this.branch } : {}) }).catch((e: unknown) => {
      this.repoP = undefined;
      throw e;
    });
    const repo = await this.repoP;
    this.opened = repo;
    if (fix !== null) await repo.checkBranch(fix);
    return repo;
  }

  /** The user's uncommitted edit of the file is committed (never discarded). */
  private async commitWorkingTreeEdit(repo: GitRepo): Promise<void> {
    if (!(await repo.fileDirty())) return;
    const exists = await fs.stat(path.join(repo.top, repo.repoPath)).catch(() => null);
    if (!exists) return; // deleted in the working tree: leave that to the user, the committed file stays the copy
    await repo.run(['add', '-f', '--', repo.repoPath]);
    await repo.run(['commit', '-q', '-m', `ssot: commit uncommitted edit of ${repo.repoPath}`, '--', repo.repoPath]);
  }

  /** Bring the remote's commits into the local branch: fast-forward or merge. Returns whether it merged. */
  private async integrate(repo: GitRepo, heads: Heads): Promise<boolean> {
    if (!heads.remote || heads.remote === heads.local) return false;
    const remoteRef = `refs/remotes/${repo.remote}/${repo.branch}`;
    const base = heads.local ? await repo.mergeBase(heads.local, heads.remote) : undefined;
    if (heads.local && base === heads.remote) return false; // ahead: unpushed local commits are kept
    if (!heads.local || base === heads.local) {
      await repo.guard(() => repo.run(['merge', '-q', '--ff-only', remoteRef]), 'fast-forward to');
      return false;
    }
    await mergeDiverged(repo, remoteRef, this.merge);
    return true;
  }

  /**
   * Push; on a rejection because the remote moved on, fetch, merge (the file
   * through the callback) and push again. Returns whether a merge happened.
   * The check is by state (is the remote an ancestor of ours?), not by git's
   * localised messages.
   */
  private async pushWithRetry(repo: GitRepo): Promise<boolean> {
    let merged = false;
    for (let attempt = 1; ; attempt++) {
      const heads = await repo.localHeads();
      if (!heads.local) return merged; // nothing committed, nothing to push
      if (heads.remote === heads.local) return merged;
      // Behind the remote (a write of unchanged bytes before a read): nothing of ours to push;
      // the next read fast-forwards.
      if (heads.remote && (await repo.mergeBase(heads.local, heads.remote)) === heads.local) return merged;
      try {
        await repo.run(['push', '-q', repo.remote, `refs/heads/${repo.branch}:refs/heads/${repo.branch}`]);
        return merged;
      } catch (e) {
        const after = await repo.fetch().catch(() => undefined);
        const raced = after?.remote && after.local && (await repo.mergeBase(after.local, after.remote)) !== after.remote;
        if (!raced || attempt >= this.pushAttempts) throw repo.remoteError(raced ? `push (still rejected after ${attempt} merges) to` : 'push to', e);
        merged = (await this.integrate(repo, after)) || merged;
      }
    }
  }
}

function short(rev: string | null): string {
  return rev === null ? 'no file' : rev.slice(0, 12);
}
