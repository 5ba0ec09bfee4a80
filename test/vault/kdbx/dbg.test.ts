import { it } from 'vitest';
import { mergeDatabases } from '../../../src/vault/kdbx/merge.js';
import { rawKdbx } from '../../../src/vault/kdbx/database.js';
import { Clock, copyOf, newDb } from './fixture.js';
it('dbg', async () => {
  const clock = new Clock();
  const db = await newDb(clock);
  db.addGroup('G1'); db.addGroup('G1/Sub'); db.addGroup('G2');
  const e = db.addEntry('G1/Sub', { Title: 'x' });
  const a = await copyOf(db, new Clock(102));
  const b = await copyOf(db, new Clock(100));
  a.recycleEntry(e);
  b.deleteGroup(b.groupUuid('G1')!);
  console.log(rawKdbx(b).deletedObjects.map(d => [d.uuid!.id, d.deletionTime]));
  const r = mergeDatabases(a, b);
  console.log(r, a.entries(), a.getEntry(e), a.summary());
});
