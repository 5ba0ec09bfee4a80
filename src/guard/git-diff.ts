/**
 * Reading `git diff -U0` output: the added lines of each text file (with their
 * line numbers), which files git found binary, and git's quoted paths.
 */

/** Unquote a C-style quoted path as git prints it ("a\tb", octal escapes). */
export function unquoteGitPath(s: string): string {
  if (!s.startsWith('"')) return s;
  const inner = s.slice(1, s.lastIndexOf('"'));
  const bytes: number[] = [];
  for (let i = 0; i < inner.length; i++) {
    const c = inner.charAt(i);
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

/** A run of added lines: where its bytes are in the diff, the file's line number of its first line, how many lines. */
interface Run {
  start: number;
  end: number;
  line: number;
  count: number;
}

interface FileRuns {
  runs: Run[];
  fromStart: boolean;
}

/** Parse `git diff -U0` output: the added lines of each text file, and which files git found binary. */
export function parseDiff(buf: Buffer): { added: Map<string, Added>; binary: Set<string> } {
  const files = new Map<string, FileRuns>();
  const binary = new Set<string>();
  let current: FileRuns | undefined;
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
      if (current) current.runs.push({ start, end: p, line: newLine, count });
      newLine += count;
      pos = p;
      continue;
    } else if (c === 0x40 /* @ */ && buf[pos + 1] === 0x40) {
      inHeader = false;
      const m = /\+(\d+)(?:,(\d+))?/.exec(buf.subarray(pos, Math.min(nl, pos + 200)).toString('latin1'));
      newLine = m ? Number(m[1]) : 0;
      if (current && current.runs.length === 0 && newLine <= 1) current.fromStart = true;
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
        current = files.get(p) ?? { runs: [], fromStart: false };
        files.set(p, current);
      }
    } else if (c === 0x20 /* context */ && !inHeader) {
      newLine++;
    }
    pos = nl + 1;
  }
  const out = new Map<string, Added>();
  for (const [p, f] of files) {
    if (f.runs.length === 0) continue;
    let lines = 0;
    for (const r of f.runs) lines += r.count;
    const lineNumbers = new Int32Array(lines);
    const parts: Buffer[] = [];
    let k = 0;
    for (const r of f.runs) {
      parts.push(buf.subarray(r.start, r.end));
      for (let j = 0; j < r.count; j++) lineNumbers[k++] = r.line + j;
    }
    const [only] = parts;
    const bytes = parts.length === 1 && only ? only : Buffer.concat(parts);
    out.set(p, { bytes, lineNumbers, fromStart: f.fromStart });
  }
  return { added: out, binary };
}

/** The path of `diff --git a/P b/P` (same path on both sides: renames name theirs in `rename to`). */
function headerPath(h: string): string | undefined {
  if (h.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*")$/.exec(h);
    const quoted = m?.[2];
    return quoted === undefined ? undefined : unquoteGitPath(quoted).replace(/^b\//, '');
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
