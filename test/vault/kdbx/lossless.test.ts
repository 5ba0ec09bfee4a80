/**
 * Lossless writes (issue 10): what ssot does not understand, and what no side
 * changed, comes back as it was read; each case of "What was seen" has its
 * test. Files "made by another writer" are written with sealXml (the XML as
 * that writer would have it) and re-saved by the real keepassxc-cli where the
 * case needs KeePassXC's own serialization.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawKdbx, VaultDatabase } from '../../../src/vault/kdbx/database.js';
import { parseHeader } from '../../../src/vault/kdbx/format/header.js';
import type { VaultKey } from '../../../src/vault/kdbx/key.js';
import { mergeDatabases } from '../../../src/vault/kdbx/merge.js';
import { corpusDir } from '../../support/corpus.js';
import { plainXml, sealXml } from '../../support/kdbx-xml.js';
import { hasKeepassxc, keepassxc } from '../../support/keepassxc.js';
import { runnerIsCI } from '../../support/runner.js';
import { tmpDir } from '../../support/tmp.js';
import { Clock, FAST } from './fixture.js';

const dir = tmpDir('ssot-lossless-');
const PW = 'lossless-pw';
const key: VaultKey = { password: PW };
const withKpxc = hasKeepassxc() || runnerIsCI();

/** A small database made by ssot, its bytes, and its plain XML. */
async function base(opts: { minor?: number } = {}): Promise<{ bytes: Uint8Array; xml: string; ids: { a: string; b: string; c: string } }> {
  const clock = new Clock();
  const db = await VaultDatabase.create(key, { ...FAST, name: 'lossless' });
  if (opts.minor) rawKdbx(db).header.versionMinor = opts.minor;
  db.clock = clock.now;
  const ids = {
    a: db.addEntry('Infra', { Title: 'alpha', UserName: 'ua', Password: 'pa' }),
    b: db.addEntry('Infra', { Title: 'bravo', UserName: 'ub', Password: 'pb' }),
    c: db.addEntry('Web', { Title: 'charlie', UserName: 'uc', Password: 'pc' }),
  };
  clock.tick();
  db.editEntry(ids.a, { Notes: 'first edit' });
  const bytes = await db.save();
  return { bytes, xml: await plainXml(bytes, key), ids };
}

/** Opens `bytes` twice, lets each side edit, merges B into A, saves: the merged bytes and the report. */
async function twoSided(bytes: Uint8Array, k: VaultKey, editA: (db: VaultDatabase) => void, editB: (db: VaultDatabase) => void) {
  const a = await VaultDatabase.open(bytes, k, 'A');
  const b = await VaultDatabase.open(bytes, k, 'B');
  a.clock = () => new Date(Date.UTC(2026, 1, 1, 10, 0, 0));
  b.clock = () => new Date(Date.UTC(2026, 1, 1, 10, 0, 5));
  editA(a);
  editB(b);
  const report = mergeDatabases(a, b);
  const out = await a.save();
  return { out, report, merged: a };
}

function kpxcOpens(file: string, k: VaultKey, keyPath?: string): string {
  const flags = [...(keyPath ? ['-k', keyPath] : []), ...(k.password === undefined ? ['--no-password'] : [])];
  return keepassxc(['export', '-q', '-f', 'xml', ...flags, file], k.password === undefined ? [] : [k.password]).stdout;
}

const count = (s: string, re: RegExp): number => [...s.matchAll(re)].length;
const KPXC_ITEM = '<Item><Key>KPXC_DECRYPTION_TIME_PREFERENCE</Key><Value>1000</Value></Item>';

describe('what was seen, fixed (issue 10)', () => {
  it.skipIf(!withKpxc)('KDBX 3.1 with ChaCha20 keeps a 12-byte nonce after a merged write, and KeePassXC opens it', async () => {
    const corpus = corpusDir();
    const k: VaultKey = { password: 'demo', keyFile: readFileSync(path.join(corpus, 'kw-demo.key')) };
    const { out } = await twoSided(readFileSync(path.join(corpus, 'kw-AesChaCha.kdbx')), k, (a) => a.addEntry('', { Title: 'on A' }), (b) => b.addEntry('', { Title: 'on B' }));
    const h = parseHeader(out);
    expect([h.major, h.minor, h.cipher]).toEqual([3, 1, 'chacha20']);
    expect(h.header.encryptionIV!.byteLength).toBe(12);
    const file = path.join(dir, 'chacha31.kdbx');
    writeFileSync(file, out);
    const xml = kpxcOpens(file, k, path.join(corpus, 'kw-demo.key'));
    expect(xml).toContain('on A');
    expect(xml).toContain('on B');
  });

  it.skipIf(!withKpxc)('a group written without EnableSearching / EnableAutoType stays without them after it changed, never an empty element', async () => {
    const { bytes, xml } = await base();
    const stripped = xml.replace(/<Enable(Searching|AutoType)>[^<]*<\/Enable\1>|<Enable(Searching|AutoType)\/>/g, '');
    const other = await sealXml(stripped, key, bytes);
    const { out } = await twoSided(other, key, (a) => a.renameGroup(a.groupUuid('Infra')!, 'Infrastructure'), (b) => b.addEntry('Web', { Title: 'delta' }));
    const written = await plainXml(out, key);
    expect(written).toContain('<Name>Infrastructure</Name>');
    expect(written).not.toMatch(/<Enable(Searching|AutoType)\s*\/>|<Enable(Searching|AutoType)><\/Enable/);
    expect(count(written, /<EnableSearching>/g)).toBe(0);
    const file = path.join(dir, 'groups.kdbx');
    writeFileSync(file, out);
    expect(kpxcOpens(file, key)).toContain('Infrastructure');
  });

  for (const version of [3, 4] as const) {
    it.skipIf(!withKpxc)(`a zero-length attachment stays on the entry and in its history through a merged write (KDBX ${version})`, async () => {
      const clock = new Clock();
      const db = await VaultDatabase.create(key, version === 3 ? { version: 3, iterations: 1000 } : { ...FAST, name: 'empty attachment' });
      db.clock = clock.now;
      const id = db.addEntry('', { Title: 'holder', Password: 'x' });
      db.addAttachment(id, 'empty.txt', new Uint8Array(0));
      clock.tick();
      db.editEntry(id, { Notes: 'after attaching' });
      const { out, merged } = await twoSided(await db.save(), key, (a) => a.editEntry(id, { UserName: 'changed on A' }), (b) => b.addEntry('', { Title: 'other' }));
      const back = await VaultDatabase.open(out, key, 'back');
      expect(back.attachment(id, 'empty.txt')).toEqual(new Uint8Array(0));
      const holders = (d: VaultDatabase): number =>
        [...rawKdbx(d).getDefaultGroup().allEntries()].find((e) => e.uuid.id === id)!.history.filter((h) => h.binaries.has('empty.txt')).length;
      // The state after attaching and the one A's edit pushed.
      expect(holders(back)).toBe(2);
      expect(holders(merged)).toBe(2);
      expect(back.contentDigest()).toBe(merged.contentDigest());
      const file = path.join(dir, `empty-attachment-${version}.kdbx`);
      writeFileSync(file, out);
      const exported = path.join(dir, `empty-${version}.out`);
      keepassxc(['attachment-export', '-q', file, 'holder', 'empty.txt', exported], [PW]);
      expect(readFileSync(exported).length).toBe(0);
    });
  }

  it('values KeePassXC refuses that kdbxweb (and earlier ssot) wrote are repaired on the next write, even where nothing changed', async () => {
    const { bytes, xml, ids } = await base();
    const old = xml
      .replace(/<EnableSearching>[^<]*<\/EnableSearching>/g, '<EnableSearching/>')
      .replace(/<EnableAutoType>[^<]*<\/EnableAutoType>/g, '<EnableAutoType></EnableAutoType>')
      .replace(/<UsageCount>[^<]*<\/UsageCount>/, '<UsageCount/>');
    const other = await sealXml(old, key, bytes);
    const { out } = await twoSided(other, key, (a) => a.editEntry(ids.c, { URL: 'https://c.example' }), (b) => b.addEntry('', { Title: 'delta' }));
    const w = await plainXml(out, key);
    expect(w).not.toMatch(/<Enable(Searching|AutoType)\s*\/>|<Enable(Searching|AutoType)><\/Enable|<UsageCount\s*\/>/);
    expect(count(w, /<EnableSearching>null<\/EnableSearching>/g)).toBeGreaterThan(0);
  });

  it('auto-type associations with an empty keystroke sequence stay on the entry and in its history', async () => {
    const { bytes, xml, ids } = await base();
    const assoc = '<Association><Window>Firefox - *</Window><KeystrokeSequence/></Association>';
    // Into the entry "alpha" and into its history item (it has one).
    const withAssoc = xml.replace(/(<AutoType>(?:(?!<\/AutoType>)[\s\S])*?)(<\/AutoType>)/g, `$1${assoc}$2`);
    const other = await sealXml(withAssoc, key, bytes);
    const { out } = await twoSided(other, key, (a) => a.editEntry(ids.a, { URL: 'https://a.example' }), (b) => b.editEntry(ids.b, { URL: 'https://b.example' }));
    const written = await plainXml(out, key);
    // alpha: its state, its old history item, and the state A's edit pushed; bravo: its state and the state B's edit pushed; charlie: its state.
    expect(count(written, /<Window>Firefox - \*<\/Window><KeystrokeSequence\/>/g)).toBe(count(written, /<AutoType>/g));
    expect(count(written, /<AutoType>/g)).toBe(3 + 2 + 1);
  });

  it('group tags "a;b", the Generator, unknown elements and attributes, newer clients\' fields and KeePassXC custom data survive a merged write', async () => {
    const { bytes, xml, ids } = await base({ minor: 1 });
    const extra = xml
      .replace(/<Generator>[^<]*<\/Generator>/, '<Generator>OtherClient 9.1</Generator>')
      .replace('<Meta>', '<Meta><FutureMeta kind="x">meta value</FutureMeta>')
      // The first CustomData of the document is Meta's (Meta comes first).
      .replace(/<CustomData\/>|<CustomData>/, (m) => `<CustomData>${KPXC_ITEM}${m === '<CustomData/>' ? '</CustomData>' : ''}`)
      .replace(/(<Group><UUID>[^<]*<\/UUID><Name>Infra<\/Name>)/, '$1<Tags>a;b</Tags><FutureGroup/>')
      .replace('<Root>', '<Root><FutureRoot>kept</FutureRoot>')
      .replace('<KeePassFile>', '<KeePassFile><FutureTop n="1"/>')
      .replace(/(<String><Key>UserName<\/Key><Value)(>ua<\/Value>)/g, '$1 Future="attr"$2')
      .replace(new RegExp(`(<Entry><UUID>${ids.a.replace(/[+/]/g, '\\$&')}</UUID>)`), '$1<FutureEntry>e</FutureEntry>');
    const other = await sealXml(extra, key, bytes);
    const { out } = await twoSided(
      other,
      key,
      (a) => {
        a.editEntry(ids.a, { Password: 'new on A' });
        a.renameGroup(a.groupUuid('Infra')!, 'Infra 2');
      },
      (b) => b.addEntry('Web', { Title: 'delta' }),
    );
    const w = await plainXml(out, key);
    expect(w).toContain('<Generator>OtherClient 9.1</Generator>');
    expect(w).toContain('<FutureMeta kind="x">meta value</FutureMeta>');
    expect(w).toContain('<Key>KPXC_DECRYPTION_TIME_PREFERENCE</Key><Value>1000</Value>');
    expect(w).toContain('<Tags>a;b</Tags><FutureGroup/>');
    expect(w).toContain('<Name>Infra 2</Name>');
    expect(w).toContain('<FutureRoot>kept</FutureRoot>');
    expect(w).toContain('<FutureTop n="1"/>');
    expect(w).toContain('<FutureEntry>e</FutureEntry>');
    expect(w).toMatch(/<String><Key>UserName<\/Key><Value Future="attr">ua<\/Value><\/String>/);
    expect(w).toContain('new on A');
  });

  it('a tombstone recorded on both sides keeps the earliest deletion time, in both merge orders', async () => {
    const { bytes, ids } = await base();
    const early = new Date(Date.UTC(2026, 1, 1, 9, 0, 0));
    const late = new Date(Date.UTC(2026, 1, 1, 11, 0, 0));
    for (const order of ['ab', 'ba']) {
      const a = await VaultDatabase.open(bytes, key, 'A');
      const b = await VaultDatabase.open(bytes, key, 'B');
      a.clock = () => early;
      b.clock = () => late;
      a.deleteEntry(ids.c);
      b.deleteEntry(ids.c);
      const [t, s] = order === 'ab' ? [a, b] : [b, a];
      mergeDatabases(t, s);
      const back = await VaultDatabase.open(await t.save(), key, 'back');
      const stones = rawKdbx(back).deletedObjects.filter((d) => d.uuid?.id === ids.c);
      expect(stones.map((d) => d.deletionTime?.getTime())).toEqual([early.getTime()]);
    }
  });
});

describe.skipIf(!withKpxc)('re-serialisation by another client is not an edit', () => {
  it('entries another library wrote and KeePassXC re-saved merge without conflicts or new history items', async () => {
    const clock = new Clock();
    const db = await VaultDatabase.create(key, { ...FAST, name: 'library' });
    db.clock = clock.now;
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(db.addEntry(`G${i % 4}`, { Title: `e${i}`, UserName: `u${i}`, Password: `p${i}` }));
    clock.tick();
    for (let i = 0; i < 10; i++) db.editEntry(ids[i]!, { Notes: `n${i}` });
    const made = await db.save();
    // How another library writes it: no empty standard fields, passwords unprotected, groups without an icon.
    const libXml = (await plainXml(made, key))
      .replace(/<String><Key>(Notes|URL|UserName)<\/Key><Value\/><\/String>/g, '')
      .replace(/<Value ProtectInMemory="True">(p\d+)<\/Value>/g, '<Value>$1</Value>')
      .replace(/(<Group><UUID>[^<]*<\/UUID><Name>G\d<\/Name><Notes\/>)<IconID>\d+<\/IconID>/g, '$1');
    const lib = await sealXml(libXml, key, made);
    const libFile = path.join(dir, 'library.kdbx');
    const kpxcFile = path.join(dir, 'library-kpxc.kdbx');
    writeFileSync(libFile, lib);
    copyFileSync(libFile, kpxcFile);
    keepassxc(['mkdir', '-q', kpxcFile, 'made by KeePassXC'], [PW]); // KeePassXC reads and re-saves every entry
    const a = await VaultDatabase.open(readFileSync(kpxcFile), key, 'keepassxc side');
    const b = await VaultDatabase.open(lib, key, 'library side');
    const historyBefore = [...rawKdbx(a).getDefaultGroup().allEntries()].reduce((n, e) => n + e.history.length, 0);
    const report = mergeDatabases(a, b);
    expect(report.conflicts).toEqual([]);
    expect(report.updated).toBe(0);
    const historyAfter = [...rawKdbx(a).getDefaultGroup().allEntries()].reduce((n, e) => n + e.history.length, 0);
    expect(historyAfter).toBe(historyBefore);
  });
});
