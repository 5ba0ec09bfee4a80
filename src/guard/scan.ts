import { isUtf8 } from 'node:buffer';
import { fingerprintOf } from './baseline.js';
import { pathMatcher } from '../core/globs.js';
import { DEFAULT_BLOCK_PATHS, detectExport, isKdbx } from './blocked.js';
import type { FingerprintIndex } from './fingerprint.js';
import type { ReadResult, Skipped, Target } from './git.js';
import { fileContext } from './filekind.js';
import { FORMAT_RULES, RULES } from './rules.js';
import { scanRulesInBytes } from './scan-rules.js';

/**
 * Turning what was read (added lines, files) into findings: credential rules,
 * vault values, blocked files; then inline `ssot:allow` and the baseline.
 */

export interface Finding {
  file: string;
  /** 1-based; 0 for a finding about the whole file. */
  line: number;
  column: number;
  rule: string;
  description: string;
  /** What may be shown: a short prefix and the length, or the vault entry it came from. */
  redacted: string;
  fingerprint: string;
  /** For vault values: which entry and which encoding. */
  entry?: string;
  variant?: string;
}

export interface ScanOptions {
  blockPaths?: readonly string[];
  index?: FingerprintIndex | undefined;
  baseline?: ReadonlySet<string>;
}

export interface ScanReport {
  findings: Finding[];
  /** Findings accepted by the baseline or an inline `ssot:allow`. */
  allowed: { baseline: number; inline: number };
  skipped: Skipped[];
  notes: string[];
  files: number;
  /** Every finding before the baseline was applied (what --write-baseline records). */
  all: Finding[];
}

const ALLOW_MARK = 'ssot:allow';
const RULE_BY_ID = new Map(RULES.map((r) => [r.id, r]));

/** A short, safe view of a secret: at most 4 leading characters (a quarter of it), and its length. */
function redact(secret: string): string {
  // By code point: a character is never cut in half, and the length is what a person counts.
  const chars = Array.from(secret);
  const n = chars.length;
  const keep = Math.min(4, Math.floor(n / 4));
  return `${chars.slice(0, keep).join('')}… (${n} chars)`;
}

/** Offsets → line numbers, by the newline positions of a text or a byte buffer. */
class Lines {
  private starts: number[] | undefined;
  private readonly src: string | Uint8Array;
  constructor(src: string | Uint8Array) {
    this.src = src;
  }
  /** Built on the first lookup: a clean file never pays for it. */
  private get all(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    const src = this.src;
    if (typeof src === 'string') {
      for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      const b = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) starts.push(i + 1);
    }
    this.starts = starts;
    return starts;
  }
  /** 0-based line index and the offset where it starts. */
  at(offset: number): { index: number; start: number } {
    const starts = this.all;
    let lo = 0;
    let start = 0; // the first line starts at 0
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const s = starts[mid];
      if (s !== undefined && s <= offset) {
        lo = mid;
        start = s;
      } else hi = mid - 1;
    }
    return { index: lo, start };
  }
  end(index: number, total: number): number {
    const next = this.all[index + 1];
    return next === undefined ? total : next - 1;
  }
}

/**
 * The bytes the rules and the vault index read, and how to decode them: UTF-8
 * when valid, else Latin-1 (every byte one character, so nothing is skipped);
 * UTF-16 with a byte-order mark is re-encoded as UTF-8 first.
 */
function prepare(t: Target): { bytes: Buffer; encoding: 'utf8' | 'latin1'; note?: string } {
  const b = t.bytes;
  if (t.binary) {
    if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) {
      const body = Buffer.from(b.subarray(2));
      if (b[0] === 0xfe) body.swap16();
      return { bytes: Buffer.from(body.toString('utf16le'), 'utf8'), encoding: 'utf8', note: 'UTF-16 text' };
    }
    return { bytes: b, encoding: 'latin1' };
  }
  if (isUtf8(b)) return { bytes: b, encoding: 'utf8' };
  return { bytes: b, encoding: 'latin1', note: 'not UTF-8: scanned as Latin-1' };
}

/** What scanning one target collects. */
interface Collector {
  all: Finding[];
  notes: string[];
  /** How many characters each finding covers (to tell overlapping findings apart). */
  spans: Map<Finding, number>;
  inlineAllowed: number;
}

export function scanTargets(read: ReadResult, opts: ScanOptions = {}): ScanReport {
  const c: Collector = { all: [], notes: [...read.notes], spans: new Map(), inlineAllowed: 0 };
  const blocked = pathMatcher([...DEFAULT_BLOCK_PATHS, ...(opts.blockPaths ?? [])]);
  for (const p of read.paths) {
    const glob = blocked(p);
    if (glob) {
      c.all.push({ file: p, line: 0, column: 0, rule: 'blocked-path', description: `a file that must never be committed (${glob})`, redacted: '', fingerprint: fingerprintOf('blocked-path', p, '') });
    }
  }
  for (const t of read.targets) scanTarget(t, opts, c);
  const merged = preferVaultFindings(c.all, c.spans);
  const baseline = opts.baseline ?? new Set<string>();
  const findings = merged.filter((f) => !baseline.has(f.fingerprint));
  return {
    findings,
    allowed: { baseline: merged.length - findings.length, inline: c.inlineAllowed },
    skipped: [...read.skipped],
    notes: c.notes,
    files: read.targets.length,
    all: merged,
  };
}

/** Where an offset is: its 0-based line, its column, and the line's text (for `ssot:allow`). */
type Place = (offset: number) => { idx: number; column: number; text: string };

/** One file or added-lines text: a KeePass export, rule hits, vault values. */
function scanTarget(t: Target, opts: ScanOptions, c: Collector): void {
  const prefix = t.linePrefix ?? 0;
  if (t.fromStart && isKdbx(t.bytes.subarray(prefix))) return; // an encrypted KeePass database: allowed
  const { bytes, encoding, note } = prepare(t);
  if (note) c.notes.push(`${t.path}: ${note}`);
  if (t.fromStart) {
    const kind = detectExport(bytes.toString(encoding, prefix, Math.min(bytes.length, 8192)));
    if (kind) {
      c.all.push({ file: t.path, line: 0, column: 0, rule: kind, description: 'a plaintext KeePass export', redacted: '', fingerprint: fingerprintOf(kind, t.path, '') });
      return; // every line of it would be a finding; one is enough
    }
  }
  // Offsets are byte offsets; only the lines holding a finding are decoded.
  const lines = new Lines(bytes);
  const lineNo = (idx: number): number => (t.lineNumbers ? (t.lineNumbers[idx] ?? idx + 1) : idx + 1);
  const place: Place = (offset) => {
    const { index, start } = lines.at(offset);
    return { idx: index, column: Math.max(1, bytes.toString(encoding, start, offset).length + 1 - prefix), text: bytes.toString(encoding, start, lines.end(index, bytes.length)) };
  };
  const add = (f: Finding, span: number, text: string): void => {
    if (text.includes(ALLOW_MARK)) {
      c.inlineAllowed++;
      return;
    }
    c.spans.set(f, span);
    c.all.push(f);
  };
  const context = fileContext(t.path, prefix > 0 ? bytes.subarray(prefix) : bytes, t.fromStart);
  for (const h of scanRulesInBytes(bytes, encoding, t.binary ? FORMAT_RULES : RULES, { diffLines: prefix > 0, context })) {
    const P = place(h.index);
    const description = (h.description ?? RULE_BY_ID.get(h.rule)?.description ?? h.rule) + (t.binary ? ' (in a binary file)' : '');
    add({ file: t.path, line: lineNo(P.idx), column: P.column, rule: h.rule, description, redacted: redact(h.secret), fingerprint: fingerprintOf(h.rule, t.path, h.secret) }, h.secret.length, P.text);
  }
  if (opts.index) scanVaultValues(opts.index, t.path, bytes, place, lineNo, add);
}

/** Vault values in the bytes as they are in the file: a value is found in its own encoding. */
function scanVaultValues(index: FingerprintIndex, file: string, bytes: Buffer, place: Place, lineNo: (idx: number) => number, add: (f: Finding, span: number, text: string) => void): void {
  const seen = new Set<string>();
  index.scan(bytes, (h) => {
    const P = place(h.index);
    const key = `${P.idx}:${h.vault}:${h.entryPath}:${h.field}`;
    if (seen.has(key)) return;
    seen.add(key);
    const matched = bytes.toString('latin1', h.index, h.index + h.length);
    const entry = `${h.vault}: ${h.entryPath} › ${h.field}`;
    const description = `a value stored in vault ${h.vault}${h.variant === 'raw' ? '' : ` (${h.variant}-encoded)`}`;
    add({ file, line: lineNo(P.idx), column: P.column, rule: 'vault-value', description, redacted: `[${entry}]`, fingerprint: fingerprintOf('vault-value', file, matched), entry, variant: h.variant }, matched.length, P.text);
  });
}

/**
 * A vault value is also often a rule hit at the same place: keep the vault finding, it says more
 * (only where the two overlap: another secret on the same line is still its own finding). Sorted.
 */
function preferVaultFindings(all: Finding[], spans: Map<Finding, number>): Finding[] {
  const vaultAt = new Map<string, Finding[]>();
  for (const f of all) if (f.rule === 'vault-value') vaultAt.set(`${f.file}:${f.line}`, [...(vaultAt.get(`${f.file}:${f.line}`) ?? []), f]);
  const overlapsVault = (f: Finding): boolean =>
    (vaultAt.get(`${f.file}:${f.line}`) ?? []).some((v) => f.column < v.column + (spans.get(v) ?? 0) && v.column < f.column + (spans.get(f) ?? 0));
  const merged = all.filter((f) => f.rule === 'vault-value' || f.line === 0 || !overlapsVault(f));
  merged.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return merged;
}
