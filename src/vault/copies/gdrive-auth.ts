import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { CredentialError, ErrorCode, SsotError } from '../../core/errors.js';
import { redactor } from '../../core/redact.js';
import { DRIVE_SCOPES, type DriveScopeName } from './gdrive-client.js';
import { must } from '../../core/must.js';

/**
 * Google's OAuth flow for installed (desktop) apps, through google-auth-library:
 * a one-shot HTTP server on 127.0.0.1 (any free port: Google accepts any
 * loopback port for a desktop client), PKCE (S256), and a random `state` that
 * the answer must carry back. The person consents in a browser; Google sends
 * the browser back to the loopback address with a code, which is exchanged,
 * with the PKCE verifier and the client secret, for a refresh token.
 */

export interface InstalledAppFlowOptions {
  clientId: string;
  clientSecret: string;
  scope: DriveScopeName;
  /** Overrides of Google's endpoints (the stand-in, a proxy). */
  authUrl?: string;
  tokenUrl?: string;
  /** Shows the consent address to the person (and may open a browser); called once the loopback server listens. */
  open: (url: string, redirectUri: string) => void | Promise<void>;
  /** How long to wait for the person (default 5 minutes). */
  timeoutMs?: number;
}

export interface InstalledAppGrant {
  refreshToken: string;
  /** The scopes Google granted (space-separated URLs). */
  scope: string;
}

export async function authorizeInstalledApp(o: InstalledAppFlowOptions): Promise<InstalledAppGrant> {
  redactor.add(o.clientSecret);
  const answer = loopbackAnswer(o.timeoutMs ?? 5 * 60_000);
  const redirectUri = await answer.listening;
  try {
    const client = new OAuth2Client({
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      redirectUri,
      endpoints: { ...(o.authUrl ? { oauth2AuthBaseUrl: o.authUrl } : {}), ...(o.tokenUrl ? { oauth2TokenUrl: o.tokenUrl } : {}) },
    });
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const state = randomBytes(24).toString('base64url');
    const url = client.generateAuthUrl({
      access_type: 'offline',
      // Consent again even if given before: only a consent yields a refresh token.
      prompt: 'consent',
      scope: [DRIVE_SCOPES[o.scope]],
      code_challenge_method: CodeChallengeMethod.S256,
      code_challenge: must(codeChallenge, 'the PKCE code challenge'),
      state,
    });
    await o.open(url, redirectUri);
    const code = await answer.code(state);
    const { tokens } = await client.getToken({ code, codeVerifier, redirect_uri: redirectUri }).catch((e: unknown) => {
      throw tokenError(e);
    });
    if (tokens.access_token) redactor.add(tokens.access_token);
    if (!tokens.refresh_token) {
      throw new CredentialError(ErrorCode.RemoteAuth, 'Google answered without a refresh token', {
        hint: "remove ssot's access at https://myaccount.google.com/permissions, then run `ssot auth gdrive` again",
      });
    }
    redactor.add(tokens.refresh_token);
    return { refreshToken: tokens.refresh_token, scope: tokens.scope ?? DRIVE_SCOPES[o.scope] };
  } finally {
    await answer.close();
  }
}

/** The loopback server: its address, and the code the browser brings back (with the right state). */
function loopbackAnswer(timeoutMs: number): { listening: Promise<string>; code(state: string): Promise<string>; close(): Promise<void> } {
  let settle: ((r: { code?: string; error?: string; state?: string }) => void) | undefined;
  const got = new Promise<{ code?: string; error?: string; state?: string }>((resolve) => (settle = resolve));
  const server = http.createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    if (!q.has('code') && !q.has('error')) {
      res.writeHead(404).end();
      return;
    }
    const ok = q.has('code');
    res.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
    res.end(`<!doctype html><title>ssot</title><p>${ok ? 'ssot may now use Google Drive. You can close this tab.' : 'Google Drive access was not granted. You can close this tab.'}</p>`);
    const [code, error, state] = [q.get('code'), q.get('error'), q.get('state')];
    settle?.({ ...(code ? { code } : {}), ...(error ? { error } : {}), ...(state ? { state } : {}) });
  });
  const listening = new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`));
  });
  let timer: NodeJS.Timeout | undefined;
  return {
    listening,
    async code(state) {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new CredentialError(ErrorCode.RemoteAuth, `no answer from Google within ${Math.round(timeoutMs / 60_000)} minutes`, { hint: 'run `ssot auth gdrive` again and finish the consent in the browser' })),
          timeoutMs,
        );
      });
      const r = await Promise.race([got, timeout]);
      if (r.state !== state) throw new CredentialError(ErrorCode.RemoteAuth, 'the answer to the consent request carries another state: refused', { hint: 'run `ssot auth gdrive` again' });
      if (r.error || !r.code) {
        throw new CredentialError(ErrorCode.RemoteAuth, `Google Drive access was not granted (${r.error ?? 'no code'})`, { hint: 'run `ssot auth gdrive` again and allow access on the consent screen' });
      }
      return r.code;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (timer) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function tokenError(e: unknown): SsotError {
  const data = (e as { response?: { data?: { error?: string; error_description?: string } } }).response?.data;
  const why = data?.error ? `${data.error}${data.error_description ? `: ${data.error_description}` : ''}` : (e as Error).message;
  return new CredentialError(ErrorCode.RemoteAuth, `Google refused to exchange the consent for a refresh token (${redactor.redact(why)})`, {
    hint: 'check gdrive.auth.clientId and clientSecret (an OAuth client of type "Desktop app"), then run `ssot auth gdrive` again',
    cause: e,
  });
}

/**
 * For `ssot doctor`: the refresh token gets an access token, for the scope the
 * config names. Nothing is stored.
 */
export async function checkRefreshToken(o: { clientId: string; clientSecret: string; refreshToken: string; scope: DriveScopeName; tokenUrl?: string }): Promise<string> {
  const client = new OAuth2Client({ clientId: o.clientId, clientSecret: o.clientSecret, ...(o.tokenUrl ? { endpoints: { oauth2TokenUrl: o.tokenUrl } } : {}) });
  client.setCredentials({ refresh_token: o.refreshToken });
  let granted: string | undefined;
  try {
    const r = await client.getAccessToken();
    if (r.token) redactor.add(r.token);
    granted = (r.res?.data as { scope?: string } | undefined)?.scope;
  } catch (e) {
    throw new CredentialError(ErrorCode.RemoteAuth, `Google refused the refresh token (${redactor.redact(((e as { response?: { data?: { error?: string } } }).response?.data?.error ?? (e as Error).message) || 'refused')})`, {
      hint: 'run `ssot auth gdrive` to renew it (a consent screen in "Testing" expires tokens after 7 days: docs/drive-setup.md)',
      cause: e,
    });
  }
  const want = DRIVE_SCOPES[o.scope];
  if (granted && !granted.split(/\s+/).includes(want) && !(o.scope === 'drive.file' && granted.split(/\s+/).includes(DRIVE_SCOPES.drive))) {
    throw new CredentialError(ErrorCode.RemoteAuth, `the refresh token was granted ${granted}, but gdrive.scope is ${o.scope}`, {
      hint: 'run `ssot auth gdrive` again: it asks for the scope the config names',
    });
  }
  return `the refresh token works (scope ${o.scope})`;
}
