/**
 * The credential checks of the stand-ins: HTTP Basic with an Atlassian email
 * and API token (Confluence, Jira), OAuth 2 bearer tokens (Google).
 */

export interface BasicCredentials {
  user: string;
  password: string;
}

/**
 * True when the Authorization header carries exactly these Basic credentials;
 * with `expected` undefined, any Basic credentials do (a stand-in started
 * without an account accepts whoever calls it, but still wants the scheme).
 */
export function basicAuthorised(header: string | undefined, expected: BasicCredentials | undefined): boolean {
  if (!header?.startsWith('Basic ')) return false;
  if (!expected) return true;
  return header === `Basic ${Buffer.from(`${expected.user}:${expected.password}`, 'utf8').toString('base64')}`;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer (.+)$/.exec(header ?? '')?.[1];
}
