/**
 * Rules 2 and 3: the newer state wins and the other goes into history; the same
 * second with different content goes to the larger content hash (the same on
 * every machine) and is reported as a conflict.
 */
import type * as kdbxweb from '../kdbxweb.js';
import { entryContentKey, entryStateKey, groupContentKey, sec, secOr0, sortHistory } from '../canonical.js';
import { sha256Hex } from '../../../core/hash.js';
import { copyEntryState, copyGroupState, snapshot } from '../entry-state.js';
import { cmp, type Pair, type Pairs, type Side } from './pairs.js';
import type { MergeReport } from './report.js';
import { must } from '../../../core/must.js';

/** Each pair's content, into the target's object (or the one side's object); updates and conflicts counted. */
export function resolveContents(pairs: Pairs, report: MergeReport): void {
  for (const p of pairs.groups.values()) resolveGroup(p, report);
  for (const p of pairs.entries.values()) resolveEntry(p, report);
}

/** `a`'s items, then each item of `b` beyond as many of its kind as `a` holds: per state, the larger count. */
function uniteHistories(a: readonly kdbxweb.KdbxEntry[], b: readonly kdbxweb.KdbxEntry[]): kdbxweb.KdbxEntry[] {
  const inA = new Map<string, number>();
  for (const h of a) {
    const k = entryStateKey(h);
    inA.set(k, (inA.get(k) ?? 0) + 1);
  }
  const out = [...a];
  for (const h of b) {
    const k = entryStateKey(h);
    const left = inA.get(k) ?? 0;
    if (left > 0) inA.set(k, left - 1);
    else out.push(h);
  }
  return out;
}

/** Which of two states wins: newer second, else the larger content key (so every machine picks the same). */
function pickWinner(tTime: number, sTime: number, tKey: string, sKey: string): { winner: Side; conflict: boolean } {
  if (tTime !== sTime) return { winner: tTime > sTime ? 't' : 's', conflict: false };
  if (tKey === sKey) return { winner: 't', conflict: false };
  return { winner: cmp(tKey, sKey) > 0 ? 't' : 's', conflict: true };
}

function maxDate(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

function resolveGroup(p: Pair<kdbxweb.KdbxGroup>, report: MergeReport): void {
  const { t, s } = p;
  if (t && s) {
    const tKey = sha256Hex(JSON.stringify([groupContentKey(t), sec(t.times.creationTime)]));
    const sKey = sha256Hex(JSON.stringify([groupContentKey(s), sec(s.times.creationTime)]));
    const { winner, conflict } = pickWinner(secOr0(t.times.lastModTime), secOr0(s.times.lastModTime), tKey, sKey);
    if (winner === 's') {
      copyGroupState(t, s);
      if (tKey !== sKey) report.updated++;
    }
    if (conflict) report.conflicts.push({ uuid: p.uuid, path: '', kept: winner === 't' ? 'target' : 'source' });
    t.times.lastAccessTime = maxDate(t.times.lastAccessTime, s.times.lastAccessTime);
    p.obj = t;
  } else {
    p.obj = must(t ?? s, `a side of group pair ${p.uuid}`);
  }
}

function resolveEntry(p: Pair<kdbxweb.KdbxEntry>, report: MergeReport): void {
  const { t, s } = p;
  if (t && s) {
    const tState = entryStateKey(t);
    const sState = entryStateKey(s);
    const { winner, conflict } = pickWinner(secOr0(t.times.lastModTime), secOr0(s.times.lastModTime), tState, sState);
    const loser = winner === 't' ? s : t;
    const winnerState = winner === 't' ? tState : sState;
    const loserState = winner === 't' ? sState : tState;
    // History: both sides' items united as multisets (an item both hold counts once, a side's
    // own repeats and an item equal to the current state are kept as that side wrote them), and
    // the losing state when neither holds it. So one-sided entries, merges again and merges in
    // the other order all give the same history.
    const loserSnapshot = loserState !== winnerState && entryContentKey(loser) !== entryContentKey(winner === 't' ? t : s) ? snapshot(loser) : undefined;
    const histories = [[...t.history], [...s.history]] as const;
    const lastAccess = maxDate(t.times.lastAccessTime, s.times.lastAccessTime);
    const usage = Math.max(t.times.usageCount ?? 0, s.times.usageCount ?? 0);
    if (winner === 's') {
      copyEntryState(t, s);
      if (tState !== sState) report.updated++;
    }
    const history = uniteHistories(...histories);
    if (loserSnapshot && !history.some((h) => entryStateKey(h) === loserState)) history.push(loserSnapshot);
    for (const h of history) h.uuid = t.uuid;
    t.history = sortHistory(history);
    t.times.lastAccessTime = lastAccess;
    t.times.usageCount = usage;
    if (conflict) report.conflicts.push({ uuid: p.uuid, path: '', kept: winner === 't' ? 'target' : 'source' });
    p.obj = t;
  } else {
    p.obj = must(t ?? s, `a side of entry pair ${p.uuid}`);
  }
}
