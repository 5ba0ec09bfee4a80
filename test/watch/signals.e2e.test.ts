import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * SIGTERM and SIGINT on a real process: the watcher finishes the step in
 * flight and exits 0. These run the built CLI (`npm test` builds first; a
 * missing build is made here).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = path.join(root, 'dist');

beforeAll(() => {
  if (!existsSync(path.join(dist, 'watch', 'run.js')) || !existsSync(path.join(dist, 'cli', 'commands', 'watch.js'))) {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.json')], {
      stdio: 'inherit',
    });
  }
}, 120_000);

let dir: string;
let child: ChildProcess | undefined;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssot-sig-'));
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await fs.rm(dir, { recursive: true, force: true });
});

interface Spawned {
  proc: ChildProcess;
  out: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput: (s: string, timeoutMs?: number) => Promise<void>;
}

function spawnNode(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const proc = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, XDG_STATE_HOME: path.join(dir, 'state'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  return {
    proc,
    out: () => out,
    exit,
    async waitForOutput(s, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      while (!out.includes(s)) {
        if (Date.now() > end || proc.exitCode !== null) throw new Error(`no "${s}" in the output:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** A child that runs runWatch with one slow fake target. */
async function slowWatcherScript(stepMs: number): Promise<string> {
  const script = path.join(dir, 'child.mjs');
  const run = pathToFileURL(path.join(dist, 'watch', 'run.js')).href;
  const log = pathToFileURL(path.join(dist, 'watch', 'log.js')).href;
  await fs.writeFile(
    script,
    `import { writeFileSync } from 'node:fs';
import { runWatch } from ${JSON.stringify(run)};
import { createLogger } from ${JSON.stringify(log)};
const logger = createLogger({ file: ${JSON.stringify(path.join(dir, 'watch.log'))}, echo: 'json' });
const code = await runWatch({
  loadConfig: async () => ({ watch: { debounceMs: 50, pollRemotesMinutes: 0 } }),
  targetsFor: () => [{
    id: 'vault:slow',
    run: async (signal) => {
      console.log('STEP START');
      const aborted = await new Promise((resolve) => {
        const t = setTimeout(() => resolve(false), ${stepMs});
        signal.addEventListener('abort', () => { clearTimeout(t); resolve(true); });
      });
      writeFileSync(${JSON.stringify(path.join(dir, 'step.txt'))}, aborted ? 'aborted' : 'finished');
      console.log(aborted ? 'STEP ABORTED' : 'STEP END');
    },
  }],
  pathsFor: () => [],
  logger,
  statusFile: ${JSON.stringify(path.join(dir, 'status.json'))},
});
logger.close();
process.exitCode = code;
`,
  );
  return script;
}

describe('signals', () => {
  it('SIGTERM during a step: the step finishes, then the process exits 0', async () => {
    const c = spawnNode([await slowWatcherScript(1500)]);
    await c.waitForOutput('STEP START');
    const sentAt = Date.now();
    c.proc.kill('SIGTERM');
    const r = await c.exit;
    expect(r).toEqual({ code: 0, signal: null });
    expect(Date.now() - sentAt).toBeGreaterThan(1000); // it waited for the step
    expect(await fs.readFile(path.join(dir, 'step.txt'), 'utf8')).toBe('finished');
    const out = c.out();
    expect(out.indexOf('STEP END')).toBeGreaterThan(out.indexOf('stopping: finishing the step in flight'));
    expect(out).toContain('"msg":"watcher stopped"');
    const status = JSON.parse(await fs.readFile(path.join(dir, 'status.json'), 'utf8')) as { stoppedAt?: string };
    expect(status.stoppedAt).toBeDefined();
  });

  it('a second SIGINT aborts the step in flight; it is still awaited and the exit is 0', async () => {
    const c = spawnNode([await slowWatcherScript(60_000)]);
    await c.waitForOutput('STEP START');
    c.proc.kill('SIGINT');
    await c.waitForOutput('stopping');
    c.proc.kill('SIGINT');
    const r = await c.exit;
    expect(r).toEqual({ code: 0, signal: null });
    expect(await fs.readFile(path.join(dir, 'step.txt'), 'utf8')).toBe('aborted');
    expect(c.out()).toContain('second signal: aborting the step in flight');
  });

  it('`bin/ssot watch` with a docs-only config: starts, logs JSON lines, and SIGTERM exits 0', async () => {
    await fs.mkdir(path.join(dir, 'docs'));
    await fs.writeFile(path.join(dir, 'ssot.config.yaml'), 'confluence:\n  baseUrl: http://127.0.0.1:9/wiki\n  email: { env: SSOT_TEST_NO_SUCH_VAR }\n  token: { env: SSOT_TEST_NO_SUCH_VAR }\n  space: PC\ndocs:\n  root: docs\nwatch:\n  debounceMs: 100\n');
    const c = spawnNode([path.join(root, 'bin', 'ssot'), 'watch', '--config', 'ssot.config.yaml']);
    await c.waitForOutput('"msg":"sync failed"'); // the docs step ran (no credentials here) and failed cleanly
    c.proc.kill('SIGTERM');
    const r = await c.exit;
    expect(r).toEqual({ code: 0, signal: null });
    const log = await fs.readFile(path.join(dir, 'state', 'ssot', 'logs', 'watch.log'), 'utf8');
    const msgs = log
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs[0]).toBe('watcher starting');
    expect(msgs).toContain('watching');
    expect(msgs.at(-1)).toBe('watcher stopped');
  });

  it('`bin/ssot watch` with a config that does not load exits 2 and names the place', async () => {
    await fs.writeFile(path.join(dir, 'ssot.config.yaml'), 'watch:\n  debounceMS: 100\n');
    const c = spawnNode([path.join(root, 'bin', 'ssot'), 'watch', '--config', 'ssot.config.yaml']);
    const r = await c.exit;
    expect(r.code).toBe(2);
    expect(c.out()).toMatch(/ssot\.config\.yaml:2.*debounceMS/);
  });
});
