/** Helpers for the kdbx tests: cheap databases (no key derivation until save) with a controlled clock. */
import { VaultDatabase, type CreateOptions } from '../../../src/vault/kdbx/database.js';

/** Small KDF parameters: tests must stay fast on a shared 2-core machine. */
export const FAST: CreateOptions = { kdf: 'argon2id', memoryKiB: 1024, iterations: 1, parallelism: 1 };

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A settable clock: `at(s)` is T0 + s seconds. */
export class Clock {
  ms: number;
  constructor(startSeconds = 0) {
    this.ms = T0 + startSeconds * 1000;
  }
  now = (): Date => new Date(this.ms);
  set(seconds: number): this {
    this.ms = T0 + seconds * 1000;
    return this;
  }
  tick(seconds = 1): this {
    this.ms += seconds * 1000;
    return this;
  }
}

export async function newDb(clock = new Clock(), opts: CreateOptions = FAST, password = 'test-pw'): Promise<VaultDatabase> {
  const db = await VaultDatabase.create({ password }, { ...opts, name: opts.name ?? 'Test' });
  db.clock = clock.now;
  return db;
}

/** A copy of `db` with its own clock. */
export async function copyOf(db: VaultDatabase, clock: Clock): Promise<VaultDatabase> {
  const c = db.clone();
  c.clock = clock.now;
  return c;
}

/**
 * KeePassXC's merge fixture (TestMerge.cpp): root -> group1 (entry1, entry2,
 * each edited once so it has one history item) and group2 (empty).
 */
export async function keepassxcFixture(clock: Clock): Promise<{ db: VaultDatabase; entry1: string; entry2: string; group1: string; group2: string }> {
  const db = await newDb(clock);
  db.addGroup('group1');
  db.addGroup('group2');
  const entry1 = db.addEntry('group1', { Title: 'entry1', UserName: 'u1', Password: 'p1' });
  const entry2 = db.addEntry('group1', { Title: 'entry2', UserName: 'u2', Password: 'p2' });
  clock.tick();
  db.editEntry(entry1, { Notes: 'edited once' });
  db.editEntry(entry2, { Notes: 'edited once' });
  clock.tick();
  return { db, entry1, entry2, group1: db.groupUuid('group1')!, group2: db.groupUuid('group2')! };
}
