import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SsotError } from '../../../src/core/errors.js';
import { redactor } from '../../../src/core/redact.js';
import { CopyConflictError } from '../../../src/vault/copies/copy.js';
import { GitCopy, type MergeBytes } from '../../../src/vault/copies/git.js';
import { runCopyConformance } from './conformance.js';
import { gitWorld, parseRecords, records, unionMerge, type GitWorld } from './gitfixture.js';
import { stringMatching } from '../../support/matchers.js';

const worlds: GitWorld[] = [];
async function world(): Promise<GitWorld> {
  const w = await gitWorld();
  worlds.push(w);
  return w;
}
afterAll(async () => {
  for (const w of worlds) await w.cleanup();
});

const noMerge: MergeBytes = async () => {
  throw new Error('merge must not be called here');
};
const msg = { message: 'vault: 1 entry changed' };

runCopyConformance(
  'git (bare remote on disk)',
  async () => {
    const w = await world();
    const dir = w.clone('a');
    const make = async () => new GitCopy({ repo: dir, remote: 'origin', branch: 'main', name: 'v.kdbx', merge: noMerge });
    return { copy: await make(), reopen: make };
  },
  { versions: true },
);

/** Two machines on one remote, each with a merge callback that counts its calls. */
async function twoMachines(opts: { path?: string } = {}) {
  const w = await world();
  const a = w.clone('a');
  const b = w.clone('b');
  const calls: Array<[string[], string[]]> = [];
  const merge: MergeBytes = async (ours, theirs) => {
    calls.push([parseRecords(ours), parseRecords(theirs)]);
    return unionMerge(ours, theirs);
  };
  const mk = (repo: string) => new GitCopy({ repo, name: 'v.kdbx', merge, ...(opts.path ? { path: opts.path } : {}) });
  return { w, a, b, A: mk(a), B: mk(b), calls };
}

describe('GitCopy.peek (for vault verify): what read() would return, with nothing changed', () => {
  it('an uncommitted edit, a remote ahead, a local commit ahead, both sides moved on: no commit, no fast-forward, no merge', async () => {
    const { w, b, A, B, calls } = await twoMachines();
    const r0 = (await A.write(records('base'), null, msg)).rev;
    await B.read();
    const clone = (dir: string): string[] => [w.git(dir, 'rev-parse', 'HEAD'), w.git(dir, 'status', '--porcelain'), w.git(dir, 'log', '--oneline', '--branches')] // the fetch moves origin/main, as it may;
    const peeked = async (c: GitCopy, dir: string): Promise<string[]> => {
      const before = clone(dir);
      const r = await c.peek();
      expect(clone(dir)).toEqual(before);
      return parseRecords(r!.data);
    };

    // The user's uncommitted edit in the working tree (read() would commit it).
    await fs.writeFile(path.join(b, 'v.kdbx'), records('base', 'uncommitted-b'));
    expect(await peeked(B, b)).toEqual(['base', 'uncommitted-b']);
    w.git(b, 'checkout', '--', 'v.kdbx');

    // The remote is ahead (read() would fast-forward): the remote's file.
    await A.write(records('base', 'from-a'), r0, msg);
    expect(await peeked(B, b)).toEqual(['base', 'from-a']);

    // Ours is ahead (an unpushed commit): ours.
    await fs.writeFile(path.join(b, 'v.kdbx'), records('base', 'unpushed-b'));
    w.git(b, 'commit', '-qam', 'by hand, not pushed');
    expect(await peeked(B, b)).toEqual(['base', 'unpushed-b']);

    // Both moved on, only the remote changed the file (ours changed another file): the remote's.
    w.git(b, 'reset', '-q', '--hard', 'HEAD~1');
    await fs.writeFile(path.join(b, 'notes.txt'), 'another file');
    w.git(b, 'add', 'notes.txt');
    w.git(b, 'commit', '-qm', 'another file');
    expect(await peeked(B, b)).toEqual(['base', 'from-a']);
    expect(calls).toEqual([]);
    // read() agrees (and now merges the histories).
    expect(parseRecords((await B.read())!.data)).toEqual(['base', 'from-a']);
  });
});

describe('GitCopy between two clones', () => {
  it('a push that raced ours is merged through the callback, not overwritten', async () => {
    const { w, a, A, B, calls } = await twoMachines();
    const r0 = (await A.write(records('base'), null, msg)).rev;
    const seenByB = await B.read();
    expect(seenByB!.rev).toBe(r0);
    // A moves on first; B still writes on the revision it saw.
    await A.write(records('base', 'from-a'), r0, msg);
    const res = await B.write(records('base', 'from-b'), seenByB!.rev, msg);
    expect(calls).toEqual([[['base', 'from-b'], ['base', 'from-a']]]);
    expect(parseRecords(res.stored!)).toEqual(['base', 'from-a', 'from-b']);
    // The remote holds the merge; A fast-forwards to it.
    const onA = await A.read();
    expect(parseRecords(onA!.data)).toEqual(['base', 'from-a', 'from-b']);
    expect(onA!.rev).toBe(res.rev);
    expect(w.git(a, 'status', '--porcelain')).toBe('');
    // Both versions stay in history.
    const vs = await A.versions();
    const contents = await Promise.all(vs.map(async (v) => parseRecords(await A.readVersion(v.id)).join(',')));
    expect(contents).toContain('base,from-a');
    expect(contents).toContain('base,from-b');
  });

  it('diverged history (a local commit not pushed, the remote moved on) is merged on read', async () => {
    const { w, a, A, B, calls } = await twoMachines();
    const r0 = (await A.write(records('base'), null, msg)).rev;
    await B.read();
    // A commits by hand and does not push.
    await fs.writeFile(path.join(a, 'v.kdbx'), records('base', 'local-a'));
    w.git(a, 'commit', '-qam', 'by hand');
    await B.write(records('base', 'from-b'), r0, msg);
    const r = await A.read();
    expect(calls.length).toBe(1);
    expect(parseRecords(r!.data)).toEqual(['base', 'from-b', 'local-a']);
    // Merged locally, not yet pushed: the next write pushes it.
    expect(w.git(a, 'rev-list', '--count', 'origin/main..main').trim()).toBe('2');
    const { rev } = await A.write(records('base', 'from-b', 'local-a', 'more'), r!.rev, msg);
    expect(w.git(a, 'rev-list', '--count', 'origin/main..main').trim()).toBe('0');
    const onB = await B.read();
    expect(onB!.rev).toBe(rev);
    expect(parseRecords(onB!.data)).toEqual(['base', 'from-b', 'local-a', 'more']);
  });

  it('keeps unpushed local commits when the local branch is ahead, and pushes them with the next write', async () => {
    const { w, a, A, B, calls } = await twoMachines();
    await A.write(records('base'), null, msg);
    await fs.writeFile(path.join(a, 'v.kdbx'), records('base', 'unpushed'));
    w.git(a, 'commit', '-qam', 'local only');
    const r = await A.read();
    expect(parseRecords(r!.data)).toEqual(['base', 'unpushed']);
    expect(r!.rev).toBe(w.git(a, 'rev-parse', 'HEAD').trim());
    // Writing the bytes it holds makes no commit but pushes what waits.
    const same = await A.write(r!.data, r!.rev, msg);
    expect(same.rev).toBe(r!.rev);
    expect(w.git(a, 'rev-list', '--count', 'origin/main..main').trim()).toBe('0');
    expect(parseRecords((await B.read())!.data)).toEqual(['base', 'unpushed']);
    expect(calls.length).toBe(0);
  });

  it('a write of unchanged bytes while behind the remote pushes nothing and changes nothing', async () => {
    const { w, a, A, B } = await twoMachines();
    const r0 = (await A.write(records('base'), null, msg)).rev;
    const seen = await B.read();
    const r1 = (await A.write(records('newer'), r0, msg)).rev;
    const res = await B.write(seen!.data, seen!.rev, msg);
    expect(res).toEqual({ rev: r0 });
    expect(w.git(w.bare, 'rev-parse', 'main').trim()).toBe(w.git(a, 'rev-parse', 'HEAD').trim());
    expect((await B.read())!.rev).toBe(r1);
  });

  it('works in a repository with other files: commits only the vault file, leaves staged and modified files alone', async () => {
    const { w, a, b, A, B } = await twoMachines({ path: 'vaults/team' });
    await fs.writeFile(path.join(a, 'README.md'), 'hello\n');
    w.git(a, 'add', 'README.md');
    w.git(a, 'commit', '-qm', 'readme');
    w.git(a, 'push', '-q', 'origin', 'main');
    await fs.writeFile(path.join(a, 'README.md'), 'hello, modified\n'); // modified, not staged
    await fs.writeFile(path.join(a, 'notes.txt'), 'staged\n');
    w.git(a, 'add', 'notes.txt'); // staged, not committed
    const { rev } = await A.write(records('x'), null, msg);
    expect(w.git(a, 'show', '--name-only', '--format=', rev).trim()).toBe('vaults/team/v.kdbx');
    expect(w.git(a, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([' M README.md', 'A  notes.txt']);
    expect(w.git(a, 'log', '-1', '--format=%s').trim()).toBe(msg.message);
    // Another machine commits an unrelated file: the vault's rev does not move, no merge callback is needed.
    w.git(b, 'pull', '-q', 'origin', 'main');
    await fs.writeFile(path.join(b, 'other.md'), 'x\n');
    w.git(b, 'add', 'other.md');
    w.git(b, 'commit', '-qm', 'other');
    w.git(b, 'push', '-q', 'origin', 'main');
    expect(await A.head()).toBe(rev);
    const r2 = await A.write(records('x', 'y'), rev, msg); // push rejected, merged (no kdbx conflict), pushed
    expect(r2.stored).toBeUndefined();
    expect(parseRecords((await B.read())!.data)).toEqual(['x', 'y']);
    expect(await fs.readFile(path.join(a, 'README.md'), 'utf8')).toBe('hello, modified\n');
  });

  it('a conflict in another file aborts the merge with a clear error and loses nothing', async () => {
    const { w, a, b, A, B } = await twoMachines();
    await A.write(records('base'), null, msg);
    await B.read();
    for (const [dir, text] of [[a, 'A\n'], [b, 'B\n']] as const) {
      await fs.writeFile(path.join(dir, 'shared.md'), text);
      w.git(dir, 'add', 'shared.md');
      w.git(dir, 'commit', '-qm', 'shared');
    }
    w.git(b, 'push', '-q', 'origin', 'main');
    const localHead = w.git(a, 'rev-parse', 'HEAD').trim();
    const err = await A.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsotError);
    expect((err as SsotError).exitCode).toBe(3);
    expect((err as SsotError).message).toMatch(/shared\.md/);
    expect(w.git(a, 'rev-parse', 'HEAD').trim()).toBe(localHead);
    expect(w.git(a, 'status', '--porcelain')).toBe('');
    expect(await fs.readFile(path.join(a, 'shared.md'), 'utf8')).toBe('A\n');
  });

  it('a failing merge callback aborts the merge and leaves the clone as it was', async () => {
    const w = await world();
    const a = w.clone('a');
    const b = w.clone('b');
    const failing: MergeBytes = async () => {
      throw new Error('not the same database');
    };
    const A = new GitCopy({ repo: a, name: 'v.kdbx', merge: failing });
    const B = new GitCopy({ repo: b, name: 'v.kdbx', merge: failing });
    const r0 = (await A.write(records('base'), null, msg)).rev;
    await B.read();
    await A.write(records('a'), r0, msg);
    await expect(B.write(records('b'), r0, msg)).rejects.toThrow(/not the same database/);
    expect(w.git(b, 'status', '--porcelain')).toBe('');
    expect(parseRecords(await fs.readFile(path.join(b, 'v.kdbx')))).toEqual(['b']); // its commit is kept
    await expect(fs.stat(path.join(b, '.git', 'MERGE_HEAD'))).rejects.toThrow();
  });

  it('an uncommitted edit of the file in the working tree is committed on read, not lost', async () => {
    const { w, a, A } = await twoMachines();
    const r0 = (await A.write(records('base'), null, msg)).rev;
    await fs.writeFile(path.join(a, 'v.kdbx'), records('edited-in-place'));
    await expect(A.write(records('other'), r0, msg)).rejects.toBeInstanceOf(CopyConflictError);
    expect(await A.head()).not.toBe(r0);
    const r = await A.read();
    expect(parseRecords(r!.data)).toEqual(['edited-in-place']);
    expect(r!.rev).not.toBe(r0);
    expect(w.git(a, 'status', '--porcelain')).toBe('');
  });

  it('a vault file deleted from the working tree is written again, not a conflict forever', async () => {
    const { w, a, A } = await twoMachines();
    const r0 = (await A.write(records('base'), null, msg)).rev;
    await fs.rm(path.join(a, 'v.kdbx'));
    const r = await A.read();
    expect(r!.rev).toBe(r0);
    expect(parseRecords(r!.data)).toEqual(['base']); // the committed file is the copy
    expect((await A.write(records('base'), r!.rev, msg)).rev).toBe(r0); // same bytes: put back, no commit
    expect(parseRecords(await fs.readFile(path.join(a, 'v.kdbx')))).toEqual(['base']);
    await fs.rm(path.join(a, 'v.kdbx'));
    await A.write(records('next'), r!.rev, msg);
    expect(parseRecords(await fs.readFile(path.join(a, 'v.kdbx')))).toEqual(['next']);
    expect(w.git(a, 'status', '--porcelain')).toBe('');
  });

  it('head() predicts read(): behind gives the remote rev; diverged gives a rev no write can match', async () => {
    const { w, a, A, B } = await twoMachines();
    const r0 = (await A.write(records('base'), null, msg)).rev;
    await B.read();
    const r1 = (await A.write(records('a1'), r0, msg)).rev;
    expect(await B.head()).toBe(r1); // behind: head is what read() will return
    expect((await B.read())!.rev).toBe(r1);
    await fs.writeFile(path.join(a, 'v.kdbx'), records('a2'));
    w.git(a, 'commit', '-qam', 'local');
    await B.write(records('b2'), r1, msg);
    const h = await A.head();
    expect(h).toMatch(/^diverged:/);
    await expect(A.write(records('x'), h, msg)).rejects.toBeInstanceOf(CopyConflictError);
  });

  it('first sync on an empty remote from a clone whose unborn branch has another name', async () => {
    const w = await world();
    const a = w.clone('a'); // init.defaultBranch=master in the fixture; the copy wants main
    const A = new GitCopy({ repo: a, name: 'v.kdbx', path: 'sub/dir', merge: noMerge });
    expect(await A.read()).toBeNull();
    await A.write(records('one'), null, msg);
    expect(w.git(w.bare, 'ls-tree', '-r', '--name-only', 'main').trim()).toBe('sub/dir/v.kdbx');
    const b = w.clone('b');
    const B = new GitCopy({ repo: b, name: 'v.kdbx', path: 'sub/dir', merge: noMerge });
    expect(parseRecords((await B.read())!.data)).toEqual(['one']);
  });

  it('two machines that both create the file first are merged (add/add)', async () => {
    const { A, B, calls } = await twoMachines();
    await A.write(records('a'), null, msg);
    const res = await B.write(records('b'), null, msg); // B had not fetched: its own check passes, the push races
    expect(calls.length).toBe(1);
    expect(parseRecords(res.stored!)).toEqual(['a', 'b']);
  });

  it('commits with a neutral identity where git has none configured, and redacts secrets from messages', async () => {
    const w = await world();
    const a = w.clone('a', { identity: false });
    // No global identity either (the machine running the tests may have one).
    const saved = process.env.GIT_CONFIG_GLOBAL;
    process.env.GIT_CONFIG_GLOBAL = path.join(w.root, 'gitconfig');
    try {
      const A = new GitCopy({ repo: a, name: 'v.kdbx', merge: noMerge });
      redactor.add('hunter2-secret-value');
      await A.write(records('x'), null, { message: 'changed hunter2-secret-value' });
      expect(w.git(a, 'log', '-1', '--format=%s|%ae').trim()).toBe('changed [REDACTED]|ssot@localhost');
    } finally {
      if (saved === undefined) delete process.env.GIT_CONFIG_GLOBAL;
      else process.env.GIT_CONFIG_GLOBAL = saved;
    }
  });
});

describe('GitCopy errors name the repository and the fix', () => {
  it('missing folder, not a repository, missing remote, wrong branch', async () => {
    const w = await world();
    const missing = new GitCopy({ repo: path.join(w.root, 'nope'), name: 'v.kdbx', merge: noMerge });
    await expect(missing.read()).rejects.toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2, hint: stringMatching(/git clone/) });

    const plain = path.join(w.root, 'plain');
    await fs.mkdir(plain);
    const notRepo = new GitCopy({ repo: plain, name: 'v.kdbx', merge: noMerge });
    await expect(notRepo.read()).rejects.toThrow(/plain is not a git repository/);

    const a = w.clone('a');
    const noRemote = new GitCopy({ repo: a, remote: 'backup', name: 'v.kdbx', merge: noMerge });
    const e = (await noRemote.read().catch((x: unknown) => x)) as SsotError;
    expect(e.message).toMatch(/has no remote "backup"/);
    expect(e.hint).toMatch(/remote add backup/);

    await new GitCopy({ repo: a, name: 'v.kdbx', merge: noMerge }).write(records('x'), null, msg);
    w.git(a, 'switch', '-q', '-c', 'feature');
    await expect(new GitCopy({ repo: a, name: 'v.kdbx', merge: noMerge }).read()).rejects.toThrow(/is on feature, not main/);
  });

  it('an unreachable remote is a retryable RemoteError; the local commit is kept', async () => {
    const w = await world();
    const a = w.clone('a');
    const A = new GitCopy({ repo: a, name: 'v.kdbx', merge: noMerge });
    const r0 = (await A.write(records('x'), null, msg)).rev;
    await fs.rename(w.bare, w.bare + '.gone');
    const e = (await A.write(records('y'), r0, msg).catch((x: unknown) => x)) as SsotError & { retryable: boolean };
    expect(e.code).toBe('REMOTE');
    expect(e.retryable).toBe(true);
    expect(parseRecords(await fs.readFile(path.join(a, 'v.kdbx')))).toEqual(['y']);
    await fs.rename(w.bare + '.gone', w.bare);
    const r = await A.read();
    expect(parseRecords(r!.data)).toEqual(['y']);
    await A.write(r!.data, r!.rev, msg); // flushes the waiting commit
    expect(w.git(w.bare, 'rev-parse', 'main').trim()).toBe(w.git(a, 'rev-parse', 'HEAD').trim());
  });
});
