import type { VaultConfig } from '../config/schema.js';
import type { VaultCodec } from './codec.js';
import { VaultDatabase } from './kdbx/database.js';
import type { VaultKey } from './kdbx/key.js';
import { mergeDatabases } from './kdbx/merge.js';

/** The engine's codec over real KDBX files, bound to one vault's key and `require`. */
export function kdbxCodec(key: VaultKey, require?: VaultConfig['require']): VaultCodec<VaultDatabase> {
  return {
    open: (bytes, source) => VaultDatabase.open(bytes, key, source),
    merge: (target, source, targetDigest) => mergeDatabases(target, source, targetDigest === undefined ? {} : { targetDigest }),
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
