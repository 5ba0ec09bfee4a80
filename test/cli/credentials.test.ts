import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { confluenceCredentials } from '../../src/cli/commands/docs.js';
import type { CommandContext } from '../../src/cli/context.js';
import { loadConfig } from '../../src/config/load.js';
import { CredentialError } from '../../src/core/errors.js';
import { redactor } from '../../src/core/redact.js';
import { makeVaultWorkspace, openAt } from '../support/vault-workspace.js';

function ctxWith(env: NodeJS.ProcessEnv): CommandContext {
  return { env, interactive: false, cwd: '/', opts: { json: false, quiet: true, verbose: false }, out: {} as CommandContext['out'], config: async () => { throw new Error('unused'); }, maybeConfig: async () => undefined };
}

describe('credentials stored in a vault', () => {
  it('a { vault, entry } reference is read from that vault\'s primary and redacted from then on', async () => {
    const ws = await makeVaultWorkspace({
      extraYaml: `confluence:\n  baseUrl: https://example.atlassian.net/wiki\n  email: { vault: chronos, entry: "Atlassian API token", field: UserName }\n  token: { vault: chronos, entry: "Atlassian API token" }\n  space: PC\n`,
    });
    const db = await openAt(ws.primary, ws.password);
    db.addEntry('', { Title: 'Atlassian API token', UserName: 'me@example.com', Password: 'ATATT-token-from-the-vault-42' });
    await fs.writeFile(ws.primary, await db.save());
    const config = await loadConfig(ws.config);
    const c = await confluenceCredentials(ctxWith(ws.env), config);
    expect(c).toEqual({ email: 'me@example.com', token: 'ATATT-token-from-the-vault-42' });
    expect(redactor.redact('Authorization: ATATT-token-from-the-vault-42')).not.toContain('ATATT-token');
  });

  it('a reference to a vault the config lacks is a credential error (exit 2) naming it', async () => {
    const ws = await makeVaultWorkspace({ extraYaml: `confluence:\n  baseUrl: https://x.atlassian.net\n  email: { env: E }\n  token: { vault: nope, entry: T }\n  space: PC\n` });
    const config = await loadConfig(ws.config);
    const err = await confluenceCredentials(ctxWith({ E: 'me@example.com' }), config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialError);
    expect((err as CredentialError).exitCode).toBe(2);
    expect((err as CredentialError).message).toContain('vault "nope"');
    expect(path.isAbsolute((err as CredentialError).place!.file)).toBe(true);
  });
});
