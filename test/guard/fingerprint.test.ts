import { readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFingerprintIndex, indexPath, loadFingerprintIndex, type VaultHit } from '../../src/guard/fingerprint.js';
import { base64Cores } from '../../src/guard/variants.js';
import { rand, tempDir } from './helpers.js';

const keysOf = (dir: string): string[] => readdirSync(path.join(dir, 'guard', 'keys')).sort();

const dirs: string[] = [];
function state(): string {
  const d = tempDir('ssot-guard-state-');
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Values with the characters that break tokenisers: @ : / = " ' % + and spaces.
const V1 = `${rand(6)}@:/${rand(5)}="'%+ ${rand(4)}`;
const V2 = rand(20, 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789');
const V3 = `p${rand(14)}!`;

async function indexOf(values: { vault: string; entryPath: string; field: string; value: string }[]) {
  const dir = state();
  const built = await buildFingerprintIndex(values, { stateDir: dir });
  const loaded = await loadFingerprintIndex(dir);
  if (loaded.status !== 'ok') throw new Error(`index not loaded: ${JSON.stringify(loaded)}`);
  const find = (text: string | Buffer): VaultHit[] => {
    const hits: VaultHit[] = [];
    loaded.index.scan(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), (h) => hits.push(h));
    return hits;
  };
  return { dir, built, find };
}

const VALUES = [
  { vault: 'chronos', entryPath: 'DB/app', field: 'Password', value: V1 },
  { vault: 'chronos', entryPath: 'AWS SSO', field: 'Password', value: V2 },
  { vault: 'chronos', entryPath: 'API token entry', field: 'token', value: V3 },
];

describe('fingerprint index: finding vault values', () => {
  it.each([
    ['raw in a config line', (v: string) => `password: ${v}\n`, 'raw'],
    ['inside a connection string, percent-encoded', (v: string) => `DATABASE_URL=postgresql://app:${encodeURIComponent(v)}@db:5432/x`, 'url'],
    ['JSON-escaped', (v: string) => JSON.stringify({ db: { password: v } }), 'json'],
    ['base64 in a Basic auth header (any alignment)', (v: string) => `Authorization: Basic ${Buffer.from(`alice:${v}`).toString('base64')}`, 'base64'],
    ['base64 at offset 0 (a Kubernetes secret)', (v: string) => `data:\n  password: ${Buffer.from(v).toString('base64')}\n`, 'base64'],
    ['base64url with text around it', (v: string) => `x=${Buffer.from(`{"k":"${v}"}`).toString('base64url')}&y=1`, 'base64url'],
  ])('finds a value %s', async (_name, wrap, variant) => {
    const { find } = await indexOf(VALUES);
    for (const v of VALUES) {
      const hits = find(`some text before\n${wrap(v.value)}\nand after`);
      expect(hits.map((h) => h.entryPath)).toContain(v.entryPath);
    }
    // V1 holds characters every encoding changes: its hit names the encoding (base64url falls back
    // to base64 where the two alphabets agree on the characters used).
    const hit = find(wrap(V1)).find((h) => h.entryPath === 'DB/app');
    expect(hit?.variant).toMatch(variant === 'base64url' ? /^base64/ : new RegExp(`^${variant}$`));
  });

  it('finds a value percent-encoded with every byte escaped, in either hex case', async () => {
    const { find } = await indexOf(VALUES);
    const all = [...Buffer.from(V1)].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
    const alnumKept = V1.replace(/[^A-Za-z0-9]/g, (c) => '%' + c.charCodeAt(0).toString(16).toLowerCase().padStart(2, '0'));
    expect(find(`x=${alnumKept}`).map((h) => h.entryPath)).toContain('DB/app');
    expect(find(`x=${all}`).length).toBe(0); // alphanumerics escaped too: not a form any encoder writes
  });

  it('finds nothing in text without the values, and reports offsets and lengths exactly', async () => {
    const { find } = await indexOf(VALUES);
    expect(find(rand(100_000, 'abcdefghijklmnopqrstuvwxyz \n:/=@"'))).toEqual([]);
    const text = `${'y'.repeat(1000)}${V2}${'z'.repeat(10)}`;
    const [hit] = find(text);
    expect(hit).toMatchObject({ index: 1000, length: Buffer.byteLength(V2), vault: 'chronos', entryPath: 'AWS SSO', field: 'Password', variant: 'raw' });
  });

  it('finds a value at the very start and the very end of the text', async () => {
    const { find } = await indexOf(VALUES);
    expect(find(V2).length).toBe(1);
    expect(find(`abc ${V2}`).length).toBe(1);
  });

  it('base64 cores are substrings of every alignment of the encoded value', () => {
    const v = Buffer.from(V1);
    for (let pre = 0; pre < 6; pre++) {
      for (let post = 0; post < 3; post++) {
        const enc = Buffer.concat([Buffer.from(rand(pre)), v, Buffer.from(rand(post))]).toString('base64');
        expect(base64Cores(v, false).some((c) => enc.includes(c))).toBe(true);
      }
    }
  });
});

describe('fingerprint index: safety', () => {
  it('skips values too short or too weak to index safely, and says how many', async () => {
    const { built } = await indexOf([
      ...VALUES,
      { vault: 'v', entryPath: 'pin', field: 'Password', value: '1234' },
      { vault: 'v', entryPath: 'human', field: 'Password', value: 'Summer2024!' },
      { vault: 'v', entryPath: 'empty', field: 'Password', value: '' },
      { vault: 'v', entryPath: 'default', field: 'Password', value: 'changeme' },
    ]);
    expect(built.indexed).toBe(3);
    expect(built.skipped).toBe(4);
    expect(built.skippedReasons).toEqual({ empty: 1, 'too-short': 1, weak: 1, placeholder: 1 });
    expect(built.skippedEntries.map((e) => `${e.entryPath}:${e.reason}`).sort()).toEqual(['default:placeholder', 'empty:empty', 'human:weak', 'pin:too-short']);
    expect(JSON.stringify(built)).not.toContain('Summer2024');
  });

  it('stores no value in plaintext, nor any encoding of it, and writes the file 0600', async () => {
    const { dir } = await indexOf(VALUES);
    const file = indexPath(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(file);
    for (const v of VALUES) {
      for (const form of [v.value, encodeURIComponent(v.value), Buffer.from(v.value).toString('base64').slice(4, 12), v.entryPath]) {
        expect(bytes.includes(Buffer.from(form))).toBe(false);
      }
    }
  });

  it('finds values in a large index (its anchor bitmap stored) as in a small one (bitmap built when loaded)', async () => {
    const many = Array.from({ length: 1400 }, (_, i) => ({ vault: 'big', entryPath: `E${i}`, field: 'Password', value: rand(20, undefined, 1000 + i) }));
    const { built, find } = await indexOf(many);
    expect(built.entries).toBeGreaterThan(4096);
    expect(find(`x=${many[417]!.value}\n`)).toMatchObject([{ entryPath: 'E417', variant: 'raw' }]);
    expect(find(`u=https://a:${encodeURIComponent(many[3]!.value)}@h/`).map((h) => h.entryPath)).toContain('E3');
  });

  it('gives each index its own key, beside it (0600, folder 0700), never in it, and a new one on every rebuild', async () => {
    const { dir, built } = await indexOf(VALUES);
    const keyFile = path.join(dir, 'guard', 'keys', `${built.keyId}.key`);
    expect(keysOf(dir)).toEqual([`${built.keyId}.key`]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o700);
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(readFileSync(indexPath(dir)).includes(Buffer.from(key))).toBe(false);
    const again = await buildFingerprintIndex(VALUES, { stateDir: dir });
    expect(again.keyId).not.toBe(built.keyId);
    expect(readFileSync(path.join(dir, 'guard', 'keys', `${again.keyId}.key`), 'utf8').trim()).not.toBe(key);
    expect((await loadFingerprintIndex(dir)).status).toBe('ok');
  });

  it('removes the keys of replaced indexes once they are old, never the current one', async () => {
    const { dir, built } = await indexOf(VALUES);
    const old = path.join(dir, 'guard', 'keys', `${built.keyId}.key`);
    const again = await buildFingerprintIndex(VALUES, { stateDir: dir });
    // a key younger than ten minutes may belong to a rebuild running at the same time: kept
    expect(keysOf(dir)).toEqual([`${built.keyId}.key`, `${again.keyId}.key`].sort());
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(old, hourAgo, hourAgo);
    const third = await buildFingerprintIndex(VALUES, { stateDir: dir });
    expect(keysOf(dir)).not.toContain(`${built.keyId}.key`);
    expect(keysOf(dir)).toContain(`${third.keyId}.key`);
    expect((await loadFingerprintIndex(dir)).status).toBe('ok');
  });

  it('building the index of another state folder does not touch this one', async () => {
    const { dir, find } = await indexOf(VALUES);
    const other = state();
    await buildFingerprintIndex([{ vault: 'other', entryPath: 'X', field: 'Password', value: rand(24, undefined, 99) }], { stateDir: other });
    await buildFingerprintIndex([{ vault: 'other', entryPath: 'X', field: 'Password', value: rand(24, undefined, 98) }], { stateDir: other });
    const loaded = await loadFingerprintIndex(dir);
    expect(loaded.status).toBe('ok');
    expect(find(`password: ${V2}`)).toHaveLength(1);
  });

  it('says why an index cannot be used: missing, key gone, key not its own, damaged, older format', async () => {
    expect((await loadFingerprintIndex(state())).status).toBe('missing');

    const { dir, built } = await indexOf(VALUES);
    const keyFile = path.join(dir, 'guard', 'keys', `${built.keyId}.key`);
    renameSync(keyFile, keyFile + '.moved');
    expect(await loadFingerprintIndex(dir)).toMatchObject({ status: 'unusable', problem: 'key-missing' });

    // another key under the same name: the index does not open with it
    writeFileSync(keyFile, Buffer.alloc(32, 7).toString('base64') + '\n', { mode: 0o600 });
    expect(await loadFingerprintIndex(dir)).toMatchObject({ status: 'unusable', problem: 'key-mismatch' });
    renameSync(keyFile + '.moved', keyFile);
    expect((await loadFingerprintIndex(dir)).status).toBe('ok');

    const bytes = readFileSync(indexPath(dir));
    bytes[bytes.length - 5]! ^= 0xff;
    writeFileSync(indexPath(dir), bytes);
    expect(await loadFingerprintIndex(dir)).toMatchObject({ status: 'unusable', problem: 'key-mismatch' });

    writeFileSync(indexPath(dir), 'garbage');
    expect(await loadFingerprintIndex(dir)).toMatchObject({ status: 'unusable', problem: 'damaged' });

    // an index written by an earlier ssot, whose key lived in the keyring
    const header = Buffer.from(JSON.stringify({ version: 1, keyStore: 'file', keyService: 'ssot', keyAccount: 'guard-index-key' }));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length);
    writeFileSync(indexPath(dir), Buffer.concat([Buffer.from('SSOTGIX2'), len, header, Buffer.alloc(64)]));
    expect(await loadFingerprintIndex(dir)).toMatchObject({ status: 'unusable', problem: 'old-format' });
  });
});
