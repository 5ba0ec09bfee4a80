/** The vault database layer: open/create/save KDBX files and merge copies. kdbxweb stays behind it. */
export { VaultDatabase, DEFAULT_KDF, type CreateOptions, type EntryFields, type EntryView } from './database.js';
export { keyFileKey, type VaultKey } from './key.js';
export { mergeDatabases, NotSameDatabaseError, type MergeConflict, type MergeReport } from './merge.js';
