import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

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
  const stderr = r.stderr?.toString('utf8') ?? '';
  if (status !== 0 && !allowFail) {
    throw new GitError(`git ${args.filter((a) => !a.startsWith('-c')).slice(0, 3).join(' ')} failed: ${stderr.trim().split('\n')[0] ?? ''}`, /not a git repository/i.test(stderr));
  }
  return { stdout: r.stdout ?? Buffer.alloc(0), status, stderr };
}

const gitDirs = new Map<string, string>();

/** The repository's git folder (for MERGE_HEAD), as `git rev-parse --absolute-git-dir` gives it. */
function gitDir(root: string): string {
  return gitDirs.get(root) ?? git(root, ['rev-parse', '--absolute-git-dir']).stdout.toString('utf8').trim();
}

/** The repository's top folder, its git folder, and whether HEAD is a commit: one git call. */
function repoInfo(cwd: string): { root: string; hasHead: boolean } {
  const r = git(cwd, ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--verify', '-q', 'HEAD^{commit}'], undefined, true);
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
    const tok = t[i]!;
    if (tok.startsWith(':')) {
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

/** Contents of blobs, read in batches of bounded size. */
export function readBlobs(root: string, oids: string[], sizes: Map<string, number>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const BATCH = 64 * 1024 * 1024;
  let batch: string[] = [];
  let total = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    const buf = git(root, ['cat-file', '--batch'], batch.join('\n') + '\n').stdout;
    let p = 0;
    while (p < buf.length) {
      const nl = buf.indexOf(10, p);
      if (nl < 0) break;
      const [oid, type, sizeText] = buf.subarray(p, nl).toString('latin1').split(' ');
      if (type === 'missing' || !sizeText) {
        p = nl + 1;
        continue;
      }
      const size = Number(sizeText);
      out.set(oid!, buf.subarray(nl + 1, nl + 1 + size));
      p = nl + 1 + size + 1;
    }
    batch = [];
    total = 0;
  };
  for (const oid of oids) {
    batch.push(oid);
    total += sizes.get(oid) ?? 0;
    if (total >= BATCH) flush();
  }
  flush();
  return out;
}

function emptyTree(root: string): string {
  return git(root, ['hash-object', '-t', 'tree', '--stdin'], '').stdout.toString('utf8').trim();
}


/** Unquote a C-style quoted path as git prints it ("a\tb", octal escapes). */
export function unquoteGitPath(s: string): string {
  if (!s.startsWith('"')) return s;
  const inner = s.slice(1, s.lastIndexOf('"'));
  const bytes: number[] = [];
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c !== '\\') {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      continue;
    }
    const n = inner[++i] ?? '';
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(inner.slice(i, i + 3), 8));
      i += 2;
    } else {
      const map: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, '"': 34 };
      bytes.push(map[n] ?? n.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parse `git diff -U0` output into the added lines of each file. */
export interface Added {
  /** The added lines as they are in the diff, each still starting with its `+` (no copy for one hunk). */
  bytes: Buffer;
  lineNumbers: Int32Array;
  fromStart: boolean;
}

/** Parse `git diff -U0` output: the added lines of each text file, and which files git found binary. */
export function parseDiff(buf: Buffer): { added: Map<string, Added>; binary: Set<string> } {
  const files = new Map<string, { ranges: number[]; fromStart: boolean }>();
  const binary = new Set<string>();
  // ranges: [start, end, first line number, line count] per run of added lines
  let current: { ranges: number[]; fromStart: boolean } | undefined;
  let inHeader = false;
  let header = '';
  let renamedTo: string | undefined;
  let newLine = 0;
  let pos = 0;
  const len = buf.length;
  while (pos < len) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = len;
    const c = buf[pos];
    if (c === 0x2b /* + */ && !inHeader) {
      // A run of added lines: one range, found with native newline searches only.
      const start = pos;
      let count = 0;
      let p = pos;
      while (p < len && buf[p] === 0x2b) {
        const e = buf.indexOf(10, p);
        count++;
        p = e < 0 ? len : e + 1;
      }
      if (current) current.ranges.push(start, p, newLine, count);
      newLine += count;
      pos = p;
      continue;
    } else if (c === 0x40 /* @ */ && buf[pos + 1] === 0x40) {
      inHeader = false;
      const m = /\+(\d+)(?:,(\d+))?/.exec(buf.subarray(pos, Math.min(nl, pos + 200)).toString('latin1'));
      newLine = m ? Number(m[1]) : 0;
      if (current && current.ranges.length === 0 && newLine <= 1) current.fromStart = true;
    } else if (c === 0x64 /* d */ && buf.subarray(pos, pos + 11).toString('latin1') === 'diff --git ') {
      inHeader = true;
      current = undefined;
      header = buf.subarray(pos + 11, nl).toString('utf8');
      renamedTo = undefined;
    } else if (inHeader && (c === 0x72 || c === 0x63) && /^(?:rename|copy) to /.test(buf.subarray(pos, pos + 8).toString('latin1'))) {
      renamedTo = unquoteGitPath(buf.subarray(pos, nl).toString('utf8').replace(/^(?:rename|copy) to /, ''));
    } else if (inHeader && c === 0x42 /* B */ && buf.subarray(pos, pos + 13).toString('latin1') === 'Binary files ') {
      const p = renamedTo ?? headerPath(header);
      if (p !== undefined) binary.add(p);
    } else if (inHeader && c === 0x2b && buf.subarray(pos, pos + 4).toString('latin1') === '+++ ') {
      let p = buf.subarray(pos + 4, nl).toString('utf8');
      if (p.endsWith('\r')) p = p.slice(0, -1);
      if (p !== '/dev/null') {
        p = unquoteGitPath(p);
        if (p.startsWith('b/')) p = p.slice(2);
        current = files.get(p) ?? { ranges: [], fromStart: false };
        files.set(p, current);
      }
    } else if (c === 0x20 /* context */ && !inHeader) {
      newLine++;
    }
    pos = nl + 1;
  }
  const out = new Map<string, Added>();
  for (const [p, f] of files) {
    if (f.ranges.length === 0) continue;
    let lines = 0;
    for (let i = 0; i < f.ranges.length; i += 4) lines += f.ranges[i + 3]!;
    const lineNumbers = new Int32Array(lines);
    const parts: Buffer[] = [];
    for (let i = 0, k = 0; i < f.ranges.length; i += 4) {
      parts.push(buf.subarray(f.ranges[i]!, f.ranges[i + 1]!));
      for (let j = 0; j < f.ranges[i + 3]!; j++) lineNumbers[k++] = f.ranges[i + 2]! + j;
    }
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    out.set(p, { bytes, lineNumbers, fromStart: f.fromStart });
  }
  return { added: out, binary };
}

/** The path of `diff --git a/P b/P` (same path on both sides: renames name theirs in `rename to`). */
function headerPath(h: string): string | undefined {
  if (h.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*")$/.exec(h);
    return m ? unquoteGitPath(m[2]!).replace(/^b\//, '') : undefined;
  }
  const L = (h.length - 5) / 2;
  if (!Number.isInteger(L) || L <= 0) return undefined;
  const a = h.slice(2, 2 + L);
  return h === `a/${a} b/${a}` ? a : undefined;
}

/** Only the added lines (tests and callers that need no binary list). */
export function parseAddedLines(buf: Buffer): Map<string, Added> {
  return parseDiff(buf).added;
}

/** Literal pathspec, so a file named `*.js` or `:x` means itself. */
function literal(p: string): string {
  return `:(exclude,literal)${p}`;
}

/** What `git commit` would record: added lines of text files, whole binary files, from the index. */
export function readStaged(cwd: string, opts: ReadOptions): ReadResult {
  const { root, hasHead } = repoInfo(cwd);
  const notes: string[] = [];
  const skipped: Skipped[] = [];
  const base = hasHead ? 'HEAD' : emptyTree(root);
  if (!hasHead) notes.push('no commit yet: every staged file is new');
  if (existsSync(path.join(gitDir(root), 'MERGE_HEAD'))) notes.push('a merge is in progress: scanning everything the merge adds to HEAD');
  const common = ['--cached', '-M', '--no-ext-diff', '--no-textconv', '--no-color', '--no-relative', '--ignore-submodules=all'];
  // The tree comparison only (no content diff): cheap even for a large change.
  const raw = parseRaw(git(root, ['diff', ...common, '--raw', '--no-abbrev', '-z', base]).stdout);

  const paths: string[] = [];
  const files: RawEntry[] = [];
  const exclude: string[] = [];
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
  const sizes = blobSizes(root, files.map((e) => e.newOid));
  const ok = files.filter((e) => {
    const size = sizes.get(e.newOid) ?? 0;
    if (size <= opts.maxFileBytes) return true;
    skipped.push({ path: e.path, reason: `larger than guard.maxFileBytes (${size} > ${opts.maxFileBytes} bytes): not scanned` });
    exclude.push(e.path);
    return false;
  });

  const targets: Target[] = [];
  // A new file is added whole: read its blob (cheaper than having git diff it against nothing).
  const whole = ok.filter((e) => e.status === 'A');
  const changed = ok.filter((e) => e.status !== 'A');
  const bin: RawEntry[] = [];
  if (changed.length > 0) {
    const skip = [...exclude, ...whole.map((e) => e.path)];
    const patch = git(root, ['diff', ...common, '-U0', '--src-prefix=a/', '--dst-prefix=b/', '--diff-filter=CMRT', base, '--', '.', ...skip.map(literal)]).stdout;
    const { added, binary } = parseDiff(patch);
    for (const e of changed) {
      if (binary.has(e.path)) {
        bin.push(e);
        continue;
      }
      const a = added.get(e.path);
      if (a) targets.push({ path: e.path, bytes: a.bytes, lineNumbers: a.lineNumbers, binary: false, fromStart: a.fromStart, linePrefix: 1 });
    }
  }
  const blobsWanted = [...whole, ...bin];
  if (blobsWanted.length > 0) {
    const blobs = readBlobs(root, [...new Set(blobsWanted.map((e) => e.newOid))], sizes);
    for (const e of blobsWanted) {
      const b = blobs.get(e.newOid);
      if (b) targets.push({ path: e.path, bytes: b, binary: isBinary(b), fromStart: true });
      else skipped.push({ path: e.path, reason: 'its staged content could not be read' });
    }
  }
  return { root, targets, skipped, notes, paths };
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
