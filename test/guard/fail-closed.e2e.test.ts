import { execFileSync } from 'node:child_process';
import { promises as fs, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runSsot } from '../support/cli.js';
import { makeVaultWorkspace, openAt, type VaultWorkspace } from '../support/vault-workspace.js';
import { cleanEnv, isolateEnv, join, rand, UPPER_DIGITS } from './helpers.js';

// With vaults configured, `ssot guard` never lets a commit through unchecked for
// their values: a missing, damaged or keyless index is exit 1 with the fix, unless
// the user says otherwise (--no-vault-index, guard.vaultIndex: optional).
// Real kdbx, real `ssot vault fingerprint`, real git.

const VALUE = `Grafana-admin-${rand(12, undefined, 5)}#kLm`;
let ws: VaultWorkspace;
let proj: string;
let stateDir: string;

const sh = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', env: cleanEnv({ GIT_CONFIG_NOSYSTEM: '1' }) });
const run = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => runSsot(args, { cwd, env: cleanEnv({ ...ws.env, ...env }) });
const guard = (env: NodeJS.ProcessEnv = {}, ...args: string[]) => run(['guard', ...args], proj, env);
const keysDir = (): string => path.join(stateDir, 'guard', 'keys');

function stage(name: string, text: string): void {
  writeFileSync(path.join(proj, name), text);
  sh(proj, 'add', name);
}

let restoreEnv: () => void = () => undefined;
afterAll(() => restoreEnv());

beforeAll(async () => {
  restoreEnv = isolateEnv();
  ws = await makeVaultWorkspace({ copies: '      []' });
  await fs.writeFile(ws.config, (await fs.readFile(ws.config, 'utf8')).replace('    copies:\n      []\n', ''));
  const db = await openAt(ws.primary, ws.password);
  db.addEntry('', { Title: 'Grafana admin', Password: VALUE });
  await fs.writeFile(ws.primary, await db.save());
  stateDir = path.join(ws.env['XDG_STATE_HOME']!, 'ssot');
  proj = path.join(ws.dir, 'project');
  mkdirSync(proj);
  sh(proj, 'init', '-q', '-b', 'main');
  stage('clean.txt', 'nothing secret here\n');
});

describe('ssot guard with vaults configured fails closed', () => {
  it('without an index: exit 1 on a clean change, naming `ssot vault fingerprint`; --no-vault-index checks the rules only', async () => {
    const r = await guard();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/vault values not checked: there is no index of vault values yet/);
    expect(r.stderr).toMatch(/ssot vault fingerprint/);
    const j = await guard({}, '--json');
    expect(jsonLines(j.stdout)).toContainEqual(expect.objectContaining({ type: 'error', code: 'GUARD_INDEX_UNUSABLE' }));
    expect(jsonLines(j.stdout)).toContainEqual(expect.objectContaining({ type: 'summary', vaultIndex: 'unusable' }));
    expect((await guard({}, '--no-vault-index')).code).toBe(0);
  });

  it('guard.vaultIndex: optional turns the failure into a warning', async () => {
    const optional = path.join(ws.dir, 'optional.config.yaml');
    await fs.writeFile(optional, (await fs.readFile(ws.config, 'utf8')).replace('vaults:', 'guard:\n  vaultIndex: optional\nvaults:'));
    const r = await guard({ SSOT_CONFIG: optional });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: vault values not checked/);
  });

  it('a bad guard.vaultIndex is a config error naming the key (exit 2)', async () => {
    const bad = path.join(ws.dir, 'bad.config.yaml');
    await fs.writeFile(bad, 'guard:\n  vaultIndex: maybe\n');
    const r = await guard({ SSOT_CONFIG: bad });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.config\.yaml:2:15.*guard\.vaultIndex must be `required` or `optional`/);
  });

  it('after `ssot vault fingerprint`: a clean change passes and the vault value is found', async () => {
    const fp = await run(['vault', 'fingerprint'], ws.dir);
    expect(fp.code).toBe(0);
    expect((await guard()).code).toBe(0);
    stage('grafana.env', `GRAFANA_URL=https://admin:${encodeURIComponent(VALUE)}@grafana.internal/\n`);
    const r = await guard({}, '--json');
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout).filter((x) => x['type'] === 'finding')).toMatchObject([{ rule: 'vault-value', entry: 'chronos: Grafana admin › Password' }]);
    expect(r.stdout + r.stderr).not.toContain(VALUE);
    sh(proj, 'rm', '-q', '--cached', 'grafana.env');
  });

  it('building the index from another state folder (another config, a test run) does not break this one', async () => {
    const other = path.join(ws.dir, 'other-state');
    expect((await run(['vault', 'fingerprint'], ws.dir, { XDG_STATE_HOME: other })).code).toBe(0);
    expect(readdirSync(path.join(other, 'ssot', 'guard', 'keys'))).toHaveLength(1);
    expect((await guard()).code).toBe(0);
    stage('leak.txt', `password: ${VALUE}\n`);
    expect((await guard()).code).toBe(1);
    sh(proj, 'rm', '-q', '--cached', 'leak.txt');
  });

  it('a removed key, a key that is not its own, a damaged index: exit 1 each, and the credential rules still report', async () => {
    const aws = join('AK', 'IA', rand(16, UPPER_DIGITS, 8));
    stage('keys.txt', `aws_access_key_id = ${aws}\n`);
    const [key] = readdirSync(keysDir());
    const keyFile = path.join(keysDir(), key!);

    renameSync(keyFile, keyFile + '.away');
    let r = await guard();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/vault values not checked: the key this index was written with is gone/);
    expect(r.stdout).toContain('aws-access-key-id');

    writeFileSync(keyFile, Buffer.alloc(32, 1).toString('base64') + '\n', { mode: 0o600 });
    r = await guard();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not match its key/);
    renameSync(keyFile + '.away', keyFile);

    const index = path.join(stateDir, 'guard', 'index.bin');
    const good = await fs.readFile(index);
    await fs.writeFile(index, 'damaged');
    r = await guard();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the index is damaged/);
    await fs.writeFile(index, good);
    sh(proj, 'rm', '-q', '--cached', 'keys.txt');
    expect((await guard()).code).toBe(0);
  });

  it('with no vaults configured, no index is needed and nothing is said', async () => {
    const none = path.join(ws.dir, 'none.config.yaml');
    await fs.writeFile(none, 'guard:\n  blockPaths: ["**/*.csv"]\n');
    const r = await guard({ SSOT_CONFIG: none, XDG_STATE_HOME: path.join(ws.dir, 'empty-state') });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
