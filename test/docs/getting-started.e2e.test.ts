import { existsSync, mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConfluence, type TestConfluence } from '../standins/confluence.js';
import { REPO, runSsot } from '../support/cli.js';

/**
 * docs/getting-started.md followed literally for the docs: `ssot init` before
 * the config has a confluence section, the section added, `ssot init` again,
 * then doctor, map and push. The mapping never holds an empty space, an old
 * one that does still works, and a mapping for another space is named by
 * doctor with the fix.
 */
let s: TestConfluence;
let dir: string;
const env = (): NodeJS.ProcessEnv => ({
  HOME: dir,
  XDG_STATE_HOME: path.join(dir, '.state'),
  XDG_CONFIG_HOME: path.join(dir, '.config'),
  SSOT_CONFIG: '',
  ATLASSIAN_EMAIL: 'bot@example.com',
  ATLASSIAN_TOKEN: 'gs-token-123456',
});
const ssot = (...args: string[]) => runSsot(args, { cwd: dir, env: env() });
const mappingFile = (): string => path.join(dir, 'mapping', 'confluence.json');
const mapping = async (): Promise<Record<string, unknown>> => JSON.parse(await fs.readFile(mappingFile(), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  s = await startTestConfluence({ email: 'bot@example.com', token: 'gs-token-123456' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-getting-started-'));
  await fs.mkdir(path.join(dir, 'docs'));
  await fs.writeFile(path.join(dir, 'docs', 'index.md'), '# Handbook\n\nSee the [setup](setup.md).\n');
  await fs.writeFile(path.join(dir, 'docs', 'setup.md'), '# Setup\n\n<p align="center"><b>Start here.</b></p>\n');
});
afterAll(async () => {
  expect(s.violations).toEqual([]);
  await s.close();
});

describe.skipIf(!existsSync(path.join(REPO, 'dist', 'cli', 'main.js')))('getting started with the docs', () => {
  it('ssot init before the confluence section writes no empty space; after it, init gives the mapping its space', async () => {
    const first = await ssot('init');
    expect(first.code).toBe(0);
    expect(await mapping()).toEqual({ version: 1, pages: {} });
    // Mapping the docs before the section exists writes no space either.
    expect((await ssot('docs', 'map', '--write')).code).toBe(0);
    expect(await mapping()).toEqual({ version: 1, pages: { 'index.md': {}, 'setup.md': {} } });
    const config = await fs.readFile(path.join(dir, 'ssot.config.yaml'), 'utf8');
    await fs.writeFile(
      path.join(dir, 'ssot.config.yaml'),
      `${config}\nconfluence:\n  baseUrl: ${s.url}\n  email: { env: ATLASSIAN_EMAIL }\n  token: { env: ATLASSIAN_TOKEN }\n  space: PC\ndocs:\n  root: docs\n  mapping: mapping/confluence.json\n`,
    );
    const again = await ssot('init');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('space set to PC');
    expect(await mapping()).toEqual({ version: 1, space: 'PC', pages: { 'index.md': {}, 'setup.md': {} } });
  });

  it('doctor, docs map --write, docs push --dry-run and docs push then work', async () => {
    const doctor = await ssot('doctor');
    expect(doctor.stdout).toMatch(/ok\s+confluence: .* space PC found/);
    expect(doctor.stdout).toMatch(/ok\s+docs mapping: mapping\/confluence\.json is valid, for space PC/);
    expect((await ssot('docs', 'map')).stdout).toContain('every doc is in the mapping');
    const dry = await ssot('docs', 'push', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('2 created');
    const pushed = await ssot('docs', 'push');
    expect(pushed.code).toBe(0);
    expect(s.pageByTitle('Setup')!.body).toContain('<p style="text-align: center;"><strong>Start here.</strong></p>');
  });

  it('a mapping with "space": "" (written by an older ssot init) takes the config\'s space', async () => {
    const m = await mapping();
    await fs.writeFile(mappingFile(), JSON.stringify({ ...m, space: '' }, null, 2));
    expect((await ssot('docs', 'push')).code).toBe(0);
    expect((await ssot('doctor')).stdout).toMatch(/ok\s+docs mapping: .*for space PC \(from the config\)/);
    expect((await ssot('init')).stdout).toContain('space set to PC');
    expect((await mapping())['space']).toBe('PC');
  });

  it('a mapping for another space: doctor names the mismatch and the fix; push refuses before any request', async () => {
    const m = await mapping();
    await fs.writeFile(mappingFile(), JSON.stringify({ ...m, space: 'OTHER' }, null, 2));
    const doctor = await ssot('doctor');
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain('FAIL  docs mapping: mapping/confluence.json is for space OTHER, but confluence.space is PC');
    expect(doctor.stdout).toContain('fix: set confluence.space: OTHER in the config');
    s.resetRequests();
    const push = await ssot('docs', 'push');
    expect(push.code).toBe(2);
    expect(push.stderr).toContain('the mapping is for space OTHER, the config says PC');
    expect(s.requests).toEqual([]);
  });
});
