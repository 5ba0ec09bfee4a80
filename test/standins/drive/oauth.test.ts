/**
 * The stand-in of Google's OAuth endpoints for installed apps, driven by the
 * real google-auth-library where a client would be, and by raw HTTP where
 * Google's own rules are checked (loopback redirect, one-time code, PKCE).
 * Then what each scope lets an app see in Drive.
 */
import { OAuth2Client, CodeChallengeMethod } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import { FOLDER_MIME } from '@ssot/standins/drive';
import { TEST_OAUTH, useDriveStandIn } from './index.js';

const s = await useDriveStandIn();
const SCOPE = 'https://www.googleapis.com/auth/drive.file';

function client(redirectUri = 'http://127.0.0.1:53682/'): OAuth2Client {
  return new OAuth2Client({
    clientId: TEST_OAUTH.clientId,
    clientSecret: TEST_OAUTH.clientSecret,
    redirectUri,
    endpoints: { oauth2AuthBaseUrl: s.authUrl, oauth2TokenUrl: s.tokenUrl },
  });
}

/** The browser: open the consent address, and read where Google sends it back. */
async function consent(url: string): Promise<URL> {
  const r = await fetch(url, { redirect: 'manual' });
  expect(r.status).toBe(302);
  return new URL(r.headers.get('location')!);
}

describe("Google's OAuth endpoints (stand-in)", () => {
  it('the loopback flow with PKCE: consent, redirect with code and state, exchange for a refresh token that refreshes', async () => {
    const c = client();
    const { codeVerifier, codeChallenge } = await c.generateCodeVerifierAsync();
    const url = c.generateAuthUrl({ access_type: 'offline', scope: [SCOPE], code_challenge: codeChallenge!, code_challenge_method: CodeChallengeMethod.S256, state: 'st-1' });
    const back = await consent(url);
    expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:53682/');
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code')!;
    const { tokens } = await c.getToken({ code, codeVerifier });
    expect(tokens.refresh_token).toMatch(/^1\/\//);
    expect(tokens.scope).toBe(SCOPE);
    expect(s.issuedRefreshTokens()).toContain(tokens.refresh_token);
    // The code is good once.
    await expect(c.getToken({ code, codeVerifier })).rejects.toThrow(/invalid_grant/);
    // The refresh token gets new access tokens.
    const again = client();
    again.setCredentials({ refresh_token: tokens.refresh_token! });
    const { token } = await again.getAccessToken();
    expect(s.issuedTokens()).toContain(token);
  });

  it('PKCE: a missing or wrong code_verifier is invalid_grant', async () => {
    for (const verifier of [undefined, 'x'.repeat(64)]) {
      const c = client();
      const { codeChallenge } = await c.generateCodeVerifierAsync();
      const back = await consent(c.generateAuthUrl({ scope: [SCOPE], code_challenge: codeChallenge!, code_challenge_method: CodeChallengeMethod.S256 }));
      const err = (await c.getToken({ code: back.searchParams.get('code')!, ...(verifier ? { codeVerifier: verifier } : {}) }).catch((e: unknown) => e)) as { response?: { data?: unknown } };
      expect(err.response?.data).toEqual({ error: 'invalid_grant', error_description: verifier ? 'Invalid code verifier.' : 'Missing code verifier.' });
    }
  });

  it('a redirect that is not loopback, an unknown client or a non-Drive scope gets an error page, no redirect', async () => {
    const bad = [
      client('https://evil.example/cb').generateAuthUrl({ scope: [SCOPE] }),
      new OAuth2Client({ clientId: 'unknown', redirectUri: 'http://127.0.0.1:1/', endpoints: { oauth2AuthBaseUrl: s.authUrl } }).generateAuthUrl({ scope: [SCOPE] }),
      client().generateAuthUrl({ scope: ['https://www.googleapis.com/auth/gmail.readonly'] }),
    ];
    const statuses = [];
    for (const url of bad) {
      const r = await fetch(url, { redirect: 'manual' });
      statuses.push(r.status);
      expect(r.headers.get('location')).toBeNull();
    }
    expect(statuses).toEqual([400, 401, 400]);
  });

  it('a code exchanged with another redirect_uri than it was issued for is refused; a denied consent redirects with access_denied', async () => {
    const c = client('http://127.0.0.1:4000/');
    const back = await consent(c.generateAuthUrl({ scope: [SCOPE] }));
    const other = client('http://127.0.0.1:4001/');
    await expect(other.getToken({ code: back.searchParams.get('code')! })).rejects.toThrow(/redirect_uri_mismatch/);
    s.setConsent('deny');
    const denied = await consent(c.generateAuthUrl({ scope: [SCOPE], state: 'st-2' }));
    s.setConsent('approve');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('st-2');
    expect(denied.searchParams.get('code')).toBeNull();
  });
});

describe('what each scope lets an app see', () => {
  it('under drive.file an app sees only its own files; under drive it sees all', async () => {
    const rclone = s.createFile({ name: 'Security', mimeType: FOLDER_MIME, app: 'rclone' });
    s.createFile({ name: 'chronos.kdbx', parents: [rclone.id], data: Buffer.from('kdbx'), app: 'rclone' });
    s.addAccessToken('narrow', { clientId: 'ssot-app', scope: 'drive.file' });
    s.addAccessToken('wide', { clientId: 'ssot-app', scope: 'drive' });
    const get = (token: string, p: string) => fetch(new URL(p, s.url), { headers: { authorization: `Bearer ${token}` } });
    const q = encodeURIComponent(`'${rclone.id}' in parents`);
    expect((await get('narrow', `drive/v3/files/${rclone.id}`)).status).toBe(404);
    expect(((await (await get('narrow', `drive/v3/files?q=${q}`)).json()) as { files: unknown[] }).files).toEqual([]);
    expect((await get('wide', `drive/v3/files/${rclone.id}`)).status).toBe(200);
    expect(((await (await get('wide', `drive/v3/files?q=${q}`)).json()) as { files: unknown[] }).files).toHaveLength(1);
    // A folder the app made itself is visible to it under drive.file.
    const made = await fetch(new URL('drive/v3/files', s.url), {
      method: 'POST',
      headers: { authorization: 'Bearer narrow', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Security', mimeType: FOLDER_MIME }),
    });
    const id = ((await made.json()) as { id: string }).id;
    expect((await get('narrow', `drive/v3/files/${id}`)).status).toBe(200);
    // ...and nothing can be made inside a folder the app cannot see.
    const inside = await fetch(new URL('drive/v3/files', s.url), {
      method: 'POST',
      headers: { authorization: 'Bearer narrow', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', parents: [rclone.id] }),
    });
    expect(inside.status).toBe(404);
  });
});
