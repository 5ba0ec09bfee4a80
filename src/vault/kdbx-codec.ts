import type { VaultConfig } from '../config/schema.js';
import type { VaultCodec } from './codec.js';
import type { VaultDatabase } from './kdbx/database.js';
import type { VaultKey } from './kdbx/key.js';
import type { mergeDatabases as MergeFn } from './kdbx/merge.js';
import { must } from '../core/must.js';

/**
 * The engine's codec over real KDBX files, bound to one vault's key and
 * `require`. The KDBX layer (kdbxweb, Argon2, the XML machinery) loads with the
 * first open: a sync in which nothing changed never pays for it. merge and
 * check only ever run on opened databases, so it is loaded by then.
 */
export function kdbxCodec(key: VaultKey, require?: VaultConfig['require']): VaultCodec<VaultDatabase> {
  let merge: typeof MergeFn | undefined;
  return {
    open: async (bytes, source) => {
      const [{ VaultDatabase }, m] = await Promise.all([import('./kdbx/database.js'), import('./kdbx/merge.js')]);
      merge = m.mergeDatabases;
      return VaultDatabase.open(bytes, key, source);
    },
    merge: (target, source, targetDigest) => must(merge, 'the merge (loaded by the first open)')(target, source, targetDigest === undefined ? {} : { targetDigest }),
    check: (db) => requireProblems(db, require),
  };
}

/** What `require` asks for and the database lacks. Titles come from the config, never values. */
export function requireProblems(db: VaultDatabase, require?: VaultConfig['require']): string[] {
  if (!require) return [];
  const problems: string[] = [];
  for (const title of require.entries) {
    if (db.findEntries(title).length === 0) problems.push(`entry "${title}" is missing`);
  }
  for (const a of require.attachments) {
    if (db.findEntries(a.entry).length === 0) problems.push(`entry "${a.entry}" (for attachment ${a.name}) is missing`);
    else if (!db.hasAttachment(a.entry, a.name)) problems.push(`attachment "${a.name}" of "${a.entry}" is missing`);
  }
  return problems;
}
