/**
 * Finding a Drive copy's folder and file as a person names them: a name that
 * differs only in case, two candidates, an unknown folderId, and a file
 * another tool uploaded that the drive.file scope hides. None is guessed at:
 * each stops with exit 2 naming what it found, and nothing is created.
 */
import { describe, expect, it } from 'vitest';
import { SsotError } from '../../../src/core/errors.js';
import { FOLDER_MIME } from '@ssot/standins/drive';
import { createDriveClient, DriveCopy, memoryDriveState, type DriveCopyOptions } from '../../../src/vault/copies/gdrive.js';
import { useDriveStandIn } from '../../standins/drive/index.js';

const drive = await useDriveStandIn();
const APP = 'ssot-oauth-client';
drive.addAccessToken('narrow-token', { clientId: APP, scope: 'drive.file' });
drive.addAccessToken('wide-token', { clientId: APP, scope: 'drive' });
const msg = { message: 'vault: 1 entry changed' };
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(`\0kdbx:${s}`));
let n = 0;

function copyOf(over: Partial<DriveCopyOptions> & { token?: string } = {}) {
  const { token = 'narrow-token', ...rest } = over;
  const state = memoryDriveState();
  const copy = new DriveCopy({
    drive: createDriveClient({ rootUrl: drive.url, auth: { accessToken: token } }),
    name: 'chronos.kdbx',
    state,
    scope: token === 'narrow-token' ? 'drive.file' : 'drive',
    retry: { sleep: async () => undefined, baseMs: 1 },
    ...rest,
  });
  return { copy, state };
}

async function refusal(p: Promise<unknown>): Promise<SsotError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SsotError);
  expect((e as SsotError).exitCode).toBe(2);
  return e as SsotError;
}

/** A folder (and optionally files in it) made by an app: ssot's own (APP) or another tool's. */
function folder(name: string, app: string, parents?: string[]) {
  return drive.createFile({ name, mimeType: FOLDER_MIME, app, ...(parents ? { parents } : {}) });
}

describe('finding the folder and the file', () => {
  it('a folder whose name differs only in case stops with exit 2 naming it; nothing is made', async () => {
    const top = `Security${++n}`;
    const existing = folder(top.toLowerCase(), APP);
    const before = drive.files().length;
    const { copy } = copyOf({ folder: top });
    const e = await refusal(copy.read());
    expect(e.message).toContain(`there is no folder "${top}" in My Drive, but there is "${top.toLowerCase()}"`);
    expect(e.hint).toContain(existing.id);
    await refusal(copy.write(bytes('a'), null, msg));
    expect(drive.files().length).toBe(before);
  });

  it('two candidate folders (same name, or differing in case) stop with exit 2 naming both', async () => {
    const top = `Vaults${++n}`;
    const a = folder(top, APP);
    const b = folder(top.toUpperCase(), APP);
    const e = await refusal(copyOf({ folder: top }).copy.read());
    expect(e.message).toMatch(/2 folders in My Drive are named/);
    expect(e.message).toContain(a.id);
    expect(e.message).toContain(b.id);
    expect(e.hint).toMatch(/folderId/);
  });

  it('a file whose name differs only in case, or two files of the name, stop with exit 2', async () => {
    const f = folder(`Files${++n}`, APP);
    drive.createFile({ name: 'Chronos.kdbx', parents: [f.id], data: bytes('x'), app: APP });
    const e = await refusal(copyOf({ folderId: f.id }).copy.read());
    expect(e.message).toContain('there is no file "chronos.kdbx"');
    expect(e.message).toContain('"Chronos.kdbx"');
    drive.createFile({ name: 'chronos.kdbx', parents: [f.id], data: bytes('y'), app: APP });
    const two = await refusal(copyOf({ folderId: f.id }).copy.read());
    expect(two.message).toMatch(/2 files in folder \S+ are named "chronos.kdbx"/);
    expect(two.hint).toMatch(/fileId/);
  });

  it('an exact name among other files is found; a deeper path walks each folder', async () => {
    const top = folder(`Backups${++n}`, APP);
    const sub = folder('security', APP, [top.id]);
    drive.createFile({ name: 'notes.txt', parents: [sub.id], data: bytes('n'), app: APP });
    const f = drive.createFile({ name: 'chronos.kdbx', parents: [sub.id], data: bytes('v'), app: APP });
    const { copy, state } = copyOf({ folder: `${top.name}/security` });
    expect((await copy.read())!.rev).toBe(f.revisions[0]!.id);
    expect(state.value).toMatchObject({ folderId: sub.id, fileId: f.id });
  });

  it('an unknown folderId is one clear error before anything is written', async () => {
    const { copy } = copyOf({ folderId: 'no-such-folder' });
    const e = await refusal(copy.read());
    expect(e.message).toContain('Drive shows no folder with id no-such-folder');
    expect(e.hint).toMatch(/gdrive\.folderId/);
    await refusal(copy.write(bytes('a'), null, msg));
  });
});

describe('a file another tool uploaded, under drive.file', () => {
  it('a folder that shows no file on the first sync stops with exit 2 explaining the drive scope and fileId; never a duplicate', async () => {
    // ssot made the folder (on another machine); rclone put the vault in it with its own OAuth client.
    const shared = folder(`security${++n}`, APP);
    const theirs = drive.createFile({ name: 'chronos.kdbx', parents: [shared.id], data: bytes('rclone'), app: 'rclone' });
    const { copy, state } = copyOf({ folder: shared.name });
    const e = await refusal(copy.read());
    expect(e.message).toContain('shows no chronos.kdbx to ssot');
    expect(e.hint).toContain('gdrive.scope: drive');
    expect(e.hint).toContain('ssot auth gdrive');
    expect(e.hint).toContain('fileId');
    await refusal(copy.write(bytes('mine'), null, msg));
    expect(drive.findByName('chronos.kdbx', shared.id)).toHaveLength(1);
    expect(state.value.fileId).toBeUndefined();
    // The way out: the drive scope finds the file and adopts it.
    const wide = copyOf({ folder: shared.name, token: 'wide-token' });
    expect((await wide.copy.read())!.rev).toBe(theirs.revisions[0]!.id);
  });

  it('not in doubt: a folder this machine made, or a copy that had its file before', async () => {
    const { copy, state } = copyOf({ folder: `Made${++n}` });
    const r1 = (await copy.write(bytes('a'), null, msg)).rev;
    expect(state.value.madeFolderId).toBe(state.value.folderId);
    // A crash after the folder was made and before the file was: the next run makes the file.
    const again = copyOf({ folder: `Made${n}` });
    await again.state.set({ folderId: state.value.folderId!, madeFolderId: state.value.folderId! });
    drive.file(state.value.fileId!)!.trashed = true;
    expect(await again.copy.read()).toBeNull();
    drive.file(state.value.fileId!)!.trashed = false;
    drive.file(state.value.fileId!)!.trashed = true; // the user trashed it: the copy had a file, it is made again
    expect(await copy.read()).toBeNull();
    expect((await copy.write(bytes('b'), null, msg)).rev).not.toBe(r1);
  });

  it('the scope drive never stops: an empty folder just gets the file', async () => {
    const empty = folder(`Empty${++n}`, 'rclone');
    const { copy } = copyOf({ folder: empty.name, token: 'wide-token' });
    expect(await copy.read()).toBeNull();
    await copy.write(bytes('a'), null, msg);
    expect(drive.findByName('chronos.kdbx', empty.id)).toHaveLength(1);
  });
});

describe('probe (ssot doctor)', () => {
  it('says what a sync would find, with the same refusals, and remembers nothing', async () => {
    const f = folder(`Probe${++n}`, APP);
    const file = drive.createFile({ name: 'chronos.kdbx', parents: [f.id], data: bytes('v'), app: APP });
    const { copy, state } = copyOf({ folder: f.name });
    expect(await copy.probe()).toContain(`id ${file.id}`);
    expect(state.value).toEqual({});
    const hidden = folder(`Hidden${++n}`, APP);
    drive.createFile({ name: 'chronos.kdbx', parents: [hidden.id], data: bytes('r'), app: 'rclone' });
    await refusal(copyOf({ folder: hidden.name }).copy.probe());
    expect(await copyOf({ folder: `Nothing${++n}` }).copy.probe()).toMatch(/not there yet/);
  });
});
