import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConfluence, type TestConfluence } from '../standins/confluence.js';
import { makeProject, type Project } from './helpers.js';

/** `ssot docs …` as a user runs it: the built CLI in its own process (run `npm run build` first). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(root, 'bin', 'ssot');
const run = promisify(execFile);
const TOKEN = 'cli-secret-token-987654';

let s: TestConfluence;
let p: Project;
beforeAll(async () => {
  s = await startTestConfluence({ email: 'bot@example.com', token: TOKEN });
  p = await makeProject(s, { 'a.md': '# Alpha\n\nSee [b](sub/b.md).\n', 'sub/b.md': '# Beta\n' });
  await fs.writeFile(path.join(p.dir, 'ssot.config.yaml'), `confluence:\n  baseUrl: ${s.url}\n  email: { env: ATLASSIAN_EMAIL }\n  token: { env: ATLASSIAN_TOKEN }\n  space: PC\ndocs:\n  root: docs\n`);
});
afterAll(async () => {
  expect(s.violations).toEqual([]);
  await s.close();
});

async function ssot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], { cwd: p.dir, env: { ...process.env, ATLASSIAN_EMAIL: 'bot@example.com', ATLASSIAN_TOKEN: TOKEN, NO_COLOR: '1', SSOT_CONFIG: '' } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe.skipIf(!existsSync(path.join(root, 'dist', 'cli', 'main.js')))('ssot docs (CLI)', () => {
  it('map lists, map --write adds, push --dry-run plans, push publishes, a re-run skips', async () => {
    const listed = await ssot('docs', 'map');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(path.join('docs', 'sub', 'b.md'));
    expect((await ssot('docs', 'map', '--write')).stdout).toContain('sub/ (folder page)');
    const dry = await ssot('docs', 'push', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would create\s+docs\/a\.md/);
    expect(s.writes()).toBe(0);
    const pushed = await ssot('docs', 'push');
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toContain('3 created, 0 updated');
    const again = await ssot('docs', 'push', '--json');
    const summary = again.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((o) => o['type'] === 'summary');
    expect(summary).toMatchObject({ created: 0, updated: 0, skipped: 3 });
    expect(pushed.stdout + pushed.stderr + again.stdout).not.toContain(TOKEN);
  });

  it('render prints the storage XHTML of one file', async () => {
    const r = await ssot('docs', 'render', 'docs/a.md');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<ri:page ri:content-title="Beta"/>');
  });

  it('a missing image is a warning naming file and line (the page is published); --strict makes it exit 2', async () => {
    await p.write('sub/b.md', '# Beta\n\n![x](missing.png)\n');
    const warned = await ssot('docs', 'push');
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('docs/sub/b.md:3: image missing.png: no such file (its alt text is kept)');
    expect(warned.stdout).toContain('1 updated');
    await p.write('sub/b.md', '# Beta\n\n![y](missing.png)\n');
    const strict = await ssot('docs', 'push', '--strict');
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('docs/sub/b.md:3');
    expect(strict.stderr).toContain('--strict');
    expect((await ssot('docs', 'render', 'docs/sub/b.md', '--strict')).code).toBe(2);
  });

  it('a hand edit exits 3 with the page as markdown beside the doc; `docs pull` takes it in and the next push is clean', async () => {
    await p.write('sub/b.md', '# Beta\n\nchanged\n');
    const id = (await p.mapping()).pages['sub/b.md']!.id!;
    s.editPage(id, '<p>by <strong>hand</strong></p>');
    const c = await ssot('docs', 'push');
    expect(c.code).toBe(3);
    expect(c.stderr).toContain('b.confluence.md');
    expect(await fs.readFile(path.join(p.docs, 'sub', 'b.confluence.md'), 'utf8')).toBe('# Beta\n\nby **hand**\n');
    expect((await ssot('status')).stdout).toContain('conflict: sub/b.confluence.md');

    const pulled = await ssot('docs', 'pull', 'docs/sub/b.md');
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toMatch(/pulled\s+docs\/sub\/b\.md \(page \d+, v\d+\); its text before is saved in /);
    expect(await fs.readFile(path.join(p.docs, 'sub', 'b.md'), 'utf8')).toBe('# Beta\n\nby **hand**\n');
    expect(existsSync(path.join(p.docs, 'sub', 'b.confluence.md'))).toBe(false);
    const before = s.writes();
    const again = await ssot('docs', 'push', '--json');
    expect(again.code).toBe(0);
    expect(s.writes()).toBe(before);
  });

  it('a removed doc: status lists its page as an orphan, prune archives it (asking first) and updates the mapping', async () => {
    await fs.rm(path.join(p.docs, 'a.md'));
    const id = (await p.mapping()).pages['a.md']!.id!;
    expect((await ssot('status')).stdout).toContain(`orphan: docs/a.md → page ${id} "Alpha"`);
    const dry = await ssot('docs', 'prune', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would archive\s+a\.md/);
    const unconfirmed = await ssot('docs', 'prune');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
    expect(s.page(id)!.status).toBe('current');
    const done = await ssot('docs', 'prune', '--yes');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/archive\s+a\.md: page \d+ archived/);
    expect(s.page(id)!.status).toBe('archived');
    expect((await p.mapping()).pages['a.md']).toBeUndefined();
    expect((await ssot('docs', 'prune')).stdout).toContain('no orphan pages');
  });
});
