import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseDiff } from './git-diff.js';

export { parseAddedLines, unquoteGitPath } from './git-diff.js';

/**
 * Reading what is about to be committed, from git's index (never the working
 * tree): the added lines of text files from `git diff --cached -U0`, and the
 * blobs of binary files from `git cat-file --batch`. Everything goes through
 * `git` with options that ignore the user's diff settings (external diff,
 * textconv, colour, prefixes, quoting).
 */

export class GitError extends Error {
  readonly notARepo: boolean;
  constructor(message: string, notARepo = false) {
    super(message);
    this.name = 'GitError';
    this.notARepo = notARepo;
  }
}

const BASE_ARGS = ['-c', 'core.quotepath=off', '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false', '-c', 'color.ui=never'];

export function git(cwd: string, args: string[], input?: Buffer | string, allowFail = false): { stdout: Buffer; status: number; stderr: string } {
  const r = spawnSync('git', [...BASE_ARGS, ...args], {
    cwd,
    input,
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
  });
  if (r.error) throw new GitError(`cannot run git: ${r.error.message}`);
  const status = r.status ?? 1;
  const stderr = r.stderr.toString('utf8');
  if (status !== 0 && !allowFail) {
    throw new GitError(`git ${args.filter((a) => !a.startsWith('-c')).slice(0, 3).join(' ')} failed: ${stderr.trim().split('\n')[0] ?? ''}`, /not a git repository/i.test(stderr));
  }
  return { stdout: r.stdout, status, stderr };
}

/** `git` without blocking: two calls that do not depend on each other run at once. */
function gitAsync(cwd: string, args: string[], input?: Buffer | string): Promise<{ stdout: Buffer; status: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...BASE_ARGS, ...args], { cwd, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new GitError(`cannot run git: ${e.message}`)));
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), status: code ?? 1, stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => undefined); // git may exit before it reads all of its input
    child.stdin.end(input ?? '');
  });
}

function ensureOk(r: { stdout: Buffer; status: number; stderr: string }, what: string): Buffer {
  if (r.status !== 0) throw new GitError(`git ${what} failed: ${r.stderr.trim().split('\n')[0] ?? ''}`, /not a git repository/i.test(r.stderr));
  return r.stdout;
}

const gitDirs = new Map<string, string>();

/** The repository's git folder (for MERGE_HEAD), as `git rev-parse --absolute-git-dir` gives it. */
function gitDir(root: string): string {
  return gitDirs.get(root) ?? git(root, ['rev-parse', '--absolute-git-dir']).stdout.toString('utf8').trim();
}

const REPO_INFO = ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--verify', '-q', 'HEAD^{commit}'];

/** The repository's top folder, its git folder, and whether HEAD is a commit, from one `git REPO_INFO` call. */
function parseRepoInfo(r: { stdout: Buffer; status: number; stderr: string }): { root: string; hasHead: boolean } {
  const [root, dir, head] = r.stdout.toString('utf8').trim().split('\n');
  if (!root || !dir) throw new GitError(/not a git repository/i.test(r.stderr) ? 'not inside a git repository' : r.stderr.trim(), /not a git repository/i.test(r.stderr));
  gitDirs.set(root, dir);
  return { root, hasHead: r.status === 0 && /^[0-9a-f]{40,64}$/.test(head ?? '') };
}

export function repoRoot(cwd: string): string {
  const r = git(cwd, ['rev-parse', '--show-toplevel', '--absolute-git-dir'], undefined, true);
  if (r.status !== 0) throw new GitError(/not a git repository/i.test(r.stderr) ? 'not inside a git repository' : r.stderr.trim(), true);
  const [root, dir] = r.stdout.toString('utf8').trim().split('\n') as [string, string | undefined];
  if (dir) gitDirs.set(root, dir);
  return root;
}

/** A text to scan: the added lines of a file (with their line numbers), or a whole file. */
export interface Target {
  path: string;
  bytes: Buffer;
  /** For added lines: the file's line number of each line of `bytes`. Absent: line i is line i+1. */
  lineNumbers?: Int32Array;
  binary: boolean;
  /** True when `bytes` starts at the file's first line (a new file, or a whole file). */
  fromStart: boolean;
  /** Characters before each line's content: 1 for added lines (their `+`), else 0. */
  linePrefix?: number;
}

export interface Skipped {
  path: string;
  reason: string;
}

export interface ReadResult {
  root: string;
  targets: Target[];
  skipped: Skipped[];
  notes: string[];
  /** Every path that would be committed (blocked-path checks apply to these, content or not). */
  paths: string[];
}

export interface ReadOptions {
  maxFileBytes: number;
  ignore?: (path: string) => boolean;
}

interface RawEntry {
  status: string;
  newMode: string;
  newOid: string;
  path: string;
}

function splitZ(buf: Buffer): string[] {
  const parts = buf.toString('utf8').split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function parseRaw(buf: Buffer): RawEntry[] {
  const t = splitZ(buf);
  const raw: RawEntry[] = [];
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    if (tok?.startsWith(':')) {
      const f = tok.slice(1).split(' ');
      const status = f[4] ?? '';
      const letter = status[0] ?? '';
      let p = t[++i] ?? '';
      if (letter === 'R' || letter === 'C') p = t[++i] ?? '';
      raw.push({ status: letter, newMode: f[1] ?? '', newOid: f[3] ?? '', path: p });
    }
  }
  return raw;
}

/** Sizes of blobs, by object id. */
function blobSizes(root: string, oids: string[]): Map<string, number> {
  const sizes = new Map<string, number>();
  if (oids.length === 0) return sizes;
  const out = git(root, ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], oids.join('\n') + '\n').stdout.toString('utf8');
  for (const line of out.split('\n')) {
    const [oid, type, size] = line.split(' ');
    if (oid && type === 'blob' && size) sizes.set(oid, Number(size));
  }
  return sizes;
}

/** `git cat-file --batch` output: each object's header line, then its bytes. */
function parseBatch(buf: Buffer, out: Map<string, Buffer>): void {
  let p = 0;
  while (p < buf.length) {
    const nl = buf.indexOf(10, p);
    if (nl < 0) break;
    const [oid, type, sizeText] = buf.subarray(p, nl).toString('latin1').split(' ');
    if (oid === undefined || type === 'missing' || !sizeText) {
      p = nl + 1;
      continue;
    }
    const size = Number(sizeText);
    out.set(oid, buf.subarray(nl + 1, nl + 1 + size));
    p = nl + 1 + size + 1;
  }
}

/** Object ids in batches of at most 64 MB of content, so no single read is unbounded. */
function batches(oids: string[], sizes: Map<string, number>): string[][] {
  const out: string[][] = [];
  let batch: string[] = [];
  let total = 0;
  for (const oid of oids) {
    batch.push(oid);
    total += sizes.get(oid) ?? 0;
    if (total >= 64 * 1024 * 1024) {
      out.push(batch);
      batch = [];
      total = 0;
    }
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

/** Contents of blobs, read in batches of bounded size. */
function readBlobs(root: string, oids: string[], sizes: Map<string, number>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const b of batches(oids, sizes)) parseBatch(git(root, ['cat-file', '--batch'], b.join('\n') + '\n').stdout, out);
  return out;
}

async function readBlobsAsync(root: string, oids: string[], sizes: Map<string, number>): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const b of batches(oids, sizes)) parseBatch(ensureOk(await gitAsync(root, ['cat-file', '--batch'], b.join('\n') + '\n'), 'cat-file'), out);
  return out;
}

function emptyTree(root: string): string {
  return git(root, ['hash-object', '-t', 'tree', '--stdin'], '').stdout.toString('utf8').trim();
}


/** Literal pathspec, so a file named `*.js` or `:x` means itself. */
function literal(p: string): string {
  return `:(exclude,literal)${p}`;
}

const DIFF_COMMON = ['--cached', '-M', '--no-ext-diff', '--no-textconv', '--no-color', '--no-relative', '--ignore-submodules=all'];

/**
 * What `git commit` would record: added lines of text files, whole binary
 * files, from the index. Git calls that do not depend on each other run at
 * once (where the repository is ∥ what the index changes; the added lines of
 * changed files ∥ the blobs of new ones): a commit waits for three rounds.
 */
export async function readStaged(cwd: string, opts: ReadOptions): Promise<ReadResult> {
  // The tree comparison only (no content diff): cheap even for a large change. Paths are the root's (--no-relative).
  const [info, headRaw] = await Promise.all([gitAsync(cwd, REPO_INFO), gitAsync(cwd, ['diff', ...DIFF_COMMON, '--raw', '--no-abbrev', '-z', 'HEAD'])]);
  const { root, hasHead } = parseRepoInfo(info);
  const notes: string[] = [];
  const base = hasHead ? 'HEAD' : emptyTree(root);
  if (!hasHead) notes.push('no commit yet: every staged file is new');
  if (existsSync(path.join(gitDir(root), 'MERGE_HEAD'))) notes.push('a merge is in progress: scanning everything the merge adds to HEAD');
  const rawOut = hasHead ? ensureOk(headRaw, 'diff --raw') : git(root, ['diff', ...DIFF_COMMON, '--raw', '--no-abbrev', '-z', base]).stdout;
  const { paths, files, exclude, skipped } = stagedEntries(parseRaw(rawOut), opts);
  const sizes = blobSizes(root, files.map((e) => e.newOid));
  const ok = files.filter((e) => {
    const size = sizes.get(e.newOid) ?? 0;
    if (size <= opts.maxFileBytes) return true;
    skipped.push({ path: e.path, reason: `larger than guard.maxFileBytes (${size} > ${opts.maxFileBytes} bytes): not scanned` });
    exclude.push(e.path);
    return false;
  });
  // A new file is added whole: read its blob (cheaper than having git diff it against nothing).
  const whole = ok.filter((e) => e.status === 'A');
  const changed = ok.filter((e) => e.status !== 'A');
  const skip = [...exclude, ...whole.map((e) => e.path)];
  const [patch, wholeBlobs] = await Promise.all([
    changed.length > 0 ? gitAsync(root, ['diff', ...DIFF_COMMON, '-U0', '--src-prefix=a/', '--dst-prefix=b/', '--diff-filter=CMRT', base, '--', '.', ...skip.map(literal)]) : undefined,
    whole.length > 0 ? readBlobsAsync(root, [...new Set(whole.map((e) => e.newOid))], sizes) : undefined,
  ]);
  const targets: Target[] = [];
  const bin: RawEntry[] = [];
  if (patch) {
    const { added, binary } = parseDiff(ensureOk(patch, 'diff -U0'));
    for (const e of changed) {
      if (binary.has(e.path)) bin.push(e);
      const a = binary.has(e.path) ? undefined : added.get(e.path);
      if (a) targets.push({ path: e.path, bytes: a.bytes, lineNumbers: a.lineNumbers, binary: false, fromStart: a.fromStart, linePrefix: 1 });
    }
  }
  const blobs = new Map([...(wholeBlobs ?? []), ...(bin.length > 0 ? readBlobs(root, [...new Set(bin.map((e) => e.newOid))], sizes) : [])]);
  for (const e of [...whole, ...bin]) {
    const b = blobs.get(e.newOid);
    if (b) targets.push({ path: e.path, bytes: b, binary: isBinary(b), fromStart: true });
    else skipped.push({ path: e.path, reason: 'its staged content could not be read' });
  }
  return { root, targets, skipped, notes, paths };
}

/** The staged entries to read: unmerged ones skipped, deletions and submodules left out, ignored paths excluded. */
function stagedEntries(raw: RawEntry[], opts: ReadOptions): { paths: string[]; files: RawEntry[]; exclude: string[]; skipped: Skipped[] } {
  const paths: string[] = [];
  const files: RawEntry[] = [];
  const exclude: string[] = [];
  const skipped: Skipped[] = [];
  for (const e of raw) {
    if (e.status === 'U') {
      skipped.push({ path: e.path, reason: 'unmerged: resolve the conflict and stage it' });
      continue;
    }
    if (e.status === 'D') continue;
    paths.push(e.path);
    if (e.newMode === '160000') continue; // a submodule: its own repository scans it
    if (opts.ignore?.(e.path)) {
      exclude.push(e.path);
      continue;
    }
    files.push(e);
  }
  return { paths, files, exclude, skipped };
}

/** Every tracked file as it is in the index. */
export function readAll(cwd: string, opts: ReadOptions): ReadResult {
  const root = repoRoot(cwd);
  const skipped: Skipped[] = [];
  const entries: { oid: string; path: string }[] = [];
  const seenUnmerged = new Set<string>();
  const paths: string[] = [];
  for (const rec of splitZ(git(root, ['ls-files', '-s', '-z']).stdout)) {
    const tab = rec.indexOf('\t');
    const [mode, oid, stage] = rec.slice(0, tab).split(' ') as [string, string, string];
    const p = rec.slice(tab + 1);
    if (stage !== '0') {
      if (!seenUnmerged.has(p)) skipped.push({ path: p, reason: 'unmerged: resolve the conflict and stage it' });
      seenUnmerged.add(p);
      continue;
    }
    paths.push(p);
    if (mode === '160000' || opts.ignore?.(p)) continue;
    entries.push({ oid, path: p });
  }
  const sizes = blobSizes(root, entries.map((e) => e.oid));
  const ok = entries.filter((e) => {
    const size = sizes.get(e.oid) ?? 0;
    if (size <= opts.maxFileBytes) return true;
    skipped.push({ path: e.path, reason: `larger than guard.maxFileBytes (${size} > ${opts.maxFileBytes} bytes): not scanned` });
    return false;
  });
  const blobs = readBlobs(root, [...new Set(ok.map((e) => e.oid))], sizes);
  const targets: Target[] = [];
  for (const e of ok) {
    const b = blobs.get(e.oid);
    if (!b) {
      skipped.push({ path: e.path, reason: 'its content could not be read' });
      continue;
    }
    targets.push({ path: e.path, bytes: b, binary: isBinary(b), fromStart: true });
  }
  return { root, targets, skipped, notes: [], paths };
}

/** Git's own test: a NUL byte in the first 8000 bytes. */
export function isBinary(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8000);
  for (let i = 0; i < n; i++) if (b[i] === 0) return true;
  return false;
}
