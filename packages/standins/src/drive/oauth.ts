import { createHash } from 'node:crypto';
import type { Reply } from '../http/index.js';
import { randomId } from './google.js';

/**
 * A stand-in for Google's OAuth 2.0 endpoints as an installed (desktop) app
 * meets them, after Google's "OAuth 2.0 for iOS & Desktop Apps" guide:
 *
 *   GET  /o/oauth2/v2/auth   the authorization endpoint. Google shows its
 *        consent screen there; the stand-in plays the person who answers it
 *        (approve by default, `setConsent('deny')`) and redirects the browser
 *        to the app's loopback address with `code` (or `error=access_denied`)
 *        and the app's `state`.
 *   POST /token              the token endpoint: `authorization_code` (with
 *        the PKCE `code_verifier`) and `refresh_token` grants.
 *
 * What it enforces, as Google does: a known client; a loopback redirect
 * (`http://127.0.0.1:PORT`, `http://[::1]:PORT` or `http://localhost:PORT`,
 * any port); `response_type=code`; Drive scopes only; a code used once, within
 * 10 minutes, from the same client and redirect_uri; the PKCE check (S256 or
 * plain) when the authorization carried a code_challenge; the client secret.
 * Errors have the shape of Google's token endpoint ({error, error_description}).
 */

const SCOPE_PREFIX = 'https://www.googleapis.com/auth/';
export type DriveScope = 'drive' | 'drive.file';

export interface OAuthClientSpec {
  clientId: string;
  clientSecret: string;
  /** Refresh tokens issued earlier (outside the stand-in), each for `scope`. */
  refreshTokens?: string[];
  /** The scope of those earlier refresh tokens (default `drive`). */
  scope?: DriveScope;
}

/** What an access token opens: whose app it is and with which scope. */
export interface TokenGrant {
  clientId: string;
  scope: DriveScope;
}

export interface GoogleOAuth {
  /** The answer of the two endpoints; undefined when the request is not for them. */
  handle(method: string, path: string, query: URLSearchParams, body: Buffer): Reply | undefined;
  /** The grant behind a bearer token; undefined when unknown or revoked. */
  grant(accessToken: string): TokenGrant | undefined;
  addAccessToken(token: string, grant: TokenGrant): void;
  revokeAccessToken(token: string): void;
  /** Access tokens issued by the token endpoint, in order. */
  issuedTokens(): string[];
  /** Refresh tokens issued by the authorization-code exchange, in order. */
  issuedRefreshTokens(): string[];
  /** What the person at the consent screen answers next. */
  setConsent(answer: 'approve' | 'deny'): void;
  /** Every authorization request seen (its query), for tests. */
  authorizations: URLSearchParams[];
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  scope: DriveScope;
  challenge?: string;
  method?: string;
  expires: number;
}

const CODE_TTL_MS = 10 * 60_000;

export function createGoogleOAuth(clients: readonly OAuthClientSpec[], now: () => number = Date.now): GoogleOAuth {
  const tokens = new Map<string, TokenGrant>();
  const refresh = new Map<string, TokenGrant>();
  for (const c of clients) for (const r of c.refreshTokens ?? []) refresh.set(r, { clientId: c.clientId, scope: c.scope ?? 'drive' });
  const codes = new Map<string, PendingCode>();
  const issued: string[] = [];
  const issuedRefresh: string[] = [];
  const authorizations: URLSearchParams[] = [];
  let consent: 'approve' | 'deny' = 'approve';
  const client = (id: string | null): OAuthClientSpec | undefined => clients.find((c) => c.clientId === id);

  const authorize = (q: URLSearchParams): Reply => {
    authorizations.push(q);
    const c = client(q.get('client_id'));
    if (!c) return errorPage(401, 'invalid_client', 'The OAuth client was not found.');
    const redirect = q.get('redirect_uri') ?? '';
    if (!isLoopback(redirect)) return errorPage(400, 'redirect_uri_mismatch', `redirect_uri ${redirect} is not a loopback address of a desktop client`);
    if (q.get('response_type') !== 'code') return errorPage(400, 'unsupported_response_type', 'response_type must be code');
    const scope = driveScope(q.get('scope') ?? '');
    if (!scope) return errorPage(400, 'invalid_scope', `Some requested scopes were invalid: ${q.get('scope') ?? '(none)'}`);
    const method = q.get('code_challenge_method') ?? (q.get('code_challenge') ? 'plain' : undefined);
    if (method && method !== 'S256' && method !== 'plain') return errorPage(400, 'invalid_request', 'Invalid code_challenge_method');
    const back = new URL(redirect);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    if (consent === 'deny') {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = `4/0standin-${randomId(40)}`;
      const challenge = q.get('code_challenge');
      codes.set(code, { clientId: c.clientId, redirectUri: redirect, scope, ...(challenge && method ? { challenge, method } : {}), expires: now() + CODE_TTL_MS });
      back.searchParams.set('code', code);
      back.searchParams.set('scope', SCOPE_PREFIX + scope);
    }
    return { status: 302, headers: { location: back.toString() } };
  };

  const token = (body: Buffer): Reply => {
    const form = new URLSearchParams(body.toString('utf8'));
    const c = client(form.get('client_id'));
    if (!c || c.clientSecret !== form.get('client_secret')) return tokenError(401, 'invalid_client', 'Unauthorized');
    const grantType = form.get('grant_type');
    let grant: TokenGrant;
    let newRefresh: string | undefined;
    if (grantType === 'authorization_code') {
      const p = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? ''); // a code is good for one exchange, right or wrong
      if (!p || p.expires < now() || p.clientId !== c.clientId) return tokenError(400, 'invalid_grant', 'Malformed auth code.');
      if (p.redirectUri !== form.get('redirect_uri')) return tokenError(400, 'redirect_uri_mismatch', 'Bad Request');
      const problem = pkceProblem(p, form.get('code_verifier'));
      if (problem) return tokenError(400, 'invalid_grant', problem);
      grant = { clientId: c.clientId, scope: p.scope };
      newRefresh = `1//standin-${randomId(40)}`;
      refresh.set(newRefresh, grant);
      issuedRefresh.push(newRefresh);
    } else if (grantType === 'refresh_token') {
      const g = refresh.get(form.get('refresh_token') ?? '');
      if (!g || g.clientId !== c.clientId) return tokenError(400, 'invalid_grant', 'Token has been expired or revoked.');
      grant = g;
    } else {
      return tokenError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
    }
    const access = `ya29.standin-${randomId(24)}`;
    tokens.set(access, grant);
    issued.push(access);
    return json(200, {
      access_token: access,
      expires_in: 3599,
      ...(newRefresh ? { refresh_token: newRefresh } : {}),
      scope: SCOPE_PREFIX + grant.scope,
      token_type: 'Bearer',
    });
  };

  return {
    authorizations,
    handle(method, path, query, body) {
      if (path === '/o/oauth2/v2/auth' && method === 'GET') return authorize(query);
      if (path === '/token' && method === 'POST') return token(body);
      return undefined;
    },
    grant: (t) => tokens.get(t),
    addAccessToken: (t, g) => void tokens.set(t, g),
    revokeAccessToken: (t) => void tokens.delete(t),
    issuedTokens: () => [...issued],
    issuedRefreshTokens: () => [...issuedRefresh],
    setConsent: (a) => {
      consent = a;
    },
  };
}

/** Google accepts any port on the loopback interface for desktop clients. */
function isLoopback(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname) && u.port !== '';
  } catch {
    return false;
  }
}

/** The narrowest Drive scope asked for; undefined when a scope is not a Drive one. */
function driveScope(scopes: string): DriveScope | undefined {
  const names = scopes.split(/\s+/).filter(Boolean).map((s) => (s.startsWith(SCOPE_PREFIX) ? s.slice(SCOPE_PREFIX.length) : s));
  if (names.length === 0 || names.some((n) => n !== 'drive' && n !== 'drive.file')) return undefined;
  return names.includes('drive') ? 'drive' : 'drive.file';
}

function pkceProblem(p: PendingCode, verifier: string | null): string | undefined {
  if (!p.challenge) return undefined;
  if (!verifier) return 'Missing code verifier.';
  const computed = p.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return computed === p.challenge ? undefined : 'Invalid code verifier.';
}

function json(status: number, body: unknown): Reply {
  return { status, json: body, headers: { 'cache-control': 'no-store' } };
}

function tokenError(status: number, error: string, description: string): Reply {
  return json(status, { error, error_description: description });
}

/** Google shows an error page, and does not redirect, when the request itself is bad. */
function errorPage(status: number, error: string, description: string): Reply {
  const text = `<!doctype html><title>Error ${status}: ${error}</title><h1>Access blocked: authorization error</h1><p>Error ${status}: ${error}</p><p>${description.replace(/[<&>]/g, '')}</p>`;
  return { status, bytes: { data: Buffer.from(text, 'utf8'), type: 'text/html; charset=utf-8' } };
}
