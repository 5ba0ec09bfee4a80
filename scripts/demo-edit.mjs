#!/usr/bin/env node
// `npm run demo -- --keep` prints this as "an edit to see it travel": it adds
// one entry to the demo vault's primary, as KeePassXC would on a save (a new
// file renamed over the old one). The watcher then carries it to the git
// repository, the Drive stand-in and the folder copy.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { VaultDatabase } = await import(path.join(root, 'dist/vault/kdbx/database.js'));
const file = process.argv[2];
const password = process.env.DEMO_VAULT_PASSWORD;
if (!file || password === undefined) {
  console.error('usage: DEMO_VAULT_PASSWORD=... node scripts/demo-edit.mjs PRIMARY.kdbx');
  process.exit(2);
}
const db = await VaultDatabase.open(readFileSync(file), { password }, file);
const title = `Added at ${new Date().toISOString().slice(11, 19)}`;
db.addEntry('Cloud', { Title: title, UserName: 'demo', Password: `demo-${Math.random().toString(36).slice(2)}` });
const tmp = path.join(path.dirname(file), `.${path.basename(file)}.edit.tmp`);
writeFileSync(tmp, await db.save(), { mode: 0o600 });
renameSync(tmp, file);
console.log(`added "Cloud/${title}" to ${file}`);
