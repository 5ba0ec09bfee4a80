import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderCopy } from '../../src/vault/copies/folder.js';
import { STALE_ANY_MS, STALE_DEAD_MS, removeStaleTemps } from '../../src/vault/stale-temps.js';
import { readVaultState } from '../../src/vault/state.js';
import { syncVault, type SyncVaultOptions } from '../../src/vault/sync.js';
import { FakeCodec, FakeDb, encode, makeDb } from '../support/fake-codec.js';

// What the engine does beside the primary and the folder copies: file-sync
// tools' conflict copies merged in (or left alone), ssot's own stale temp files
// removed. The real KDBX files and the CLI: test/vault/conflict-copies.e2e.test.ts.

let dir: string;
let home: string;
let usb: string;
let primary: string;
let codec: FakeCodec;
let copy: FolderCopy;
const stateDir = (): string => path.join(dir, 'state');

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-beside-'));
  home = path.join(dir, 'home');
  usb = path.join(dir, 'usb');
  await fs.mkdir(home);
  await fs.mkdir(usb);
  primary = path.join(home, 'vault.kdbx');
  codec = new FakeCodec();
  copy = new FolderCopy({ dir: usb, name: 'vault.kdbx' });
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const opts = (extra: Partial<SyncVaultOptions> = {}): SyncVaultOptions => ({ vault: 'v', primaryPath: primary, copies: [copy], codec, stateDir: stateDir(), ...extra });
const open = async (file: string): Promise<FakeDb> => codec.open(await fs.readFile(file), file);
const exists = (f: string): Promise<boolean> => fs.access(f).then(
  () => true,
  () => false,
);

async function synced(entries: Record<string, [string, number]>): Promise<void> {
  await fs.writeFile(primary, encode(makeDb('r', entries).doc));
  await syncVault(opts());
}

describe('conflict copies beside the primary and the folder copies', () => {
  it('merges each one of the same database, moves it into the backups, and records it', async () => {
    await synced({ e1: ['one', 1] });
    const beside = path.join(home, 'vault.sync-conflict-20251130-101010-ABCDEF7.kdbx');
    const inUsb = path.join(usb, "vault (Ada's conflicted copy 2025-11-30).kdbx");
    await fs.writeFile(beside, encode(makeDb('r', { e1: ['one', 1], s: ['from syncthing', 5] }).doc));
    await fs.writeFile(inUsb, encode(makeDb('r', { e1: ['one edited on the laptop', 6] }).doc));
    const r = await syncVault(opts());
    expect(r.written.sort()).toEqual([copy.id, 'primary'].sort());
    for (const f of [primary, copy.file]) {
      expect((await open(f)).doc.entries).toEqual({ e1: { value: 'one edited on the laptop', t: 6 }, s: { value: 'from syncthing', t: 5 } });
    }
    expect(r.conflictCopies?.map((c) => [c.location, path.basename(c.file), c.tool, c.outcome])).toEqual([
      ['primary', path.basename(beside), 'Syncthing', 'merged'],
      [copy.id, path.basename(inUsb), 'Dropbox', 'merged'],
    ]);
    for (const c of r.conflictCopies!) {
      expect(await exists(c.file)).toBe(false);
      expect(path.dirname(c.movedTo!)).toBe(path.join(stateDir(), 'backups', 'v', 'conflict-copies'));
      expect(path.basename(c.movedTo!).endsWith(path.basename(c.file))).toBe(true);
      expect((await fs.stat(c.movedTo!)).mode & 0o777).toBe(0o600);
    }
    const state = await readVaultState(stateDir(), 'v');
    expect(state.conflictCopies?.map((c) => [c.outcome, c.movedTo])).toEqual(r.conflictCopies!.map((c) => ['merged', c.movedTo]));
    // Gone from the folders: the next sync has nothing to do.
    const again = await syncVault(opts());
    expect(again.outcome).toBe('unchanged');
    expect(again.conflictCopies).toEqual([]);
  });

  it('one that holds nothing new changes nothing, and is still tidied away', async () => {
    await synced({ e1: ['one', 1] });
    const dup = path.join(usb, 'vault (1).kdbx');
    await fs.writeFile(dup, encode(makeDb('r', { e1: ['one', 1] }).doc));
    const before = await fs.readFile(primary);
    const r = await syncVault(opts());
    expect(r.written).toEqual([]);
    expect(await fs.readFile(primary)).toEqual(before);
    expect(r.conflictCopies?.[0]).toMatchObject({ outcome: 'merged', tool: 'Google Drive for desktop / OneDrive' });
    expect(await exists(dup)).toBe(false);
  });

  it('one of another database, or one the vault key does not open, is left alone and reported; not decrypted again until it changes', async () => {
    await synced({ e1: ['one', 1] });
    const other = path.join(home, 'vault (conflicted copy 2025-11-30 101010).kdbx');
    const locked = path.join(usb, 'vault-DESKTOP-AB12CD3.kdbx');
    await fs.writeFile(other, encode(makeDb('another-root', { x: ['x', 9] }).doc));
    await fs.writeFile(locked, encode(makeDb('r', { y: ['y', 9] }).doc, 'another-password'));
    const before = await fs.readFile(primary);
    const r = await syncVault(opts());
    expect(r.outcome).toBe('unchanged');
    expect(await fs.readFile(primary)).toEqual(before);
    expect(r.conflictCopies?.map((c) => [path.basename(c.file), c.outcome])).toEqual([
      [path.basename(other), 'left alone'],
      [path.basename(locked), 'left alone'],
    ]);
    expect(r.conflictCopies?.[0]?.reason).toMatch(/another database/);
    expect(r.conflictCopies?.[1]?.reason).toMatch(/wrong password or key file/);
    expect(await exists(other)).toBe(true);
    expect(await exists(locked)).toBe(true);

    codec.opens = 0;
    const again = await syncVault(opts());
    expect(codec.opens).toBe(0);
    expect(again.conflictCopies?.map((c) => [c.outcome, c.reason])).toEqual(r.conflictCopies!.map((c) => [c.outcome, c.reason]));

    // Re-saved with the vault's key and root: now it is merged.
    await fs.writeFile(locked, encode(makeDb('r', { e1: ['one', 1], y: ['y', 9] }).doc));
    const third = await syncVault(opts());
    expect(third.conflictCopies?.find((c) => c.file === locked)?.outcome).toBe('merged');
    expect((await open(primary)).doc.entries['y']).toEqual({ value: 'y', t: 9 });
    expect(await exists(other)).toBe(true);
  });

  it('--dry-run merges in memory and reports, but writes and moves nothing', async () => {
    await synced({ e1: ['one', 1] });
    const c = path.join(usb, 'vault_conflict-20251130-101010.kdbx');
    await fs.writeFile(c, encode(makeDb('r', { e1: ['one', 1], n: ['new', 3] }).doc));
    const before = await fs.readFile(primary);
    const r = await syncVault(opts({ dryRun: true }));
    expect(r.written.sort()).toEqual([copy.id, 'primary'].sort());
    expect(r.conflictCopies?.[0]).toMatchObject({ outcome: 'merged' });
    expect(r.conflictCopies?.[0]?.movedTo).toBeUndefined();
    expect(await fs.readFile(primary)).toEqual(before);
    expect(await exists(c)).toBe(true);
  });

  it("never takes another vault's file, nor a location of its own, for a conflict copy", async () => {
    await synced({ e1: ['one', 1] });
    const team = path.join(home, 'vault-team.kdbx'); // looks like OneDrive's "keep both" name
    await fs.writeFile(team, encode(makeDb('r', { t: ['team', 4] }).doc));
    const own = new FolderCopy({ dir: home, name: 'vault (1).kdbx' });
    const r = await syncVault(opts({ copies: [copy, own], otherVaultFiles: [team] }));
    expect(r.conflictCopies).toEqual([]);
    expect(await exists(team)).toBe(true);
    expect(await exists(own.file)).toBe(true);
    expect((await open(primary)).doc.entries['t']).toBeUndefined();
  });
});

describe("ssot's own stale temp files", () => {
  const now = Date.parse('2025-11-30T10:00:00Z');
  async function temp(name: string, ageMs: number): Promise<string> {
    const p = path.join(usb, name);
    await fs.writeFile(p, 'half a database');
    const t = new Date(now - ageMs);
    await fs.utimes(p, t, t);
    return p;
  }

  it('removes those of a writer that is gone (after a short grace) or that are very old, and nothing else', async () => {
    const file = path.join(usb, 'vault.kdbx');
    const dead = await temp('.vault.kdbx.4000001.0a1b2c3d.tmp', STALE_DEAD_MS + 1000);
    const deadFresh = await temp('.vault.kdbx.4000002.0a1b2c3d.tmp', 5_000); // another machine's writer may be mid-write
    const aliveOld = await temp('.vault.kdbx.4000003.0a1b2c3d.tmp', 60 * 60_000);
    const aliveAncient = await temp('.vault.kdbx.4000004.0a1b2c3d.tmp', STALE_ANY_MS + 1000);
    const mine = await temp(`.vault.kdbx.${process.pid}.0a1b2c3d.tmp`, STALE_ANY_MS + 1000);
    const others = await Promise.all(
      ['.other.kdbx.4000001.0a1b2c3d.tmp', '.vault.kdbx.4000001.tmp', 'vault.kdbx.4000001.0a1b2c3d.tmp', '.vault.kdbx.4000001.0A1B2C3D.tmp', '.vault.kdbx.Ab12Cd'].map((n) =>
        temp(n, STALE_ANY_MS + 1000),
      ),
    );
    const alive = (pid: number): boolean => pid === 4000003 || pid === 4000004;
    expect(await removeStaleTemps([file], { now, alive, dryRun: true })).toEqual([dead, aliveAncient]);
    expect(await exists(dead)).toBe(true);
    expect((await removeStaleTemps([file], { now, alive })).sort()).toEqual([dead, aliveAncient].sort());
    for (const f of [deadFresh, aliveOld, mine, ...others]) expect(await exists(f)).toBe(true);
    for (const f of [dead, aliveAncient]) expect(await exists(f)).toBe(false);
  });

  it('a sync removes them beside the primary and the folder copies, and says so', async () => {
    await synced({ e1: ['one', 1] });
    const old = new Date(Date.now() - STALE_ANY_MS - 60_000);
    const files = [path.join(home, '.vault.kdbx.4000001.0a1b2c3d.tmp'), path.join(usb, '.vault.kdbx.4000002.deadbeef.tmp')];
    for (const f of files) {
      await fs.writeFile(f, 'x');
      await fs.utimes(f, old, old);
    }
    const dry = await syncVault(opts({ dryRun: true }));
    expect(dry.staleTemps).toEqual(files);
    const r = await syncVault(opts());
    expect(r.outcome).toBe('unchanged');
    expect(r.staleTemps).toEqual(files);
    for (const f of files) expect(await exists(f)).toBe(false);
  });
});
