import { TEXT_CONTEXT, type FileContext } from './filekind.js';
import { acceptSecret, RULES, type Rule, type RuleHit } from './rules.js';

/**
 * Run the rules over a text in one pass: a keyword prefilter walks the text
 * once (a table of the keywords' first two letters, case-insensitive, no
 * lower-cased copy of the text), and each rule's regex then runs only on the
 * lines where one of its keywords occurs. A 10 MB file without keywords costs
 * the one walk.
 */

interface Compiled {
  rules: readonly Rule[];
  /** By bigram code (two 7-bit ASCII letters): the keywords starting with it and their rules. */
  byBigram: ({ kw: string; rules: number[] }[] | undefined)[];
  /** 1 where byBigram has keywords: the hot loop reads one byte per position (no polymorphic array load). */
  has: Uint8Array;
}

/** A byte, lower-cased; 0 for non-ASCII bytes (no keyword holds them). */
const FOLD = new Uint8Array(256);
for (let b = 1; b < 128; b++) FOLD[b] = b >= 65 && b <= 90 ? b + 32 : b;

const cache = new WeakMap<readonly Rule[], Compiled>();

function compile(rules: readonly Rule[]): Compiled {
  const hit = cache.get(rules);
  if (hit) return hit;
  const byBigram = new Array<Compiled['byBigram'][number]>(128 * 128);
  const byKw = new Map<string, number[]>();
  rules.forEach((r, i) => {
    for (const k of r.keywords) {
      const kw = k.toLowerCase();
      if (kw.length < 2 || /[^\x00-\x7f]/.test(kw)) throw new Error(`rule ${r.id}: keyword "${k}" must be 2+ ASCII characters`);
      const list = byKw.get(kw) ?? [];
      if (!list.includes(i)) list.push(i);
      byKw.set(kw, list);
    }
  });
  const has = new Uint8Array(128 * 128);
  for (const [kw, list] of byKw) {
    const code = (kw.charCodeAt(0) << 7) | kw.charCodeAt(1);
    (byBigram[code] ??= []).push({ kw, rules: list });
    has[code] = 1;
  }
  const c = { rules, byBigram, has };
  cache.set(rules, c);
  return c;
}

/**
 * What the rules read: a JS string (tests, the corpus bench) or the bytes of a
 * file (the guard: no decoded copy of a large file, only of the lines around
 * keywords). Offsets are in the source's own units (characters or bytes).
 */
export interface Source {
  readonly length: number;
  lastNewline(before: number): number;
  nextNewline(from: number): number;
  slice(start: number, end: number): string;
  /** The source offset of character `c` of `part`, which is slice(start, …). */
  offsetIn(start: number, part: string, c: number): number;
  /** How many characters [start, end) decodes to. */
  charsBetween(start: number, end: number): number;
}

function stringSource(text: string): Source {
  return {
    length: text.length,
    lastNewline: (before) => text.lastIndexOf('\n', before),
    nextNewline: (from) => text.indexOf('\n', from),
    slice: (a, b) => text.slice(a, b),
    offsetIn: (start, _part, c) => start + c,
    charsBetween: (a, b) => b - a,
  };
}

function bytesSource(bytes: Buffer, encoding: 'utf8' | 'latin1'): Source & { bytes: Buffer } {
  return {
    bytes,
    length: bytes.length,
    lastNewline: (before) => (before < 0 ? -1 : bytes.lastIndexOf(10, before)),
    nextNewline: (from) => bytes.indexOf(10, from),
    slice: (a, b) => bytes.toString(encoding, a, b),
    offsetIn: (start, part, c) => start + (encoding === 'latin1' ? c : Buffer.byteLength(part.slice(0, c), 'utf8')),
    charsBetween: (a, b) => (encoding === 'latin1' ? b - a : bytes.toString('utf8', a, b).length),
  };
}

/** Where each rule's keywords occur, in bytes: one sorted list of positions per rule. */
function triggersBytes(bytes: Uint8Array, c: Compiled): number[][] {
  const pos: number[][] = c.rules.map(() => []);
  const n = bytes.length;
  if (n < 2) return pos;
  const { has, byBigram } = c;
  let c0 = FOLD[bytes[0]!]!;
  for (let i = 0; i < n - 1; i++) {
    const c1 = FOLD[bytes[i + 1]!]!;
    const code = (c0 << 7) | c1;
    if (has[code] === 1) {
      for (const k of byBigram[code]!) {
        if (matchesAtBytes(bytes, i, k.kw)) for (const r of k.rules) pos[r]!.push(i);
      }
    }
    c0 = c1;
  }
  return pos;
}

function matchesAtBytes(bytes: Uint8Array, i: number, kw: string): boolean {
  if (i + kw.length > bytes.length) return false;
  for (let j = 2; j < kw.length; j++) {
    let c = bytes[i + j]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== kw.charCodeAt(j)) return false;
  }
  return true;
}

/** Where each rule's keywords occur: one sorted list of positions per rule. */
function triggers(text: string, c: Compiled): number[][] {
  const pos: number[][] = c.rules.map(() => []);
  const n = text.length;
  if (n < 2) return pos;
  const { has, byBigram } = c;
  const fold = (u: number): number => (u < 256 ? FOLD[u]! : 0);
  let c0 = fold(text.charCodeAt(0));
  for (let i = 0; i < n - 1; i++) {
    const c1 = fold(text.charCodeAt(i + 1));
    const code = (c0 << 7) | c1;
    if (has[code] === 1) {
      for (const k of byBigram[code]!) {
        if (matchesAt(text, i, k.kw)) for (const r of k.rules) pos[r]!.push(i);
      }
    }
    c0 = c1;
  }
  return pos;
}

function matchesAt(text: string, i: number, kw: string): boolean {
  if (i + kw.length > text.length) return false;
  for (let j = 2; j < kw.length; j++) {
    let c = text.charCodeAt(i + j);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== kw.charCodeAt(j)) return false;
  }
  return true;
}

/** The stretches of text a rule's regex runs on: each keyword's line (clamped), merged. */
function windows(src: Source, positions: readonly number[], span: number | undefined): [number, number][] {
  const out: [number, number][] = [];
  for (const p of positions) {
    const lineStart = src.lastNewline(p) + 1;
    const start = Math.max(lineStart, p - 256);
    let end: number;
    if (span !== undefined) end = Math.min(src.length, p + span);
    else {
      const nl = src.nextNewline(p);
      end = Math.min(nl < 0 ? src.length : nl, p + 1024);
    }
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/**
 * Added lines from a diff keep their leading `+`; each window gets a space in its
 * place (same offsets), so a multi-line key or an XML value is read as in the file.
 */
function undiff(part: string): string {
  return part.replace(/(^|\n)\+/g, '$1 ');
}

export interface ScanRuleOptions {
  /** The text is added lines of a diff, each still led by its `+`. */
  diffLines?: boolean;
  /** What kind of file the text comes from (default: text, written by a person). */
  context?: FileContext;
}

/** Run the rules over a string; hits' offsets are character offsets. */
export function scanRules(text: string, rules: readonly Rule[] = RULES, opts: ScanRuleOptions = {}): RuleHit[] {
  if (text.length === 0) return [];
  return scanSource(stringSource(text), triggers(text, compile(rules)), rules, opts);
}

/** Run the rules over a file's bytes; hits' offsets are byte offsets. */
export function scanRulesInBytes(bytes: Buffer, encoding: 'utf8' | 'latin1', rules: readonly Rule[] = RULES, opts: ScanRuleOptions = {}): RuleHit[] {
  if (bytes.length === 0) return [];
  return scanSource(bytesSource(bytes, encoding), triggersBytes(bytes, compile(rules)), rules, opts);
}

function scanSource(src: Source, pos: number[][], rules: readonly Rule[], opts: ScanRuleOptions): RuleHit[] {
  const hits: RuleHit[] = [];
  const fix = opts.diffLines ? undiff : (s: string): string => s;
  const ctx = opts.context ?? TEXT_CONTEXT;
  rules.forEach((rule, ri) => {
    const at = pos[ri]!;
    if (at.length === 0 || (rule.contextual && ctx.machine)) return;
    if (rule.find) {
      rule.find(src, at, { emit: (h) => hits.push(h), fix, ctx });
      return;
    }
    const regex = rule.regex;
    if (!regex) return;
    for (const [s, e] of windows(src, at, rule.span)) {
      const part = fix(src.slice(s, e));
      regex.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = regex.exec(part)) !== null) {
        if (m[0].length === 0) {
          regex.lastIndex++;
          continue;
        }
        const secret = m.groups?.['s'] ?? m[0];
        if (!acceptSecret(rule, secret, m, part)) continue;
        const rel = m[0].lastIndexOf(secret);
        const hit: RuleHit = { rule: rule.id, index: src.offsetIn(s, part, m.index + (rel < 0 ? 0 : rel)), secret };
        if (rule.describe) hit.description = rule.describe(m);
        hits.push(hit);
      }
    }
  });
  return dedupe(hits);
}

/** One finding per secret position: a provider rule wins over the generic one. */
function dedupe(hits: RuleHit[]): RuleHit[] {
  const byPos = new Map<number, RuleHit>();
  for (const h of hits) {
    const prev = byPos.get(h.index);
    if (!prev || (prev.rule === 'generic-secret' && h.rule !== 'generic-secret')) byPos.set(h.index, h);
  }
  // A generic hit inside a provider hit's span is the same secret (sorted sweep: many hits stay cheap).
  const sorted = [...byPos.values()].sort((a, b) => a.index - b.index);
  const out: RuleHit[] = [];
  let providerEnd = -1;
  for (const h of sorted) {
    if (h.rule !== 'generic-secret') {
      providerEnd = Math.max(providerEnd, h.index + h.secret.length);
      out.push(h);
    } else if (h.index >= providerEnd) out.push(h);
  }
  // A generic hit that starts before a provider hit but runs into it.
  return out.filter((h, i) => h.rule !== 'generic-secret' || !(out[i + 1] && out[i + 1]!.rule !== 'generic-secret' && out[i + 1]!.index < h.index + h.secret.length));
}
