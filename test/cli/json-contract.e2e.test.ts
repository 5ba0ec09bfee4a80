import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, pathWith, REPO, runSsot, type RunResult } from '../support/cli.js';
import { MESSAGE_TYPES } from '../../src/cli/messages.js';
import { documentedTypes, validateJsonLine } from '../support/json-contract.js';
import { git, makeVaultWorkspace, type VaultWorkspace } from '../support/vault-workspace.js';

/**
 * The `--json` contract (docs/json.md, schemas/json-messages.schema.json),
 * checked on what the commands really print: every command that prints JSON
 * lines runs against the stand-ins `ssot dev-services` starts, on a real vault
 * with git, folder and Drive copies, real docs, a session note in the user's
 * own style and a git repository for the guard. Every stdout line is one JSON
 * object that the schema accepts, and every message type the schema
 * documents is printed by at least one run.
 */

interface Seen {
  command: string;
  line: Record<string, unknown>;
}
const seen: Seen[] = [];
let services: ChildProcess | undefined;
let ws: VaultWorkspace;
let env: NodeJS.ProcessEnv;
const NOTE = '2026-11-22-session-security-hardening.md';

/** Run `ssot ARGS --json`; every line it prints on stdout is kept for the checks. */
async function json(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunResult> {
  const r = await runSsot([...args, '--json'], { cwd: o.cwd ?? ws.dir, env: { ...env, ...o.env }, ...(o.input !== undefined ? { input: o.input } : {}) });
  for (const text of r.stdout.split('\n').filter((l) => l !== '')) {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new Error(`ssot ${args.join(' ')} --json printed a line that is not JSON: ${text}`);
    }
    seen.push({ command: args.join(' '), line });
  }
  return r;
}

/** Run it and check its exit code (the output is in the message when it differs). */
async function exits(code: number | number[], args: string[], o: Parameters<typeof json>[1] = {}): Promise<RunResult> {
  const r = await json(args, o);
  expect([code].flat(), `ssot ${args.join(' ')} --json exited ${String(r.code)}:\n${r.stdout}${r.stderr}`).toContain(r.code);
  return r;
}

const typesOf = (command: string): string[] => [...new Set(seen.filter((s) => s.command === command).map((s) => String(s.line['type'])))];

/** `ssot dev-services --json`: its one line says where the stand-ins listen. */
async function startServices(): Promise<{ drive: string; confluence: string; jira: string; env: Record<string, string> }> {
  const child = spawn(process.execPath, [BIN, 'dev-services', '--json'], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  services = child;
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.on('exit', (code) => reject(new Error(`ssot dev-services exited with ${String(code)}`)));
  });
  const line = JSON.parse(first) as Record<string, unknown>;
  seen.push({ command: 'dev-services', line });
  return line as unknown as { drive: string; confluence: string; jira: string; env: Record<string, string> };
}

beforeAll(async () => {
  const s = await startServices();
  ws = await makeVaultWorkspace({
    copies: '      - git: { repo: home/keepass_versions }\n      - folder: { path: usb }\n      - gdrive: { folder: security }',
    extraYaml: `gdrive:
  auth: { accessToken: { env: SSOT_DEV_DRIVE_TOKEN } }
  rootUrl: ${s.drive}
confluence:
  baseUrl: ${s.confluence}
  email: { env: SSOT_DEV_ATLASSIAN_EMAIL }
  token: { env: SSOT_DEV_ATLASSIAN_TOKEN }
  space: PC
jira:
  baseUrl: ${s.jira}
  email: { env: SSOT_DEV_ATLASSIAN_EMAIL }
  token: { env: SSOT_DEV_ATLASSIAN_TOKEN }
  project: CHRONOS
docs:
  root: docs
  exclude: ["session_notes/**"]
tickets:
  notes: docs/session_notes
guard:
  maxFileBytes: 4096
`,
  });
  env = { ...ws.env, ...s.env };
  mkdirSync(path.join(ws.dir, 'docs', 'guides'), { recursive: true });
  mkdirSync(path.join(ws.dir, 'docs', 'session_notes'), { recursive: true });
  writeFileSync(path.join(ws.dir, 'docs', 'a.md'), '# Alpha\n\nSee [the guide](guides/b.md).\n');
  writeFileSync(path.join(ws.dir, 'docs', 'guides', 'b.md'), '# Beta\n\nA guide.\n');
  copyFileSync(path.join(REPO, 'test', 'tickets', 'fixtures', 'real', NOTE), path.join(ws.dir, 'docs', 'session_notes', NOTE));
});

afterAll(async () => {
  const child = services;
  if (child?.exitCode === null) {
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
});

describe('the --json contract, on real runs', () => {
  it('init, doctor, sync (a failed one too), status and the watcher', async () => {
    await exits(0, ['init']);
    await exits(0, ['docs', 'map', '--write']);
    await exits(0, ['doctor']);
    // A conflict copy a file-sync tool left beside the primary: merged and moved away by the sync.
    copyFileSync(ws.primary, path.join(path.dirname(ws.primary), "chronos (laptop's conflicted copy 2026-03-01).kdbx"));
    await exits(3, ['sync', '--dry-run', '--yes']);
    // The note names keys this Jira does not have: those are conflicts (exit 3); its new items are created.
    await exits(3, ['sync', '--yes']);
    await watchOnce();
    // A vault whose password is not set: the error is the sync's last word and stays in the state for status.
    await exits(2, ['sync', '--only', 'vault'], { env: { SSOT_TEST_PW: '' } });
    await exits(0, ['status']);
    expect(typesOf('sync --yes')).toEqual(expect.arrayContaining(['action', 'summary']));
    expect(typesOf('status')).toEqual(expect.arrayContaining(['vault-location', 'vault-error', 'vault-conflict-copy', 'docs', 'tickets', 'watcher']));
  }, 180_000);

  it('vault verify, restore, fingerprint, and an error', async () => {
    await exits(0, ['sync', '--only', 'vault']);
    await exits(0, ['vault', 'verify', '--keepassxc']);
    await exits(0, ['vault', 'restore', 'chronos', '--from', 'git', '--list']);
    await exits(0, ['vault', 'restore', 'chronos', '--from', 'git', '--yes']);
    await exits(0, ['vault', 'fingerprint']);
    await exits(2, ['vault', 'verify', 'nosuch']);
    await exits(2, ['sync', '--only', 'nothing']);
    expect(typesOf('vault verify nosuch')).toEqual(['error']);
  });

  it('docs map, push, render, pull, prune, and a doc that cannot be used', async () => {
    writeFileSync(path.join(ws.dir, 'docs', 'c.md'), '# Gamma\n');
    await exits(0, ['docs', 'map']);
    await exits(0, ['docs', 'push', '--dry-run']);
    await exits(0, ['docs', 'render', 'docs/a.md']);
    await exits(0, ['docs', 'pull', 'docs/a.md']);
    await fs.rm(path.join(ws.dir, 'docs', 'guides'), { recursive: true });
    await exits(0, ['docs', 'prune', '--dry-run']);
    writeFileSync(path.join(ws.dir, 'docs', 'bad.md'), '---\ntitle: [unclosed\n---\n# Bad\n');
    await exits(0, ['docs', 'map', '--write']);
    await exits(2, ['docs', 'push']);
    expect(typesOf('docs push')).toContain('error');
  });

  it('tickets sync --dry-run: what was read, the plan, the outcomes', async () => {
    await exits(3, ['tickets', 'sync', '--dry-run']);
    expect(typesOf('tickets sync --dry-run')).toEqual(expect.arrayContaining(['read', 'plan', 'outcome']));
  });

  it('guard: findings, skipped files, notes, the baseline, the hook', async () => {
    const app = path.join(ws.dir, 'app');
    mkdirSync(app);
    git(app, 'init', '-q', '-b', 'main');
    // A vault value inside a URL, a cloud key, a file too big to scan, text that is not UTF-8.
    writeFileSync(path.join(app, 'settings.py'), `DATABASE_URL = "postgresql://ops:aws-sso-secret-value-0001@db.internal/app"\nAWS_ACCESS_KEY_ID = "${['AKIA', 'Z7QX3MV2KDPLWRTB'].join('')}"\n`);
    writeFileSync(path.join(app, 'big.txt'), 'x'.repeat(10_000));
    writeFileSync(path.join(app, 'latin1.txt'), Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'));
    git(app, 'add', '.');
    await exits(1, ['guard', '--all'], { cwd: app });
    await exits(0, ['guard', '--all', '--write-baseline'], { cwd: app });
    await exits(0, ['guard', 'install'], { cwd: app });
    await exits(0, ['guard', 'uninstall'], { cwd: app });
    expect(typesOf('guard --all')).toEqual(expect.arrayContaining(['finding', 'skipped', 'note', 'summary']));
  });

  it('service install, status and uninstall (systemctl is a shim), keyring set', async () => {
    const home = path.join(ws.dir, 'service-home');
    const shim = path.join(home, 'shim');
    mkdirSync(shim, { recursive: true });
    writeFileSync(path.join(shim, 'systemctl'), `#!/bin/sh\necho "$@" >> "${home}/systemctl.calls"\n`, { mode: 0o755 });
    const at = { HOME: home, PATH: pathWith(shim) };
    await exits(0, ['service', 'install'], { env: at });
    await exits([0, 1], ['service', 'status'], { env: at });
    await exits(0, ['service', 'uninstall'], { env: at });
    await exits(0, ['keyring', 'set', 'ssot/contract'], { input: 'a value for the contract test\n' });
    expect(typesOf('service install')).toEqual(expect.arrayContaining(['service', 'service-env']));
  });

  it('every line is one JSON object the schema accepts, and every documented message type was printed', () => {
    const problems = seen.flatMap((s) => validateJsonLine(s.line).map((p) => `ssot ${s.command} --json: ${p}: ${JSON.stringify(s.line).slice(0, 300)}`));
    expect(problems).toEqual([]);
    const printed = new Set(seen.map((s) => String(s.line['type'])));
    // `auth` needs a browser's consent: test/cli/auth-gdrive.test.ts checks its line.
    expect(documentedTypes().filter((t) => !printed.has(t) && t !== 'auth')).toEqual([]);
    expect(seen.every((s) => s.line['v'] === 1)).toBe(true);
    expect(JSON.stringify(seen)).not.toContain(ws.password);
    expect(JSON.stringify(seen)).not.toContain('aws-sso-secret-value-0001');
  });
});

/** `ssot watch` until every target has run once (the config's runs when the config changes), then SIGTERM: its status file is what `ssot status` shows of it. */
async function watchOnce(): Promise<void> {
  const statusFile = path.join(env['XDG_STATE_HOME']!, 'ssot', 'watch-status.json');
  const w = spawn(process.execPath, [BIN, 'watch'], { cwd: ws.dir, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => w.on('exit', resolve));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const st = existsSync(statusFile) ? (JSON.parse(readFileSync(statusFile, 'utf8')) as { targets: { id: string; runs: number }[] }) : undefined;
    if (st && st.targets.length > 0 && st.targets.every((t) => t.runs > 0 || t.id === 'config')) break;
    if (Date.now() > deadline) throw new Error(`ssot watch did not run every target within a minute: ${existsSync(statusFile) ? readFileSync(statusFile, 'utf8') : 'no status file'}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  w.kill('SIGTERM');
  expect(await exited).toBe(0);
}

describe('the contract, its schema and its documentation agree', () => {
  it('the schema documents exactly the message types the printer can print', () => {
    expect([...documentedTypes()].sort()).toEqual([...MESSAGE_TYPES].sort());
  });

  it('docs/json.md has a section for every message type', () => {
    const doc = readFileSync(path.join(REPO, 'docs', 'json.md'), 'utf8');
    const headed = new Set([...doc.matchAll(/^#{3} `([a-z-]+)`/gm)].map((m) => m[1]));
    expect(MESSAGE_TYPES.filter((t) => !headed.has(t))).toEqual([]);
    expect([...headed].filter((t) => !(MESSAGE_TYPES as readonly string[]).includes(t!))).toEqual([]);
  });

  it('the schema refuses a line outside the contract', () => {
    const ok = { type: 'fingerprint', v: 1, indexed: 3, skipped: 0 };
    expect(validateJsonLine(ok)).toEqual([]);
    expect(validateJsonLine({ ...ok, v: 2 })).not.toEqual([]);
    expect(validateJsonLine({ type: 'fingerprint', indexed: 3, skipped: 0 })).not.toEqual([]);
    expect(validateJsonLine({ ...ok, extra: true })[0]).toMatch(/extra/);
    expect(validateJsonLine({ ...ok, type: 'fingerprints' })).not.toEqual([]);
    expect(validateJsonLine({ type: 'summary', v: 1, created: 1, updated: 0, skipped: 0, conflicts: 0, failed: 0, dryRun: false })).toEqual([]);
    expect(validateJsonLine({ type: 'summary', v: 1, created: 1, updated: 0, skipped: 0, conflicts: 0, failed: 0, dryRun: false, mode: 'all' })).not.toEqual([]);
    expect(validateJsonLine({ type: 'error', v: 1, code: 'USAGE', message: 'bad', place: { file: 'a.md', line: 0 } })).not.toEqual([]);
  });
});
