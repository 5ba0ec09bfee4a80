import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { HELP } from '../../src/cli/help.js';
import type { Command } from 'commander';
import { BIN, runSsot } from '../support/cli.js';
import { makeVaultWorkspace } from '../support/vault-workspace.js';

/** Run ssot with its stdout a pipe whose reader is already gone (`ssot … | head -1` after head exited). */
function runIntoClosedPipe(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.destroy(); // the reader closes before ssot has written a byte
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, stderr }));
  });
}

function find(program: Command, words: string[]): Command | undefined {
  let cmd = program;
  for (const w of words) {
    const sub = cmd.commands.find((c) => c.name() === w);
    if (!sub) return undefined;
    cmd = sub;
  }
  return cmd;
}

describe('output to a closed pipe', () => {
  it('`ssot status | head -1` and `ssot sync --dry-run | head -1`: no stack trace, the command\'s own exit code', async () => {
    const ws = await makeVaultWorkspace();
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    for (const args of [['status'], ['sync', '--dry-run'], ['--help']]) {
      const r = await runIntoClosedPipe(args, { cwd: ws.dir, env: ws.env });
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
    }
  });
});

describe('--help', () => {
  it('shows examples, the exit codes and where the docs are, for the program and each command', async () => {
    for (const args of [[], ['sync'], ['vault', 'restore'], ['auth', 'gdrive'], ['vault']]) {
      const r = await runSsot([...args, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/Examples:\n {2}\$ ssot /);
      expect(r.stdout).toMatch(/Exit codes:\n {2}0 {2}done\n {2}1 .*\n {2}2 .*\n {2}3 /);
      expect(r.stdout).toMatch(/Docs: \/\S+\/docs\/\S+\.md/);
    }
  });

  it('watch --help says how to stop it and where its log is', async () => {
    const r = await runSsot(['watch', '--help']);
    expect(r.stdout).toMatch(/To stop it: Ctrl-C/);
    expect(r.stdout).toContain('ssot service uninstall');
    expect(r.stdout).toContain('~/.local/state/ssot/logs/watch.log');
    expect(r.stdout).toContain('docs/watch.md');
  });

  it('every example names a command that exists, with options it has, and every doc exists', async () => {
    const { existsSync } = await import('node:fs');
    const { DOCS_DIR } = await import('../../src/cli/help.js');
    const program = buildProgram(() => undefined);
    const problems: string[] = [];
    for (const [key, extra] of Object.entries(HELP)) {
      if (!find(program, key ? key.split(' ') : [])) problems.push(`help for "${key}": no such command`);
      if (extra.doc && !existsSync(`${DOCS_DIR}/${extra.doc}`)) problems.push(`help for "${key}": docs/${extra.doc} does not exist`);
      for (const ex of extra.examples) {
        const words = ex.replace(/^.*\|\s*/, '').split(/\s+/).slice(1);
        const path: string[] = [];
        let cmd: Command = program;
        for (const w of words) {
          const next = cmd.commands.find((c) => c.name() === w);
          if (!next) break;
          cmd = next;
          path.push(w);
        }
        if (path.length === 0 && words.length > 0 && !words[0]!.startsWith('-')) problems.push(`${ex}: no such command`);
        for (const o of words.filter((w) => w.startsWith('--'))) {
          if (!cmd.options.some((opt) => opt.long === o)) problems.push(`${ex}: ${o} is not an option of ssot ${path.join(' ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
