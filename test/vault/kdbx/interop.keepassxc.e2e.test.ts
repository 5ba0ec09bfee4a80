/**
 * Interop with the real KeePassXC (keepassxc-cli 2.7.4): what ssot writes opens
 * there, and what KeePassXC writes opens and merges here. Passwords go on stdin.
 * Skipped where keepassxc-cli is not installed.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VaultDatabase, type CreateOptions } from '../../../src/vault/kdbx/database.js';
import type { VaultKey } from '../../../src/vault/kdbx/key.js';
import { mergeDatabases } from '../../../src/vault/kdbx/merge.js';
import { hasKeepassxc, keepassxc } from '../../support/keepassxc.js';
import { tmpDir } from '../../support/tmp.js';
import { runnerIsCI } from '../../support/runner.js';

const PW = 'interop-pw';
const dir = tmpDir('ssot-kdbx-interop-');
let n = 0;
const file = (name: string) => join(dir, `${n++}-${name}`);

/**
 * KDBX times have whole seconds: an edit made in the same second as the state it
 * changes is a same-second conflict (merge rule 3). Tests that expect the later
 * edit to win wait for the next second first.
 */
async function nextSecond(since: number): Promise<void> {
  const wait = 1000 - (since % 1000) + 20;
  if (Math.floor(Date.now() / 1000) === Math.floor(since / 1000)) await new Promise((r) => setTimeout(r, wait));
}

/** Open flags and stdin lines for a key. */
function cliKey(key: VaultKey, keyPath?: string): { flags: string[]; stdin: string[] } {
  const flags: string[] = [];
  if (key.keyFile) flags.push('-k', keyPath!);
  if (key.password === undefined) flags.push('--no-password');
  return { flags, stdin: key.password === undefined ? [] : [key.password] };
}

describe.skipIf(!hasKeepassxc() && !runnerIsCI())('KeePassXC opens what ssot writes', () => {
  const small = { memoryKiB: 1024, iterations: 2, parallelism: 1 };
  const cases: [string, CreateOptions, 'pw' | 'kf' | 'both'][] = [
    ['Argon2id', { kdf: 'argon2id', ...small }, 'pw'],
    ['Argon2d', { kdf: 'argon2d', ...small }, 'pw'],
    ['AES-KDF, KDBX 3.1', { version: 3, iterations: 10_000 }, 'pw'],
    ['ChaCha20', { kdf: 'argon2id', cipher: 'chacha20', ...small }, 'pw'],
    ['key file only', { kdf: 'argon2id', ...small }, 'kf'],
    ['password + key file', { kdf: 'argon2d', ...small }, 'both'],
  ];
  for (const [name, opts, kind] of cases) {
    it(name, async () => {
      const kfPath = file('key.keyx');
      const keyFile = randomBytes(64);
      writeFileSync(kfPath, keyFile);
      const key: VaultKey = kind === 'kf' ? { keyFile } : kind === 'both' ? { password: PW, keyFile } : { password: PW };
      const db = await VaultDatabase.create(key, { ...opts, name: 'interop' });
      const id = db.addEntry('Infra', { Title: 'Lightsail SSH', UserName: 'ubuntu', Password: 'ssh-pw-1', Token: 'tok-1' }, { protect: ['Token'] });
      const attachment = randomBytes(300);
      db.addAttachment(id, 'id_ed25519', attachment);
      db.editEntry(id, { Password: 'ssh-pw-2' });
      const path = file('ssot.kdbx');
      writeFileSync(path, await db.save());
      const { flags, stdin } = cliKey(key, kfPath);
      const ls = keepassxc(['ls', '-q', '-R', ...flags, path], stdin);
      expect(ls.stdout).toMatch(/Infra\/\n\s+Lightsail SSH/);
      expect(keepassxc(['show', '-q', '-s', '-a', 'Password', ...flags, path, 'Infra/Lightsail SSH'], stdin).stdout.trim()).toBe('ssh-pw-2');
      expect(keepassxc(['show', '-q', '-s', '-a', 'Token', ...flags, path, 'Infra/Lightsail SSH'], stdin).stdout.trim()).toBe('tok-1');
      const out = file('exported');
      keepassxc(['attachment-export', '-q', ...flags, path, 'Infra/Lightsail SSH', 'id_ed25519', out], stdin);
      expect(readFileSync(out).equals(attachment)).toBe(true);
    });
  }
});

describe.skipIf(!hasKeepassxc() && !runnerIsCI())('ssot opens and merges what KeePassXC writes', () => {
  const kinds: ['pw' | 'kf' | 'both', string][] = [
    ['pw', 'password'],
    ['kf', 'key file'],
    ['both', 'password + key file'],
  ];
  for (const [kind, label] of kinds) {
    it(`db-create with ${label} (KDBX 3.1, AES-KDF), entries added by keepassxc-cli`, async () => {
      const path = file('kpxc.kdbx');
      const kfPath = file('kpxc.keyx'); // db-create writes a new XML v2 key file here
      const create: [string, ...string[]] = ['db-create', '-q', '-t', '100'];
      const stdinCreate: string[] = [];
      if (kind !== 'kf') {
        create.push('-p');
        stdinCreate.push(PW, PW);
      }
      if (kind !== 'pw') create.push('--set-key-file', kfPath);
      keepassxc([...create, path], stdinCreate);
      const key: VaultKey = {
        ...(kind !== 'kf' ? { password: PW } : {}),
        ...(kind !== 'pw' ? { keyFile: readFileSync(kfPath) } : {}),
      };
      const { flags, stdin } = cliKey(key, kfPath);
      keepassxc(['mkdir', '-q', ...flags, path, 'Web'], stdin);
      keepassxc(['add', '-q', '-u', 'alice', '--url', 'https://a.example', '-p', ...flags, path, 'Web/site'], [...stdin, 'site-pw']);
      const added = Date.now();

      const db = await VaultDatabase.open(readFileSync(path), key, path);
      expect(db.format.version).toBe('3.1');
      expect(db.format.kdf).toBe('aes');
      const [e] = db.findEntries('Web/site');
      expect(e?.fields.UserName).toBe('alice');
      expect(e?.fields.Password).toBe('site-pw');
      // What ssot saves of a KeePassXC file has the same content.
      expect((await VaultDatabase.open(await db.save(), key, 'resaved')).contentDigest()).toBe(db.contentDigest());

      // Two copies, one entry added to each with keepassxc-cli: both survive the merge.
      const a = file('a.kdbx');
      const b = file('b.kdbx');
      copyFileSync(path, a);
      copyFileSync(path, b);
      keepassxc(['add', '-q', '-u', 'from-a', ...flags, a, 'Web/added in A'], stdin);
      await nextSecond(added);
      keepassxc(['edit', '-q', '-u', 'bob', ...flags, b, 'Web/site'], stdin);
      keepassxc(['add', '-q', '-u', 'from-b', ...flags, b, 'Web/added in B'], stdin);
      const dbA = await VaultDatabase.open(readFileSync(a), key, a);
      const dbB = await VaultDatabase.open(readFileSync(b), key, b);
      const report = mergeDatabases(dbA, dbB);
      expect(report.added).toBe(1);
      expect(report.updated).toBe(1);
      const merged = file('merged.kdbx');
      writeFileSync(merged, await dbA.save());
      const ls = keepassxc(['ls', '-q', ...flags, merged, 'Web'], stdin).stdout;
      expect(ls.split('\n').filter(Boolean).sort()).toEqual(['added in A', 'added in B', 'site']);
      expect(keepassxc(['show', '-q', '-a', 'UserName', ...flags, merged, 'Web/site'], stdin).stdout.trim()).toBe('bob');
    });
  }

  it('an ssot-made Argon2 database edited by KeePassXC on two copies merges, and the result opens there', async () => {
    const db = await VaultDatabase.create({ password: PW }, { kdf: 'argon2id', memoryKiB: 1024, iterations: 2, parallelism: 1 });
    db.addEntry('Web', { Title: 'base', Password: 'base-pw' });
    const a = file('a.kdbx');
    const b = file('b.kdbx');
    const made = Date.now();
    const bytes = await db.save();
    writeFileSync(a, bytes);
    writeFileSync(b, bytes);
    await nextSecond(made);
    keepassxc(['add', '-q', '-u', 'x', a, 'Web/new in A'], [PW]);
    keepassxc(['rm', '-q', a, 'Web/base'], [PW]); // to the recycle bin
    keepassxc(['add', '-q', '-u', 'y', b, 'Web/new in B'], [PW]);
    const dbA = await VaultDatabase.open(readFileSync(a), { password: PW }, a);
    const dbB = await VaultDatabase.open(readFileSync(b), { password: PW }, b);
    expect(dbA.format.kdf).toBe('argon2id');
    const digestBA = (() => {
      const x = dbB.clone();
      mergeDatabases(x, dbA.clone());
      return x.contentDigest();
    })();
    mergeDatabases(dbA, dbB);
    expect(dbA.contentDigest()).toBe(digestBA);
    const merged = file('merged.kdbx');
    writeFileSync(merged, await dbA.save());
    const ls = keepassxc(['ls', '-q', '-R', merged], [PW]).stdout;
    expect(ls).toContain('new in A');
    expect(ls).toContain('new in B');
    expect(ls).toMatch(/Recycle Bin\/\n\s+base/);
  });
});

describe.skipIf(!hasKeepassxc() && !runnerIsCI())('a KeePassXC save changes no content it did not edit', () => {
  it('entries (custom data, attachments, history, protected fields) and settings keep their digest', async () => {
    const { databaseView } = await import('../../../src/vault/kdbx/canonical.js');
    const { rawKdbx } = await import('../../../src/vault/kdbx/database.js');
    const db = await VaultDatabase.create({ password: PW }, { kdf: 'argon2id', memoryKiB: 1024, iterations: 1, parallelism: 1 });
    const id = db.addEntry('G', { Title: 'a', UserName: 'u', Password: 'p', Custom: 'c' }, { protect: ['Custom'] });
    db.editEntry(id, { Notes: 'n' });
    db.addAttachment(id, 'f', new Uint8Array([1, 2]));
    db.setEntryCustomData(id, 'k', 'v');
    db.addEntry('', { Title: 'empty password' });
    const path = file('unrelated.kdbx');
    writeFileSync(path, await db.save());
    keepassxc(['mkdir', '-q', path, 'Other'], [PW]);
    const back = await VaultDatabase.open(readFileSync(path), { password: PW }, path);
    const before = databaseView(rawKdbx(db)).view as { meta: unknown; entries: unknown };
    const after = databaseView(rawKdbx(back)).view as { meta: unknown; entries: unknown };
    expect(before.entries).toBeDefined();
    expect(after.entries).toEqual(before.entries);
    expect(after.meta).toEqual(before.meta);
    expect(back.summary().groups).toBe(db.summary().groups + 1);
  });
});
