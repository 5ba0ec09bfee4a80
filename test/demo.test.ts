import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

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
    const work = /A workspace in (\S+)/.exec(r.out)?.[1];
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
