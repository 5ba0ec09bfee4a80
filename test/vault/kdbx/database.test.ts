/** Open / create / save round trips for every supported format, key files, and the typed errors. */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialError, ErrorCode, InputError, SsotError } from '../../../src/core/errors.js';
import { VaultDatabase, rawKdbx, type CreateOptions } from '../../../src/vault/kdbx/database.js';
import { keyFileKey, type VaultKey } from '../../../src/vault/kdbx/key.js';
import { plainXml } from '../../support/kdbx-xml.js';
import { Clock } from './fixture.js';

const te = new TextEncoder();

const variants: [string, CreateOptions][] = [
  ['KDBX 4 Argon2id AES', { kdf: 'argon2id', memoryKiB: 1024, iterations: 2, parallelism: 2 }],
  ['KDBX 4 Argon2d AES', { kdf: 'argon2d', memoryKiB: 2048, iterations: 1, parallelism: 1 }],
  ['KDBX 4 AES-KDF AES', { kdf: 'aes', iterations: 1000 }],
  ['KDBX 4 Argon2id ChaCha20', { kdf: 'argon2id', memoryKiB: 1024, iterations: 1, parallelism: 1, cipher: 'chacha20' }],
  ['KDBX 3.1 AES-KDF AES', { version: 3, iterations: 1000 }],
];

const keyFileBytes = randomBytes(32);
const keys: [string, VaultKey][] = [
  ['password', { password: 'correct horse' }],
  ['key file', { keyFile: keyFileBytes }],
  ['password + key file', { password: 'correct horse', keyFile: keyFileBytes }],
];

async function sample(opts: CreateOptions, key: VaultKey): Promise<{ db: VaultDatabase; id: string }> {
  const clock = new Clock();
  const db = await VaultDatabase.create(key, { ...opts, name: 'Sample' });
  db.clock = clock.now;
  const id = db.addEntry('Infra/SSH', { Title: 'Lightsail SSH', UserName: 'ubuntu', Password: 's3cret-pw', URL: 'ssh://h', Token: 'tok-123' }, { protect: ['Token'] }); // ssot:allow: a made-up test value
  db.addEntry('', { Title: 'AWS SSO', Password: 'aws-pw' });
  clock.tick();
  db.editEntry(id, { Notes: 'rotated' });
  db.addAttachment(id, 'id_ed25519', te.encode('-----BEGIN KEY-----\nabc\n'));
  db.setEntryCustomData(id, 'KPXC_BROWSER', 'x');
  return { db, id };
}

describe('round trips', () => {
  for (const [name, opts] of variants) {
    for (const [keyName, key] of keys) {
      it(`${name} with ${keyName}`, async () => {
        const { db, id } = await sample(opts, key);
        const bytes = await db.save();
        const back = await VaultDatabase.open(bytes, key, 'sample.kdbx');
        expect(back.contentDigest()).toBe(db.contentDigest());
        expect(back.rootUuid).toBe(db.rootUuid);
        expect(back.format.version).toBe(opts.version === 3 ? '3.1' : '4.0');
        expect(back.format.kdf).toBe(opts.kdf ?? 'aes');
        expect(back.format.cipher).toBe(opts.cipher ?? 'aes');
        const [e] = back.findEntries('Infra/SSH/Lightsail SSH');
        expect(e?.uuid).toBe(id);
        expect(e?.fields.Password).toBe('s3cret-pw');
        expect(e?.fields.Token).toBe('tok-123');
        expect(e?.fields.Notes).toBe('rotated');
        expect(back.attachment(id, 'id_ed25519')).toEqual(te.encode('-----BEGIN KEY-----\nabc\n'));
        expect(back.hasAttachment('Lightsail SSH', 'id_ed25519')).toBe(true);
        expect(back.summary()).toEqual({ entries: 2, groups: 2, deleted: 0 });
        // Saving again draws new salts: other bytes, same content.
        const again = await back.save();
        expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(false);
        expect((await VaultDatabase.open(again, key, 'again.kdbx')).contentDigest()).toBe(db.contentDigest());
      });
    }
  }

  it('Argon2 version 0x10 files open (older KeePassXC wrote them)', async () => {
    const { VarDictionary } = await import('../../../src/vault/kdbx/kdbxweb.js');
    const db = await VaultDatabase.create({ password: 'pw' }, { kdf: 'argon2d', memoryKiB: 1024, iterations: 1, parallelism: 1 });
    rawKdbx(db).header.kdfParameters!.set('V', VarDictionary.ValueType.UInt32, 0x10);
    db.addEntry('', { Title: 'old', Password: 'x' });
    const back = await VaultDatabase.open(await db.save(), { password: 'pw' }, 'old.kdbx');
    expect(back.findEntries('old')).toHaveLength(1);
    expect(rawKdbx(back).header.kdfParameters!.get('V')).toBe(0x10);
  });

  it('creates with KeePassXC-like defaults, not kdbxweb weak ones', async () => {
    const db = await VaultDatabase.create({ password: 'pw' });
    const p = rawKdbx(db).header.kdfParameters!;
    expect(db.format).toEqual({ version: '4.0', kdf: 'argon2id', cipher: 'aes' });
    expect((p.get('M') as { value: number }).value).toBe(64 * 1024 * 1024);
    expect((p.get('I') as { value: number }).value).toBe(10);
    expect(p.get('P')).toBe(2);
  });

  it('summary, findEntries and secretValues leave out the recycle bin and history', async () => {
    const { db, id } = await sample(variants[0]![1], { password: 'pw' });
    const gone = db.addEntry('Old', { Title: 'binned', Password: 'binned-pw' });
    db.recycleEntry(gone);
    expect(db.findEntries('binned')).toEqual([]);
    const secrets = [...db.secretValues()].map((s) => `${s.entryPath}:${s.field}`).sort();
    expect(secrets).toEqual(['AWS SSO:Password', 'Infra/SSH/Lightsail SSH:Password', 'Infra/SSH/Lightsail SSH:Token']);
    expect(db.summary()).toEqual({ entries: 2, groups: 3, deleted: 0 });
    db.deleteEntry(id);
    expect(db.summary()).toEqual({ entries: 1, groups: 3, deleted: 1 });
  });
});

describe('key files (every format KeePassXC reads)', () => {
  const raw = randomBytes(32);
  const hex = raw.toString('hex');
  const xmlV1 = `<?xml version="1.0" encoding="utf-8"?>\n<KeyFile>\n<Meta><Version>1.00</Version></Meta>\n<Key><Data>${raw.toString('base64')}</Data></Key>\n</KeyFile>\n`;
  const hash4 = createHash('sha256').update(raw).digest('hex').slice(0, 8).toUpperCase();
  const spaced = hex.toUpperCase().replace(/(.{8})/g, '$1 ').trim();
  const xmlV2 = `<?xml version="1.0" encoding="UTF-8"?>\n<KeyFile>\n    <Meta>\n        <Version>2.0</Version>\n    </Meta>\n    <Key>\n        <Data Hash="${hash4}">\n            ${spaced}\n        </Data>\n    </Key>\n</KeyFile>\n`;

  it('reads XML v1, XML v2, 32 raw bytes and 64 hex characters as the same key', () => {
    expect(keyFileKey(raw)).toEqual(new Uint8Array(raw));
    expect(keyFileKey(te.encode(hex))).toEqual(new Uint8Array(raw));
    expect(keyFileKey(te.encode(xmlV1))).toEqual(new Uint8Array(raw));
    expect(keyFileKey(te.encode(xmlV2))).toEqual(new Uint8Array(raw));
  });

  it('hashes anything else with SHA-256 (a hex file with a newline, any file, an XML file that is no key file)', () => {
    const sha = (b: Uint8Array | string) => new Uint8Array(createHash('sha256').update(b).digest());
    expect(keyFileKey(te.encode(`${hex}\n`))).toEqual(sha(`${hex}\n`));
    const photo = randomBytes(1000);
    expect(keyFileKey(photo)).toEqual(sha(photo));
    const xml = '<?xml version="1.0"?><KeyFile><Other/></KeyFile>';
    expect(keyFileKey(te.encode(xml))).toEqual(sha(xml));
  });

  it('refuses an XML v2 key file whose checksum does not match', () => {
    const bad = xmlV2.replace(`Hash="${hash4}"`, 'Hash="00000000"');
    expect(() => keyFileKey(te.encode(bad), 'k.keyx')).toThrow(CredentialError);
  });

  it('a database locked with one form opens with the others', async () => {
    const db = await VaultDatabase.create({ password: 'pw', keyFile: te.encode(xmlV2) }, variants[0]![1]);
    db.addEntry('', { Title: 't' });
    const bytes = await db.save();
    for (const kf of [raw, te.encode(hex), te.encode(xmlV1)]) {
      const back = await VaultDatabase.open(bytes, { password: 'pw', keyFile: kf }, 'k.kdbx');
      expect(back.findEntries('t')).toHaveLength(1);
    }
  });

  it('a key file kdbxweb generates (XML v2) works', async () => {
    const kdbxweb = await import('../../../src/vault/kdbx/kdbxweb.js');
    const kf = await kdbxweb.KdbxCredentials.createRandomKeyFile(2);
    const db = await VaultDatabase.create({ keyFile: kf }, variants[0]![1]);
    const back = await VaultDatabase.open(await db.save(), { keyFile: kf }, 'k.kdbx');
    expect(back.rootUuid).toBe(db.rootUuid);
  });
});

describe('errors name the file and never the secret', () => {
  const secretPw = 'hunter2-very-secret';
  let saved: { v4: Uint8Array; v3: Uint8Array } | undefined;
  async function files(): Promise<{ v4: Uint8Array; v3: Uint8Array }> {
    if (!saved) {
      const a = await VaultDatabase.create({ password: secretPw, keyFile: keyFileBytes }, variants[0]![1]);
      a.addEntry('', { Title: 'x', Password: 'entry-secret-value' });
      const b = await VaultDatabase.create({ password: secretPw }, variants[4]![1]);
      b.addEntry('', { Title: 'x', Password: 'entry-secret-value' });
      saved = { v4: await a.save(), v3: await b.save() };
    }
    return saved;
  }

  async function failure(p: Promise<unknown>): Promise<SsotError> {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SsotError);
    const err = e as SsotError;
    expect(err.exitCode).toBe(2);
    for (const s of [secretPw, 'entry-secret-value']) {
      expect(err.message).not.toContain(s);
      expect(JSON.stringify(err.toJSON())).not.toContain(s);
    }
    return err;
  }

  it('wrong password -> CredentialError InvalidKey', async () => {
    const { v4, v3 } = await files();
    for (const [bytes, key] of [
      [v4, { password: 'wrong', keyFile: keyFileBytes }],
      [v3, { password: 'wrong' }],
    ] as const) {
      const err = await failure(VaultDatabase.open(bytes, key, '/home/u/chronos.kdbx'));
      expect(err).toBeInstanceOf(CredentialError);
      expect(err.code).toBe(ErrorCode.InvalidKey);
      expect(err.message).toBe('cannot decrypt /home/u/chronos.kdbx: wrong password or key file');
    }
  });

  it('wrong or missing key file -> CredentialError InvalidKey', async () => {
    const { v4 } = await files();
    for (const key of [{ password: secretPw, keyFile: randomBytes(32) }, { password: secretPw }]) {
      const err = await failure(VaultDatabase.open(v4, key, 'git:vault/chronos.kdbx'));
      expect(err.code).toBe(ErrorCode.InvalidKey);
      expect(err.message).toContain('git:vault/chronos.kdbx');
    }
  });

  it('truncated files -> InputError Corrupt', async () => {
    const { v4, v3 } = await files();
    for (const bytes of [v4.subarray(0, v4.length - 100), v4.subarray(0, 200), v3.subarray(0, v3.length - 40), v4.subarray(0, 8), new Uint8Array(0)]) {
      const key = bytes.length > 0 && bytes[0] === v3[0] && v3.length - 40 === bytes.length ? { password: secretPw } : { password: secretPw, keyFile: keyFileBytes };
      const err = await failure(VaultDatabase.open(bytes, key, 'drive:chronos.kdbx'));
      expect(err).toBeInstanceOf(InputError);
      expect(err.code).toBe(ErrorCode.Corrupt);
      expect(err.message).toContain('drive:chronos.kdbx');
      expect(err.place?.file).toBe('drive:chronos.kdbx');
    }
  });

  it('random bytes and a text file -> InputError Corrupt "not a KeePass database"', async () => {
    for (const [bytes, name] of [
      [randomBytes(4096), 'random.kdbx'],
      [te.encode('just some notes\nnot a database\n'), 'notes.txt'],
    ] as const) {
      const err = await failure(VaultDatabase.open(bytes, { password: secretPw }, name));
      expect(err.code).toBe(ErrorCode.Corrupt);
      expect(err.message).toContain(name);
      expect(err.message).toContain('not a KeePass database');
    }
  });

  it('a corrupted body -> Corrupt, not a credential error', async () => {
    const { v4 } = await files();
    const bad = new Uint8Array(v4);
    bad[bad.length - 50]! ^= 0xff;
    const err = await failure(VaultDatabase.open(bad, { password: secretPw, keyFile: keyFileBytes }, 'c.kdbx'));
    expect(err.code).toBe(ErrorCode.Corrupt);
  });

  it('a Twofish database -> Corrupt "unsupported" with a hint', async () => {
    const { v3 } = await files();
    const aes = Buffer.from('31c1f2e6bf714350be5805216afc5aff', 'hex');
    const twofish = Buffer.from('ad68f29f576f4bb9a36ad47af965346c', 'hex');
    const buf = Buffer.from(v3);
    const at = buf.indexOf(aes);
    expect(at).toBeGreaterThan(0);
    twofish.copy(buf, at);
    const err = await failure(VaultDatabase.open(new Uint8Array(buf), { password: secretPw }, 'tf.kdbx'));
    expect(err.code).toBe(ErrorCode.Corrupt);
    expect(err.message).toMatch(/unsupported/);
    expect(err.hint).toMatch(/Twofish/);
  });
});

describe('KDBX 4.1 details', () => {
  it('custom data and custom icon times are written in binary form (KeePass 2.x refuses ISO strings there)', async () => {
    const kdbxweb = await import('../../../src/vault/kdbx/kdbxweb.js');
    const db = await VaultDatabase.create({ password: 'pw' }, { memoryKiB: 1024, iterations: 1, parallelism: 1 });
    rawKdbx(db).header.versionMinor = 1;
    const id = db.addEntry('', { Title: 't' });
    db.setEntryCustomData(id, 'k', 'v');
    rawKdbx(db).meta.customIcons.set(kdbxweb.KdbxUuid.random().id, { data: new Uint8Array([1]).buffer, lastModified: new Date() });
    const bytes = await db.save();
    const xml = await plainXml(bytes, { password: 'pw' });
    const found = [...xml.matchAll(/<(Item|Icon)>(?:(?!<\/\1>)[\s\S])*?<LastModificationTime>([^<]*)</g)].map((m) => [m[1], m[2]]);
    expect(found.map(([parent]) => parent).sort()).toEqual(['Icon', 'Item']);
    for (const [, t] of found) expect(t).toMatch(/^[A-Za-z0-9+/]+=*$/); // base64, not 2026-01-01T...
    const back = await VaultDatabase.open(bytes, { password: 'pw' }, 'v41.kdbx');
    expect(back.contentDigest()).toBe(db.contentDigest());
    expect(back.format.version).toBe('4.1');
  });
});
