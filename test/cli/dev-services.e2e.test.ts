import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPO, runSsot } from '../support/cli.js';
import { tmpDir } from '../support/tmp.js';

/**
 * `ssot dev-services` runs the workspace package @ssot/standins from a clone;
 * an installed ssot, which does not carry it, says the command needs a clone.
 */

interface Started {
  type: string;
  drive: string;
  confluence: string;
  jira: string;
  env: Record<string, string>;
}

/** A variable of the printed environment that the checks below need: its absence is the failure. */
function printed(started: Started, name: string): string {
  const value = started.env[name];
  if (value === undefined) throw new Error(`dev-services printed no ${name}`);
  return value;
}

describe('ssot dev-services', () => {
  it('from a clone: starts Drive, Confluence and Jira stand-ins that answer with the printed credentials, until SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'dev-services', '--json'], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const started = await new Promise<Started>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no dev-services line:\n${out}\n${err}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{') && l.includes('"dev-services"'));
        if (line) {
          clearTimeout(t);
          resolve(JSON.parse(line) as Started);
        }
      });
    });
    try {
      const atlassian = `Basic ${Buffer.from(`${printed(started, 'SSOT_DEV_ATLASSIAN_EMAIL')}:${printed(started, 'SSOT_DEV_ATLASSIAN_TOKEN')}`).toString('base64')}`;
      const spaces = await fetch(`${started.confluence}/api/v2/spaces`, { headers: { authorization: atlassian } });
      expect(spaces.status).toBe(200);
      expect(((await spaces.json()) as { results: { key: string }[] }).results.map((s) => s.key)).toEqual(['PC']);
      const project = await fetch(`${started.jira}/rest/api/3/project/CHRONOS`, { headers: { authorization: atlassian } });
      expect(project.status).toBe(200);
      const files = await fetch(`${started.drive}drive/v3/files`, { headers: { authorization: `Bearer ${printed(started, 'SSOT_DEV_DRIVE_TOKEN')}` } });
      expect(files.status).toBe(200);
      expect((await fetch(`${started.jira}/rest/api/3/project/CHRONOS`, { headers: { authorization: 'Basic eDp5' } })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, err).toBe(0);
    await expect(fetch(`${started.jira}/rest/api/3/myself`)).rejects.toThrow();
  });

  it('from an install without the stand-ins: a clear message that it needs a clone, exit 2', async () => {
    const install = installedCopy();
    const r = await runSsotAt(install, ['dev-services']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('ssot dev-services needs a clone of the ssot repository');
    expect(r.stderr).toContain('npm ci');
    // The rest of that install works: it is only this command that needs the clone.
    expect((await runSsotAt(install, ['--version'])).code).toBe(0);
  });

  it('from a clone whose stand-ins are not built: says to build, exit 2', async () => {
    const clone = installedCopy();
    const pkg = path.join(clone, 'node_modules', '@ssot', 'standins');
    mkdirSync(pkg, { recursive: true });
    cpSync(path.join(REPO, 'packages', 'standins', 'package.json'), path.join(pkg, 'package.json'));
    const r = await runSsotAt(clone, ['dev-services']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('the stand-ins (packages/standins) are not built in this clone');
    expect(r.stderr).toContain('npm run build');
  });
});

/** An installed ssot: its bin, dist and package.json, beside every dependency but the workspace package. */
function installedCopy(): string {
  const install = tmpDir('ssot-installed-');
  for (const p of ['bin', 'dist', 'package.json']) cpSync(path.join(REPO, p), path.join(install, p), { recursive: true });
  mkdirSync(path.join(install, 'node_modules'));
  for (const name of readdirSync(path.join(REPO, 'node_modules'))) {
    if (name !== '@ssot') symlinkSync(path.join(REPO, 'node_modules', name), path.join(install, 'node_modules', name));
  }
  return install;
}

function runSsotAt(install: string, args: string[]): ReturnType<typeof runSsot> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(install, 'bin', 'ssot'), ...args], { cwd: install, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
