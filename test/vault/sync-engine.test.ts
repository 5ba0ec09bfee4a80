import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CredentialError, ErrorCode, SsotError } from '../../src/core/errors.js';
import { listBackups } from '../../src/vault/backup.js';
import { readVaultState } from '../../src/vault/state.js';
import { syncVault, type SyncVaultOptions } from '../../src/vault/sync.js';
import { FakeCodec, FakeDb, encode, makeDb } from '../support/fake-codec.js';
import { MemoryCopy } from '../support/memory-copy.js';

// The engine's decisions, with a stand-in codec: which locations are read,
// decrypted, merged and written. The real kdbx codec runs the same engine in
// test/vault/sync-kdbx.test.ts.

let dir: string;
let primary: string;
let codec: FakeCodec;
let a: MemoryCopy;
let b: MemoryCopy;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-engine-'));
  primary = path.join(dir, 'vault.kdbx');
  codec = new FakeCodec();
  a = new MemoryCopy('a');
  b = new MemoryCopy('b');
});

const opts = (extra: Partial<SyncVaultOptions> = {}): SyncVaultOptions => ({
  vault: 'v',
  primaryPath: primary,
  copies: [a, b],
  codec,
  stateDir: path.join(dir, 'state'),
  ...extra,
});

async function readPrimary(): Promise<FakeDb> {
  return codec.open(await fs.readFile(primary), 'primary');
}

describe('vault sync engine', () => {
  it('first sync creates the missing copies from the primary, byte for byte, without re-saving', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    const r = await syncVault(opts());
    expect(r.written.sort()).toEqual(['memory:a', 'memory:b']);
    expect(Buffer.from(a.data!)).toEqual(await fs.readFile(primary));
    expect(Buffer.from(b.data!)).toEqual(await fs.readFile(primary));
    expect(a.writes[0]!.message).not.toContain('one');
  });

  it('a second run with nothing changed reads only and writes nothing', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    codec.opens = 0;
    const r = await syncVault(opts());
    expect(r.outcome).toBe('unchanged');
    expect(r.written).toEqual([]);
    expect(codec.opens).toBe(0);
    expect(a.writes).toHaveLength(1);
  });

  it('one copy changed and holding everything: its bytes go to the others as they are', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    const edited = encode(makeDb('r', { e1: ['one', 1], e2: ['two', 2] }).doc);
    a.put(edited);
    const saves = FakeCodec.saves;
    const r = await syncVault(opts());
    expect(r.changed).toEqual(['memory:a']);
    expect(r.written.sort()).toEqual(['memory:b', 'primary']);
    expect(Buffer.from(await fs.readFile(primary))).toEqual(Buffer.from(edited));
    expect(FakeCodec.saves).toBe(saves);
    expect((await listBackups(path.join(dir, 'state'), 'v')).length).toBe(1);
  });

  it('a copy saved from a stale file is merged into what we had, not written over it', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1], e2: ['two', 2] }).doc));
    await syncVault(opts());
    // Another machine that never saw e2 edits e1 and saves to copy a.
    a.put(encode(makeDb('r', { e1: ['one-edited', 3] }).doc));
    const r = await syncVault(opts());
    expect(r.merged).toBe(true);
    const p = await readPrimary();
    expect(p.doc.entries).toEqual({ e1: { value: 'one-edited', t: 3 }, e2: { value: 'two', t: 2 } });
    expect(r.written.sort()).toEqual(['memory:a', 'memory:b', 'primary']);
    expect(Buffer.from(a.data!)).toEqual(Buffer.from(b.data!));
  });

  it('a damaged state file is a first sync: every location is merged, no edit lost, and the state is whole again', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    const file = path.join(dir, 'state', 'vaults', 'v.json');
    for (const damaged of ['null', '[]', '"x"', '{"version":1,"copies":null}', '{"version":1,"copies":{"memory:a":{"rev":7}}}', '{"version":1,"copies":{},"primary":"x"}']) {
      expect(await readVaultState(path.join(dir, 'state'), 'v'), damaged).toMatchObject({ version: 1 });
      await fs.writeFile(file, damaged);
      expect(await readVaultState(path.join(dir, 'state'), 'v'), damaged).toEqual({ version: 1, copies: {} });
      const edited = `edited under ${damaged}`;
      a.put(encode(makeDb('r', { e1: ['one', 1], [damaged]: [edited, 9] }).doc));
      const r = await syncVault(opts());
      expect(r.errors, damaged).toEqual([]);
      expect(Object.values((await readPrimary()).doc.entries).map((e) => e.value), damaged).toContain(edited);
      expect((await readVaultState(path.join(dir, 'state'), 'v')).copies['memory:a']?.rev, damaged).toBe(a.rev);
    }
  });

  it('two sides changed: merged, saved once, the same bytes written everywhere', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1], p: ['from-primary', 5] }).doc));
    b.put(encode(makeDb('r', { e1: ['one', 1], q: ['from-b', 6] }).doc));
    const saves = FakeCodec.saves;
    const r = await syncVault(opts());
    expect(FakeCodec.saves).toBe(saves + 1);
    expect(Object.keys((await readPrimary()).doc.entries).sort()).toEqual(['e1', 'p', 'q']);
    const bytes = Buffer.from(await fs.readFile(primary));
    expect(Buffer.from(a.data!)).toEqual(bytes);
    expect(Buffer.from(b.data!)).toEqual(bytes);
    expect(r.report?.added).toBeGreaterThan(0);
    // and converges: nothing more to do
    expect((await syncVault(opts())).written).toEqual([]);
  });

  it('a copy that moves during the write is re-read and its raced edit merged', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1], p: ['p', 5] }).doc));
    a.beforeWrite = () => a.put(encode(makeDb('r', { e1: ['one', 1], raced: ['raced', 7] }).doc));
    const r = await syncVault(opts());
    expect(Object.keys((await readPrimary()).doc.entries).sort()).toEqual(['e1', 'p', 'raced']);
    expect(r.errors).toEqual([]);
  });

  it('merges versions a copy reports as missed (raced Drive revisions)', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    a.put(encode(makeDb('r', { e1: ['one', 1], head: ['head', 4] }).doc));
    a.missedNext = [encode(makeDb('r', { e1: ['one', 1], lost: ['lost', 3] }).doc)];
    await syncVault(opts());
    expect(Object.keys((await readPrimary()).doc.entries).sort()).toEqual(['e1', 'head', 'lost']);
  });

  it('refuses a copy of another database: error, nothing written anywhere', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    const before = await fs.readFile(primary);
    a.put(encode(makeDb('other-root', { x: ['x', 9] }).doc));
    const writesB = b.writes.length;
    const err = await syncVault(opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsotError);
    expect((err as SsotError).code).toBe(ErrorCode.NotSameDatabase);
    expect((err as SsotError).exitCode).toBe(2);
    expect((err as SsotError).message).toContain('memory a');
    expect(await fs.readFile(primary)).toEqual(before);
    expect(b.writes.length).toBe(writesB);
  });

  it('a copy that does not decrypt stops the sync before any write', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    a.put(encode(makeDb('r', { e1: ['x', 5] }).doc, 'other-password'));
    const before = await fs.readFile(primary);
    const err = (await syncVault(opts()).catch((e: unknown) => e)) as SsotError;
    expect(err.code).toBe(ErrorCode.InvalidKey);
    expect(err.exitCode).toBe(2);
    expect(await fs.readFile(primary)).toEqual(before);
  });

  it('a copy whose remote refuses us is reported; the others still sync', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    a.failRead = new CredentialError(ErrorCode.RemoteAuth, 'Drive refused the token');
    const r = await syncVault(opts());
    expect(r.errors.map((e) => e.location)).toEqual(['memory:a']);
    expect(r.written).toEqual(['memory:b']);
    const st = await readVaultState(path.join(dir, 'state'), 'v');
    expect(st.copies['memory:b']).toBeDefined();
    expect(st.copies['memory:a']).toBeUndefined();
  });

  it('a copy that was unreachable during a sync catches up on the next one, though it did not change', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1], p: ['p', 5] }).doc));
    a.failRead = new SsotError(ErrorCode.Remote, 'Drive is down');
    expect((await syncVault(opts())).errors.map((e) => e.location)).toEqual(['memory:a']);
    a.failRead = undefined;
    const r = await syncVault(opts());
    expect(r.written).toEqual(['memory:a']);
    expect(Buffer.from(a.data!)).toEqual(await fs.readFile(primary));
    expect((await syncVault(opts())).written).toEqual([]);
  });

  it('dry-run reports the writes and changes nothing, not even the state', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    const r = await syncVault(opts({ dryRun: true }));
    expect(r.written.sort()).toEqual(['memory:a', 'memory:b']);
    expect(a.data).toBeNull();
    expect((await readVaultState(path.join(dir, 'state'), 'v')).primary).toBeUndefined();
  });

  it('require: a result missing a required entry is refused before any write', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    codec.required = ['must'];
    const err = (await syncVault(opts()).catch((e: unknown) => e)) as SsotError;
    expect(err.code).toBe(ErrorCode.RequireFailed);
    expect(a.data).toBeNull();
  });

  it('a crash between two writes converges on the next run', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1], p: ['p', 5] }).doc));
    b.failWrite = new Error('killed');
    await expect(syncVault(opts())).rejects.toThrow('killed');
    b.failWrite = undefined;
    // a was written, b not, state not saved: everything looks changed, and merges to one content.
    const r = await syncVault(opts());
    expect(r.errors).toEqual([]);
    const bytes = Buffer.from(await fs.readFile(primary));
    expect(Buffer.from(b.data!)).toEqual(bytes);
    expect(Object.keys((await readPrimary()).doc.entries).sort()).toEqual(['e1', 'p']);
    expect((await syncVault(opts())).written).toEqual([]);
  });
});
