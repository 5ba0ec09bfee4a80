/**
 * Property: random edits on two copies of one database, merged in both orders,
 * give the same contentDigest and lose no edit.
 *
 * Budget: 1,000 trials (CI), in memory only (copies via XML, no key derivation,
 * no save); about 10-20 s on a 2-core machine. FC_RUNS overrides the count.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VaultDatabase } from '../../../src/vault/kdbx/database.js';
import { mergeDatabases } from '../../../src/vault/kdbx/merge.js';
import { Clock, copyOf, newDb } from './fixture.js';

const RUNS = Number(process.env.FC_RUNS ?? 1000);

type Op =
  | { k: 'add'; g: number; title: string }
  | { k: 'edit'; e: number; field: 'Password' | 'UserName' | 'Notes' | 'Custom'; value: string }
  | { k: 'move'; e: number; g: number }
  | { k: 'del'; e: number }
  | { k: 'recycle'; e: number }
  | { k: 'attach'; e: number; name: string; data: number }
  | { k: 'cdata'; e: number; key: string; value: string }
  | { k: 'addGroup'; g: number; name: string }
  | { k: 'delGroup'; g: number }
  | { k: 'moveGroup'; g: number; to: number }
  | { k: 'renameGroup'; g: number; notes: string };

const word = fc.constantFrom('a', 'b', 'c', 'd');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ k: fc.constant('add' as const), g: fc.nat(20), title: word }) },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('edit' as const),
      e: fc.nat(20),
      field: fc.constantFrom('Password' as const, 'UserName' as const, 'Notes' as const, 'Custom' as const),
      value: word,
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('move' as const), e: fc.nat(20), g: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('del' as const), e: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('recycle' as const), e: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('attach' as const), e: fc.nat(20), name: word, data: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cdata' as const), e: fc.nat(20), key: word, value: word }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('addGroup' as const), g: fc.nat(20), name: word }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delGroup' as const), g: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('moveGroup' as const), g: fc.nat(20), to: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('renameGroup' as const), g: fc.nat(20), notes: word }) },
);
/** Each step waits 0, 1 or 2 s (0 makes same-second edits) plus some milliseconds. */
const stepArb = fc.record({ op: opArb, wait: fc.constantFrom(0, 0, 1, 2), ms: fc.nat(999) });

interface Trace {
  /** uuid -> the side's last touch (seconds) and its fields then. */
  touched: Map<string, { at: number; fields: Record<string, string> }>;
  /** uuid -> the side's last content edit (a move is a touch, not a content edit). */
  edited: Map<string, { at: number; fields: Record<string, string> }>;
  /** uuid -> when the side deleted it (seconds). */
  deleted: Map<string, number>;
}

function groupsOf(db: VaultDatabase): string[] {
  // Group paths reachable through entries' paths and the known names; the db helpers take paths.
  const paths = new Set<string>(['']);
  for (const e of db.entries()) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) paths.add(parts.slice(0, i).join('/'));
  }
  return [...paths].sort();
}

function apply(db: VaultDatabase, clock: Clock, steps: { op: Op; wait: number; ms: number }[], trace: Trace, knownGroups: string[]): void {
  const sec = (): number => Math.floor(clock.ms / 1000);
  const record = (uuid: string, content = true): void => {
    const v = db.getEntry(uuid);
    if (!v) return;
    trace.touched.set(uuid, { at: sec(), fields: { ...v.fields } });
    if (content) trace.edited.set(uuid, { at: sec(), fields: { ...v.fields } });
  };
  for (const { op, wait, ms } of steps) {
    clock.ms = (Math.floor(clock.ms / 1000) + wait) * 1000 + ms;
    const live = db.entries();
    const groups = [...new Set([...knownGroups.filter((g) => g === '' || db.groupUuid(g) !== undefined), ...groupsOf(db)])].sort();
    const entry = (i: number) => live[i % Math.max(1, live.length)];
    const group = (i: number): string => groups[i % groups.length]!;
    switch (op.k) {
      case 'add': {
        const id = db.addEntry(group(op.g), { Title: op.title, Password: `pw-${op.title}` });
        record(id);
        break;
      }
      case 'edit': {
        const e = entry(op.e);
        if (!e) break;
        db.editEntry(e.uuid, { [op.field]: `${op.value}-${clock.ms}` });
        record(e.uuid);
        break;
      }
      case 'move': {
        const e = entry(op.e);
        if (!e) break;
        const to = group(op.g);
        if (e.path === (to ? `${to}/${e.title}` : e.title)) break; // already there: not a move
        db.moveEntry(e.uuid, to);
        record(e.uuid, false);
        break;
      }
      case 'recycle': {
        const e = entry(op.e);
        if (!e) break;
        db.recycleEntry(e.uuid);
        record(e.uuid, false);
        break;
      }
      case 'del': {
        const e = entry(op.e);
        if (!e) break;
        db.deleteEntry(e.uuid);
        trace.deleted.set(e.uuid, sec());
        break;
      }
      case 'attach': {
        const e = entry(op.e);
        if (!e) break;
        db.addAttachment(e.uuid, `${op.name}.bin`, new Uint8Array([op.data, 1, 2, 3]));
        record(e.uuid);
        break;
      }
      case 'cdata': {
        const e = entry(op.e);
        if (!e) break;
        db.setEntryCustomData(e.uuid, op.key, op.value);
        record(e.uuid);
        break;
      }
      case 'addGroup': {
        const parent = group(op.g);
        const path = parent ? `${parent}/${op.name}` : op.name;
        db.addGroup(path);
        knownGroups.push(path);
        break;
      }
      case 'delGroup': {
        const path = group(op.g);
        if (!path) break;
        const uuid = db.groupUuid(path)!;
        for (const e of db.entries()) if (e.path.startsWith(`${path}/`)) trace.deleted.set(e.uuid, sec());
        db.deleteGroup(uuid);
        break;
      }
      case 'renameGroup': {
        const path = group(op.g);
        if (!path) break;
        db.renameGroup(db.groupUuid(path)!, path.split('/').pop()!, `${op.notes}-${clock.ms}`); // notes only: paths stay valid
        break;
      }
      case 'moveGroup': {
        const path = group(op.g);
        const to = group(op.to);
        if (!path || to === path || to.startsWith(`${path}/`)) break;
        const uuid = db.groupUuid(path)!;
        const name = path.split('/').pop()!;
        const dest = to ? `${to}/${name}` : name;
        if (db.groupUuid(dest) !== undefined) break; // would merge two groups of one name in path lookups
        db.moveGroup(uuid, to);
        knownGroups.push(dest);
        break;
      }
    }
  }
}

async function baseDb(): Promise<{ db: VaultDatabase; groups: string[] }> {
  const clock = new Clock();
  const db = await newDb(clock);
  const groups = ['', 'G1', 'G1/Sub', 'G2'];
  for (const g of groups) db.addGroup(g);
  for (let i = 0; i < 6; i++) {
    const id = db.addEntry(groups[i % groups.length]!, { Title: `e${i}`, UserName: `u${i}`, Password: `p${i}`, Custom: `c${i}` }, { protect: ['Custom'] });
    if (i % 2 === 0) {
      clock.tick();
      db.editEntry(id, { Notes: `first edit of e${i}` });
    }
    if (i === 1) db.addAttachment(id, 'key.bin', new Uint8Array([9, 9, 9]));
  }
  return { db, groups };
}

describe('merge property: order independence and no lost edit', () => {
  it(`holds for ${RUNS} random pairs of edit sequences`, async () => {
    const { db: base, groups } = await baseDb();
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 12 }), fc.array(stepArb, { maxLength: 12 }), async (stepsA, stepsB) => {
        const clockA = new Clock(100);
        const clockB = new Clock(100);
        const a = await copyOf(base, clockA);
        const b = await copyOf(base, clockB);
        const traceA: Trace = { touched: new Map(), edited: new Map(), deleted: new Map() };
        const traceB: Trace = { touched: new Map(), edited: new Map(), deleted: new Map() };
        apply(a, clockA, stepsA, traceA, [...groups]);
        apply(b, clockB, stepsB, traceB, [...groups]);

        const ab = a.clone();
        const ba = b.clone();
        const rep1 = mergeDatabases(ab, b.clone());
        const rep2 = mergeDatabases(ba, a.clone());
        expect(ab.contentDigest()).toBe(ba.contentDigest());
        expect(rep1.conflicts.length).toBe(rep2.conflicts.length);

        // No lost edit: an entry touched on one side after every deletion of it survives,
        // with the latest content when one side's edit is strictly newer.
        const result = new Map(ab.entries().map((e) => [e.uuid, e]));
        const inBin = (uuid: string) => ab.getEntry(uuid) !== undefined;
        for (const [mine, other] of [
          [traceA, traceB],
          [traceB, traceA],
        ] as const) {
          for (const [uuid, t] of mine.touched) {
            if (mine.deleted.has(uuid) && mine.deleted.get(uuid)! >= t.at) continue; // this side deleted it later itself
            const delOther = other.deleted.get(uuid);
            if (delOther !== undefined && delOther >= t.at) continue; // deleted after the edit: may go
            expect(inBin(uuid), `entry ${uuid} edited at ${t.at} is lost`).toBe(true);
            const mineE = mine.edited.get(uuid);
            const otherE = other.edited.get(uuid);
            if (mineE && (!otherE || otherE.at < mineE.at)) {
              const got = result.get(uuid) ?? ab.getEntry(uuid)!;
              expect(got.fields).toEqual(mineE.fields);
            }
          }
        }
        // Merging the result with either input again changes nothing.
        const again = ab.clone();
        expect(mergeDatabases(again, a.clone()).changed).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });
});
