/**
 * The stand-in itself, over raw HTTP: the parts of Drive v3's behaviour the
 * copy relies on (auth, error shape, fields, q, paging, uploads, revisions).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FOLDER_MIME } from '@ssot/standins/drive';
import { TEST_ACCESS_TOKEN, TEST_OAUTH, useDriveStandIn } from './index.js';

const s = await useDriveStandIn({ maxPageSize: 3 });
const auth = { authorization: `Bearer ${TEST_ACCESS_TOKEN}` };
const api = (p: string, init: RequestInit = {}) =>
  fetch(new URL(p, s.url), { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });

/** What these tests read of the stand-in's answers, as Drive v3 documents them; the expectations check the rest. */
interface DriveFile {
  id: string;
  md5Checksum?: string;
  size?: string;
  headRevisionId?: string;
}
interface FileList {
  files: { id: string }[];
  nextPageToken?: string;
}
interface RevisionList {
  revisions: { id: string }[];
}
interface DriveError {
  error: { code: number; status: string; errors: { reason: string; domain?: string; location?: string }[] };
}
interface TokenAnswer {
  token_type: string;
  access_token: string;
}
const answer = async (r: Response): Promise<unknown> => r.json();
const fileOf = async (r: Response): Promise<DriveFile> => (await answer(r)) as DriveFile;
const listOf = async (r: Response): Promise<FileList> => (await answer(r)) as FileList;
const errorOf = async (r: Response): Promise<DriveError['error']> => ((await answer(r)) as DriveError).error;
const keysOf = async (r: Response): Promise<string[]> => Object.keys((await answer(r)) as object).sort();

describe('Drive v3 stand-in', () => {
  it('401 without or with a wrong bearer token, in Google error format', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }] as Array<Record<string, string>>) {
      const r = await fetch(new URL('drive/v3/files', s.url), { headers });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const e = await errorOf(r);
      expect(e.code).toBe(401);
      expect(e.status).toBe('UNAUTHENTICATED');
      expect(e.errors[0]!.reason).toBe('authError');
    }
  });

  it('creates folders and files, selects fields, and answers defaults without fields', async () => {
    const folder = await fileOf(await api('drive/v3/files?fields=id,name,mimeType,parents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'F', mimeType: FOLDER_MIME }),
    }));
    expect(folder).toMatchObject({ name: 'F', mimeType: FOLDER_MIME, parents: [s.rootId] });
    const data = Buffer.from([0, 1, 2, 255, 13, 10]);
    const boundary = 'b0undary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-type: application/json\r\n\r\n${JSON.stringify({ name: 'v.kdbx', parents: [folder.id] })}\r\n`),
      Buffer.from(`--${boundary}\r\ncontent-type: application/octet-stream\r\n\r\n`),
      data,
      Buffer.from(`\r\n--${boundary}--`),
    ]);
    const made = await fileOf(await api('upload/drive/v3/files?uploadType=multipart&fields=id,md5Checksum,size,headRevisionId', {
      method: 'POST',
      headers: { 'content-type': `multipart/related; boundary=${boundary}` },
      body,
    }));
    expect(made.md5Checksum).toBe(createHash('md5').update(data).digest('hex'));
    expect(made.size).toBe('6');
    expect(await keysOf(await api(`drive/v3/files/${made.id}`))).toEqual(['id', 'kind', 'mimeType', 'name']);
    const media = Buffer.from(await (await api(`drive/v3/files/${made.id}?alt=media`)).arrayBuffer());
    expect(media.equals(data)).toBe(true);
    // A folder has no content to download.
    expect((await api(`drive/v3/files/${folder.id}?alt=media`)).status).toBe(403);
    // media update: same id, new revision.
    const upd = await fileOf(await api(`upload/drive/v3/files/${made.id}?uploadType=media&fields=id,headRevisionId`, { method: 'PATCH', body: Buffer.from('new') }));
    expect(upd.id).toBe(made.id);
    expect(upd.headRevisionId).not.toBe(made.headRevisionId);
    const revs = (await answer(await api(`drive/v3/files/${made.id}/revisions`))) as RevisionList;
    expect(revs.revisions.map((r) => r.id)).toEqual([made.headRevisionId, upd.headRevisionId]);
    expect(Object.keys(revs.revisions[0]!).sort()).toEqual(['id', 'kind', 'mimeType', 'modifiedTime']);
    const old = Buffer.from(await (await api(`drive/v3/files/${made.id}/revisions/${made.headRevisionId!}?alt=media`)).arrayBuffer());
    expect(old.equals(data)).toBe(true);
  });

  it('q: name, parents, mimeType, trashed; paging with nextPageToken; a bad query is a 400', async () => {
    const parent = s.createFile({ name: 'P', mimeType: FOLDER_MIME });
    for (let i = 0; i < 5; i++) s.createFile({ name: i % 2 ? "it's" : 'x', parents: [parent.id], data: Buffer.from([i]) });
    const trashed = s.createFile({ name: 'x', parents: [parent.id] });
    await api(`drive/v3/files/${trashed.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ trashed: true }) });
    const q = encodeURIComponent(`name = 'x' and '${parent.id}' in parents and trashed = false and mimeType != '${FOLDER_MIME}'`);
    const ids: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const b = await listOf(await api(`drive/v3/files?q=${q}&fields=nextPageToken,files(id,name)&pageSize=2${token ? `&pageToken=${token}` : ''}`));
      ids.push(...b.files.map((f) => f.id));
      token = b.nextPageToken ?? '';
      pages++;
    } while (token);
    expect(ids.length).toBe(3);
    expect(pages).toBe(2);
    const esc = await listOf(await api(`drive/v3/files?q=${encodeURIComponent(`name = 'it\\'s'`)}&fields=files(name)`));
    expect(esc.files.length).toBe(2);
    const bad = await api(`drive/v3/files?q=${encodeURIComponent('fullText contains "x"')}`);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).errors[0]!.location).toBe('q');
  });

  it('resumable upload: a session URI, then the bytes', async () => {
    const start = await api('upload/drive/v3/files?uploadType=resumable', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'big.kdbx' }),
    });
    expect(start.status).toBe(200);
    const loc = start.headers.get('location')!;
    const done = await fileOf(await fetch(loc, { method: 'PUT', headers: auth, body: Buffer.from('abc') }));
    expect(s.content(done.id)!.toString()).toBe('abc');
  });

  it('scripted failures: status, reason, Retry-After, only for matching requests and only N times', async () => {
    s.failNext({ method: 'GET', path: '/drive/v3/files' }, { status: 429, retryAfter: '3' }, 2);
    const a = await api('drive/v3/files');
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('3');
    expect((await errorOf(a)).errors[0]).toMatchObject({ reason: 'rateLimitExceeded', domain: 'usageLimits' });
    expect((await api('drive/v3/files/root?fields=id')).status).toBe(200); // another path: not affected
    expect((await api('drive/v3/files')).status).toBe(429);
    expect((await api('drive/v3/files')).status).toBe(200);
  });

  it('token endpoint: refresh_token grant, invalid_grant, invalid_client', async () => {
    const post = (form: Record<string, string>) =>
      fetch(s.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    const ok = (await answer(await post({ grant_type: 'refresh_token', client_id: TEST_OAUTH.clientId, client_secret: TEST_OAUTH.clientSecret, refresh_token: TEST_OAUTH.refreshToken }))) as TokenAnswer;
    expect(ok.token_type).toBe('Bearer');
    expect((await fetch(new URL('drive/v3/files', s.url), { headers: { authorization: `Bearer ${ok.access_token}` } })).status).toBe(200);
    const bad = await post({ grant_type: 'refresh_token', client_id: TEST_OAUTH.clientId, client_secret: TEST_OAUTH.clientSecret, refresh_token: 'x' });
    expect(bad.status).toBe(400);
    expect(((await answer(bad)) as { error: string }).error).toBe('invalid_grant');
    expect((await post({ grant_type: 'refresh_token', client_id: 'other', client_secret: 'x', refresh_token: 'x' })).status).toBe(401);
  });
});
