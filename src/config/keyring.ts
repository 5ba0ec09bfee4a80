import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import { configDir } from '../core/paths.js';

/** Where `{ keyring: "service/account" }` references are kept. */
export interface SecretStore {
  readonly kind: string;
  get(service: string, account: string): Promise<string | undefined>;
  set(service: string, account: string, value: string): Promise<void>;
  delete(service: string, account: string): Promise<void>;
}

/**
 * The OS keyring (Secret Service, Keychain, Credential Manager) through
 * @napi-rs/keyring. Loaded lazily: only commands that need a token pay for it.
 */
export async function osKeyring(): Promise<SecretStore | undefined> {
  let mod: typeof import('@napi-rs/keyring');
  try {
    mod = await import('@napi-rs/keyring');
  } catch {
    return undefined;
  }
  const store: SecretStore = {
    kind: 'os-keyring',
    get: async (s, a) => new mod.Entry(s, a).getPassword() ?? undefined,
    set: async (s, a, v) => new mod.Entry(s, a).setPassword(v),
    delete: async (s, a) => {
      new mod.Entry(s, a).deletePassword();
    },
  };
  // A headless box (CI, ssh, a container) has no Secret Service: probe once.
  try {
    await store.get('ssot', '__probe__');
    return store;
  } catch {
    return undefined;
  }
}

/**
 * The fallback where no keyring answers: a JSON file, mode 0600, in
 * `$XDG_CONFIG_HOME/ssot/credentials.json`.
 */
export function fileStore(file = path.join(configDir(), 'credentials.json')): SecretStore {
  const read = async (): Promise<Record<string, string>> => {
    try {
      return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
  };
  return {
    kind: 'file',
    get: async (s, a) => (await read())[`${s}/${a}`],
    set: async (s, a, v) => {
      const all = await read();
      all[`${s}/${a}`] = v;
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeJsonAtomic(file, all, { mode: 0o600 });
    },
    delete: async (s, a) => {
      const all = await read();
      delete all[`${s}/${a}`];
      await writeJsonAtomic(file, all, { mode: 0o600 });
    },
  };
}

/** The keyring, else the 0600 file. `SSOT_KEYRING=file` forces the file (tests, CI). */
export async function defaultSecretStore(env: NodeJS.ProcessEnv = process.env): Promise<SecretStore> {
  if (env['SSOT_KEYRING'] !== 'file') {
    const os = await osKeyring();
    if (os) return os;
  }
  return fileStore(path.join(configDir(env), 'credentials.json'));
}
