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

  it('bad input exits 2 naming file and line; a hand edit exits 3', async () => {
    await p.write('sub/b.md', '# Beta\n\n![x](missing.png)\n');
    const bad = await ssot('docs', 'push');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('docs/sub/b.md:3: image missing.png does not exist');
    await p.write('sub/b.md', '# Beta\n\nchanged\n');
    const id = (await p.mapping()).pages['sub/b.md']!.id!;
    s.editPage(id, '<p>by hand</p>');
    const c = await ssot('docs', 'push');
    expect(c.code).toBe(3);
    expect(c.stderr).toContain('b.confluence.xhtml');
  });
});
