import { promises as fs } from 'node:fs';
import { CredentialError, ErrorCode } from '../core/errors.js';
import { resolveCredential, type CredentialContext } from '../config/credentials.js';
import type { VaultConfig } from '../config/schema.js';

/** The composite key of a vault: a password, a key file, or both. */
export interface VaultKeyMaterial {
  password?: string;
  keyFile?: Uint8Array;
}

export async function resolveVaultKey(v: VaultConfig, ctx: CredentialContext): Promise<VaultKeyMaterial> {
  const key: VaultKeyMaterial = {};
  // The empty password is a password (KeePassXC tells it from none): an empty value is kept.
  if (v.password) key.password = await resolveCredential(v.password, ctx, `password of vault ${v.name}`, { allowEmpty: true });
  if (v.keyFile) {
    try {
      key.keyFile = await fs.readFile(v.keyFile);
    } catch (e) {
      throw new CredentialError(ErrorCode.Credential, `cannot read the key file of vault ${v.name}: ${v.keyFile}`, {
        place: { file: ctx.configFile, path: `vaults[${v.name}].keyFile` },
        hint: 'check the path; the key file is never stored beside the database in a copy',
        cause: e,
      });
    }
  }
  if (key.password === undefined && key.keyFile === undefined) {
    throw new CredentialError(ErrorCode.Credential, `vault ${v.name} has neither a password nor a key file`, {
      place: { file: ctx.configFile, path: `vaults[${v.name}]` },
      hint: 'add `password: { keyring: "ssot/NAME" }` (or env/file/prompt) and/or `keyFile: PATH`',
    });
  }
  return key;
}
