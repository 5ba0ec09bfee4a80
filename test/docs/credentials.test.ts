import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { confluenceCredentials } from '../../src/cli/commands/docs.js';
import type { CommandContext } from '../../src/cli/context.js';
import { parseConfig } from '../../src/config/load.js';
import { CredentialError } from '../../src/core/errors.js';
import { redactor } from '../../src/core/redact.js';

/** confluence.email / confluence.token as the docs commands resolve them. */
function ctxWith(env: NodeJS.ProcessEnv, interactive = false): CommandContext {
  return { env, interactive, cwd: '/', opts: { json: false, quiet: true, verbose: false }, out: {} as CommandContext['out'], config: async () => { throw new Error('unused'); }, maybeConfig: async () => undefined };
}
const config = (token: string) =>
  parseConfig(`confluence:\n  baseUrl: https://example.atlassian.net\n  email: { env: A_EMAIL }\n  token: ${token}\n  space: PC\n`, path.join('/tmp', 'ssot.config.yaml'));

describe('docs credentials', () => {
  it('resolves env references and teaches the redactor the token', async () => {
    const c = await confluenceCredentials(ctxWith({ A_EMAIL: 'me@example.com', A_TOKEN: 'tok-abcdef-123' }), config('{ env: A_TOKEN }'));
    expect(c).toEqual({ email: 'me@example.com', token: 'tok-abcdef-123' });
    expect(redactor.redact('x tok-abcdef-123 y')).toBe('x [REDACTED] y');
  });

  it('a vault reference without a vault reader is a credential error (exit 2) naming the vault', async () => {
    const err = await confluenceCredentials(ctxWith({ A_EMAIL: 'me@example.com' }), config('{ vault: chronos, entry: "Atlassian API token" }')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialError);
    expect((err as CredentialError).message).toContain('vault "chronos"');
    expect((err as CredentialError).exitCode).toBe(2);
  });

  it('a missing env value, off a terminal, says which variable', async () => {
    const err = await confluenceCredentials(ctxWith({}), config('{ env: A_TOKEN }')).catch((e: unknown) => e);
    expect((err as CredentialError).message).toContain('environment variable A_EMAIL');
  });
});
