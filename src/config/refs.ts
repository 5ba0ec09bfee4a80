import type { CredentialRef, RawConfig } from './schema.js';

/** One credential reference of the config: where it is (a key path) and what it is for. */
export interface RefUse {
  key: string;
  label: string;
  ref: CredentialRef;
}

/** Every credential reference in the config, in the order a person reads the file. */
export function credentialRefs(c: RawConfig): RefUse[] {
  const out: RefUse[] = [];
  for (const [i, v] of c.vaults.entries()) if (v.password) out.push({ key: `vaults[${i}].password`, label: `password of vault ${v.name}`, ref: v.password });
  const a = c.gdrive?.auth;
  if (a && 'accessToken' in a) out.push({ key: 'gdrive.auth.accessToken', label: 'Google Drive access token', ref: a.accessToken });
  if (a && 'clientSecret' in a) {
    out.push({ key: 'gdrive.auth.clientSecret', label: 'Google OAuth client secret', ref: a.clientSecret });
    out.push({ key: 'gdrive.auth.refreshToken', label: 'Google Drive refresh token', ref: a.refreshToken });
  }
  for (const part of ['confluence', 'jira'] as const) {
    const p = c[part];
    if (!p) continue;
    out.push({ key: `${part}.email`, label: `${part === 'jira' ? 'Jira' : 'Confluence'} account email`, ref: p.email });
    out.push({ key: `${part}.token`, label: `${part === 'jira' ? 'Jira' : 'Confluence'} API token`, ref: p.token });
  }
  return out;
}

/** The names of the environment variables the config's `{ env: NAME }` references need. */
export function envNames(c: RawConfig): string[] {
  return [...new Set(credentialRefs(c).flatMap((r) => ('env' in r.ref ? [r.ref.env] : [])))];
}
