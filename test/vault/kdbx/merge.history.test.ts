/**
 * Histories as other clients write them: an item equal to the current state
 * (a save in the same second with the same content) and a side's own repeats.
 * The merge keeps them as written and unites them the same way whichever side
 * is the target, so merging again changes nothing. Found by the property test
 * (seed -2007787315): an entry added on one side with an attachment added twice
 * in one second came out of a second merge with one history item fewer.
 */
import { describe, expect, it } from 'vitest';
import { rawKdbx, type VaultDatabase } from '../../../src/vault/kdbx/database.js';
import { mergeDatabases } from '../../../src/vault/kdbx/merge.js';
import { Clock, copyOf, newDb } from './fixture.js';

async function twoCopies() {
  const clock = new Clock();
  const base = await newDb(clock);
  base.addGroup('G');
  const a = await copyOf(base, new Clock(100));
  const b = await copyOf(base, new Clock(100));
  return { a, b };
}

const historyOf = (db: VaultDatabase, uuid: string): number =>
  [...rawKdbx(db).getDefaultGroup().allEntries()].find((e) => e.uuid.id === uuid)!.history.length;

describe('merge: histories kept as written', () => {
  it('a new entry whose history holds its current state: merging the result with that side again changes nothing', async () => {
    const { a, b } = await twoCopies();
    const id = a.addEntry('G', { Title: 'new', Password: 'pw' });
    a.addAttachment(id, 'a.bin', new Uint8Array([3, 1, 2, 3]));
    a.addAttachment(id, 'a.bin', new Uint8Array([3, 1, 2, 3])); // same second, same content: history gets a copy of the current state
    const items = historyOf(a, id);
    expect(items).toBe(2);

    const ab = a.clone();
    mergeDatabases(ab, b.clone());
    const ba = b.clone();
    mergeDatabases(ba, a.clone());
    expect(ab.contentDigest()).toBe(ba.contentDigest());
    expect(historyOf(ab, id)).toBe(items);

    const again = ab.clone();
    expect(mergeDatabases(again, a.clone()).changed).toBe(false);
    expect(historyOf(again, id)).toBe(items);
  });

  it("one side's repeated history items are kept, and both merge orders agree", async () => {
    const { a } = await twoCopies();
    const id = a.addEntry('G', { Title: 'e', Password: 'one' });
    const b2 = await copyOf(a, new Clock(200));
    a.addAttachment(id, 'x.bin', new Uint8Array([1]));
    a.addAttachment(id, 'x.bin', new Uint8Array([1])); // a repeat in a's history
    b2.editEntry(id, { Notes: 'edited on b' });
    const ab = a.clone();
    mergeDatabases(ab, b2.clone());
    const ba = b2.clone();
    mergeDatabases(ba, a.clone());
    expect(ab.contentDigest()).toBe(ba.contentDigest());
    const again = ab.clone();
    expect(mergeDatabases(again, b2.clone()).changed).toBe(false);
    expect(mergeDatabases(again, a.clone()).changed).toBe(false);
  });
});
