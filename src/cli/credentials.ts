import type { CredentialContext } from '../config/credentials.js';
import { defaultSecretStore, type SecretStore } from '../config/keyring.js';
import type { LoadedConfig } from '../config/load.js';
import { CredentialError, ErrorCode } from '../core/errors.js';
import type { CommandContext } from './context.js';
import { promptHidden } from './prompt.js';

/**
 * The credential context for a command: env, keyring (or its 0600 file),
 * files, a hidden prompt when a person is at the terminal, and `{ vault: … }`
 * references read from the named vault's primary (whose own key must not
 * itself be a vault reference).
 */
export function credentialContext(ctx: CommandContext, config: LoadedConfig): CredentialContext {
  let store: Promise<SecretStore> | undefined;
  const base: CredentialContext = {
    configFile: config.file,
    baseDir: config.dir,
    env: ctx.env,
    store: () => (store ??= defaultSecretStore(ctx.env)),
    ...(ctx.interactive ? { prompt: (label: string) => promptHidden(`${label}: `) } : {}),
  };
  const opened = new Map<string, Promise<unknown>>();
  return {
    ...base,
    vaultEntry: async (vaultName, entry, field) => {
      const v = config.vaults.find((x) => x.name === vaultName);
      if (!v) {
        throw new CredentialError(ErrorCode.Credential, `a credential refers to vault "${vaultName}", which the config does not define`, {
          place: { file: config.file },
          hint: `add vault ${vaultName} under vaults:, or change the reference`,
        });
      }
      const { openPrimary } = await import('../vault/index.js');
      let p = opened.get(vaultName) as ReturnType<typeof openPrimary> | undefined;
      if (!p) {
        p = openPrimary(v, base);
        opened.set(vaultName, p);
      }
      const db = await p;
      const found = db.findEntries(entry);
      return found[0]?.fields[field];
    },
  };
}
