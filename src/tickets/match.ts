import { shortHash } from '../core/hash.js';

/**
 * A forgiving form of a title: case folded, accents, emoji and punctuation
 * removed, whitespace collapsed. "Phase 2: Security hardening ✅" and
 * "phase 2 security Hardening" are the same title.
 */
export function normalizeTitle(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// Words that say nothing about which ticket is meant, in the languages notes are written in.
const STOP = new Set(
  (
    'a an the and or of for to in on at by with from into via vs per as is are be this that it its ' +
    'der die das den dem des ein eine einer und oder fur mit von zu zum zur im am auf aus bei ' +
    'el la los las un una unos unas y o de del al en con por para sin'
  ).split(' '),
);

function significant(title: string): string[] {
  return normalizeTitle(title)
    .split(' ')
    .filter((w) => w && !STOP.has(w));
}

/** A plural is its singular ("docs", "keys"). */
function stem(w: string): string {
  return w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
}

/** "doc" stands for "documentation", "plan" for "planning": one word is the other's start, 3 letters or more. */
function sameWord(x: string, y: string): boolean {
  if (x === y) return true;
  if (/^\d+$/.test(x) || /^\d+$/.test(y)) return false;
  const a = stem(x);
  const b = stem(y);
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  return s.length >= 3 && l.startsWith(s);
}

/**
 * Whether a note's title names the same issue as Jira's summary. Notes shorten
 * titles ("Complete Doc Mapping" for "Complete Documentation SSOT Mapping",
 * "Ubuntu Upgrade Planning" for "Plan Ubuntu 24.04 LTS Upgrade Strategy"), so
 * it is a match when every significant word of the shorter one stands in the
 * longer one, whole or as its start, in any order, and the shorter one has two
 * such words or more. A mistyped key that points at someone else's ticket
 * shares at most a word or two and is not a match; neither is a number that
 * differs ("Phase 3" is not "Phase 2").
 */
export function titlesMatch(note: string, summary: string): boolean {
  const a = normalizeTitle(note);
  const b = normalizeTitle(summary);
  if (a === b) return a !== '';
  const wa = significant(note);
  const wb = significant(summary);
  const [short, long] = wa.length <= wb.length ? [wa, wb] : [wb, wa];
  if (short.length < 2) return false;
  const free = [...long];
  for (const w of short) {
    const i = free.findIndex((x) => sameWord(w, x));
    if (i < 0) return false;
    free.splice(i, 1);
  }
  return true;
}

/** The tie between a note item and its issue: a short hash of the note path and the item's title. */
export function itemId(notePath: string, title: string): string {
  return shortHash(`${notePath}\n${normalizeTitle(title)}`, 10);
}

export function tieLabel(id: string): string {
  return `ssot-${id}`;
}
