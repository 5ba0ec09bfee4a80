import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, jsonLines, runSsot } from '../support/cli.js';
import { makeVaultWorkspace } from '../support/vault-workspace.js';
import { TEST_OAUTH, useDriveStandIn } from '../standins/drive/index.js';

/**
 * `ssot auth gdrive` against the stand-in of Google's endpoints: the test is
 * the person at the browser. It reads the consent address ssot prints, opens
 * it (the stand-in answers the consent screen), and follows the redirect to
 * ssot's loopback server, as a browser would.
 */
const drive = await useDriveStandIn();
let folders = 0;

async function workspace(refreshToken = '{ keyring: "ssot/gdrive" }', scope = 'drive.file') {
  return makeVaultWorkspace({
    copies: `      - gdrive: { folder: auth-${++folders} }`,
    extraYaml: `gdrive:
  auth: { clientId: ${TEST_OAUTH.clientId}, clientSecret: { env: G_SECRET }, refreshToken: ${refreshToken} }
  scope: ${scope}
  rootUrl: ${drive.url}
  tokenUrl: ${drive.tokenUrl}
  authUrl: ${drive.authUrl}
`,
  });
}

/** Run `ssot auth gdrive --no-browser` and be its browser. */
function signIn(cwd: string, env: NodeJS.ProcessEnv, browse: (url: string) => Promise<void>, more: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, 'auth', 'gdrive', '--no-browser', ...more], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let opened = false;
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const url = /^\s+(http\S+\/o\/oauth2\/v2\/auth\?\S+)$/m.exec(stderr)?.[1];
      if (url && !opened) {
        opened = true;
        browse(url).catch(reject);
      }
    });
    const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
    c.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The browser: the consent screen redirects to the loopback address, which the browser then loads. */
async function browser(url: string): Promise<void> {
  const consent = await fetch(url, { redirect: 'manual' });
  const back = consent.headers.get('location');
  if (!back) throw new Error(`no redirect from the consent screen (${consent.status})`);
  await (await fetch(back)).text();
}

describe('ssot auth gdrive', () => {
  it('runs the loopback flow with PKCE, stores the refresh token where gdrive.auth.refreshToken points, and sync and doctor use it', async () => {
    const ws = await workspace();
    const env = { ...ws.env, G_SECRET: TEST_OAUTH.clientSecret };
    const r = await signIn(ws.dir, env, browser);
    expect(r.code, r.stderr).toBe(0);
    const asked = drive.authorizations().at(-1)!;
    expect(asked.get('code_challenge_method')).toBe('S256');
    expect(asked.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(asked.get('scope')).toBe('https://www.googleapis.com/auth/drive.file');
    expect(asked.get('state')).toMatch(/^[\w-]{20,}$/);
    const token = drive.issuedRefreshTokens().at(-1)!;
    const file = path.join(ws.env['XDG_CONFIG_HOME']!, 'ssot', 'credentials.json');
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({ 'ssot/gdrive': token });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain(`the refresh token is stored in the file ${file} (mode 0600) (keyring ssot/gdrive)`);
    expect(r.stdout + r.stderr).not.toContain(token);
    expect(r.stdout + r.stderr).not.toContain(TEST_OAUTH.clientSecret);
    // The stored token is what the sync and doctor use.
    const sync = await runSsot(['sync', '--only', 'vault'], { cwd: ws.dir, env });
    expect(sync.code, sync.stderr).toBe(0);
    expect(drive.findByName('chronos.kdbx').some((f) => f.parents.includes(drive.findByName(`auth-${folders}`)[0]!.id))).toBe(true);
    const doctor = await runSsot(['doctor', '--json'], { cwd: ws.dir, env });
    expect(jsonLines(doctor.stdout).find((l) => l['name'] === 'gdrive: sign-in')).toMatchObject({ ok: true });
  });

  it('stores into a 0600 file reference too; --json says where (docs/json.md), never the token', async () => {
    const ws = await workspace('{ file: secrets/gdrive-refresh }');
    const r = await signIn(ws.dir, { ...ws.env, G_SECRET: TEST_OAUTH.clientSecret }, browser, ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(ws.dir, 'secrets', 'gdrive-refresh');
    expect(jsonLines(r.stdout)).toEqual([{ type: 'auth', v: 1, service: 'gdrive', scope: 'drive.file', stored: `the file ${file} (mode 0600)` }]);
    expect(r.stdout).not.toContain(drive.issuedRefreshTokens().at(-1));
    expect((await fs.readFile(file, 'utf8')).trim()).toBe(drive.issuedRefreshTokens().at(-1));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('a refusal on the consent screen is exit 2, nothing stored', async () => {
    const ws = await workspace();
    drive.setConsent('deny');
    const r = await signIn(ws.dir, { ...ws.env, G_SECRET: TEST_OAUTH.clientSecret }, browser).finally(() => drive.setConsent('approve'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Google Drive access was not granted (access_denied)');
    await expect(fs.stat(path.join(ws.env['XDG_CONFIG_HOME']!, 'ssot', 'credentials.json'))).rejects.toThrow();
  });

  it('a refresh token pointing at an environment variable is refused before any browser opens (exit 2, naming the key)', async () => {
    const ws = await workspace('{ env: G_REFRESH }');
    const before = drive.authorizations().length;
    const r = await runSsot(['auth', 'gdrive', '--no-browser'], { cwd: ws.dir, env: { ...ws.env, G_SECRET: TEST_OAUTH.clientSecret } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\(gdrive\.auth\.refreshToken\): gdrive\.auth\.refreshToken is environment variable G_REFRESH: ssot cannot store a value there/);
    expect(drive.authorizations().length).toBe(before);
  });
});
