import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapDocs, publishSettings } from '../../src/docs/index.js';
import { parseMapping } from '../../src/docs/mapping.js';
import { startTestConfluence, type TestConfluence } from '../standins/confluence.js';
import { actions, makeProject, push, sleeps, type Project } from './helpers.js';
import { validateStorage } from './xml-helpers.js';
import { objectContaining } from '../support/matchers.js';

/**
 * `ssot docs push` end to end: the real confluence.js against the stand-in,
 * every request checked against the v2 spec.
 */
let s: TestConfluence;
beforeEach(async () => {
  s = await startTestConfluence({ email: 'bot@example.com', token: 'test-token-123' });
  sleeps.length = 0;
});
afterEach(async () => {
  expect(s.violations).toEqual([]);
  await s.close();
});

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

async function mappedProject(files: Record<string, string | Uint8Array>, opts: { baseUrl?: string } = {}): Promise<Project> {
  const p = await makeProject(s, files, opts);
  await mapDocs(publishSettings(p.config()), { write: true });
  return p;
}

const basic = {
  'index.md': '# Handbook\n\nStart with [setup](guides/setup.md#install).\n',
  'guides/setup.md': '---\nlabels: [setup, howto]\n---\n# Setup\n\n## Install\n\n![logo](img/logo.png)\n',
  'guides/img/logo.png': PNG,
  'guides/faq.md': '# FAQ\n\nSee [install](setup.md#install).\n',
};

describe('docs push', () => {
  it('creates every page under its folder page, writes ids back, then a re-run makes no write and one read', async () => {
    const p = await mappedProject(basic);
    const r1 = await push(p);
    expect(r1.exitCode).toBe(0);
    expect(actions(r1)).toEqual({ 'guides/': 'create', 'guides/faq.md': 'create', 'guides/setup.md': 'create', 'index.md': 'create' });
    const m = await p.mapping();
    const folder = s.page(m.pages['guides/']!.id!)!;
    expect(folder.title).toBe('guides');
    const setup = s.page(m.pages['guides/setup.md']!.id!)!;
    expect(setup.parentId).toBe(folder.id);
    expect(setup.title).toBe('Setup');
    expect(validateStorage(setup.body)).toBe(true);
    expect(setup.body).not.toContain('<h1>');
    expect(s.attachments(setup.id)).toEqual([{ filename: 'logo.png', version: 1, size: PNG.length }]);
    expect(s.labels(setup.id)).toEqual(['howto', 'setup']);
    expect(s.properties(setup.id)).toEqual([objectContaining({ key: 'ssot', value: objectContaining({ version: 1, hash: m.pages['guides/setup.md']!.hash }) })]);
    // Links to other docs became page links with the anchor.
    expect(s.page(m.pages['index.md']!.id!)!.body).toContain('<ac:link ac:anchor="install"><ri:page ri:content-title="Setup"/>');

    s.resetRequests();
    const r2 = await push(p);
    expect(r2.exitCode).toBe(0);
    expect(new Set(Object.values(actions(r2)))).toEqual(new Set(['skip']));
    expect(s.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /wiki/api/v2/pages']);
  });

  it('updates only the changed doc with version + 1 in at most 4 requests; an unchanged image is not uploaded again', async () => {
    const p = await mappedProject(basic);
    await push(p);
    const before = await p.mapping();
    await p.write('guides/setup.md', '---\nlabels: [setup, howto]\n---\n# Setup\n\n## Install\n\nNew line.\n\n![logo](img/logo.png)\n');
    s.resetRequests();
    const r = await push(p);
    expect(actions(r)['guides/setup.md']).toBe('update');
    expect(r.docs.filter((d) => d.action !== 'skip')).toHaveLength(1);
    expect(s.requests.length).toBeLessThanOrEqual(4);
    expect(s.requests.some((q) => q.path.includes('attachment'))).toBe(false);
    const after = await p.mapping();
    const id = after.pages['guides/setup.md']!.id!;
    expect(after.pages['guides/setup.md']!.version).toBe(2);
    expect(s.page(id)!.version).toBe(2);
    expect(s.page(id)!.body).toContain('New line.');
    expect(after.pages['guides/setup.md']!.hash).not.toBe(before.pages['guides/setup.md']!.hash);

    // A changed image alone: uploaded again, page updated.
    await p.write('guides/img/logo.png', new Uint8Array([9, 9, 9]));
    s.resetRequests();
    const r3 = await push(p);
    expect(actions(r3)['guides/setup.md']).toBe('update');
    expect(s.attachments(id)).toEqual([{ filename: 'logo.png', version: 2, size: 3 }]);
  });

  it('a page edited in Confluence is a conflict (exit 3): its text is saved beside the doc as markdown; --force overwrites', async () => {
    const p = await mappedProject(basic);
    await push(p);
    const m = await p.mapping();
    const id = m.pages['guides/faq.md']!.id!;
    s.editPage(id, '<p>edited by a person</p>');
    await p.write('guides/faq.md', '# FAQ\n\nChanged locally.\n');
    const r = await push(p);
    expect(r.exitCode).toBe(3);
    const c = r.docs.find((d) => d.key === 'guides/faq.md')!;
    expect(c.action).toBe('conflict');
    // Confluence's version, as markdown beside the doc, to diff and merge.
    const saved = path.join(p.docs, 'guides', 'faq.confluence.md');
    expect(c.savedRemote).toBe(saved);
    expect(c.message).toContain('faq.confluence.md');
    expect(c.message).toContain('ssot docs pull');
    expect(await fs.readFile(saved, 'utf8')).toBe('# FAQ\n\nedited by a person\n');
    expect(s.page(id)!.body).toBe('<p>edited by a person</p>');
    expect((await p.mapping()).pages['guides/faq.md']!.version).toBe(1);

    const forced = await push(p, { force: true });
    expect(forced.exitCode).toBe(0);
    expect(actions(forced)['guides/faq.md']).toBe('update');
    expect(s.page(id)!.version).toBe(3);
    expect(s.page(id)!.body).toContain('Changed locally.');
  });

  it('an edit in Confluence to a doc unchanged here is reported, not overwritten, not a conflict', async () => {
    const p = await mappedProject({ 'a.md': '# A\n', 'off.md': '---\nconfluence: false\n---\n# Off\n' });
    const events: string[] = [];
    await push(p);
    const id = (await p.mapping()).pages['a.md']!.id!;
    s.editPage(id, '<p>hand</p>');
    const r = await push(p, { log: (e) => events.push(e.type) });
    expect(r.exitCode).toBe(0);
    expect(actions(r)).toEqual({ 'a.md': 'skip', 'off.md': 'skip' });
    expect(r.warnings.map((w) => w.message).join()).toMatch(/edited in Confluence since the last push/);
    expect(events).toContain('warning');
    expect(s.page(id)!.body).toBe('<p>hand</p>');
    expect(s.pageByTitle('Off')).toBeUndefined();
  });

  it("a teammate's push is not taken for a hand edit, by the version message or by the content property", async () => {
    const p = await mappedProject(basic);
    await push(p);
    const old = await fs.readFile(p.mappingFile, 'utf8');
    await p.write('guides/faq.md', '# FAQ\n\nTeammate wording.\n');
    await push(p); // the teammate's push
    await fs.writeFile(p.mappingFile, old); // our mapping is behind
    const id = parseMapping(old, p.mappingFile).pages['guides/faq.md']!.id!;
    // Same content as theirs: nothing to write, mapping catches up.
    const r = await push(p);
    expect(actions(r)['guides/faq.md']).toBe('skip');
    expect((await p.mapping()).pages['guides/faq.md']!.version).toBe(2);

    // The version message lost its marker: the property still tells.
    await fs.writeFile(p.mappingFile, old);
    s.page(id)!.message = '';
    await p.write('guides/faq.md', '# FAQ\n\nOur newer wording.\n');
    const r2 = await push(p);
    expect(actions(r2)['guides/faq.md']).toBe('update');
    expect(s.page(id)!.version).toBe(3);
  });

  it('a renamed doc title re-publishes the docs that link to it (the cache of unchanged docs does not hide it)', async () => {
    const p = await mappedProject(basic);
    await push(p);
    await push(p); // served from the cache
    await p.write('guides/setup.md', '---\nlabels: [setup, howto]\n---\n# Installing\n\n## Install\n\n![logo](img/logo.png)\n');
    const r = await push(p);
    expect(actions(r)).toMatchObject({ 'guides/setup.md': 'update', 'index.md': 'update', 'guides/faq.md': 'update' });
    const m = await p.mapping();
    expect(s.page(m.pages['index.md']!.id!)!.body).toContain('ri:content-title="Installing"');
  });

  it('--dry-run prints create / update / skip and writes nothing', async () => {
    const p = await mappedProject(basic);
    await push(p);
    await p.write('guides/faq.md', '# FAQ\n\nchanged\n');
    await p.write('new.md', '# New page\n');
    await mapDocs(publishSettings(p.config()), { write: true });
    const mappingBefore = await fs.readFile(p.mappingFile, 'utf8');
    s.resetRequests();
    const r = await push(p, { dryRun: true });
    expect(actions(r)).toMatchObject({ 'guides/faq.md': 'update', 'new.md': 'create', 'index.md': 'skip' });
    expect(s.writes()).toBe(0);
    expect(await fs.readFile(p.mappingFile, 'utf8')).toBe(mappingBefore);
  });

  it('confluence.baseUrl works with or without /wiki', async () => {
    const p = await mappedProject({ 'a.md': '# A\n' }, { baseUrl: s.url.replace(/\/wiki$/, '') });
    expect((await push(p)).exitCode).toBe(0);
    const q = await mappedProject({ 'b.md': '# B\n' }, { baseUrl: `${s.url}/` });
    expect((await push(q)).exitCode).toBe(0);
    expect(s.pageByTitle('A')).toBeDefined();
    expect(s.pageByTitle('B')).toBeDefined();
  });

  it('only the given paths are pushed', async () => {
    const p = await mappedProject(basic);
    const r = await push(p, { paths: [path.join(p.docs, 'index.md')] });
    expect(Object.keys(actions(r))).toEqual(['index.md']);
  });
});

describe('docs push: bad input stops everything before the first request', () => {
  const cases: [string, Record<string, string>, RegExp, number | undefined][] = [
    ['invalid front matter', { 'a.md': '---\ntitle: [oops\nlabels: x\n---\nbody\n' }, /invalid front matter/, 3],
    ['a bad front-matter value in a CRLF file', { 'a.md': '---\r\ntitle: A\r\nconfluence: maybe\r\n---\r\nbody\r\n' }, /"confluence" must be true or false/, 3],
    ['an unmapped parent', { 'a.md': '---\nparent: nowhere.md\n---\n# A\n' }, /parent "nowhere\.md" is not in the mapping/, 2],
  ];
  for (const [name, files, message, line] of cases) {
    it(name, async () => {
      const p = await mappedProject({ ...files, 'ok.md': '# Fine\n' });
      s.resetRequests();
      const r = await push(p);
      expect(r.exitCode).toBe(2);
      expect(r.invalid[0]).toMatchObject({ file: path.join(p.docs, 'a.md'), line });
      expect(r.invalid[0]!.message).toMatch(message);
      expect(s.requests).toEqual([]);
      expect(s.pages().filter((x) => x.title === 'Fine')).toEqual([]);
    });
  }

  it('two docs with one title', async () => {
    const p = await mappedProject({ 'a.md': '# Same\n', 'b/c.md': '---\ntitle: same\n---\n' });
    const r = await push(p);
    expect(r.exitCode).toBe(2);
    expect(r.invalid[0]!.message).toMatch(/duplicate title/);
    expect(s.requests).toEqual([]);
  });

  it('a mapping that is not valid JSON names the line', async () => {
    const p = await makeProject(s, { 'a.md': '# A\n' });
    await fs.mkdir(path.dirname(p.mappingFile), { recursive: true });
    await fs.writeFile(p.mappingFile, '{\n  "version": 1,\n  "space": "PC",\n  "pages": { "a.md": { "id": 12 } }\n}\n');
    const r = await push(p);
    expect(r.exitCode).toBe(2);
    expect(r.invalid[0]).toMatchObject({ file: p.mappingFile, line: 4 });
  });
});

describe('docs push: a link that cannot be resolved never costs the page', () => {
  const doc = [
    '# A', // 1
    '',
    'See [gone](missing.md) and [keys](git@github.com:org/test_keys.git).', // 3
    '',
    'Guide: [mocks](/guide/learn/mock-functions), [globals](/config/globals).', // 5
    '',
    '![x](img/none.png) <a href="nowhere.md">raw</a>', // 7
    '',
    '[jump](#Basic-Features) to [b](#nope)', // 9
    '',
    '## Basic features', // 11
  ].join('\n');

  it('each is a warning naming its line, rendered sensibly, and the page is published', async () => {
    const p = await mappedProject({ 'a.md': doc });
    const r = await push(p);
    expect(r.exitCode).toBe(0);
    expect(r.invalid).toEqual([]);
    expect(r.warnings.map((w) => [w.line, w.message.replace(/:.*/, '')])).toEqual([
      [3, 'link to missing.md'],
      [3, 'link to git@github.com'],
      [5, 'link to /guide/learn/mock-functions'],
      [5, 'link to /config/globals'],
      [7, 'image img/none.png'],
      [7, 'link to nowhere.md'],
      [9, 'link to #nope'],
    ]);
    const body = s.pageByTitle('A')!.body;
    expect(body).toContain('See gone and keys (<code>git@github.com:org/test_keys.git</code>).');
    expect(body).toContain('Guide: mocks, globals.');
    expect(body).toContain('<p>x raw</p>');
    // Anchors match as on GitHub: case-insensitively.
    expect(body).toContain('<ac:link ac:anchor="basic-features"><ac:plain-text-link-body><![CDATA[jump]]></ac:plain-text-link-body></ac:link> to b');
  });

  it('docs.siteUrl turns site-absolute links into links to the site', async () => {
    const p = await mappedProject({ 'a.md': doc });
    const r = await push(p, {}, '  siteUrl: https://jestjs.io/\n');
    expect(r.exitCode).toBe(0);
    expect(s.pageByTitle('A')!.body).toContain('<a href="https://jestjs.io/guide/learn/mock-functions">mocks</a>');
    expect(r.warnings.some((w) => w.line === 5)).toBe(false);
  });

  it('a site-absolute link is read as GitHub reads it: from docs.root, else from the repository (the config\'s folder)', async () => {
    const p = await mappedProject({ 'a.md': '# A\n\n[b](/docs/b.md), [b again](/b.md), [licence](/LICENSE), [gone](/nowhere)\n', 'b.md': '# B\n' });
    await fs.writeFile(path.join(p.dir, 'LICENSE'), 'MIT\n');
    const r = await push(p);
    expect(r.exitCode).toBe(0);
    expect(r.warnings.map((w) => w.message)).toEqual(['link to /nowhere: not under docs.root, and no docs.siteUrl to put before it (kept as text)']);
    const body = s.pageByTitle('A')!.body;
    expect(body.match(/<ri:page ri:content-title="B"\/>/g)).toHaveLength(2);
    expect(body).toContain('<ri:attachment ri:filename="LICENSE"/>');
  });

  it('--strict (or docs.strict: true) makes every warning an error: exit 2, nothing sent', async () => {
    for (const [opts, extra] of [[{ strict: true }, ''], [{}, '  strict: true\n']] as const) {
      const p = await mappedProject({ 'a.md': doc, 'ok.md': '# Fine\n' });
      s.resetRequests();
      const r = await push(p, opts, extra);
      expect(r.exitCode).toBe(2);
      expect(r.invalid).toHaveLength(7);
      expect(r.invalid[0]).toMatchObject({ file: path.join(p.docs, 'a.md'), line: 3 });
      expect(s.requests).toEqual([]);
    }
  });

  it('warnings are shown again on a re-run that converts nothing (the cache keeps them)', async () => {
    const p = await mappedProject({ 'a.md': '# A\n\n[gone](missing.md)\n' });
    expect((await push(p)).warnings).toHaveLength(1);
    const again = await push(p);
    expect(actions(again)).toEqual({ 'a.md': 'skip' });
    expect(again.warnings.map((w) => w.line)).toEqual([3]);
    expect((await push(p, { strict: true })).exitCode).toBe(2);
  });
});

describe('docs push: the network and the server misbehave', () => {
  it('429 is retried after Retry-After', async () => {
    const p = await mappedProject({ 'a.md': '# A\n' });
    s.failNext({ method: 'POST', path: '/wiki/api/v2/pages', status: 429, retryAfter: '2' });
    const r = await push(p);
    expect(r.exitCode).toBe(0);
    expect(sleeps).toContain(2000);
    expect(s.pages().filter((x) => x.title === 'A')).toHaveLength(1);
  });

  it('5xx on a read is retried', async () => {
    const p = await mappedProject({ 'a.md': '# A\n' });
    await push(p);
    await p.write('a.md', '# A\n\nmore\n');
    s.failNext({ method: 'GET', path: '/wiki/api/v2/pages', status: 503, times: 2 });
    expect((await push(p)).exitCode).toBe(0);
  });

  it('a create whose answer was lost is looked up by title, not made twice', async () => {
    const p = await mappedProject({ 'a.md': '# A\n' });
    s.failNext({ method: 'POST', path: /^\/wiki\/api\/v2\/pages$/, status: 502, afterApply: true });
    const r = await push(p);
    expect(r.exitCode).toBe(0);
    expect(s.pages().filter((x) => x.title === 'A')).toHaveLength(1);
    expect((await p.mapping()).pages['a.md']!.id).toBe(s.pageByTitle('A')!.id);
    expect(s.requests.some((q) => q.method === 'GET' && q.query.get('title') === 'A')).toBe(true);
  });

  it('an update whose answer was lost is checked, not repeated', async () => {
    const p = await mappedProject({ 'a.md': '# A\n' });
    await push(p);
    await p.write('a.md', '# A\n\nv2\n');
    s.failNext({ method: 'PUT', path: /\/pages\/\d+$/, status: 500, afterApply: true });
    const r = await push(p);
    expect(r.exitCode).toBe(0);
    const id = (await p.mapping()).pages['a.md']!.id!;
    expect(s.page(id)!.version).toBe(2);
    expect(s.requests.filter((q) => q.method === 'PUT' && /\/pages\/\d+$/.test(q.path))).toHaveLength(1);
  });

  it('404 just after a create (eventual consistency) is waited out', async () => {
    await s.close();
    s = await startTestConfluence({ email: 'bot@example.com', token: 'test-token-123', notFoundAfterCreate: 2 });
    const p = await mappedProject({ 'a.md': '---\nlabels: [x]\n---\n# A\n\n![i](i.png)\n', 'i.png': PNG });
    const r = await push(p);
    expect(r.exitCode).toBe(0);
    const id = (await p.mapping()).pages['a.md']!.id!;
    expect(s.attachments(id)).toHaveLength(1);
    expect(s.labels(id)).toEqual(['x']);
    expect(s.properties(id)).toHaveLength(1);
  });

  it('a title already used in the space by another page is reported, and nothing else breaks', async () => {
    s.seedPage({ title: 'A' });
    const p = await mappedProject({ 'a.md': '# A\n', 'b.md': '# B\n' });
    const r = await push(p);
    expect(r.exitCode).toBe(1);
    expect(actions(r)).toEqual({ 'a.md': 'error', 'b.md': 'create' });
    expect(r.docs[0]!.message).toMatch(/already exists in space PC \(id \d+\)/);
  });

  it('a 400 from Confluence (storage it cannot parse) fails that doc with the server message; the others go on', async () => {
    const p = await mappedProject({ 'a.md': '# A\n', 'b.md': '# B\n' });
    s.failNext({ method: 'POST', path: /^\/wiki\/api\/v2\/pages$/, status: 400, body: { errors: [{ status: 400, code: 'BAD_REQUEST', title: 'Error parsing xhtml: Unexpected character' }] } });
    const r = await push(p);
    // Docs are written a few at a time: either one may have met the 400.
    const failed = r.docs.filter((d) => d.action === 'error');
    expect(failed).toHaveLength(1);
    expect(r.docs.filter((d) => d.action === 'create')).toHaveLength(1);
    expect(failed[0]!.message).toContain('Error parsing xhtml');
    expect(r.exitCode).toBe(1);
    // The next run creates the page that failed.
    expect(actions(await push(p))).toEqual({ [failed[0]!.key]: 'create', [failed[0]!.key === 'a.md' ? 'b.md' : 'a.md']: 'skip' });
  });

  it('a page deleted in Confluence is reported for that doc only', async () => {
    const p = await mappedProject({ 'a.md': '# A\n', 'b.md': '# B\n' });
    await push(p);
    const m = await p.mapping();
    s.trashPage(m.pages['a.md']!.id!);
    await p.write('a.md', '# A\n\nchanged\n');
    await p.write('b.md', '# B\n\nchanged\n');
    const r = await push(p);
    expect(actions(r)).toEqual({ 'a.md': 'error', 'b.md': 'update' });
    expect(r.docs[0]!.message).toMatch(/no longer exists/);
  });
});

describe('docs push: the guard hook', () => {
  it('a doc with a secret is not published; the others are', async () => {
    const p = await mappedProject({ 'a.md': '# A\n\ntoken: AKIAABCDEFGHIJKLMNOP\n', 'b.md': '# B\n' }); // ssot:allow: a made-up test value
    const r = await push(p, {
      secretCheck: async (text) => (text.includes('AKIA') ? [{ rule: 'aws-access-key', line: 3 }] : []),
    });
    expect(actions(r)).toEqual({ 'a.md': 'error', 'b.md': 'create' });
    expect(r.docs[0]!.message).toMatch(/not published: the guard found 1 secret \(aws-access-key on line 3\)/);
    expect(s.pageByTitle('A')).toBeUndefined();
  });
});

describe('docs map', () => {
  it('lists unmapped docs; --write adds them with a parent page per folder', async () => {
    const p = await makeProject(s, {
      'top.md': '# Top\n',
      'guides/README.md': '# Guides\n',
      'guides/a.md': '# Guide A\n',
      'guides/deep/b.md': '# B\n',
      'notes/c.md': '# C\n',
    });
    const settings = publishSettings(p.config());
    const listed = await mapDocs(settings, { write: false });
    expect(listed.unmapped).toEqual(['guides/README.md', 'guides/a.md', 'guides/deep/b.md', 'notes/c.md', 'top.md']);
    expect(existsSync(p.mappingFile)).toBe(false);
    await mapDocs(settings, { write: true });
    const m = await p.mapping();
    expect(m.pages).toEqual({
      'guides/README.md': {},
      'guides/a.md': { parent: 'guides/README.md' },
      'guides/deep/': { parent: 'guides/README.md' },
      'guides/deep/b.md': { parent: 'guides/deep/' },
      'notes/': {},
      'notes/c.md': { parent: 'notes/' },
      'top.md': {},
    });
    expect((await mapDocs(settings, { write: false })).unmapped).toEqual([]);
    const r = await push(p);
    expect(r.exitCode).toBe(0);
    const guides = s.pageByTitle('Guides')!;
    expect(s.pageByTitle('Guide A')!.parentId).toBe(guides.id);
    expect(s.pageByTitle('deep')!.parentId).toBe(guides.id);
  });

  it("a folder's index.md without a title is titled with the folder's name", async () => {
    const p = await mappedProject({ 'one/index.md': 'no heading\n', 'two/README.md': 'none either\n', 'two/x.md': '# X\n' });
    expect((await push(p)).exitCode).toBe(0);
    expect(s.pageByTitle('two')!.id).toBe(s.pageByTitle('X')!.parentId);
    expect(s.pageByTitle('one')).toBeDefined();
  });
});
