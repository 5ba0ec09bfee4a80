/**
 * The container layer: what a damaged file is reported as (issue 14: say what
 * failed, not "wrong password" or "truncated"), KDBX 2.x read as KeePassXC reads
 * it and saved as 3.1, Twofish refused naming the cipher, KeePassXC's header
 * rules, and the reader rules the write check applies (check/xml-rules.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialError, ErrorCode, InputError, SsotError } from '../../../src/core/errors.js';
import { keepassxcProblems } from '../../../src/vault/kdbx/check/xml-rules.js';
import { rawKdbx, VaultDatabase } from '../../../src/vault/kdbx/database.js';
import * as kdbxweb from '../../../src/vault/kdbx/kdbxweb.js';
import { parseHeader } from '../../../src/vault/kdbx/format/header.js';
import { parseXml } from '../../../src/vault/kdbx/xml-dom.js';
import type { VaultKey } from '../../../src/vault/kdbx/key.js';
import { corpusDir } from '../../support/corpus.js';
import { FAST } from './fixture.js';

const key: VaultKey = { password: 'format-pw' };

async function made(version: 3 | 4): Promise<Uint8Array> {
  const db = await VaultDatabase.create(key, version === 3 ? { version: 3, iterations: 1000 } : FAST);
  for (let i = 0; i < 20; i++) db.addEntry('', { Title: `e${i}`, Password: `secret-${i}`, Notes: 'x'.repeat(200) });
  return db.save();
}

async function failure(bytes: Uint8Array, k: VaultKey = key): Promise<SsotError> {
  const e = await VaultDatabase.open(bytes, k, 'f.kdbx').then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SsotError);
  return e as SsotError;
}

const flip = (b: Uint8Array, at: number): Uint8Array => {
  const c = new Uint8Array(b);
  c[at]! ^= 0x40;
  return c;
};
const appendZeros = (b: Uint8Array, n: number): Uint8Array => new Uint8Array(Buffer.concat([b, Buffer.alloc(n)]));

describe('a damaged file is reported as what failed (issue 14)', () => {
  it('KDBX 4, a flipped byte in the header: the header hash, not the password', async () => {
    const b = await made(4);
    const e = await failure(flip(b, 40));
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe(ErrorCode.Corrupt);
    expect(e.message).toMatch(/header hash \(SHA-256\) does not match/);
  });

  it('KDBX 4, a flipped byte in the payload: the HMAC of that block', async () => {
    const b = await made(4);
    const e = await failure(flip(b, b.length - 100));
    expect(e.code).toBe(ErrorCode.Corrupt);
    expect(e.message).toMatch(/the HMAC of block 0 does not match/);
  });

  it('KDBX 4, 100 zero bytes appended: data after the end, not "truncated"', async () => {
    const e = await failure(appendZeros(await made(4), 100));
    expect(e.code).toBe(ErrorCode.Corrupt);
    expect(e.message).toMatch(/100 bytes of data after the end of the database/);
    expect(e.message).not.toMatch(/truncated/);
  });

  it('KDBX 3.1, 100 zero bytes appended: data after the end; a flipped payload byte: the hash of its block', async () => {
    const b = await made(3);
    expect((await failure(appendZeros(b, 100))).message).toMatch(/data after the end of the database/);
    const e = await failure(flip(b, b.length - 200));
    expect(e.code).toBe(ErrorCode.Corrupt);
    expect(e.message).toMatch(/hash of block 0 does not match|bad padding/);
  });

  it('a cut file is "truncated", naming the block; a wrong password is still a credential error', async () => {
    const b = await made(4);
    expect((await failure(b.subarray(0, b.length - 10))).message).toMatch(/truncated: block \d+ is cut short/);
    const wrong = await failure(b, { password: 'nope' });
    expect(wrong).toBeInstanceOf(CredentialError);
    expect(wrong.message).toMatch(/wrong password or key file/);
  });
});

describe('formats', () => {
  it('KDBX 2.x files (KeePassXC tests/data/Format200.kdbx) open and are saved as KDBX 3.1, as KeePassXC does', async () => {
    const bytes = readFileSync(path.join(corpusDir(), 'kxc-Format200.kdbx'));
    expect(parseHeader(bytes).major).toBe(2);
    const db = await VaultDatabase.open(bytes, { password: 'a' }, 'Format200.kdbx');
    expect(db.readFormat?.version).toBe('2.0');
    expect(db.summary().entries).toBeGreaterThan(0);
    const saved = await db.save();
    const h = parseHeader(saved);
    expect([h.major, h.minor]).toEqual([3, 1]);
    expect((await VaultDatabase.open(saved, { password: 'a' }, 'back')).contentDigest()).toBe(db.contentDigest());
  });

  it('a Twofish database is refused (exit 2) naming the cipher, and nothing is made of it', async () => {
    const b = Buffer.from(await made(3));
    const aes = Buffer.from('31c1f2e6bf714350be5805216afc5aff', 'hex');
    Buffer.from('ad68f29f576f4bb9a36ad47af965346c', 'hex').copy(b, b.indexOf(aes));
    const e = await failure(new Uint8Array(b));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/unsupported database format: the Twofish cipher/);
  });

  it('header fields KeePassXC refuses are refused, naming the field', async () => {
    const db = await VaultDatabase.create(key, { version: 3, iterations: 1000 });
    const h = rawKdbx(db).header;
    h.generateSalts();
    const written = (): Uint8Array => {
      const stm = new kdbxweb.BinaryStream();
      h.write(stm);
      return new Uint8Array(stm.getWrittenBytes());
    };
    expect(parseHeader(written()).header.encryptionIV!.byteLength).toBe(16);
    h.masterSeed = new ArrayBuffer(31);
    expect(() => parseHeader(written())).toThrow(/invalid master seed size in the header: 31 bytes, 32 expected/);
    h.masterSeed = new ArrayBuffer(32);
    h.encryptionIV = new ArrayBuffer(12);
    expect(() => parseHeader(written())).toThrow(/invalid IV size of 12 bytes for aes256, 16 expected/);
  });
});

describe('what KeePassXC reader rules refuse', () => {
  const doc = (meta: string, root: string): Document =>
    parseXml(`<KeePassFile><Meta>${meta}</Meta><Root><Group><UUID>AAAAAAAAAAAAAAAAAAAAAA==</UUID>${root}</Group></Root></KeePassFile>`);
  const entry = (inner: string): string => `<Entry><UUID>AQEBAQEBAQEBAQEBAQEBAQ==</UUID>${inner}</Entry>`;
  const cases: [string, string, string, RegExp][] = [
    ['an empty number', '<HistoryMaxItems></HistoryMaxItems>', '', /invalid number "" in HistoryMaxItems/],
    ['a decimal number', '<HistoryMaxItems>3.5</HistoryMaxItems>', '', /invalid number "3.5"/],
    ['an empty EnableSearching', '', '<EnableSearching/>', /invalid EnableSearching value/],
    ['a boolean that is no boolean', '<RecycleBinEnabled>yes</RecycleBinEnabled>', '', /invalid boolean "yes"/],
    ['a custom data item without value', '<CustomData><Item><Key>k</Key></Item></CustomData>', '', /custom data item lacks/],
    ['a field without value', '', entry('<String><Key>k</Key></String>'), /field lacks its key or value/],
    ['a field twice', '', entry('<String><Key>k</Key><Value>a</Value></String><String><Key>k</Key><Value>b</Value></String>'), /appears twice/],
    ['history in history', '', entry('<History><Entry><UUID>AQEBAQEBAQEBAQEBAQEBAQ==</UUID><History/></Entry></History>'), /history of its own/],
    ['an association without a sequence', '', entry('<AutoType><Association><Window>w</Window></Association></AutoType>'), /auto-type association lacks/],
    ['a UUID that is not 16 bytes', '', entry('').replace('AQEBAQEBAQEBAQEBAQEBAQ==', 'AQEB'), /not a 16-byte UUID/],
    ['a time it cannot read', '', entry('<Times><LastModificationTime>yesterday</LastModificationTime></Times>'), /invalid time "yesterday"/],
    ['an attachment reference to nothing', '', entry('<Binary><Key>a</Key><Value Ref="3"/></Binary>'), /refers to binary 3/],
  ];
  for (const [name, meta, root, expected] of cases) {
    it(name, () => {
      const problems = keepassxcProblems(doc(meta, root), { innerBinaries: 0 });
      expect(problems.join('\n')).toMatch(expected);
    });
  }

  it('every database of the corpus passes them as it is', async () => {
    const corpus = corpusDir();
    const db = await VaultDatabase.open(readFileSync(path.join(corpus, 'kxc-NewDatabase.kdbx')), { password: 'a' }, 'n');
    expect(db.readerProblems).toEqual([]);
    expect(keepassxcProblems(doc('<HistoryMaxItems>10</HistoryMaxItems><RecycleBinEnabled>True</RecycleBinEnabled>', '<EnableSearching>null</EnableSearching>'), { innerBinaries: 0 })).toEqual([]);
    // pykeepass writes an empty attachment as an empty compressed element; KeePassXC reads it.
    expect(keepassxcProblems(doc('<Binaries><Binary ID="0" Compressed="True"/></Binaries>', entry('<Binary><Key>e</Key><Value Ref="0"/></Binary>')), { innerBinaries: undefined })).toEqual([]);
  });
});
