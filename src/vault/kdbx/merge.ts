/**
 * ssot's merge of two copies of one KeePass database (docs/merge.md).
 *
 * Not kdbxweb's Kdbx.merge: it lets a deletion beat a later edit, drops a
 * same-second edit and the other side's entry customData (research/vault.md
 * §1.4, §3.4). Not KeePassXC's either: it never applies deletions. The rules
 * (DESIGN.md "Merge rules"):
 *  1. entries and groups are matched by UUID anywhere in the tree;
 *  2. the newer modification wins, the other state goes into history; histories
 *     are united without duplicates and trimmed by the database's limits;
 *  3. same second, different content: the state with the larger content hash
 *     wins (the same on every machine), the other goes into history, reported;
 *  4. location is resolved apart from content, by locationChanged;
 *  5. a deletion applies only if the item was not modified after it; a deleted
 *     group goes only if nothing under it survives; survivors lose their tombstone;
 *  6. nothing is dropped (custom data, attachments, tags, auto-type, icons);
 *  7. different root groups: an error;
 *  8. merge(A, B) and merge(B, A) have the same contentDigest.
 *
 * Every decision is a function of the two sides' data only (never of which
 * side is the target), which is what makes rule 8 hold. This file matches the
 * items (rule 1), refuses what cannot be merged (rule 7, damaged files) and runs
 * the steps in order; each rule's step lives in merge/.
 */
import * as kdbxweb from './kdbxweb.js';
import { ConfigError, ConflictError, ErrorCode } from '../../core/errors.js';
import { databaseDigest } from './canonical.js';
import { rawKdbx, retire, type VaultDatabase } from './database.js';
import { resolveContents } from './merge/content.js';
import { decideDeletions, survivingTombstones, unionTombstones } from './merge/deletions.js';
import { resolveLocations } from './merge/location.js';
import { mergeMeta } from './merge/meta.js';
import type { Pair, Pairs, Side } from './merge/pairs.js';
import { countChanges, emptyReport, nameConflicts, type MergeReport } from './merge/report.js';
import { poolBinaries, rebuildTree, trimUnitedHistories } from './merge/tree.js';

export type { MergeReport } from './merge/report.js';

class NotSameDatabaseError extends ConfigError {
  constructor(target: string, source: string) {
    super(
      ErrorCode.NotSameDatabase,
      `${source} and ${target} are not copies of the same database (their root groups differ); refusing to merge them`,
      {
        hint: 'restore the wrong copy from a good one (`ssot vault restore NAME --from ...`), or delete that copy so the next sync recreates it from the primary',
      },
    );
  }
}

/** `targetDigest`: the target's contentDigest, when the caller has it (it is computed otherwise). */
export function mergeDatabases(target: VaultDatabase, source: VaultDatabase, opts: { targetDigest?: string } = {}): MergeReport {
  const T = rawKdbx(target);
  const S = rawKdbx(source);
  const report = emptyReport();
  if (T === S) return report;
  const tRoot = T.getDefaultGroup();
  const sRoot = S.getDefaultGroup();
  if (!tRoot.uuid.equals(sRoot.uuid)) throw new NotSameDatabaseError(target.source, source.source);

  const before = opts.targetDigest ?? databaseDigest(T);
  const pairs = pairItems(tRoot, sRoot, { t: target.source, s: source.source });
  const tombstones = unionTombstones(T.deletedObjects, S.deletedObjects);
  resolveLocations(pairs); // rule 4, before content: resolving content overwrites the target's times
  resolveContents(pairs, report); // rules 2, 3
  decideDeletions(pairs, tombstones); // rule 5
  mergeMeta(T.meta, S.meta); // rule 6, before the tree so that icons and history limits are known
  countChanges(pairs, report);
  const root = rebuildTree(T, pairs);
  trimUnitedHistories(pairs, T.meta);
  T.deletedObjects = survivingTombstones(pairs, tombstones);
  poolBinaries(T, root);
  nameConflicts(report, pairs, root);

  report.digest = target.contentDigest();
  report.changed = report.digest !== before;
  retire(source);
  return report;
}

/** Rule 1: every item of both sides, matched by UUID anywhere in the tree. */
function pairItems(tRoot: kdbxweb.KdbxGroup, sRoot: kdbxweb.KdbxGroup, files: Record<Side, string>): Pairs {
  const pairs: Pairs = { groups: new Map(), entries: new Map(), order: [], rootId: tRoot.uuid.id };
  indexSide(pairs, tRoot, 't', files.t);
  indexSide(pairs, sRoot, 's', files.s);
  for (const id of pairs.entries.keys()) {
    if (pairs.groups.has(id)) {
      throw new ConflictError(`${id} is an entry in one of ${files.t} and ${files.s} and a group in the other; not merging them`);
    }
  }
  return pairs;
}

function indexSide(pairs: Pairs, root: kdbxweb.KdbxGroup, side: Side, file: string): void {
  const { groups, entries, order } = pairs;
  // A uuid twice in one file (a damaged file) has no single right answer: refuse rather than drop one.
  const duplicate = (uuid: string): never => {
    throw new ConflictError(`${file} holds the item ${uuid} twice; not merging it`, {
      hint: 'open the file in KeePassXC (it repairs duplicate UUIDs when it loads and saves the database), then sync again',
    });
  };
  const walk = (g: kdbxweb.KdbxGroup, parent: string | undefined): void => {
    const gp = pairOf(groups, g.uuid.id);
    if (gp[side] !== undefined) duplicate(g.uuid.id);
    gp[side] = g;
    if (parent !== undefined) gp[`${side}Parent`] = parent;
    order.push(g.uuid.id);
    for (const e of g.entries) {
      const ep = pairOf(entries, e.uuid.id);
      if (ep[side] !== undefined || groups.get(e.uuid.id)?.[side] !== undefined) duplicate(e.uuid.id);
      ep[side] = e;
      ep[`${side}Parent`] = g.uuid.id;
      order.push(e.uuid.id);
    }
    for (const c of g.groups) walk(c, g.uuid.id);
  };
  walk(root, undefined);
}

function pairOf<T extends kdbxweb.KdbxEntry | kdbxweb.KdbxGroup>(map: Map<string, Pair<T>>, uuid: string): Pair<T> {
  let p = map.get(uuid);
  if (!p) {
    p = { uuid, touched: 0, alive: true };
    map.set(uuid, p);
  }
  return p;
}
