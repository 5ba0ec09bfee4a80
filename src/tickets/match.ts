import { createHash } from 'node:crypto';

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

/**
 * Whether a note's title names the same issue as Jira's summary. Notes often
 * shorten titles, so the shorter one's words appearing in order in the longer
 * one is a match as long as it has two words or more; anything else (a
 * mistyped or truncated key pointing at someone else's ticket) is not.
 */
export function titlesMatch(note: string, summary: string): boolean {
  const a = normalizeTitle(note);
  const b = normalizeTitle(summary);
  if (a === b) return a !== '';
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const sw = short.split(' ').filter(Boolean);
  const lw = long.split(' ').filter(Boolean);
  if (sw.length < 2) return false;
  let i = 0;
  for (const w of lw) if (w === sw[i]) i++;
  return i === sw.length;
}

/** The tie between a note item and its issue: a short hash of the note path and the item's title. */
export function itemId(notePath: string, title: string): string {
  return createHash('sha256').update(`${notePath}\n${normalizeTitle(title)}`).digest('hex').slice(0, 10);
}

export function tieLabel(id: string): string {
  return `ssot-${id}`;
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
