/**
 * The merge, scenario by scenario: KeePassXC's own merge tests (research/vault.md
 * §3.2, numbered as there) and kdbxweb's data-loss cases E1-E13 (§3.4). Where
 * ssot's rules differ from KeePassXC (deletions, same-second edits, customData),
 * the test says so and checks ssot's rule. Every merge is also made in the other
 * order and must give the same contentDigest (rule 8).
 */
import * as kdbxweb from '../../../src/vault/kdbx/kdbxweb.js';
import { describe, expect, it } from 'vitest';
import { ErrorCode, SsotError } from '../../../src/core/errors.js';
import { rawKdbx, type VaultDatabase } from '../../../src/vault/kdbx/database.js';
import { mergeDatabases, type MergeReport } from '../../../src/vault/kdbx/merge.js';
import { Clock, copyOf, keepassxcFixture, newDb } from './fixture.js';

/** merge(target, source), also checking that merge(source, target) reaches the same content. */
function merge(target: VaultDatabase, source: VaultDatabase): MergeReport {
  const t2 = target.clone();
  const s2 = source.clone();
  const report = mergeDatabases(target, source);
  mergeDatabases(s2, t2);
  expect(s2.contentDigest(), 'merge order changed the result').toBe(target.contentDigest());
  return report;
}

const raw = (db: VaultDatabase) => rawKdbx(db);
function entry(db: VaultDatabase, uuid: string): kdbxweb.KdbxEntry | undefined {
  for (const e of raw(db).getDefaultGroup().allEntries()) if (e.uuid.id === uuid) return e;
  return undefined;
}
const group = (db: VaultDatabase, uuid: string) => raw(db).getGroup(uuid);
const tomb = (db: VaultDatabase, uuid: string) => raw(db).deletedObjects.some((d) => d.uuid?.id === uuid);
const field = (db: VaultDatabase, uuid: string, name: string) => db.getEntry(uuid)?.fields[name];
const historyOf = (db: VaultDatabase, uuid: string, name: string) =>
  entry(db, uuid)!.history.map((h) => {
    const v = h.fields.get(name);
    return v instanceof kdbxweb.ProtectedValue ? v.getText() : (v ?? '');
  });
const parentName = (db: VaultDatabase, uuid: string) => entry(db, uuid)?.parentGroup?.name;

async function pair(clock = new Clock()) {
  const f = await keepassxcFixture(clock);
  const ct = new Clock();
  ct.ms = clock.ms;
  const cs = new Clock();
  cs.ms = clock.ms;
  const target = f.db;
  target.clock = ct.now;
  const source = await copyOf(target, cs);
  return { ...f, target, source, ct, cs };
}

describe('KeePassXC merge scenarios (TestMerge.cpp), with ssot rules where they differ', () => {
  it('1. merging into a new, separately created database is refused (ssot: rule 7; KeePassXC merges into its root)', async () => {
    const { target } = await pair();
    const fresh = await newDb();
    const err = (() => {
      try {
        mergeDatabases(fresh, target);
      } catch (e) {
        return e;
      }
      return undefined;
    })() as SsotError;
    expect(err).toBeInstanceOf(SsotError);
    expect(err.code).toBe(ErrorCode.NotSameDatabase);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/not copies of the same database/);
    expect(err.hint).toMatch(/restore/);
  });

  it('2. no changes: merging a clone twice changes nothing', async () => {
    const { target, source } = await pair();
    const again = source.clone();
    const { digest, ...counts } = merge(target, source);
    expect(counts).toEqual({ changed: false, added: 0, updated: 0, deleted: 0, moved: 0, conflicts: [] });
    expect(digest).toBe(target.contentDigest());
    expect(merge(target, again).changed).toBe(false);
    expect(target.summary().entries).toBe(2);
  });

  it('3. database custom data: the newer value wins (no skip flag in ssot)', async () => {
    const { target, source, ct, cs } = await pair();
    raw(target).meta.customData.set('TEST_CUSTOM_DATA', { value: 'OLD TESTING', lastModified: ct.tick().now() });
    raw(source).meta.customData.set('TEST_CUSTOM_DATA', { value: 'TESTING', lastModified: cs.tick(2).now() });
    expect(merge(target, source).changed).toBe(true);
    expect(raw(target).meta.customData.get('TEST_CUSTOM_DATA')?.value).toBe('TESTING');
  });

  it('4. a newer source entry wins; the old state goes into history', async () => {
    const { target, source, entry1, group1, cs } = await pair();
    const groupTimes = group(target, group1)!.times.lastModTime;
    cs.tick();
    source.editEntry(entry1, { Password: 'password' });
    const sourceTimes = entry(source, entry1)!.times.lastModTime;
    const r = merge(target, source);
    expect(r.updated).toBe(1);
    expect(field(target, entry1, 'Password')).toBe('password');
    expect(entry(target, entry1)!.times.lastModTime).toEqual(sourceTimes);
    expect(historyOf(target, entry1, 'Password')).toContain('p1');
    expect(group(target, group1)!.times.lastModTime).toEqual(groupTimes);
    expect(tomb(target, entry1)).toBe(false);
  });

  it('5. a newer target entry wins', async () => {
    const { target, source, entry1, ct, cs } = await pair();
    cs.tick(1);
    source.editEntry(entry1, { Password: 'password1' });
    ct.tick(2);
    target.editEntry(entry1, { Password: 'password2' });
    const before = entry(target, entry1)!.times.lastModTime;
    merge(target, source);
    expect(field(target, entry1, 'Password')).toBe('password2');
    expect(entry(target, entry1)!.times.lastModTime).toEqual(before);
    expect(historyOf(target, entry1, 'Password')).toContain('password1');
    expect(tomb(target, entry1)).toBe(false);
  });

  it('6. diverging histories are united', async () => {
    const clock = new Clock();
    const f = await keepassxcFixture(clock);
    const target = f.db;
    const delDest = target.addEntry('', { Title: 'deletedDestination' });
    const delSrc = target.addEntry('', { Title: 'deletedSource' });
    const ct = new Clock();
    ct.ms = clock.ms;
    const cs = new Clock();
    cs.ms = clock.ms;
    target.clock = ct.now;
    const source = await copyOf(target, cs);
    ct.tick(60);
    cs.tick(60);
    for (const db of [target, source]) for (const id of [f.entry1, f.entry2]) db.editEntry(id, { Notes: '1 Common' });
    ct.tick(1);
    cs.tick(1);
    target.editEntry(f.entry2, { Notes: '2 Destination' });
    source.editEntry(f.entry1, { Notes: '2 Source' });
    ct.tick(3600);
    cs.tick(3600);
    target.editEntry(f.entry1, { Notes: '3 Destination' });
    source.editEntry(f.entry2, { Notes: '3 Source' });
    ct.tick(60);
    cs.tick(60);
    target.recycleEntry(delDest);
    source.recycleEntry(delSrc);
    ct.tick(60);
    cs.tick(60);
    const newT = target.addEntry('group2', { Title: 'entryDestination' });
    const newS = source.addEntry('group2', { Title: 'entrySource' });
    merge(target, source);
    expect(raw(target).getDefaultGroup().entries).toHaveLength(0);
    const bin = raw(target).getGroup(raw(target).meta.recycleBinUuid!)!;
    expect(bin.entries.map((e) => e.fields.get('Title')).sort()).toEqual(['deletedDestination', 'deletedSource']);
    expect([parentName(target, newT), parentName(target, newS)]).toEqual(['group2', 'group2']);
    expect(field(target, f.entry1, 'Notes')).toBe('3 Destination');
    expect(historyOf(target, f.entry1, 'Notes')).toEqual(['', 'edited once', '1 Common', '2 Source']);
    expect(field(target, f.entry2, 'Notes')).toBe('3 Source');
    expect(historyOf(target, f.entry2, 'Notes')).toEqual(['', 'edited once', '1 Common', '2 Destination']);
  });

  describe('7/8. deletion conflicts (ssot applies deletions like KeePassXC Synchronize mode, in every merge)', () => {
    async function setup() {
      const clock = new Clock();
      const db = await newDb(clock);
      const ids: Record<string, string> = {};
      for (const k of ['a', 'b', 'c', 'd']) ids[k] = db.addEntry('', { Title: `entry-${k}` });
      for (const k of ['e', 'f', 'g', 'h']) ids[k] = db.addEntry(`group-${k}`, { Title: `entry-${k}` });
      for (const k of ['e', 'f', 'g', 'h']) ids[`G${k}`] = db.groupUuid(`group-${k}`)!;
      clock.tick(10);
      const ct = new Clock();
      ct.ms = clock.ms;
      const cs = new Clock();
      cs.ms = clock.ms;
      db.clock = ct.now;
      return { target: db, source: await copyOf(db, cs), ids, ct, cs };
    }
    it('(a)-(d) entries: a deletion goes only if nothing edited the entry after it', async () => {
      const { target, source, ids, ct, cs } = await setup();
      cs.set(20);
      source.deleteEntry(ids.a!); // (a) deleted in source, then modified in target
      ct.set(21);
      target.editEntry(ids.a!, { Notes: 'after' });
      ct.set(20);
      target.editEntry(ids.b!, { Notes: 'before' }); // (b) modified in target, then deleted in source
      cs.set(21);
      source.deleteEntry(ids.b!);
      ct.set(22);
      target.deleteEntry(ids.c!); // (c) deleted in target, then modified in source
      cs.set(23);
      source.editEntry(ids.c!, { Notes: 'after' });
      cs.set(22);
      source.editEntry(ids.d!, { Notes: 'before' }); // (d) modified in source, then deleted in target
      ct.set(23);
      target.deleteEntry(ids.d!);
      const r = merge(target, source);
      expect(field(target, ids.a!, 'Notes')).toBe('after');
      expect(tomb(target, ids.a!)).toBe(false);
      expect(entry(target, ids.b!)).toBeUndefined();
      expect(tomb(target, ids.b!)).toBe(true);
      expect(field(target, ids.c!, 'Notes')).toBe('after');
      expect(tomb(target, ids.c!)).toBe(false);
      expect(entry(target, ids.d!)).toBeUndefined();
      expect(tomb(target, ids.d!)).toBe(true);
      expect(r.deleted).toBe(1);
      expect(r.added).toBe(1);
    });
    it('(e)-(h) parent groups: an entry edited after its group was deleted keeps the group; otherwise both go', async () => {
      const { target, source, ids, ct, cs } = await setup();
      cs.set(20);
      source.deleteGroup(ids.Ge!);
      ct.set(21);
      target.editEntry(ids.e!, { Notes: 'after' });
      ct.set(20);
      target.editEntry(ids.f!, { Notes: 'before' });
      cs.set(21);
      source.deleteGroup(ids.Gf!);
      ct.set(22);
      target.deleteGroup(ids.Gg!);
      cs.set(23);
      source.editEntry(ids.g!, { Notes: 'after' });
      cs.set(22);
      source.editEntry(ids.h!, { Notes: 'before' });
      ct.set(23);
      target.deleteGroup(ids.Gh!);
      merge(target, source);
      for (const k of ['e', 'g']) {
        expect(parentName(target, ids[k]!)).toBe(`group-${k}`);
        expect(tomb(target, ids[k]!)).toBe(false);
        expect(tomb(target, ids[`G${k}`]!)).toBe(false);
      }
      for (const k of ['f', 'h']) {
        expect(entry(target, ids[k]!)).toBeUndefined();
        expect(group(target, ids[`G${k}`]!)).toBeUndefined();
        expect(tomb(target, ids[k]!)).toBe(true);
        expect(tomb(target, ids[`G${k}`]!)).toBe(true);
      }
    });
  });

  it('9. a moved entry follows the move, without a duplicate', async () => {
    const { target, source, entry1, cs } = await pair();
    cs.tick();
    source.moveEntry(entry1, 'group2');
    const r = merge(target, source);
    expect(parentName(target, entry1)).toBe('group2');
    expect(target.summary().entries).toBe(2);
    expect(r.moved).toBe(1);
  });

  it('10. move on one side and edit on the other are both kept', async () => {
    const { target, source, entry1, ct, cs } = await pair();
    cs.tick(1);
    source.moveEntry(entry1, 'group2');
    ct.tick(2);
    target.editEntry(entry1, { Password: 'changed' });
    merge(target, source);
    expect(parentName(target, entry1)).toBe('group2');
    expect(field(target, entry1, 'Password')).toBe('changed');
  });

  it('11. a new group arrives', async () => {
    const { target, source, cs } = await pair();
    cs.tick();
    const g3 = source.addGroup('group3');
    expect(merge(target, source).added).toBe(1);
    expect(group(target, g3)?.name).toBe('group3');
    expect(group(target, g3)?.parentGroup).toBe(raw(target).getDefaultGroup());
  });

  it('12. an entry moved into a new group arrives there', async () => {
    const { target, source, entry1, cs } = await pair();
    cs.tick();
    source.moveEntry(entry1, 'group3');
    merge(target, source);
    expect(parentName(target, entry1)).toBe('group3');
    expect(target.summary().entries).toBe(2);
  });

  it('13. an update made elsewhere reaches the entry in its new place (locationChanged stays the mover\'s, unlike KeePassXC)', async () => {
    const { target, source, entry1, ct, cs } = await pair();
    ct.tick(1);
    target.moveEntry(entry1, 'group3');
    const moved = entry(target, entry1)!.times.locationChanged;
    cs.tick(2);
    source.editEntry(entry1, { UserName: 'new user' });
    merge(target, source);
    expect(parentName(target, entry1)).toBe('group3');
    expect(field(target, entry1, 'UserName')).toBe('new user');
    expect(entry(target, entry1)!.times.locationChanged).toEqual(moved);
  });

  it('14. a group update (name, notes, custom icon) and an entry moved and renamed into it', async () => {
    const { target, source, entry1, group2, cs } = await pair();
    cs.tick();
    const icon = new kdbxweb.KdbxUuid(kdbxweb.KdbxUuid.random().id);
    raw(source).meta.customIcons.set(icon.id, { data: new Uint8Array([1, 2, 3]).buffer, lastModified: cs.now() });
    source.renameGroup(group2, 'group2 renamed', 'new notes');
    group(source, group2)!.customIcon = icon;
    source.moveEntry(entry1, 'group2 renamed');
    source.editEntry(entry1, { Title: 'entry1 renamed' });
    merge(target, source);
    const g = group(target, group2)!;
    expect([g.name, g.notes, g.customIcon?.id]).toEqual(['group2 renamed', 'new notes', icon.id]);
    expect(raw(target).meta.customIcons.has(icon.id)).toBe(true);
    expect(target.findEntries('group2 renamed/entry1 renamed')[0]?.uuid).toBe(entry1);
  });

  it('15. a group move follows the newer locationChanged; a second merge changes nothing', async () => {
    const clock = new Clock();
    const f = await keepassxcFixture(clock);
    const g3 = f.db.addGroup('group1/group3');
    const ct = new Clock();
    ct.ms = clock.ms;
    const cs = new Clock();
    cs.ms = clock.ms;
    f.db.clock = ct.now;
    const source = await copyOf(f.db, cs);
    cs.tick();
    source.moveGroup(g3, 'group2');
    const lc = group(source, g3)!.times.locationChanged;
    const again = source.clone();
    merge(f.db, source);
    expect(group(f.db, g3)!.parentGroup?.name).toBe('group2');
    expect(group(f.db, g3)!.times.locationChanged).toEqual(lc);
    expect(merge(f.db, again).changed).toBe(false);
  });

  it('16. merge and sync are idempotent: 2 entries, not 4', async () => {
    const { target, source } = await pair();
    const s2 = source.clone();
    merge(target, source);
    merge(target, s2);
    expect(target.summary().entries).toBe(2);
  });

  it('17. a custom icon added on the other side is copied', async () => {
    const { target, source, entry2, cs } = await pair();
    cs.tick();
    const id = kdbxweb.KdbxUuid.random();
    raw(source).meta.customIcons.set(id.id, { data: new Uint8Array([7, 7]).buffer, name: 'seven' });
    source.editEntry(entry2, { Notes: 'with icon' });
    entry(source, entry2)!.customIcon = id;
    merge(target, source);
    expect(raw(target).meta.customIcons.get(id.id)?.name).toBe('seven');
    expect(entry(target, entry2)!.customIcon?.id).toBe(id.id);
  });

  it('18. one icon uuid with different images: one image, the same whichever side merges (KeePassXC keeps the target\'s)', async () => {
    const { target, source } = await pair();
    const id = kdbxweb.KdbxUuid.random().id;
    raw(target).meta.customIcons.set(id, { data: new Uint8Array([1]).buffer });
    raw(source).meta.customIcons.set(id, { data: new Uint8Array([2]).buffer });
    merge(target, source);
    expect(raw(target).meta.customIcons.size).toBe(1);
  });

  it('20. database custom data is merged key by key: nothing dropped (KeePassXC replaces the whole dictionary)', async () => {
    const { target, source, ct, cs } = await pair();
    const at = (c: Clock) => c.now();
    ct.tick(1);
    raw(target).meta.customData.set('toBeDeleted', { value: 'x', lastModified: at(ct) });
    raw(target).meta.customData.set('key3', { value: 'oldValue', lastModified: at(ct) });
    cs.tick(2);
    for (const [k, v] of [['key1', 'value1'], ['key2', 'value2'], ['key3', 'newValue'], ['Browser', 'n']] as const) {
      raw(source).meta.customData.set(k, { value: v, lastModified: at(cs) });
    }
    merge(target, source);
    const cd = raw(target).meta.customData;
    expect([...cd.keys()].sort()).toEqual(['Browser', 'key1', 'key2', 'key3', 'toBeDeleted']);
    expect(cd.get('key3')?.value).toBe('newValue');
    // Case B: the target's value is newer and stays.
    const { target: t2, source: s2, ct: ct2, cs: cs2 } = await pair();
    cs2.tick(1);
    raw(s2).meta.customData.set('key3', { value: 'newValue', lastModified: cs2.now() });
    ct2.tick(2);
    raw(t2).meta.customData.set('key3', { value: 'oldValue', lastModified: ct2.now() });
    merge(t2, s2);
    expect(raw(t2).meta.customData.get('key3')?.value).toBe('oldValue');
  });

  it('21. deleted entries: ssot propagates both deletions (KeePassXC by default revives them)', async () => {
    const { target, source, entry1, entry2, ct, cs } = await pair();
    cs.tick(1);
    source.deleteEntry(entry1);
    ct.tick(2);
    target.deleteEntry(entry2);
    merge(target, source);
    expect(target.summary().entries).toBe(0);
    expect(tomb(target, entry1) && tomb(target, entry2)).toBe(true);
  });

  it('22. deleted groups: an entry added on the other side keeps its group; the rest goes (KeePassXC keeps all)', async () => {
    const { target, source, entry1, entry2, group1, group2, ct, cs } = await pair();
    ct.tick(1);
    const entry3 = target.addEntry('group2', { Title: 'entry3' });
    cs.tick(2);
    source.deleteGroup(group1);
    cs.tick(1);
    source.deleteGroup(group2);
    merge(target, source);
    expect(entry(target, entry1)).toBeUndefined();
    expect(entry(target, entry2)).toBeUndefined();
    expect(group(target, group1)).toBeUndefined();
    expect(parentName(target, entry3)).toBe('group2');
    expect(tomb(target, group2)).toBe(false);
    expect(tomb(target, group1)).toBe(true);
  });

  it('23. deleted then revived entries survive and lose their tombstones (KeePassXC keeps the target\'s)', async () => {
    const { target, source, entry1, entry2, ct, cs } = await pair();
    ct.tick(1);
    target.deleteEntry(entry1);
    cs.tick(1);
    source.deleteEntry(entry2);
    cs.tick(1);
    source.editEntry(entry1, { Notes: 'Updated' });
    ct.tick(2);
    target.editEntry(entry2, { Notes: 'Updated' }); // the target still has entry2, deleted in the source before
    merge(target, source);
    expect(field(target, entry1, 'Notes')).toBe('Updated');
    expect(field(target, entry2, 'Notes')).toBe('Updated');
    expect(tomb(target, entry1) || tomb(target, entry2)).toBe(false);
  });

  it('24. deleted then revived groups survive and lose their tombstones', async () => {
    const { target, source, group1, group2, ct, cs } = await pair();
    ct.tick(1);
    target.deleteGroup(group2);
    cs.tick(1);
    source.deleteGroup(group1);
    cs.tick(1);
    source.renameGroup(group2, 'group2', 'Updated');
    ct.tick(2);
    target.renameGroup(group1, 'group1', 'Updated');
    merge(target, source);
    expect(group(target, group1)?.notes).toBe('Updated');
    expect(group(target, group2)?.notes).toBe('Updated');
    expect(tomb(target, group1) || tomb(target, group2)).toBe(false);
  });

  it('25. the older group rename loses', async () => {
    const { target, source, group1, ct, cs } = await pair();
    cs.tick(1);
    source.renameGroup(group1, 'source name');
    ct.tick(2);
    target.renameGroup(group1, 'target name');
    merge(target, source);
    expect(group(target, group1)?.name).toBe('target name');
  });

  it('26. merging an identical clone reports no change', async () => {
    const { target, source } = await pair();
    expect(merge(target, source).changed).toBe(false);
  });

  it('27. merging a changed title reports a change', async () => {
    const { target, source, entry1, cs } = await pair();
    cs.tick();
    source.editEntry(entry1, { Title: 'renamed' });
    const r = merge(target, source);
    expect(r.changed).toBe(true);
    expect(r.updated).toBe(1);
  });
});

describe('kdbxweb data-loss cases E1-E13 do not lose data in ssot', () => {
  it('E1: edits on both sides: the newer wins, the other is in history', async () => {
    const { target, source, entry1, ct, cs } = await pair();
    ct.tick(1);
    target.editEntry(entry1, { UserName: 'A user' });
    cs.tick(2);
    source.editEntry(entry1, { Notes: 'B notes' });
    merge(target, source);
    expect(field(target, entry1, 'Notes')).toBe('B notes');
    expect(historyOf(target, entry1, 'UserName')).toContain('A user');
  });

  it('E2: a deletion on one side propagates', async () => {
    const { target, source, entry2, cs } = await pair();
    cs.tick();
    source.deleteEntry(entry2);
    merge(target, source);
    expect(entry(target, entry2)).toBeUndefined();
    expect(tomb(target, entry2)).toBe(true);
  });

  it('E3/E10: an edit made after the other side deleted the entry wins over the deletion', async () => {
    const { target, source, entry1, ct, cs } = await pair();
    ct.tick(1);
    target.deleteEntry(entry1);
    cs.tick(2);
    source.editEntry(entry1, { Notes: 'later edit' });
    merge(target, source);
    expect(field(target, entry1, 'Notes')).toBe('later edit');
    expect(tomb(target, entry1)).toBe(false);
  });

  it('E4: new entries on both sides are both kept', async () => {
    const { target, source } = await pair();
    const a = target.addEntry('group1', { Title: 'new A' });
    const b = source.addEntry('group1', { Title: 'new B' });
    expect(merge(target, source).added).toBe(1);
    expect(entry(target, a) && entry(target, b)).toBeDefined();
  });

  it('E5: moved on one side and edited in the same second on the other: both kept', async () => {
    const { target, source, entry1, ct, cs } = await pair();
    ct.tick(1);
    cs.tick(1);
    target.moveEntry(entry1, 'group2');
    source.editEntry(entry1, { Notes: 'same second edit' });
    const r = merge(target, source);
    expect(parentName(target, entry1)).toBe('group2');
    expect(field(target, entry1, 'Notes')).toBe('same second edit');
    expect(r.conflicts).toEqual([]);
  });

  it('E6/E6b: entry custom data survives, from a newer entry and from a new entry', async () => {
    const { target, source, entry1, cs } = await pair();
    cs.tick();
    source.setEntryCustomData(entry1, 'KPXC_BROWSER_HOSTS', 'example.com');
    const fresh = source.addEntry('', { Title: 'fresh' });
    source.setEntryCustomData(fresh, 'plugin', 'data');
    merge(target, source);
    expect(entry(target, entry1)!.customData?.get('KPXC_BROWSER_HOSTS')?.value).toBe('example.com');
    expect(entry(target, fresh)!.customData?.get('plugin')?.value).toBe('data');
  });

  it('E7: separately created databases are not merged (typed error)', async () => {
    const a = await newDb();
    const b = await newDb();
    expect(() => mergeDatabases(a, b)).toThrow(expect.objectContaining({ code: ErrorCode.NotSameDatabase, exitCode: 2 }));
  });

  it('E8: same-second edits: one wins by a fixed rule in both orders, the other is in history, a conflict is reported', async () => {
    const { target, source, entry1, ct, cs } = await pair();
    ct.tick(1);
    cs.tick(1);
    target.editEntry(entry1, { Password: 'from-A' });
    source.editEntry(entry1, { Password: 'from-B' });
    const t2 = target.clone();
    const s2 = source.clone();
    const r = merge(target, source);
    const r2 = mergeDatabases(s2, t2);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]!.uuid).toBe(entry1);
    expect(r.conflicts[0]!.path).toBe('group1/entry1');
    expect(r2.conflicts[0]!.kept).not.toBe(r.conflicts[0]!.kept); // the same state, seen from the other side
    const kept = field(target, entry1, 'Password');
    expect(['from-A', 'from-B']).toContain(kept);
    expect(field(s2, entry1, 'Password')).toBe(kept);
    expect(historyOf(target, entry1, 'Password')).toContain(kept === 'from-A' ? 'from-B' : 'from-A');
    expect(JSON.stringify(r)).not.toMatch(/from-[AB]/);
  });

  it('E9: history items only one side has are kept when the other side is newer', async () => {
    const { target, source, entry1, ct, cs } = await pair();
    ct.tick(1);
    target.editEntry(entry1, { Notes: 'local 1' });
    ct.tick(1);
    target.editEntry(entry1, { Notes: 'local 2' });
    cs.tick(5);
    source.editEntry(entry1, { Notes: 'remote' });
    merge(target, source);
    expect(field(target, entry1, 'Notes')).toBe('remote');
    expect(historyOf(target, entry1, 'Notes')).toEqual(expect.arrayContaining(['local 1', 'local 2']));
  });

  it('E11: an entry added into a group deleted on the other side keeps the group', async () => {
    const { target, source, group2, ct, cs } = await pair();
    ct.tick(1);
    const added = target.addEntry('group2', { Title: 'new in group2' });
    cs.tick(2);
    source.deleteGroup(group2);
    merge(target, source);
    expect(parentName(target, added)).toBe('group2');
  });

  it('E12: an attachment added on the other side arrives and saves', async () => {
    const { target, source, entry1, cs } = await pair();
    cs.tick();
    source.addAttachment(entry1, 'id_ed25519', new Uint8Array([1, 2, 3, 4]));
    merge(target, source);
    expect(target.attachment(entry1, 'id_ed25519')).toEqual(new Uint8Array([1, 2, 3, 4]));
    const back = await (await import('../../../src/vault/kdbx/database.js')).VaultDatabase.open(await target.save(), { password: 'test-pw' }, 'm.kdbx');
    expect(back.attachment(entry1, 'id_ed25519')).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(back.contentDigest()).toBe(target.contentDigest());
  });

  it('E13: history is trimmed only to the database\'s own limit, newest kept', async () => {
    const { target, source, entry1, ct, cs } = await pair();
    raw(target).meta.historyMaxItems = -1;
    raw(source).meta.historyMaxItems = -1;
    for (let i = 0; i < 8; i++) {
      ct.tick(1);
      target.editEntry(entry1, { Notes: `A${i}` });
      cs.tick(1);
      source.editEntry(entry1, { Notes: `B${i}` });
    }
    const t10 = target.clone();
    const s10 = source.clone();
    merge(target, source);
    expect(entry(target, entry1)!.history).toHaveLength(17); // initial, "edited once" is current in base... all states kept
    raw(t10).meta.historyMaxItems = 10;
    raw(s10).meta.historyMaxItems = 10;
    merge(t10, s10);
    const h = historyOf(t10, entry1, 'Notes');
    expect(h).toHaveLength(10);
    // A7 and B7 were made in the same second: one is current, the other the newest history item.
    expect([field(t10, entry1, 'Notes'), h.at(-1)].sort()).toEqual(['A7', 'B7']);
    expect(h).not.toContain('A1');
  });

  it('a same-second group rename is a reported conflict with one deterministic winner', async () => {
    const { target, source, group1, ct, cs } = await pair();
    ct.tick(1);
    cs.tick(1);
    target.renameGroup(group1, 'name A');
    source.renameGroup(group1, 'name B');
    const r = merge(target, source);
    expect(r.conflicts.map((c) => c.path)).toEqual([group(target, group1)!.name]);
  });

  it('groups moved into each other on the two sides do not make a loop', async () => {
    const { target, source, group1, group2, ct, cs } = await pair();
    ct.tick(1);
    target.moveGroup(group1, 'group2');
    cs.tick(2);
    source.moveGroup(group2, 'group1');
    merge(target, source);
    const root = raw(target).getDefaultGroup();
    for (const id of [group1, group2]) {
      let g = group(target, id);
      let steps = 0;
      while (g && g !== root && steps < 10) {
        g = g.parentGroup;
        steps++;
      }
      expect(g).toBe(root);
    }
    expect(target.summary().entries).toBe(2);
  });

  it('the source cannot be reused after a merge', async () => {
    const { target, source } = await pair();
    mergeDatabases(target, source);
    expect(() => source.contentDigest()).toThrow(SsotError);
  });
});

describe('a merge result saves and reopens with the same content', () => {
  for (const version of [4, 3] as const) {
    it(`KDBX ${version === 4 ? '4' : '3.1'}`, async () => {
      const { VaultDatabase } = await import('../../../src/vault/kdbx/database.js');
      const clock = new Clock();
      const base = await VaultDatabase.create({ password: 'pw' }, version === 4 ? { memoryKiB: 1024, iterations: 1, parallelism: 1 } : { version: 3, iterations: 1000 });
      base.clock = clock.now;
      const e1 = base.addEntry('G', { Title: 'one', Password: 'p1', Secret: 's1' }, { protect: ['Secret'] });
      const e2 = base.addEntry('G/H', { Title: 'two', Password: 'p2' });
      const e3 = base.addEntry('', { Title: 'three' });
      clock.tick();
      const ca = new Clock();
      ca.ms = clock.ms;
      const cb = new Clock();
      cb.ms = clock.ms;
      const a = await copyOf(base, ca);
      const b = await copyOf(base, cb);
      ca.tick(1);
      a.editEntry(e1, { Password: 'p1-a' });
      a.addAttachment(e2, 'file.bin', new Uint8Array([5, 6, 7]));
      a.deleteEntry(e3);
      cb.tick(2);
      b.editEntry(e1, { Notes: 'b' });
      b.setEntryCustomData(e2, 'k', 'v');
      b.moveEntry(e1, 'G/H');
      raw(b).meta.customData.set('db-key', { value: 'db-value', lastModified: cb.now() });
      mergeDatabases(a, b);
      const back = await VaultDatabase.open(await a.save(), { password: 'pw' }, 'merged.kdbx');
      expect(back.contentDigest()).toBe(a.contentDigest());
      expect(back.findEntries('G/H/one')[0]?.fields.Notes).toBe('b');
      expect(back.getEntry(e3)).toBeUndefined();
    });
  }
});

describe('damaged input', () => {
  it('a uuid twice in one file stops the merge (exit 3) instead of dropping one', async () => {
    const { target, source, entry1 } = await pair();
    const e = entry(source, entry1)!;
    const twin = new kdbxweb.KdbxEntry();
    twin.uuid = e.uuid;
    twin.fields.set('Title', 'twin');
    twin.parentGroup = raw(source).getDefaultGroup();
    raw(source).getDefaultGroup().entries.push(twin);
    expect(() => mergeDatabases(target, source)).toThrow(expect.objectContaining({ code: ErrorCode.Conflict, exitCode: 3 }));
  });
});
