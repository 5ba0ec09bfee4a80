import { createV1Client, createV2Client } from 'confluence.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSpecValidator } from './confluence-spec.js';
import { startTestConfluence, type TestConfluence } from './confluence.js';
import { stringContaining } from '../support/matchers.js';

/** The stand-in itself, driven by the real confluence.js, and the spec check catching bad requests. */
let s: TestConfluence;
beforeEach(async () => {
  s = await startTestConfluence({ email: 'bot@example.com', token: 'tok-123456' });
});
afterEach(async () => {
  await s.close();
});

const clients = () => {
  const cfg = { host: s.url.replace(/\/wiki$/, ''), auth: { type: 'basic' as const, email: 'bot@example.com', apiToken: 'tok-123456' } };
  return { v2: createV2Client(cfg), v1: createV1Client(cfg) };
};

describe('Confluence stand-in', () => {
  it('creates, reads in batch and updates pages with versions; 409 on a stale version', async () => {
    const { v2 } = clients();
    const space = (await v2.space.getSpaces({ keys: ['PC'] })).results![0]!;
    const p = await v2.page.createPage({ body: { spaceId: String(space.id), status: 'current', title: 'One', body: { representation: 'storage', value: '<p>1</p>' } } });
    expect(p.version?.number).toBe(1);
    const list = await v2.page.getPages({ id: [Number(p.id)], limit: 250 });
    expect(list.results?.map((x) => x.id)).toEqual([p.id]);
    await v2.page.updatePage({ id: Number(p.id), body: { id: String(p.id), status: 'current', title: 'One', body: { representation: 'storage', value: '<p>2</p>' }, version: { number: 2 } } });
    await expect(
      v2.page.updatePage({ id: Number(p.id), body: { id: String(p.id), status: 'current', title: 'One', body: { representation: 'storage', value: '<p>3</p>' }, version: { number: 2 } } }),
    ).rejects.toMatchObject({ status: 409 });
    expect(s.page(String(p.id))?.version).toBe(2);
    expect(s.violations).toEqual([]);
  });

  it('answers 400 on malformed storage and on a title already used in the space', async () => {
    const { v2 } = clients();
    const spaceId = s.spaceId('PC');
    await expect(v2.page.createPage({ body: { spaceId, status: 'current', title: 'Bad', body: { representation: 'storage', value: '<p>unclosed' } } })).rejects.toMatchObject({ status: 400 });
    await expect(v2.page.createPage({ body: { spaceId, status: 'current', title: 'Bad', body: { representation: 'storage', value: '<p>a&nbsp;b</p>' } } })).rejects.toMatchObject({ status: 400 });
    s.seedPage({ title: 'Taken' });
    await expect(v2.page.createPage({ body: { spaceId, status: 'current', title: 'Taken', body: { representation: 'storage', value: '<p/>' } } })).rejects.toMatchObject({
      status: 400,
      body: { errors: [{ title: stringContaining('title already exists') }] },
    });
  });

  it('uploads attachments (v1, no-check) and labels', async () => {
    const { v1 } = clients();
    const page = s.seedPage({ title: 'Att' });
    await v1.contentAttachments.createOrUpdateAttachments({ id: page.id, attachments: { filename: 'a.png', content: new Uint8Array([1, 2, 3]) } });
    await v1.contentAttachments.createOrUpdateAttachments({ id: page.id, attachments: { filename: 'a.png', content: new Uint8Array([1, 2, 3, 4]) } });
    expect(s.attachments(page.id)).toEqual([{ filename: 'a.png', version: 2, size: 4 }]);
    await v1.contentLabels.addLabelsToContent({ id: page.id, body: [{ prefix: 'global', name: 'x' }] });
    expect(s.labels(page.id)).toEqual(['x']);
    expect(s.violations).toEqual([]);
  });

  it('archives one page per request (the Standard plan refuses more) as a long task; an archived page is read, not edited', async () => {
    const { v1, v2 } = clients();
    const a = s.seedPage({ title: 'Old A' });
    const b = s.seedPage({ title: 'Old B' });
    await expect(v1.content.archivePages({ pages: [{ id: Number(a.id) }, { id: Number(b.id) }] })).rejects.toMatchObject({ status: 400 });
    const task = await v1.content.archivePages({ pages: [{ id: Number(a.id) }] });
    expect(task.links.status).toBe(`/wiki/rest/api/longtask/${task.id}`);
    expect((await v1.longRunningTask.getTask({ id: task.id })).finished).toBe(false);
    expect(await v1.longRunningTask.getTask({ id: task.id })).toMatchObject({ finished: true, successful: true, percentageComplete: 100 });
    expect(s.page(a.id)!.status).toBe('archived');
    await expect(v1.content.archivePages({ pages: [{ id: Number(a.id) }] })).rejects.toMatchObject({ status: 400 });
    expect((await v2.page.getPages({ id: [Number(a.id), Number(b.id)], limit: 250 })).results?.map((p) => [p.id, p.status])).toEqual([[a.id, 'archived'], [b.id, 'current']]);
    expect((await v2.page.getPageById({ id: Number(a.id) })).status).toBe('archived');
    await expect(
      v2.page.updatePage({ id: Number(a.id), body: { id: a.id, status: 'current', title: 'Old A', body: { representation: 'storage', value: '<p/>' }, version: { number: 2 } } }),
    ).rejects.toMatchObject({ status: 400 });
    expect(s.violations).toEqual([]);
  });

  it('answers 429 with Retry-After, 404 just after a create, 401 on bad credentials', async () => {
    const { v2 } = clients();
    s.failNext({ status: 429, retryAfter: '3', path: '/pages' });
    await expect(v2.page.getPages({ limit: 5 })).rejects.toMatchObject({ status: 429, retryAfterMs: 3000 });
    await s.close();
    s = await startTestConfluence({ notFoundAfterCreate: 1 });
    const c = createV2Client({ host: s.url.replace(/\/wiki$/, ''), auth: { type: 'basic', email: 'bot@example.com', apiToken: 'x' } });
    const p = await c.page.createPage({ body: { spaceId: s.spaceId('PC'), status: 'current', title: 'Fresh', body: { representation: 'storage', value: '<p/>' } } });
    await expect(c.page.getPageById({ id: Number(p.id) })).rejects.toMatchObject({ status: 404 });
    expect((await c.page.getPageById({ id: Number(p.id) })).id).toBe(p.id);
    await s.close();
    s = await startTestConfluence({ email: 'bot@example.com', token: 'right' });
    await expect(createV2Client({ host: s.url.replace(/\/wiki$/, ''), auth: { type: 'basic', email: 'bot@example.com', apiToken: 'wrong' } }).page.getPages({})).rejects.toMatchObject({ status: 401 });
  });

  it('the spec check catches what a real tenant would refuse', () => {
    const check = createSpecValidator();
    const req = (method: string, p: string, query = '', body?: unknown, headers: Record<string, string> = {}) => ({ method, path: p, query: new URLSearchParams(query), headers, ...(body !== undefined ? { body } : {}) });
    expect(check(req('GET', '/wiki/api/v2/pages', 'id=1&id=2&limit=250'))).toEqual([]);
    expect(check(req('GET', '/wiki/api/v2/pages', 'limit=500'))).toHaveLength(1);
    expect(check(req('GET', '/wiki/api/v2/pages', 'ids=1'))[0]).toContain('not in the spec');
    expect(check(req('GET', '/wiki/api/v2/pages', 'id=abc'))).toHaveLength(1);
    expect(check(req('POST', '/wiki/api/v2/pages', '', { title: 'no space id' }))[0]).toContain('body does not match');
    expect(check(req('PUT', '/wiki/api/v2/pages/12', '', { id: '12', status: 'current', title: 't', body: { representation: 'storage', value: '' } }))[0]).toContain("must have required property 'version'");
    expect(check(req('PATCH', '/wiki/api/v2/pages/12'))[0]).toContain('method not in the spec');
    expect(check(req('PUT', '/wiki/rest/api/content/12/child/attachment'))).toHaveLength(2);
    // Answers are checked too.
    expect(check.response(req('GET', '/wiki/api/v2/pages'), 200, { results: [{ id: '1', version: { number: 2 } }], _links: {} })).toEqual([]);
    expect(check.response(req('GET', '/wiki/api/v2/pages'), 200, { results: [{ id: '1', version: { number: 'two' } }] })[0]).toContain('does not match');
  });
});
