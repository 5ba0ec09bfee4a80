import { randomBytes } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SsotError } from '../../../src/core/errors.js';
import { CopyConflictError } from '../../../src/vault/copies/copy.js';
import { createDriveClient, DriveCopy, memoryDriveState, type DriveCopyOptions } from '../../../src/vault/copies/gdrive.js';
import { startDriveStandIn, TEST_ACCESS_TOKEN, TEST_OAUTH, useDriveStandIn } from '../../standins/drive/index.js';
import { runCopyConformance } from './conformance.js';

const drive = await useDriveStandIn();
const msg = { message: 'vault: 1 entry changed' };
let n = 0;
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(`\0kdbx:${s}`));
const text = (b: Uint8Array | Buffer | undefined): string => Buffer.from(b ?? []).toString('utf8').replace('\0kdbx:', '');

/** A fresh folder path per copy, so tests do not see each other's files. */
function makeCopy(over: Partial<DriveCopyOptions> = {}) {
  const sleeps: number[] = [];
  const state = memoryDriveState();
  const client = createDriveClient({ rootUrl: drive.url, auth: { accessToken: TEST_ACCESS_TOKEN } });
  const folder = `Backups/t${++n}`;
  const opts: DriveCopyOptions = {
    drive: client,
    name: 'chronos.kdbx',
    folder,
    state,
    retry: { sleep: async (ms) => void sleeps.push(ms), baseMs: 1 },
    ...over,
  };
  return { copy: new DriveCopy(opts), opts, state, sleeps, folder, reopen: async () => new DriveCopy({ ...opts, state: memoryDriveState() }) };
}

runCopyConformance('gdrive (Drive v3 stand-in)', async () => makeCopy(), { versions: true });

describe('DriveCopy against the Drive v3 stand-in', () => {
  it('makes the folder path once, remembers the ids, and updates the same file in place', async () => {
    const { copy, state, folder } = makeCopy();
    const r1 = (await copy.write(bytes('a'), null, msg)).rev;
    const r2 = (await copy.write(bytes('b'), r1, msg)).rev;
    const [top, sub] = folder.split('/');
    const tops = drive.findByName(top!, 'root');
    expect(tops.length).toBe(1);
    const subs = drive.findByName(sub!, tops[0]!.id);
    expect(subs.length).toBe(1);
    const files = drive.findByName('chronos.kdbx', subs[0]!.id);
    expect(files.length).toBe(1);
    expect(files[0]!.revisions.map((r) => r.id)).toEqual([r1, r2]);
    expect(state.value).toEqual({ folderId: subs[0]!.id, madeFolderId: subs[0]!.id, fileId: files[0]!.id, lastRev: r2 });
    // A second copy over the same folder path (another run) finds both, makes nothing.
    const before = drive.files().length;
    const again = makeCopy({ folder });
    expect(text((await again.copy.read())!.data)).toBe('b');
    await again.copy.write(bytes('c'), r2, msg);
    expect(drive.files().length).toBe(before);
  });

  it('a 404 on a remembered fileId forgets it and finds the file by name', async () => {
    const { copy, state } = makeCopy();
    const rev = (await copy.write(bytes('a'), null, msg)).rev;
    state.value.fileId = 'gone-file-id';
    const r = await copy.read();
    expect(r!.rev).toBe(rev);
    expect(state.value.fileId).not.toBe('gone-file-id');
    expect(drive.file(state.value.fileId)!.name).toBe('chronos.kdbx');
  });

  it('429 and 500 are retried with backoff, honouring Retry-After', async () => {
    const { copy, sleeps } = makeCopy();
    const rev = (await copy.write(bytes('a'), null, msg)).rev;
    drive.failNext({ method: 'GET', path: /^\/drive\/v3\/files\/[^/]+$/ }, { status: 429, retryAfter: '7' });
    drive.failNext({ method: 'GET', path: /^\/drive\/v3\/files\/[^/]+$/ }, { status: 500 });
    drive.failNext({ method: 'PATCH', path: /^\/upload\/drive\/v3\/files\// }, { status: 503, retryAfter: '2' });
    const r2 = (await copy.write(bytes('b'), rev, msg)).rev;
    expect(sleeps[0]).toBe(7000);
    expect(sleeps).toContain(2000);
    expect(sleeps.length).toBe(3);
    expect(text(drive.content(drive.findByName('chronos.kdbx').find((f) => f.revisions.some((x) => x.id === r2))!.id))).toBe('b');
  });

  it('a 403 rate limit (userRateLimitExceeded) is retried; persistent 5xx becomes a retryable RemoteError', async () => {
    const { copy, sleeps } = makeCopy();
    await copy.write(bytes('a'), null, msg);
    drive.failNext({ method: 'GET' }, { status: 403, reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' });
    expect(await copy.head()).toBeTruthy();
    expect(sleeps.length).toBe(1);
    drive.failNext({ method: 'GET' }, { status: 500 }, 5);
    const e = (await copy.head().catch((x: unknown) => x)) as SsotError & { retryable: boolean };
    expect(e.code).toBe('REMOTE');
    expect(e.retryable).toBe(true);
  });

  it('401 and 403 are RemoteAuth errors (exit 2) naming the copy and the fix, not retried', async () => {
    const { copy } = makeCopy();
    drive.failNext({ method: 'GET' }, { status: 403, reason: 'insufficientPermissions', message: 'Insufficient Permission' });
    const e403 = (await copy.read().catch((x: unknown) => x)) as SsotError;
    expect(e403).toBeInstanceOf(SsotError);
    expect(e403.code).toBe('REMOTE_AUTH');
    expect(e403.exitCode).toBe(2);
    expect(e403.message).toContain(copy.label);
    expect(e403.hint).toMatch(/drive\.file/);

    const bad = new DriveCopy({
      drive: createDriveClient({ rootUrl: drive.url, auth: { accessToken: 'ya29.wrong-token' } }),
      name: 'x.kdbx',
      folder: 'Nowhere',
      state: memoryDriveState(),
      retry: { sleep: async () => undefined },
    });
    const before = drive.requests.length;
    const e401 = (await bad.read().catch((x: unknown) => x)) as SsotError;
    expect(e401.code).toBe('REMOTE_AUTH');
    expect(e401.hint).toMatch(/gdrive\.auth/);
    expect(e401.message).not.toContain('ya29.wrong-token');
    expect(drive.requests.slice(before).filter((r) => r.status === 401).length).toBe(1); // not retried
  });

  it('the refresh-token flow gets an access token from the token endpoint; a revoked refresh token is RemoteAuth', async () => {
    const client = createDriveClient({ rootUrl: drive.url, tokenUrl: drive.tokenUrl, auth: TEST_OAUTH });
    const c = new DriveCopy({ drive: client, name: 'r.kdbx', folder: `Refresh${++n}`, state: memoryDriveState() });
    const issuedBefore = drive.issuedTokens().length;
    await c.write(bytes('x'), null, msg);
    expect(drive.issuedTokens().length).toBe(issuedBefore + 1);
    const revoked = createDriveClient({ rootUrl: drive.url, tokenUrl: drive.tokenUrl, auth: { ...TEST_OAUTH, refreshToken: '1//revoked-token-value' } });
    const e = (await new DriveCopy({ drive: revoked, name: 'r.kdbx', folder: 'X', state: memoryDriveState() })
      .read()
      .catch((x: unknown) => x)) as SsotError;
    expect(e.code).toBe('REMOTE_AUTH');
    expect(e.message).toMatch(/invalid_grant/);
    expect(e.message).not.toContain('revoked-token-value');
  });

  it('an answer lost after a create makes no second file', async () => {
    const { copy, folder } = makeCopy();
    await copy.head(); // nothing yet
    const seen = drive.requests.length;
    drive.dropNextResponse({ method: 'POST', path: '/upload/drive/v3/files' });
    const { rev } = await copy.write(bytes('a'), null, msg);
    const [top, sub] = folder.split('/');
    const subId = drive.findByName(sub!, drive.findByName(top!, 'root')[0]!.id)[0]!.id;
    const files = drive.findByName('chronos.kdbx', subId);
    expect(files.length).toBe(1);
    expect(files[0]!.revisions.map((r) => r.id)).toEqual([rev]);
    expect(drive.requests.slice(seen).filter((r) => r.method === 'POST' && r.path === '/upload/drive/v3/files').length).toBe(1);
  });

  it('an answer lost after a folder create makes no second folder', async () => {
    const { copy, folder } = makeCopy();
    drive.dropNextResponse({ method: 'POST', path: '/drive/v3/files' });
    await copy.write(bytes('a'), null, msg);
    const [top] = folder.split('/');
    expect(drive.findByName(top!, 'root').length).toBe(1);
  });

  it('an answer lost after an update is recognised as our own revision (no second upload)', async () => {
    const { copy } = makeCopy();
    const r1 = (await copy.write(bytes('a'), null, msg)).rev;
    drive.dropNextResponse({ method: 'PATCH', path: /^\/upload\/drive\/v3\/files\// });
    const r2 = (await copy.write(bytes('b'), r1, msg)).rev;
    const f = drive.files().find((x) => x.revisions.some((r) => r.id === r2))!;
    expect(f.revisions.length).toBe(2);
  });

  it('detects an md5 mismatch after upload and uploads again', async () => {
    const { copy } = makeCopy();
    const r1 = (await copy.write(bytes('a'), null, msg)).rev;
    drive.corruptNextUpload();
    const r2 = (await copy.write(bytes('b'), r1, msg)).rev;
    const f = drive.files().find((x) => x.revisions.some((r) => r.id === r2))!;
    expect(f.revisions.length).toBe(3); // a, the damaged b, b again
    expect((await copy.read())!.rev).toBe(r2);
    drive.corruptNextUpload(2);
    await expect(copy.write(bytes('c'), r2, msg)).rejects.toThrow(/md5Checksum/);
  });

  it('a revision uploaded by another machine between our check and our upload is a conflict, then surfaces in missed', async () => {
    const { copy, state } = makeCopy();
    const r1 = (await copy.write(bytes('base'), null, msg)).rev;
    const fileId = state.value.fileId!;
    // The other machine lands in the window between our files.get and our upload.
    drive.beforeNext({ method: 'PATCH', path: `/upload/drive/v3/files/${fileId}` }, () => {
      drive.uploadRevision(fileId, bytes('from-other-machine'));
    });
    await expect(copy.write(bytes('ours'), r1, msg)).rejects.toBeInstanceOf(CopyConflictError);
    // Nothing is lost: the raced revision is handed back for merging.
    const r = await copy.read();
    expect(text(r!.data)).toBe('ours');
    expect(r!.missed!.map(text)).toEqual(['from-other-machine']);
    // The engine merges and writes on the head; after that nothing is missed any more.
    const r3 = (await copy.write(bytes('merged'), r!.rev, msg)).rev;
    const after = await copy.read();
    expect(after!.rev).toBe(r3);
    expect(after!.missed).toBeUndefined();
  });

  it('a revision uploaded by another machine before our check is a plain conflict; read shows it as the head', async () => {
    const { copy, state } = makeCopy();
    const r1 = (await copy.write(bytes('base'), null, msg)).rev;
    const other = drive.uploadRevision(state.value.fileId!, bytes('other'));
    await expect(copy.write(bytes('ours'), r1, msg)).rejects.toBeInstanceOf(CopyConflictError);
    expect(text(drive.content(state.value.fileId!))).toBe('other');
    const r = await copy.read();
    expect(r!.rev).toBe(other.id);
    expect(r!.missed).toBeUndefined();
  });

  it('versions() follows nextPageToken through many revisions', async () => {
    const small = await startDriveStandIn({ maxPageSize: 2, accessTokens: [TEST_ACCESS_TOKEN] });
    onTestFinished(() => small.close());
    const { copy, state } = makeCopy({ drive: createDriveClient({ rootUrl: small.url, auth: { accessToken: TEST_ACCESS_TOKEN } }) });
    let rev = (await copy.write(bytes('0'), null, msg)).rev;
    for (let i = 1; i < 5; i++) rev = small.uploadRevision(state.value.fileId!, bytes(String(i))).id;
    const vs = await copy.versions();
    expect(small.requests.filter((r) => r.path.endsWith('/revisions') && r.query.includes('pageToken')).length).toBe(2);
    expect(vs.map((v) => v.id)[0]).toBe(rev);
    expect(vs.length).toBe(5);
    expect(text(await copy.readVersion(vs[4]!.id))).toBe('0');
    await expect(copy.readVersion('no-such-revision')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a configured fileId that does not exist is a clear error', async () => {
    const { copy } = makeCopy({ fileId: 'does-not-exist', folder: undefined });
    await expect(copy.read()).rejects.toThrow(/configured fileId was not found/);
  });

  it('a file with the same name made by another tool is adopted (scope drive), with its content as the head', async () => {
    const { copy, folder, state } = makeCopy();
    await copy.head(); // nothing there yet: the folder path is not even made
    expect(drive.findByName(folder.split('/')[1]!).length).toBe(0);
    await copy.write(bytes('mine'), null, msg);
    const folderId = state.value.folderId!;
    const foreign = drive.createFile({ name: 'other.kdbx', parents: [folderId], data: bytes('rclone') });
    const c2 = makeCopy({ folder, name: 'other.kdbx' });
    const r = await c2.copy.read();
    expect(r!.rev).toBe(foreign.revisions[0]!.id);
    expect(text(r!.data)).toBe('rclone');
  });

  it('a 500 on a create the server did not act on: looked up first, then created once', async () => {
    const { copy, state } = makeCopy();
    await copy.head();
    const seen = drive.requests.length;
    drive.failNext({ method: 'POST', path: '/upload/drive/v3/files' }, { status: 500 });
    await copy.write(bytes('a'), null, msg);
    expect(drive.findByName('chronos.kdbx', state.value.folderId).length).toBe(1);
    const calls = drive.requests.slice(seen).map((r) => `${r.method} ${r.path} ${r.status}`);
    const first = calls.indexOf('POST /upload/drive/v3/files 500');
    const second = calls.indexOf('POST /upload/drive/v3/files 200');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(second).toBeGreaterThan(first);
    expect(calls.slice(first, second)).toContain('GET /drive/v3/files 200'); // the lookup before the retry
  });

  it('a remembered file that was trashed is not used; a remembered folder that is gone is found again', async () => {
    const { copy, state, folder } = makeCopy();
    await copy.write(bytes('a'), null, msg);
    const trashedId = state.value.fileId!;
    drive.file(trashedId)!.trashed = true;
    expect(await copy.read()).toBeNull();
    const { rev } = await copy.write(bytes('b'), null, msg);
    expect(state.value.fileId).not.toBe(trashedId);
    const c2 = makeCopy({ folder });
    await c2.state.set({ folderId: 'gone-folder' });
    expect((await c2.copy.read())!.rev).toBe(rev);
    expect(c2.state.value.folderId).toBe(state.value.folderId);
  });

  it('works with a folderId instead of a path', async () => {
    const f = drive.createFile({ name: 'Shared', mimeType: 'application/vnd.google-apps.folder' });
    // A folder the user made in the web UI: reachable under the drive scope.
    const { copy } = makeCopy({ folder: undefined, folderId: f.id, scope: 'drive' });
    await copy.write(bytes('a'), null, msg);
    expect(drive.findByName('chronos.kdbx', f.id).length).toBe(1);
    expect(copy.id).toBe(`gdrive:folder ${f.id}/chronos.kdbx`);
  });

  it('a file over 5 MiB goes up by a resumable upload (create and update), through the refresh-token client', async () => {
    const client = createDriveClient({ rootUrl: drive.url, tokenUrl: drive.tokenUrl, auth: TEST_OAUTH });
    const c = new DriveCopy({ drive: client, name: 'big.kdbx', folder: `Big${++n}`, state: memoryDriveState() });
    const seen = drive.requests.length;
    const big = new Uint8Array(randomBytes(6 * 1024 * 1024 + 7));
    const r1 = (await c.write(big, null, msg)).rev;
    big[12345] = big[12345]! ^ 0xff;
    const r2 = (await c.write(big, r1, msg)).rev;
    const got = await c.read();
    expect(got!.rev).toBe(r2);
    expect(Buffer.from(got!.data).equals(Buffer.from(big))).toBe(true);
    const uploads = drive.requests.slice(seen).filter((r) => r.path.startsWith('/upload/'));
    expect(uploads.map((r) => `${r.method} ${r.query.includes('uploadType=resumable') ? 'resumable' : r.query}`)).toEqual([
      'POST resumable',
      'PUT resumable',
      'PATCH resumable',
      'PUT resumable',
    ]);
  });

  it('missed holds every raced revision once, oldest first, and not the head', async () => {
    const { copy, state } = makeCopy();
    await copy.write(bytes('base'), null, msg);
    const id = state.value.fileId!;
    drive.uploadRevision(id, bytes('m1'));
    drive.uploadRevision(id, bytes('m2'));
    drive.uploadRevision(id, bytes('m1')); // the same bytes again (a re-upload)
    const head = drive.uploadRevision(id, bytes('head'));
    const r = await copy.read();
    expect(r!.rev).toBe(head.id);
    expect(r!.missed!.map(text)).toEqual(['m1', 'm2']);
  });
});
