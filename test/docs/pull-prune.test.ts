import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapDocs, pruneFromConfluence, publishSettings, pullFromConfluence } from '../../src/docs/index.js';
import { startTestConfluence, type TestConfluence } from '../standins/confluence.js';
import { actions, makeProject, push, type Project } from './helpers.js';
import { stringContaining } from '../support/matchers.js';

/**
 * `ssot docs pull` (a page edited in Confluence back into its doc, as
 * markdown) and `ssot docs prune` (the pages of removed docs archived), with
 * the real confluence.js against the stand-in.
 */
let s: TestConfluence;
beforeEach(async () => {
  s = await startTestConfluence({ email: 'bot@example.com', token: 'test-token-123' });
});
afterEach(async () => {
  expect(s.violations).toEqual([]);
  await s.close();
});

const credentials = { email: 'bot@example.com', token: 'test-token-123' };
const retry = { sleep: async (): Promise<void> => {}, baseDelayMs: 1 };
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 4, 5, 6]);

async function published(files: Record<string, string | Uint8Array>): Promise<Project> {
  const p = await makeProject(s, files);
  await mapDocs(publishSettings(p.config()), { write: true });
  expect((await push(p)).exitCode).toBe(0);
  return p;
}

function pull(p: Project, paths: string[], secretCheck?: (text: string) => Promise<{ rule: string; line?: number }[]>) {
  return pullFromConfluence(p.config(), { credentials, retry, paths: paths.map((x) => path.join(p.docs, x)), env: { XDG_STATE_HOME: path.join(p.dir, 'state') }, ...(secretCheck ? { secretCheck } : {}) });
}

const handbook = {
  'guide.md': '---\nlabels: [howto]\n---\n# Guide\n\nSee [setup](setup.md#install).\n\n![logo](img/logo.png)\n',
  'setup.md': '# Setup\n\n## Install\n\nRun it.\n',
  'img/logo.png': PNG,
};

describe('docs pull', () => {
  it('takes the page edited in Confluence into the doc as markdown; the next push writes nothing, a later edit goes out', async () => {
    const p = await published(handbook);
    const id = (await p.mapping()).pages['guide.md']!.id!;
    const setupTitle = 'Setup';
    s.editPage(
      id,
      `<p>See <ac:link ac:anchor="install"><ri:page ri:content-title="${setupTitle}"/><ac:plain-text-link-body><![CDATA[setup]]></ac:plain-text-link-body></ac:link>, now <strong>bold</strong>&nbsp;and <span style="color: red;">red</span>.</p>` +
        '<ac:image ac:alt="logo"><ri:attachment ri:filename="logo.png"/></ac:image>' +
        '<ac:structured-macro ac:name="jira" ac:schema-version="1"><ac:parameter ac:name="key">PROJ-7</ac:parameter></ac:structured-macro>',
    );
    const r = await pull(p, ['guide.md']);
    expect(r.exitCode).toBe(0);
    expect(r.docs[0]).toMatchObject({ action: 'pulled', pageId: id, version: 2, notes: [] });
    const text = await fs.readFile(path.join(p.docs, 'guide.md'), 'utf8');
    expect(text).toBe(
      '---\nlabels: [howto]\n---\n# Guide\n\nSee [setup](setup.md#install), now **bold**\u00a0and <span style="color: red;">red</span>.\n\n![logo](img/logo.png)\n\n' +
        '```{=confluence}\n<ac:structured-macro ac:name="jira" ac:schema-version="1"><ac:parameter ac:name="key">PROJ-7</ac:parameter></ac:structured-macro>\n```\n',
    );
    // The text before is kept, outside the repository.
    const pulled = r.docs[0]!;
    expect(pulled.action).toBe('pulled');
    expect(await fs.readFile(pulled.action === 'pulled' ? pulled.backup! : '', 'utf8')).toBe(handbook['guide.md']);
    expect((await p.mapping()).pages['guide.md']!.version).toBe(2);

    const writes = s.writes();
    const again = await push(p);
    expect(actions(again)['guide.md']).toBe('skip');
    expect(s.writes()).toBe(writes);

    await fs.writeFile(path.join(p.docs, 'guide.md'), text.replace('now **bold**', 'now **bolder**'));
    const edited = await push(p);
    expect(actions(edited)['guide.md']).toBe('update');
    const body = s.page(id)!.body;
    expect(body).toContain('<strong>bolder</strong>');
    // The macro markdown cannot hold went back as it was.
    expect(body).toContain('<ac:structured-macro ac:name="jira" ac:schema-version="1"><ac:parameter ac:name="key">PROJ-7</ac:parameter></ac:structured-macro>');
  });

  it('a conflict leaves NAME.confluence.md; pull removes it and a renamed page renames the front matter title', async () => {
    const p = await published({ 'a.md': '---\ntitle: Alpha\nlabels: [x]\n---\nBody.\n' });
    const id = (await p.mapping()).pages['a.md']!.id!;
    s.editPage(id, '<p>Edited.</p>');
    s.page(id)!.title = 'Alpha renamed';
    await p.write('a.md', '---\ntitle: Alpha\nlabels: [x]\n---\nBody, changed here.\n');
    const c = await push(p);
    expect(c.exitCode).toBe(3);
    const copy = path.join(p.docs, 'a.confluence.md');
    expect(await fs.readFile(copy, 'utf8')).toBe('---\ntitle: Alpha renamed\nlabels: [x]\n---\nEdited.\n');
    // The copy is never taken for a doc.
    expect((await mapDocs(publishSettings(p.config()), { write: false })).unmapped).toEqual([]);
    expect((await pull(p, ['a.md'])).exitCode).toBe(0);
    expect(existsSync(copy)).toBe(false);
    expect(await fs.readFile(path.join(p.docs, 'a.md'), 'utf8')).toBe('---\ntitle: Alpha renamed\nlabels: [x]\n---\nEdited.\n');
    expect(actions(await push(p))).toEqual({ 'a.md': 'skip' });
  });

  it('keeps the front matter as written (CRLF, a language after ---) and changes only its title line', async () => {
    const p = await published({ 'a.md': '---\r\ntitle: Alpha\r\nlabels: [x]\r\n---\r\nBody.\r\n', 'b.md': '---yaml\ntitle: Beta\n---\nBody.\n' });
    const ids = (await p.mapping()).pages;
    for (const [k, t] of [['a.md', 'Alpha renamed'], ['b.md', 'Beta']] as const) {
      s.editPage(ids[k]!.id!, '<p>Edited.</p>');
      s.page(ids[k]!.id!)!.title = t;
    }
    expect((await pull(p, ['a.md', 'b.md'])).exitCode).toBe(0);
    expect(await fs.readFile(path.join(p.docs, 'a.md'), 'utf8')).toBe('---\r\ntitle: Alpha renamed\r\nlabels: [x]\r\n---\r\nEdited.\n');
    expect(await fs.readFile(path.join(p.docs, 'b.md'), 'utf8')).toBe('---yaml\ntitle: Beta\n---\nEdited.\n');
  });

  it('a page holding what the guard calls a secret is written nowhere: not into the doc, not beside it', async () => {
    const p = await published({ 'a.md': '# A\n\nSafe.\n' });
    const id = (await p.mapping()).pages['a.md']!.id!;
    s.editPage(id, '<p>key AKIAABCDEFGHIJKLMNOP</p>'); // ssot:allow: a made-up test value
    const check = async (text: string) => (text.includes('AKIA') ? [{ rule: 'aws-access-key', line: 3 }] : []);
    const r = await pull(p, ['a.md'], check);
    expect(r.exitCode).toBe(1);
    expect(r.docs[0]).toMatchObject({ action: 'error', message: stringContaining('holds what the guard calls a secret (aws-access-key on line 3)') });
    expect(await fs.readFile(path.join(p.docs, 'a.md'), 'utf8')).toBe('# A\n\nSafe.\n');
    await p.write('a.md', '# A\n\nChanged.\n');
    const c = await push(p, { secretCheck: check });
    expect(c.exitCode).toBe(3);
    expect(c.docs[0]!.message).toContain('so it is not saved beside the doc');
    expect(existsSync(path.join(p.docs, 'a.confluence.md'))).toBe(false);
  });

  it('bad input (a doc never pushed, a path outside docs.root) stops before any request', async () => {
    const p = await published({ 'a.md': '# A\n' });
    await p.write('new.md', '# New\n');
    s.resetRequests();
    const r = await pull(p, ['new.md', '../elsewhere.md']);
    expect(r.exitCode).toBe(2);
    expect(r.invalid.map((i) => i.message)).toEqual(['has no page yet (not in the mapping, or never pushed): nothing to pull', expect.stringMatching(/^not under docs\.root/)]);
    expect(s.requests).toEqual([]);
  });
});

function prune(p: Project, opts: { dryRun?: boolean; confirm?: boolean } = {}) {
  const asked: string[][] = [];
  const r = pruneFromConfluence(p.config(), {
    credentials,
    retry: { ...retry, archivePolls: 5 },
    dryRun: opts.dryRun === true,
    confirm: async (pages) => {
      asked.push(pages.map((o) => o.key));
      return opts.confirm !== false;
    },
  });
  return r.then((result) => ({ ...result, asked }));
}

describe('docs prune', () => {
  it('archives the pages of removed docs, children first, one page per request, after asking; the mapping forgets them', async () => {
    const p = await published({ 'keep.md': '# Keep\n', 'old/one.md': '# One\n', 'old/two.md': '# Two\n' });
    const m = await p.mapping();
    await fs.rm(path.join(p.docs, 'old'), { recursive: true });
    expect((await prune(p, { dryRun: true })).docs.map((d) => d.action)).toEqual(['archive', 'archive', 'archive']);
    const no = await prune(p, { confirm: false });
    expect(no.asked).toEqual([['old/one.md', 'old/two.md', 'old/']]);
    expect(s.pages().filter((x) => x.status === 'archived')).toEqual([]);

    const r = await prune(p);
    expect(r.exitCode).toBe(0);
    expect(r.docs.map((d) => `${d.action} ${d.key}`)).toEqual(['archive old/one.md', 'archive old/two.md', 'archive old/']);
    for (const k of ['old/one.md', 'old/two.md', 'old/']) expect(s.page(m.pages[k]!.id!)!.status).toBe('archived');
    expect(s.page(m.pages['keep.md']!.id!)!.status).toBe('current');
    expect(Object.keys((await p.mapping()).pages)).toEqual(['keep.md']);
    expect(s.requests.filter((q) => q.path.endsWith('/content/archive')).map((q) => (q.body as { pages: unknown[] }).pages.length)).toEqual([1, 1, 1]);
    expect((await prune(p)).docs).toEqual([]);
  });

  it('an entry never published, or whose page is gone or archived already, is only taken out of the mapping; a parent with a live child stays', async () => {
    const p = await published({ 'a.md': '# A\n', 'b.md': '# B\n', 'c.md': '# C\n', 'parent.md': '# Parent\n', 'child.md': '---\nparent: parent.md\n---\n# Child\n' });
    const m = await p.mapping();
    s.trashPage(m.pages['a.md']!.id!);
    s.page(m.pages['b.md']!.id!)!.status = 'archived';
    for (const f of ['a.md', 'b.md', 'parent.md']) await fs.rm(path.join(p.docs, f));
    const raw = JSON.parse(await fs.readFile(p.mappingFile, 'utf8')) as { pages: Record<string, unknown> };
    raw.pages['never.md'] = {};
    raw.pages['child.md'] = { ...(raw.pages['child.md'] as object), parent: 'parent.md' };
    await fs.writeFile(p.mappingFile, JSON.stringify(raw));
    const r = await prune(p);
    expect(Object.fromEntries(r.docs.map((d) => [d.key, d.action]))).toEqual({ 'a.md': 'forget', 'b.md': 'forget', 'never.md': 'forget', 'parent.md': 'keep' });
    expect(r.docs.find((d) => d.key === 'parent.md')!.message).toContain('still the parent of child.md');
    expect(r.asked).toEqual([]);
    expect(Object.keys((await p.mapping()).pages).sort()).toEqual(['c.md', 'child.md', 'parent.md']);
  });

  it('a push over an archived page says so, for that doc only', async () => {
    const p = await published({ 'a.md': '# A\n', 'b.md': '# B\n' });
    s.page((await p.mapping()).pages['a.md']!.id!)!.status = 'archived';
    await p.write('a.md', '# A\n\nmore\n');
    await p.write('b.md', '# B\n\nmore\n');
    const r = await push(p);
    expect(actions(r)).toEqual({ 'a.md': 'error', 'b.md': 'update' });
    expect(r.docs[0]!.message).toMatch(/is archived in Confluence; restore it there/);
  });
});
