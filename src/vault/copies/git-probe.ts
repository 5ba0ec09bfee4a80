import type { GitRepo } from './git-repo.js';

/**
 * `ssot doctor` on a git copy: the same checks a sync makes, and nothing
 * written: no fetch (it would move the remote-tracking refs), no rename of an
 * unborn branch, no commit. The remote is reached with `ls-remote`, and push
 * rights are tried with `push --dry-run` when there is a commit to push.
 */
export async function probeGit(repo: GitRepo): Promise<string> {
  await repo.checkBranch(false);
  const branch = repo.branch;
  let remoteHead: string | undefined;
  try {
    remoteHead = (await repo.run(['ls-remote', '--heads', repo.remote, `refs/heads/${branch}`])).split(/\s/)[0] || undefined;
  } catch (e) {
    throw repo.remoteError('reach', e);
  }
  const parts = [remoteHead ? `${repo.remote}/${branch} reachable, at ${remoteHead.slice(0, 12)}` : `${repo.remote} reachable, no ${branch} there yet (the first sync pushes it)`];
  const local = await repo.refId(`refs/heads/${branch}`);
  if (!local) {
    // An empty clone: there is nothing to push, and making a commit to try would be a write.
    const unborn = (await repo.headRef()).replace(/^refs\/heads\//, '');
    parts.push(unborn && unborn !== branch ? `the clone's empty branch ${unborn} becomes ${branch} at the first sync; push rights are tried then` : 'no commit here yet: push rights are tried at the first sync');
    return parts.join('; ');
  }
  const rev = await repo.fileRev();
  parts.push(rev ? `the file is at commit ${rev.slice(0, 12)}` : 'the file is not in the repository yet (the next sync commits it)');
  try {
    await repo.run(['push', '--dry-run', '--porcelain', repo.remote, `refs/heads/${branch}:refs/heads/${branch}`]);
    parts.push(`push to ${repo.remote}/${branch} accepted (dry run)`);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    if (!/\[rejected\]|fetch first|non-fast-forward/.test(text)) throw repo.remoteError('push (dry run) to', e);
    parts.push(`the remote has commits this clone lacks: the next sync merges them before it pushes`);
  }
  return parts.join('; ');
}
