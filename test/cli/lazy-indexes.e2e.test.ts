import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPO, runSsot } from '../support/cli.js';
import { makeVaultWorkspace } from '../support/vault-workspace.js';

/**
 * Other folders reach a domain only through its index (src/vault/index.ts, …).
 * The vault's index is light: what opens a database (kdbxweb, argon2) or signs
 * in to Google loads on first call. A command that never opens a database
 * must not pay for one.
 */
const RECORD = path.join(REPO, 'test', 'guard', 'support', 'record-imports.mjs');

function imports(args: string[], cwd: string, env: NodeJS.ProcessEnv): string[] {
  const log = path.join(cwd, 'imports.log');
  rmSync(log, { force: true });
  const r = spawnSync(process.execPath, ['--import', RECORD, BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env, SSOT_IMPORT_LOG: log }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const loads = (urls: string[], what: string): boolean => urls.some((u) => u.includes(what));

describe('the vault index loads what opens a database only when it is called', () => {
  it('`ssot status` reads the vault state without kdbxweb, argon2 or the Google client; `ssot vault verify` loads kdbxweb', async () => {
    const ws = await makeVaultWorkspace();
    expect((await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    const status = imports(['status'], ws.dir, ws.env);
    expect(loads(status, '/dist/vault/index.js')).toBe(true); // the recorder works, and status goes through the index
    // vault/kdbx/ is the only place that knows kdbxweb and argon2 (which it may load with require(), unseen here).
    const heavy = ['/dist/vault/kdbx/', '/node_modules/kdbxweb/', '/node_modules/@node-rs/argon2', '/dist/vault/copies/gdrive-auth.js', '/node_modules/google-auth-library/', '/node_modules/@googleapis/'];
    expect(status.filter((u) => heavy.some((h) => u.includes(h)))).toEqual([]);
    const verify = imports(['vault', 'verify'], ws.dir, ws.env);
    expect(loads(verify, '/dist/vault/kdbx/')).toBe(true);
    expect(loads(verify, '/dist/vault/copies/gdrive-auth.js')).toBe(false);
  });
});
