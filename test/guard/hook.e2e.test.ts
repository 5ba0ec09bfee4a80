import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hookScript, installHook, uninstallHook } from '../../src/guard/hook.js';
import { BIN, cleanEnv, isolateEnv, join, makeRepo, rand, ssot, tempDir, type Repo } from './helpers.js';

// `ssot guard install` / `uninstall` on real repositories, and real `git commit`s through the hook.

let restoreEnv: () => void = () => undefined;
beforeAll(() => {
  restoreEnv = isolateEnv();
});
afterAll(() => restoreEnv());
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function setup(): { repo: Repo; home: string; env: NodeJS.ProcessEnv } {
  const repo = makeRepo();
  const home = tempDir('ssot-guard-home-');
  cleanups.push(() => repo.cleanup(), () => rmSync(home, { recursive: true, force: true }));
  const env = { ...cleanEnv(), XDG_STATE_HOME: path.join(home, 'state'), XDG_CONFIG_HOME: path.join(home, 'config'), SSOT_KEYRING: 'file', NO_COLOR: '1' };
  return { repo, home, env };
}
function commit(repo: Repo, env: NodeJS.ProcessEnv, file: string, content: string): { status: number; stderr: string; stdout: string } {
  repo.write(file, content);
  repo.git('add', file);
  const r = spawnSync('git', ['commit', '-qm', `add ${file}`], { cwd: repo.dir, env, encoding: 'utf8' });
  return { status: r.status ?? -1, stderr: r.stderr, stdout: r.stdout };
}
const secret = (seed: number): string => `token=${join('gh', 'p_', rand(36, undefined, seed))}\n`;
const paths = { node: process.execPath, cli: BIN };

describe('ssot guard install', () => {
  it('installs a hook that calls node and bin/ssot by absolute path, and blocks a commit with a secret', () => {
    const { repo, home, env } = setup();
    const r = ssot(['guard', 'install'], { cwd: repo.dir, home });
    expect(r.status).toBe(0);
    const hook = path.join(repo.dir, '.git', 'hooks', 'pre-commit');
    const text = readFileSync(hook, 'utf8');
    expect(text).toContain(`SSOT_NODE='${process.execPath}'`);
    expect(text).toMatch(/SSOT_CLI='\/.*\/bin\/ssot'/);
    expect(text).not.toMatch(/npx/);
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    const blocked = commit(repo, env, 'leak.txt', secret(1));
    expect(blocked.status).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toMatch(/github-token/);
    repo.git('reset', '-q');
    expect(commit(repo, env, 'fine.txt', 'nothing secret\n').status).toBe(0);
  });

  it('chains an existing hook, and uninstall puts it back byte for byte', async () => {
    const { repo, env } = setup();
    const hook = path.join(repo.dir, '.git', 'hooks', 'pre-commit');
    const marker = path.join(repo.dir, '.git', 'prev-ran');
    const original = `#!/bin/sh\n# the team's own hook\necho ran > '${marker}'\nexit 0\n`;
    writeFileSync(hook, original, { mode: 0o755 });
    const res = await installHook(repo.dir, paths);
    expect(res.chained).toBe(`${hook}.ssot-prev`);
    expect(commit(repo, env, 'fine.txt', 'ok\n').status).toBe(0);
    expect(existsSync(marker)).toBe(true);
    // a failing previous hook stops the commit before ssot runs
    writeFileSync(`${hook}.ssot-prev`, '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    expect(commit(repo, env, 'fine2.txt', 'ok\n').status).not.toBe(0);
    writeFileSync(`${hook}.ssot-prev`, original, { mode: 0o755 });
    // installing twice updates in place and keeps the chain
    expect((await installHook(repo.dir, paths)).updated).toBe(true);
    expect(readFileSync(`${hook}.ssot-prev`, 'utf8')).toBe(original);
    expect(await uninstallHook(repo.dir)).toMatchObject({ restored: hook });
    expect(readFileSync(hook, 'utf8')).toBe(original);
    expect(existsSync(`${hook}.ssot-prev`)).toBe(false);
    expect(await uninstallHook(repo.dir)).toMatchObject({ kind: 'none' });
  });

  it('removes its hook on uninstall when there was none before', async () => {
    const { repo } = setup();
    await installHook(repo.dir, paths);
    await uninstallHook(repo.dir);
    expect(existsSync(path.join(repo.dir, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it('respects core.hooksPath', async () => {
    const { repo, env } = setup();
    repo.git('config', 'core.hooksPath', 'githooks');
    const r = await installHook(repo.dir, paths);
    expect(r.hookFile).toBe(path.join(repo.dir, 'githooks', 'pre-commit'));
    expect(existsSync(path.join(repo.dir, '.git', 'hooks', 'pre-commit'))).toBe(false);
    expect(commit(repo, env, 'leak.txt', secret(2)).status).not.toBe(0);
  });

  it('works beside husky: a block in .husky/pre-commit, a launcher inside .git, both removed on uninstall', async () => {
    const { repo, env } = setup();
    // husky 9's layout: core.hooksPath=.husky/_, whose generated pre-commit runs the user's .husky/pre-commit
    mkdirSync(path.join(repo.dir, '.husky', '_'), { recursive: true });
    writeFileSync(path.join(repo.dir, '.husky', '_', 'pre-commit'), '#!/bin/sh\nexec sh "$(dirname "$0")/../pre-commit" "$@"\n', { mode: 0o755 });
    const userHook = path.join(repo.dir, '.husky', 'pre-commit');
    writeFileSync(userHook, 'npm run lint --if-present >/dev/null 2>&1 || true\n');
    repo.git('config', 'core.hooksPath', '.husky/_');
    const r = await installHook(repo.dir, paths);
    expect(r).toMatchObject({ kind: 'husky', hookFile: userHook });
    const text = readFileSync(userHook, 'utf8');
    expect(text.startsWith('npm run lint')).toBe(true);
    expect(text).toContain('# >>> ssot guard >>>');
    expect(text).not.toContain(process.execPath); // no machine path in a committed file
    expect(existsSync(path.join(repo.dir, '.git', 'ssot', 'guard-pre-commit'))).toBe(true);
    expect(commit(repo, env, 'leak.txt', secret(3)).status).not.toBe(0);
    repo.git('reset', '-q');
    expect(commit(repo, env, 'fine.txt', 'ok\n').status).toBe(0);
    await uninstallHook(repo.dir);
    expect(readFileSync(userHook, 'utf8')).toBe('npm run lint --if-present >/dev/null 2>&1 || true\n');
    expect(existsSync(path.join(repo.dir, '.git', 'ssot', 'guard-pre-commit'))).toBe(false);
  });

  it('when ssot is gone, the hook warns and lets the commit through', async () => {
    const { repo, env } = setup();
    await installHook(repo.dir, { node: process.execPath, cli: '/nonexistent/ssot/bin/ssot' });
    const r = commit(repo, env, 'leak.txt', secret(4));
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/ssot is no longer at \/nonexistent\/ssot\/bin\/ssot; the secret scan was skipped/);
  });

  it('quotes paths with spaces and quotes safely', () => {
    const s = hookScript({ node: "/opt/my node/bin/node", cli: "/home/o'neil/ssot/bin/ssot" }, true);
    const dir = tempDir('ssot-hook-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const f = path.join(dir, 'pre-commit');
    writeFileSync(f, s.replace(/exec "\$SSOT_NODE".*\n/, 'echo "$SSOT_NODE|$SSOT_CLI"; exit 0\n'));
    chmodSync(f, 0o755);
    const out = spawnSync('sh', [f], { encoding: 'utf8' });
    expect(out.stdout + out.stderr).toContain("/home/o'neil/ssot/bin/ssot");
  });
});
