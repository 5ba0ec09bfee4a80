import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPO, runSsot } from './support/cli.js';

// `npm run demo` is the README's first command: it must run, show each part
// working, and leave nothing running (the process ends by itself only when
// every stand-in is closed).
describe('npm run demo', () => {
  it('syncs a vault to three copies, merges another machine\'s edit, publishes docs, opens tickets, stops a secret', async () => {
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, [path.join(REPO, 'scripts', 'demo.mjs')], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } });
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const t = setTimeout(() => c.kill('SIGKILL'), 150_000);
      c.on('close', (code) => {
        clearTimeout(t);
        resolve({ code, out });
      });
    });
    const work = /A workspace in ([^\s\x1b]+)/.exec(r.out)?.[1];
    if (work) rmSync(work, { recursive: true, force: true });
    expect(r.code, r.out.slice(-2000)).toBe(0);
    expect(r.out).toMatch(/vault\s+chronos: Google Drive \S+\s+written/);
    expect(r.out).toMatch(/docs\s+architecture\.md\s+create/);
    // The session note: what each line was read as, then what happened to each ticket, in words.
    expect(r.out).toMatch(/\n\s+33\s+mention\s+CHRONOS-225 "SSH hardening on production \(not yet: only stagin…": named, no change\n/);
    expect(r.out).toMatch(/tickets\s+\S+2026-11-22-session-security-hardening\.md:43 CHRONOS-\d+\s+created\s+Allow-list the office VPN in fail2ban/);
    expect(r.out).toMatch(/tickets\s+\S+2026-11-22-session-security-hardening\.md:31 CHRONOS-224\s+moved to Done\s/);
    expect(r.out).toMatch(/tickets\s+\S+2026-11-22-session-security-hardening\.md:38 CHRONOS-223\s+moved to In Progress\s+Ubuntu Upgrade Planning/);
    expect(r.out).toMatch(/Run it again[\s\S]*vault\s+chronos\s+unchanged/);
    expect(r.out).toContain('Cloud/Stripe (added on the laptop)');
    expect(r.out).toContain('Servers/Grafana (added here)');
    expect(r.out).toContain('all 4 locations hold the same content');
    expect(r.out).toMatch(/settings\.py:2:\d+\s+vault-value/);
    expect(r.out).toMatch(/settings\.py:3:\d+\s+aws-access-key-id/);
    // The demo's vault values never appear in its output.
    for (const v of ['Demo-AWS-pw-7Qx9!rT2', 'Demo-SSH-pw-Lp3#vN8w', 'ATATT3xDemoTokenValue0123456789']) {
      expect(r.out.split('\n').filter((l) => !l.includes('settings.py') && l.includes(v))).toEqual([]);
    }
  }, 180_000);
});

describe('npm run demo -- --keep', () => {
  it('leaves the workspace and the stand-ins running; the printed commands work in a second terminal; Ctrl-C stops it', async () => {
    const { execFileSync } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const demo = spawn(process.execPath, [path.join(REPO, 'scripts', 'demo.mjs'), '--keep'], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    const ready = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the demo did not get to its commands:\n${out.slice(-2000)}`)), 150_000);
      const on = (d: Buffer): void => {
        out += d.toString();
        if (out.includes('To stop it all')) {
          clearTimeout(t);
          resolve();
        }
      };
      demo.stdout.on('data', on);
      demo.stderr.on('data', on);
      demo.on('close', (code) => reject(new Error(`the demo exited (${String(code)}) before its commands:\n${out.slice(-2000)}`)));
    });
    const closed = new Promise<number | null>((resolve) => demo.on('close', (code) => resolve(code)));
    const work = () => /A workspace in ([^\s\x1b]+)/.exec(out)?.[1];
    try {
      await ready;
      const dir = work()!;
      // What `set -a; . ./demo.env; set +a` gives the second terminal.
      const file = readFileSync(path.join(dir, 'demo.env'), 'utf8');
      const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
      for (const m of file.matchAll(/^([A-Z_]+)='([^']*)'$/gm)) env[m[1]!] = m[2]!;
      expect(out).toContain(`cd ${dir}`);
      for (const cmd of ['ssot status', 'ssot doctor', 'ssot watch', 'scripts/demo-edit.mjs']) expect(out).toContain(cmd);
      const status = await runSsot(['status'], { cwd: dir, env });
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/chronos\s+primary \S+\s+same/);
      const doctor = await runSsot(['doctor'], { cwd: dir, env });
      expect(doctor.stdout, doctor.stdout).toMatch(/\d+ passed, 0 failed/);
      expect(doctor.code).toBe(0);
      // The watcher, and an edit to see it travel to the git copy.
      const repo = path.join(dir, 'keepass_versions');
      const commits = (): number => Number(execFileSync('git', ['-C', repo, 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' }).trim());
      const before = commits();
      const watch = spawn(process.execPath, [BIN, 'watch'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      watch.stdout.on('data', (d: Buffer) => (log += d.toString()));
      watch.stderr.on('data', (d: Buffer) => (log += d.toString()));
      const watchClosed = new Promise<number | null>((resolve) => watch.on('close', (code) => resolve(code)));
      // After its start-up sync: a save that lands during a run waits for the next change or poll (watcher.ts, settleOwnWrites).
      for (let i = 0; i < 150 && !/"msg":"sync done","target":"vault:chronos"/.test(log); i++) await new Promise((r) => setTimeout(r, 200));
      const primary = /scripts\/demo-edit\.mjs (\S+)/.exec(out)![1]!;
      execFileSync(process.execPath, [path.join(REPO, 'scripts', 'demo-edit.mjs'), primary], { env: { ...process.env, ...env } });
      for (let i = 0; i < 150 && commits() === before; i++) await new Promise((r) => setTimeout(r, 200));
      watch.kill('SIGINT');
      expect(await watchClosed).toBe(0);
      expect(commits(), log.slice(-2000)).toBe(before + 1);
      const verify = await runSsot(['vault', 'verify'], { cwd: dir, env });
      expect(verify.stdout).toContain('all 4 locations hold the same content');
      demo.kill('SIGINT');
      expect(await closed).toBe(0);
      expect(out).toContain('stopping the stand-ins');
    } finally {
      demo.kill('SIGKILL');
      const dir = work();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
