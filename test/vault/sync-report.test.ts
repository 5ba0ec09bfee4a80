import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ErrorCode, RemoteError } from '../../src/core/errors.js';
import { readVaultState } from '../../src/vault/state.js';
import { syncVault, type SyncVaultOptions } from '../../src/vault/sync.js';
import { FakeCodec, encode, makeDb } from '../support/fake-codec.js';
import { MemoryCopy } from '../support/memory-copy.js';
import { objectContaining } from '../support/matchers.js';

// What the engine reports and remembers, beside what it writes: a failed
// write is an error only, a sync that stopped leaves its reason in the state,
// adopted copies and the primary's backup are named, the key is checked when asked.

let dir: string;
let primary: string;
let codec: FakeCodec;
let a: MemoryCopy;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-report-'));
  primary = path.join(dir, 'vault.kdbx');
  codec = new FakeCodec();
  a = new MemoryCopy('a');
});

const opts = (extra: Partial<SyncVaultOptions> = {}): SyncVaultOptions => ({ vault: 'v', primaryPath: primary, copies: [a], codec, stateDir: path.join(dir, 'state'), ...extra });

describe('what a sync reports', () => {
  it('a write that fails is an error, never also "written"', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    a.failWrite = new ConfigError(ErrorCode.NotFound, 'Drive shows no folder with id nope');
    const r = await syncVault(opts());
    expect(r.written).toEqual([]);
    expect(r.errors.map((e) => e.location)).toEqual(['memory:a']);
    expect((await readVaultState(opts().stateDir, 'v')).errors).toEqual({ 'memory:a': objectContaining({ code: 'NOT_FOUND' }) });
  });

  it('copies that held a file this machine had no record of are "adopted"; a primary replaced by a merge names its backup', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    a.put(encode(makeDb('r', { e2: ['two', 2] }).doc));
    const before = await fs.readFile(primary);
    const r = await syncVault(opts());
    expect(r.adopted).toEqual(['memory:a']);
    expect(r.written.sort()).toEqual(['memory:a', 'primary']);
    expect(r.backup).toMatch(new RegExp(`^${opts().stateDir}/backups/v/.+\\.kdbx$`));
    expect(await fs.readFile(r.backup!)).toEqual(before);
    // Known from now on: the next run adopts nothing.
    expect((await syncVault(opts())).adopted).toEqual([]);
  });

  it('a sync that stops (a wrong key) leaves the reason on the location that failed; the next good sync clears it', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['edited', 5] }).doc));
    const wrong = new FakeCodec('other key');
    await expect(syncVault(opts({ codec: wrong }))).rejects.toMatchObject({ code: 'VAULT_INVALID_KEY' });
    const st = await readVaultState(opts().stateDir, 'v');
    expect(st.errors).toEqual({ primary: objectContaining({ code: 'VAULT_INVALID_KEY' }) });
    expect(st.lastSync?.outcome).toBe('error');
    await syncVault(opts());
    expect((await readVaultState(opts().stateDir, 'v')).errors).toEqual({});
  });

  it('with nothing changed, a read error is kept (and cleared once it is gone) without writing anything else', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    a.failRead = new RemoteError('git copy: could not fetch from origin', { retryable: true });
    const r = await syncVault(opts());
    expect(r.outcome).toBe('unchanged');
    expect((await readVaultState(opts().stateDir, 'v')).errors).toEqual({ 'memory:a': objectContaining({ code: 'REMOTE' }) });
    delete a.failRead;
    await syncVault(opts());
    expect((await readVaultState(opts().stateDir, 'v')).errors).toEqual({});
  });

  it('verifyKey: with nothing changed, one location is decrypted, and a wrong key is found then', async () => {
    await fs.writeFile(primary, encode(makeDb('r', { e1: ['one', 1] }).doc));
    await syncVault(opts());
    codec.opens = 0;
    await syncVault(opts());
    expect(codec.opens).toBe(0);
    await syncVault(opts({ verifyKey: true }));
    expect(codec.opens).toBe(1);
    await expect(syncVault(opts({ codec: new FakeCodec('other key'), verifyKey: true }))).rejects.toMatchObject({ code: 'VAULT_INVALID_KEY' });
    expect((await readVaultState(opts().stateDir, 'v')).errors?.['primary']?.code).toBe('VAULT_INVALID_KEY');
  });
});
