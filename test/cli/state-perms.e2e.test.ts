import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevServices } from '@ssot/standins';
import { BIN, runSsot } from '../support/cli.js';
import { makeVaultWorkspace } from '../support/vault-workspace.js';

/** Every folder under ssot's state and config folders is 0700, every file 0600, whoever wrote it. */

const services = await startDevServices();
afterAll(() => services.close());

async function modes(root: string): Promise<string[]> {
  const bad: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const st = await fs.stat(d);
    if ((st.mode & 0o777) !== 0o700) bad.push(`${d}/ is ${(st.mode & 0o777).toString(8)}`);
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (((await fs.stat(p)).mode & 0o777) !== 0o600) bad.push(`${p} is ${((await fs.stat(p)).mode & 0o777).toString(8)}`);
    }
  };
  await walk(root);
  return bad;
}

describe('state folders', () => {
  it('after a sync of vaults and docs, a keyring value and a watcher run: folders 0700, files 0600 (an old 0755 folder is tightened)', async () => {
    const ws = await makeVaultWorkspace({ extraYaml: `${services.configYaml()}docs:\n  root: docs\n` });
    await fs.mkdir(path.join(ws.dir, 'docs'));
    await fs.writeFile(path.join(ws.dir, 'docs', 'index.md'), '# Handbook\n\nHello.\n');
    const env = { ...ws.env, ...services.env };
    const state = path.join(ws.env['XDG_STATE_HOME']!, 'ssot');
    await fs.mkdir(path.join(state, 'docs'), { recursive: true, mode: 0o755 });
    await fs.chmod(state, 0o755);
    await fs.chmod(path.join(state, 'docs'), 0o755);
    expect((await runSsot(['docs', 'map', '--write'], { cwd: ws.dir, env })).code).toBe(0);
    const r = await runSsot(['sync', '--only', 'vault,docs'], { cwd: ws.dir, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await runSsot(['keyring', 'set', 'ssot/x'], { cwd: ws.dir, env, input: 'v' })).code).toBe(0);
    const watch = spawn(process.execPath, [BIN, 'watch'], { cwd: ws.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    watch.stdout.on('data', (d: Buffer) => (log += d.toString()));
    for (let i = 0; i < 100 && (log.match(/"sync done"/g) ?? []).length < 2; i++) await new Promise((res) => setTimeout(res, 200));
    watch.kill('SIGTERM');
    await new Promise((res) => watch.on('close', res));
    expect(await fs.readdir(state)).toEqual(expect.arrayContaining(['docs', 'vaults', 'locks', 'logs', 'watch-status.json']));
    expect(await modes(state)).toEqual([]);
    expect(await modes(path.join(ws.env['XDG_CONFIG_HOME']!, 'ssot'))).toEqual([]);
  });
});
