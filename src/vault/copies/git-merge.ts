import { promises as fs } from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { writeFileAtomic } from '../../core/atomic.js';
import { ConflictError } from '../../core/errors.js';
import { ALLOWED_ENV, clean, type GitRepo } from './git-repo.js';

/**
 * Merges two versions of the copy's file (bytes in, bytes out). Supplied by the
 * sync engine: it decrypts both, merges entry by entry and saves. The copy knows
 * nothing of kdbx.
 */
export type MergeBytes = (ours: Uint8Array, theirs: Uint8Array) => Promise<Uint8Array>;

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
export async function mergeDiverged(repo: GitRepo, remoteRef: string, merge: MergeBytes): Promise<void> {
  const p = repo.repoPath;
  const tmp = await fs.mkdtemp(path.join(await repo.gitDir(), 'ssot-merge-'));
  await repo.run(['worktree', 'add', '-q', '--detach', tmp, `refs/heads/${repo.branch}`]);
  const wt = simpleGit({ baseDir: tmp, allowEnvironment: ALLOWED_ENV, ...(repo.identity ? { config: repo.identity } : {}) });
  let mergeCommit: string;
  try {
    try {
      await wt.raw(['merge', '-q', '--no-ff', '--no-commit', '--allow-unrelated-histories', remoteRef]);
    } catch (e) {
      const wtGitDir = path.resolve(tmp, (await wt.raw(['rev-parse', '--git-dir'])).trim());
      if (!(await fs.stat(path.join(wtGitDir, 'MERGE_HEAD')).catch(() => null))) {
        throw new ConflictError(`git copy: could not merge ${repo.remote}/${repo.branch} in ${repo.top}: ${clean(e)}`, {
          hint: `merge by hand: git -C ${repo.top} pull ${repo.remote} ${repo.branch}; then sync again`,
          cause: e,
        });
      }
    }
    const unmerged = (await wt.raw(['diff', '--name-only', '--diff-filter=U', '-z'])).split('\0').filter(Boolean);
    const others = unmerged.filter((f) => f !== p);
    if (others.length > 0) {
      throw new ConflictError(`git copy: merging ${repo.remote}/${repo.branch} in ${repo.top} conflicts in ${others.join(', ')}`, {
        hint: `merge by hand: git -C ${repo.top} pull ${repo.remote} ${repo.branch}, resolve, commit; then sync again`,
      });
    }
    if (unmerged.includes(p)) {
      const ours = await repo.blob(`:2:${p}`, wt).catch(() => undefined);
      const theirs = await repo.blob(`:3:${p}`, wt).catch(() => undefined);
      // One side deleted the file: keep the side that has it (a vault is never lost by a merge).
      const one = ours ?? theirs;
      if (!one) {
        throw new ConflictError(`git copy: merging ${repo.remote}/${repo.branch} in ${repo.top}: neither side holds ${p} any more`, {
          hint: `merge by hand: git -C ${repo.top} pull ${repo.remote} ${repo.branch}, resolve, commit; then sync again`,
        });
      }
      const result = ours && theirs ? await merge(ours, theirs) : one;
      await writeFileAtomic(path.join(tmp, p), result, { mode: 0o600 });
      await wt.raw(['add', '-f', '--', p]);
    }
    // --no-verify: both sides were committed (and their hooks run) already; this joins them.
    await wt.raw(['commit', '-q', '--no-verify', '-m', `ssot: merge ${repo.remote}/${repo.branch} (${p} merged entry by entry)`]);
    mergeCommit = (await wt.raw(['rev-parse', 'HEAD'])).trim();
  } finally {
    await repo.run(['worktree', 'remove', '--force', tmp]).catch(() => fs.rm(tmp, { recursive: true, force: true }));
    await repo.run(['worktree', 'prune']).catch(() => undefined);
  }
  await repo.guard(() => repo.run(['merge', '-q', '--ff-only', mergeCommit]), 'fast-forward to the merge of');
}
