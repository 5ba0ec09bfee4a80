import { normalizeTitle } from '../match.js';
import { BAD_POINTS_RE, POINTS_RE, markOn, pointsValue, withoutMarks, type Stated } from './vocabulary.js';

/**
 * One source line read as a possible ticket line: its list marker and
 * checkbox, the status marks at its head, the key in key position (the
 * first thing after them, bold, linked or bare), the title, the points, a
 * pending marker. Nothing here decides what the line does; it only says what
 * is written, and what in it cannot be read (a half-typed key, an unclosed
 * `**`, points that are no number).
 */

export interface LineRead {
  /** The raw text after the list marker and checkbox. */
  rest: string;
  checked: boolean | null;
  /** A key of the note's project at the head of the line. */
  key?: string;
  /** The key is written as one (bold, or followed by a colon or a dash), not just a word that starts the line. */
  keyMarked?: boolean;
  /** The project's key prefix at the head with no number yet (`**CHRONOS-:**`). */
  halfKey?: string;
  /** A key-shaped token of another project at the head (`SEV-2:`): never the note's key. */
  otherKey?: string;
  title: string;
  points?: number;
  mark?: { stated: Stated; mark: string };
  /** The line (after its marks) starts with bold. */
  boldStart: boolean;
  /** The line is a bold title and nothing else (points, marks and a marker aside). */
  boldAlone: boolean;
  /** `**Label:** value` or `Label: value` with a bold label: a field, never an item. */
  label?: { name: string; value: string };
  pending?: { id: string; at?: string };
  /** What makes the line unreadable as a ticket line, if it is one. */
  unreadable?: string;
  /** Keys of the project named elsewhere on the line (mentions). */
  mentions: string[];
  /** Points written as something that is no number. */
  badPoints?: string;
}

const PREFIX_RE = /^(\s*)(?:([-*+]|\d+[.)])\s+)?(?:\[([ xX])\]\s+)?/;
const MARKER_RE = /\s*<!--\s*ssot:pending\s+([0-9a-f]{6,16})(?:\s+(\S+))?\s*-->/;
/** Status emoji and arrows before the key: `- ✅ CHRONOS-219: …`, `→ CHRONOS-2`. */
const LEAD_MARKS_RE = /^(?:(?:\p{Extended_Pictographic}|[\u2190-\u21FF\u2713\u2714\u2610-\u2612]|\uFE0F|\u200D)\s*)+/u;
const ANY_KEY_RE = /^[A-Z][A-Z0-9_]+-\d+/;

/** `[text](url)` -> `text`. */
function unlink(s: string): string {
  return s.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
}

export function readLine(raw: string, project: string): LineRead {
  // Every part of PREFIX_RE is optional: it matches every line, at worst the empty prefix.
  const [head = '', , , box] = PREFIX_RE.exec(raw) ?? [];
  let rest = raw.slice(head.length).replace(/\r$/, '');
  const checked = box === undefined ? null : box !== ' ';
  const out: LineRead = { rest, checked, title: '', boldStart: false, boldAlone: false, mentions: [] };
  const mm = MARKER_RE.exec(rest);
  if (mm) {
    const [, id, at] = mm;
    if (id !== undefined) out.pending = { id, ...(at ? { at } : {}) };
    rest = rest.replace(MARKER_RE, '');
  }
  // `[CHRONOS-222](https://…/browse/CHRONOS-222)`: the link text is what counts.
  rest = unlink(rest);
  const lead = LEAD_MARKS_RE.exec(rest)?.[0] ?? '';
  const body = rest.slice(lead.length);
  out.mark = markOn(lead) ?? markOn(body);
  const label = labelOf(body);
  if (label) out.label = label;
  const headKey = keyAtHead(body, project);
  out.boldStart = body.startsWith('**');
  if (headKey.half) {
    out.halfKey = headKey.half;
    out.unreadable = halfKeyProblem(headKey.half);
  }
  else if (headKey.other) out.otherKey = headKey.other;
  else if (headKey.key) {
    out.key = headKey.key;
    out.keyMarked = headKey.marked;
  }
  const titlePart = out.key ? headKey.after : body;
  readTitle(out, titlePart, body);
  const keyRe = new RegExp(String.raw`(?<![A-Za-z0-9_-])${project}-\d+(?!\d)`, 'g');
  out.mentions = [...body.matchAll(keyRe)].map((m) => m[0]).filter((k) => k !== out.key);
  if (!out.unreadable && /<!--/.test(rest) && !/-->/.test(rest)) out.unreadable = 'an HTML comment is not closed ("<!--" without "-->")';
  return out;
}

/** What is unreadable about a line whose head is a half-typed key (LineRead.halfKey): always its `unreadable`. */
export function halfKeyProblem(half: string): string {
  return `"${half}" is a key without its number`;
}

function keyAtHead(body: string, project: string): { key?: string; marked?: boolean; other?: string; half?: string; after: string } {
  const m = /^(\*\*)?\s*([A-Z][A-Z0-9_]+-\d*)(?=[\s:*—–\-.,)]|$)(.*)$/.exec(body);
  const [, bold, token, after] = m ?? [];
  if (token === undefined || after === undefined) return { after: body };
  if (token.startsWith(`${project}-`) && !ANY_KEY_RE.test(token)) return { half: token, after };
  if (!ANY_KEY_RE.test(token)) return { after: body };
  // Written as a key: bold, or followed by a colon or a dash.
  const marked = Boolean(bold) || /^\s*(\*\*)?\s*:/.test(after) || /^\s+[-–—]\s/.test(after);
  if (!token.startsWith(`${project}-`)) return marked ? { other: token, after } : { after: body };
  return { key: token, marked, after: after.replace(/^[\s:*—–-]+/, '') };
}

function readTitle(out: LineRead, titlePart: string, body: string): void {
  const points = POINTS_RE.exec(titlePart)?.[1];
  if (points !== undefined) out.points = pointsValue(points);
  else {
    const bad = BAD_POINTS_RE.exec(titlePart)?.[1]?.trim();
    if (bad && !/^\d+(?:[.,]\d+)?$/.test(bad)) out.badPoints = bad;
  }
  if ((body.match(/\*\*/g) ?? []).length % 2 === 1 && !out.unreadable) out.unreadable = `"**" is not closed in "${body.trim()}"`;
  let title = withoutMarks(titlePart.replace(POINTS_RE, ' '))
    .replace(/\*\*|~~|__/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s:—–-]+|[\s:—–-]+$/g, '')
    .trim();
  if (/\([^)]*$/.test(title) && !out.unreadable) out.unreadable = `"(" is not closed in "${body.trim()}"`;
  title = title.replace(/\s+/g, ' ');
  out.title = normalizeTitle(title).length < 2 ? '' : title;
  const afterBold = /^\*\*([^*]+)\*\*(.*)$/.exec(body.trim())?.[2];
  if (afterBold !== undefined && !out.label) {
    const tail = withoutMarks(afterBold.replace(POINTS_RE, ' ')).replace(/\*\*/g, '').trim();
    out.boldAlone = tail === '' || tail === ':';
  }
}

/** `**Label:** value`, `**Label**: value`, `- **Label:** value`; the label names no key. */
function labelOf(body: string): { name: string; value: string } | undefined {
  const m = /^\*\*\s*([^*]+?)\s*:\s*\*\*\s*(.*)$/.exec(body) ?? /^\*\*\s*([^*:]+?)\s*\*\*\s*:\s*(.*)$/.exec(body);
  const [, label, value] = m ?? [];
  if (label === undefined || value === undefined) return undefined;
  const name = label.trim();
  if (ANY_KEY_RE.test(name) || /^[A-Z][A-Z0-9_]+-$/.test(name)) return undefined;
  return { name, value: value.replace(/\*\*/g, '').trim() };
}

/** `Target: 2026-03-31` without bold: only the date-like labels are fields when plain. */
export function plainLabelOf(raw: string): { name: string; value: string } | undefined {
  const m = /^\s*(?:(?:[-*+]|\d+[.)])\s+)?([\p{L} ]{2,20}):\s+(.*)$/u.exec(raw);
  const [, name, value] = m ?? [];
  return name !== undefined && value !== undefined ? { name: name.trim(), value: value.trim() } : undefined;
}
