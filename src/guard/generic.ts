import { TEXT_CONTEXT, type FileContext } from './filekind.js';
import { isPasswordName, nameStrength } from './generic-names.js';
import { isSecretValue } from './generic-values.js';
import type { Source } from './scan-rules.js';

export { isSecretName } from './generic-names.js';
export { isSecretValue } from './generic-values.js';

/**
 * The generic "a secret-looking name is given a secret-looking value" rule. It
 * reads the code around each secret word the way a person would:
 *
 * - the name is a whole token (`DB_PASSWORD`, `config.api_key`, `"clientSecret"`,
 *   `--password`), not a scope or a path (`Token::RecursivePrefix`);
 * - an operator follows (`=`, `:`, `:=`, `=>`, `?=`, `||=`, a type annotation then
 *   `=`, `, ` after a quoted name as in `setProperty("X_TOKEN", "…")`); a `:` after
 *   a bare name counts only where a key can start (line start, `{`, `,`, `(`),
 *   so prose such as `couldn't fetch token: invalid_grant` is not an assignment;
 * - the value is a string literal that ends the expression (not `"a" + b`,
 *   not `"…".format()`), or, outside program code, an unquoted config value that
 *   ends the line; in program code an unquoted right-hand side is an expression;
 * - or the name is an XML element: `<authToken>…</authToken>`.
 */

export interface GenericHit {
  secretIndex: number;
  secret: string;
  name: string;
}

/** Characters of a name: letters, digits, `_ . $ -`. */
function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 36 || c === 45;
}

function skipBlanks(w: string, i: number): number {
  while (i < w.length && (w[i] === ' ' || w[i] === '\t')) i++;
  return i;
}

interface Parsed {
  name: string;
  value: string;
  at: number;
}

/** The name token around offset k: [start, end), trailing and leading punctuation dropped. */
function nameBounds(w: string, k: number): [number, number] {
  let s = k;
  while (s > 0 && isNameChar(w.charCodeAt(s - 1))) s--;
  let e = k;
  while (e < w.length && isNameChar(w.charCodeAt(e))) e++;
  while (e > s && (w[e - 1] === '.' || w[e - 1] === '-')) e--;
  while (s < e && (w[s] === '.' || w[s] === '-')) s++;
  return [s, e];
}

/** After `:`, a type and then `=`: `password: string = "…"`, `val key: String = "…"`. */
const TYPE_THEN_EQ = /^[ \t]*[A-Za-z_&*][\w.:<>[\]&*' ]{0,40}?[ \t]*=(?![=>~])/;
/** Go: `secret config.Secret = "…"`. */
const GO_TYPE_THEN_EQ = /^[ \t]+[A-Za-z_*[][\w.*[\]]{0,40}[ \t]*=(?![=>~])/;

/** The operator after a name, and where the value starts; undefined when none. */
function operator(w: string, i: number, quotedName: boolean, keyStart: boolean): { op: string; next: number } | undefined {
  const go = quotedName ? null : GO_TYPE_THEN_EQ.exec(w.slice(i, i + 64));
  if (go) return { op: '=', next: i + go[0].length };
  const j = skipBlanks(w, i);
  for (const op of [':::=', '::=', ':=', '?=', '||=', '??=', '.=', '=>', '===', '==']) if (w.startsWith(op, j)) return { op, next: j + op.length };
  const c = w[j];
  if (c === '=') return w[j + 1] === '~' ? undefined : { op: '=', next: j + 1 };
  if (c === ',' && quotedName) return { op: ',', next: j + 1 };
  if (c === ':' && w[j + 1] !== ':') {
    const rest = w.slice(j + 1, j + 64);
    const t = TYPE_THEN_EQ.exec(rest);
    if (t && !/^[ \t]*["'`]/.test(rest)) return { op: '=', next: j + 1 + t[0].length };
    if (!quotedName && !keyStart) return undefined;
    return { op: ':', next: j + 1 };
  }
  return undefined;
}

/** The closing quote of a string literal opened at `open`, or -1 (escapes skipped). */
function closingQuote(w: string, open: number, end: number): number {
  const q = w[open];
  for (let i = open + 1; i < end; i++) {
    const c = w[i];
    if (c === '\\') i++;
    else if (c === q) return i;
  }
  return -1;
}

/** After a string literal: the expression must end there (not `"a" + b`, `"…".format()`, `"x" if y`). */
function literalEnds(w: string, after: number, lineEnd: number, ctx: FileContext): boolean {
  const i = skipBlanks(w, after);
  if (i >= lineEnd) return true;
  const c = w.charAt(i);
  if (',;)}]#>/\\'.includes(c)) return true;
  if (/[A-Za-z]/.test(c)) return ctx.kind !== 'code';
  if (c === '"' || c === "'") return ctx.kind !== 'code';
  return false;
}

/** A quoted value at i (maybe with a string prefix: r"…", b'…', @"…"). */
function quotedValue(w: string, i: number, lineEnd: number, ctx: FileContext): { value: string; at: number } | undefined | null {
  const pre = /^(?:[rbuRBU]{1,2}|@)(?=["'])/.exec(w.slice(i, i + 3));
  const open = i + (pre ? pre[0].length : 0);
  const q = w[open];
  if (q !== '"' && q !== "'" && q !== '`') return null; // not quoted
  const close = closingQuote(w, open, lineEnd);
  if (close < 0 || !literalEnds(w, close + 1, lineEnd, ctx)) return undefined;
  return { value: w.slice(open + 1, close), at: open + 1 };
}

/** An unquoted config value at i: one token that ends the line (shell: the token). */
function bareValue(w: string, i: number, lineEnd: number, ctx: FileContext): { value: string; at: number } | undefined {
  if (ctx.kind === 'code') return undefined;
  let e = i;
  while (e < lineEnd && w[e] !== ' ' && w[e] !== '\t' && w[e] !== '\r') e++;
  let value = w.slice(i, e);
  if (/^[!&*[{(|>@%]/.test(value) || /["'`]/.test(value)) return undefined; // an expression, a YAML indicator, a quote
  if (/^[\w.$]+\(/.test(value) || (ctx.kind === 'shell' && /[()]/.test(value))) return undefined; // a call
  value = value.replace(/[,;]$/, '');
  const rest = w.slice(e, lineEnd).trim();
  if (ctx.kind !== 'shell' && rest !== '' && !/^(?:#|\/\/|;|<!--|\\$)/.test(rest)) return undefined;
  return { value, at: i };
}

/** Is offset `at` inside a double-quoted string (an odd number of unescaped `"` before it on the line)? */
function insideString(w: string, lineStart: number, at: number): boolean {
  let n = 0;
  for (let i = lineStart; i < at; i++) {
    if (w[i] === '\\') i++;
    else if (w[i] === '"') n++;
  }
  return n % 2 === 1;
}

/** A URL query parameter's value (`?secret=…&`): up to the next `&`, `#`, quote or space. */
function queryValue(w: string, i: number, lineEnd: number): { value: string; at: number } | undefined {
  let e = i;
  while (e < lineEnd && !'&#"\' \t'.includes(w.charAt(e))) e++;
  const value = w.slice(i, e);
  return /[[\]{}()<>\\]/.test(value) ? undefined : { value, at: i };
}

/** Parse `name <op> value` around the secret word at offset k of a window; undefined when it is not one. */
function parseAssignment(w: string, k: number, lineStart: number, lineEnd: number, ctx: FileContext): Parsed | undefined {
  const [s, e] = nameBounds(w, k);
  if (e <= k || e - s > 80) return undefined;
  // a scope or a path: Token::RecursivePrefix, PasswordWidget::setShowPassword
  if (w.startsWith('::', e) || (s >= 2 && w.startsWith('::', s - 2))) return undefined;
  let i = e;
  // (not backticks: in markdown, `password`: … is a code span in prose)
  let q = w[s - 1];
  let nameStart = s;
  if (q !== w[e] && (w[e] === '"' || w[e] === "'")) {
    // a quoted name with spaces: "facebook access_token": …
    const open = w.lastIndexOf(w[e], s - 1);
    if (open >= 0 && s - open <= 40 && /^[\w .-]*$/.test(w.slice(open + 1, s))) {
      nameStart = open + 1;
      q = w[e];
    }
  }
  const quotedName = (q === '"' || q === "'") && w[e] === q;
  if (quotedName) {
    i = e + 1;
    if (w[s - 2] === '[' && w[i] === ']') i++; // ENV["X_TOKEN"] = …
  } else if (w[e] === '>' && w[s - 1] === '<') return xmlValue(w, s, e);
  const prefix = w.slice(lineStart, quotedName ? nameStart - 1 : s);
  // `<add key="DB_PASSWORD" value="…"/>`, `- name: API_KEY` then `value: …`: the name is a value, its secret beside it
  if (/(?:\b(?:key|name)[ \t]*=[ \t]*|["']?\b(?:key|name)["']?[ \t]*:[ \t]*)$/i.test(prefix)) return pairedValue(w, w.slice(nameStart, e), e, lineEnd, ctx);
  const keyStart = /^\s*(?:-\s+)?$/.test(prefix) || /[{,([;]\s*$/.test(prefix);
  let op = operator(w, i, quotedName, keyStart);
  if (!op && /#\s*define\s+$/.test(prefix)) op = { op: ' ', next: i };
  if (!op) return undefined;
  let j = skipBlanks(w, op.next);
  let end = lineEnd;
  if (j >= lineEnd && (op.op === ':' || op.op === '=') && lineEnd < w.length) {
    // a quoted value on the next line (JSON, YAML flow)
    const next = w.indexOf('\n', lineEnd + 1);
    end = next < 0 ? w.length : next;
    j = skipBlanks(w, lineEnd + 1);
    if (w[j] !== '"' && w[j] !== "'") return undefined;
  }
  const quoted = quotedValue(w, j, end, ctx);
  if (quoted === undefined) return undefined;
  if (quoted === null && (op.op === '==' || op.op === '===' || op.op === ',')) return undefined;
  if (quoted === null && insideString(w, lineStart, quotedName ? nameStart - 1 : s)) {
    // a file's text inside a string (`"config.ini": "TOKEN=…\nDEBUG=1"`): its lines end at `\n`; else prose
    if (!/(?:"|\\n)$/.test(prefix)) return undefined;
    const stop = w.slice(j, end).search(/\\[nr]|"/);
    if (stop >= 0) end = j + stop;
  }
  const v = quoted ?? (/[?&]$/.test(prefix) ? queryValue(w, j, end) : bareValue(w, j, end, ctx));
  if (!v) return undefined;
  return { name: w.slice(nameStart, e), value: v.value, at: v.at };
}

const VALUE_BESIDE = /^["']?[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?["']?value["']?[ \t]*[=:][ \t]*/;

/** The value of a name/value pair (`key="X" value="…"`, `name: X` / `value: …`, `{"name": "X", "value": "…"}`). */
function pairedValue(w: string, name: string, after: number, lineEnd: number, ctx: FileContext): Parsed | undefined {
  const m = VALUE_BESIDE.exec(w.slice(after, after + 200));
  if (!m) return undefined;
  const j = after + m[0].length;
  const nl = w.indexOf('\n', j);
  const end = nl < 0 ? w.length : nl;
  const quoted = quotedValue(w, j, end, ctx);
  const v = quoted === null ? bareValue(w, j, end, { ...ctx, kind: 'config' }) : quoted;
  return v && j <= Math.max(lineEnd, end) ? { name, value: v.value, at: v.at } : undefined;
}

/** `<authToken>value</authToken>`, the value maybe on the next line. */
function xmlValue(w: string, s: number, e: number): Parsed | undefined {
  const tag = w.slice(s, e);
  const m = /^>\s*([^\s<]{8,512})\s*<\//.exec(w.slice(e, e + 600));
  const value = m?.[1];
  if (!m || value === undefined || !w.startsWith(`</${tag}>`, e + m[0].length - 2)) return undefined;
  return { name: tag, value, at: e + m[0].indexOf(value) };
}

/** Is a parsed assignment a secret? */
function isSecretAssignment(p: Parsed): boolean {
  const name = p.name.replace(/^\$+/, '');
  const strength = nameStrength(name);
  if (strength === 'none') return false;
  return isSecretValue(p.value, { password: isPasswordName(name), strength });
}

/**
 * Find generic assignments at the secret words the keyword prefilter saw
 * (`positions`). A window is the word's line and the line after it (a value
 * may continue there); lines of minified code are not read.
 */
export function findGeneric(
  src: Source,
  positions: readonly number[],
  emit: (hit: GenericHit) => void,
  fix: (window: string) => string = (w) => w,
  ctx: FileContext = TEXT_CONTEXT,
): void {
  if (ctx.machine) return;
  const seen = new Set<number>();
  for (const p of positions) {
    const lineStart = src.lastNewline(p) + 1;
    let lineEnd = src.nextNewline(p);
    if (lineEnd < 0) lineEnd = src.length;
    if (lineEnd - lineStart > (ctx.kind === 'code' ? 1000 : 4000)) continue; // minified or generated
    // the line and the two after it (an XML element's value and closing tag may sit there)
    let windowEnd = lineEnd;
    for (let n = 0; n < 2 && windowEnd < src.length; n++) {
      const nl = src.nextNewline(windowEnd + 1);
      windowEnd = nl < 0 ? src.length : nl;
    }
    if (windowEnd - lineStart > 8192) windowEnd = Math.max(lineEnd, Math.min(src.length, lineStart + 8192));
    const w = fix(src.slice(lineStart, windowEnd));
    const k = src.charsBetween(lineStart, p);
    const lineChars = src.charsBetween(lineStart, lineEnd);
    const [s] = nameBounds(w, k);
    if (seen.has(lineStart + s)) continue;
    seen.add(lineStart + s);
    const parsed = parseAssignment(w, k, 0, lineChars, ctx);
    if (!parsed || !isSecretAssignment(parsed)) continue;
    emit({ secretIndex: src.offsetIn(lineStart, w, parsed.at), secret: parsed.value, name: parsed.name });
  }
}
