/**
 * Credential references, and the empty master password through each of them:
 * KeePassXC allows a database whose password is the empty string and tells it
 * from a database with no password, so env, file, keyring and prompt must all
 * be able to give "" for a vault password, and "no value" must stay an error.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCredential, type CredentialContext } from '../../src/config/credentials.js';
import { fileStore } from '../../src/config/keyring.js';
import type { VaultConfig } from '../../src/config/schema.js';
import { CredentialError } from '../../src/core/errors.js';
import { VaultDatabase } from '../../src/vault/kdbx/database.js';
import { resolveVaultKey } from '../../src/vault/key.js';
import { corpusDir } from '../support/corpus.js';
import { tmpDir } from '../support/tmp.js';

const dir = tmpDir('ssot-cred-');

function ctx(extra: Partial<CredentialContext> = {}): CredentialContext {
  return { configFile: path.join(dir, 'ssot.config.yaml'), baseDir: dir, env: {}, ...extra };
}

function vault(password: VaultConfig['password']): VaultConfig {
  return { name: 'empty', path: path.join(dir, 'x.kdbx'), ...(password ? { password } : {}), copies: [] };
}

async function rejects(p: Promise<unknown>): Promise<CredentialError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(CredentialError);
  return e as CredentialError;
}

describe('the empty master password', () => {
  it('{ env: X } with X set to "" is the empty password; X unset is no value', async () => {
    expect(await resolveVaultKey(vault({ env: 'PW' }), ctx({ env: { PW: '' } }))).toEqual({ password: '' });
    const e = await rejects(resolveVaultKey(vault({ env: 'PW' }), ctx({ env: {} })));
    expect(e.message).toMatch(/no value for the password of vault empty/);
  });

  it('an empty 0600 { file: … } (or one holding only a newline) is the empty password; a missing file is an error', async () => {
    for (const content of ['', '\n', '\r\n']) {
      const f = path.join(dir, `pw-${content.length}`);
      writeFileSync(f, content, { mode: 0o600 });
      chmodSync(f, 0o600);
      expect(await resolveVaultKey(vault({ file: f }), ctx())).toEqual({ password: '' });
    }
    await rejects(resolveVaultKey(vault({ file: path.join(dir, 'absent') }), ctx()));
  });

  it('an empty keyring item is the empty password; a missing one is no value', async () => {
    const store = fileStore(path.join(dir, 'credentials.json'));
    await store.set('ssot', 'empty', '');
    expect(await resolveVaultKey(vault({ keyring: 'ssot/empty' }), ctx({ store: async () => store }))).toEqual({ password: '' });
    await rejects(resolveVaultKey(vault({ keyring: 'ssot/absent' }), ctx({ store: async () => store })));
  });

  it('Enter at the prompt is the empty password for a vault, and refused for a token', async () => {
    const prompt = async (): Promise<string> => '';
    expect(await resolveVaultKey(vault({ env: 'UNSET' }), ctx({ prompt }))).toEqual({ password: '' });
    await rejects(resolveCredential({ env: 'UNSET' }, ctx({ prompt }), 'Jira API token (jira.token)'));
  });

  it('an empty value is still "no value" for a token (tokens are never empty)', async () => {
    const e = await rejects(resolveCredential({ env: 'TOKEN' }, ctx({ env: { TOKEN: '' } }), 'Jira API token (jira.token)'));
    expect(e.message).toContain('no value for the Jira API token');
  });

  it('the empty password opens a database locked with it, and only that one (not one with no password)', async () => {
    const corpus = corpusDir();
    const key = await resolveVaultKey(vault({ env: 'PW' }), ctx({ env: { PW: '' } }));
    const db = await VaultDatabase.open(readFileSync(path.join(corpus, 'kw-EmptyPass.kdbx')), key, 'kw-EmptyPass.kdbx');
    expect(db.summary().entries).toBeGreaterThan(0);
    // kw-NoPassWithKeyFile has no password at all: the empty one is a different key.
    const keyFile = readFileSync(path.join(corpus, 'kw-NoPassWithKeyFile.key'));
    const noPw = readFileSync(path.join(corpus, 'kw-NoPassWithKeyFile.kdbx'));
    await expect(VaultDatabase.open(noPw, { ...key, keyFile }, 'kw-NoPassWithKeyFile.kdbx')).rejects.toMatchObject({ code: 'VAULT_INVALID_KEY' });
    expect((await VaultDatabase.open(noPw, { keyFile }, 'kw-NoPassWithKeyFile.kdbx')).summary().entries).toBeGreaterThan(0);
  });
});
