import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import { configDir, ensurePrivateDir } from '../core/paths.js';

/** Where `{ keyring: "service/account" }` references are kept. */
export interface SecretStore {
  readonly kind: 'secret-service' | 'keychain' | 'windows' | 'file';
  /** For a person: "the Secret Service", "the file ~/.config/ssot/credentials.json (mode 0600)". */
  readonly where: string;
  get(service: string, account: string): Promise<string | undefined>;
  set(service: string, account: string, value: string): Promise<void>;
  delete(service: string, account: string): Promise<void>;
}

type KeyringModule = typeof import('@napi-rs/keyring');

/**
 * The OS keyring through @napi-rs/keyring: the Keychain on macOS, Credential
 * Manager on Windows, and on Linux the Secret Service (GNOME Keyring, KWallet)
 * only. Left to itself the library falls back on Linux to the kernel keyring
 * (keyutils) when no Secret Service answers: that store is shared by every
 * process of the user, does not survive a reboot and can expire, so a value
 * "stored in the keyring" would be lost without a word. The entry is pinned
 * to the Secret Service instead; where it does not answer, ssot uses its
 * documented 0600 file. Loaded lazily: only commands that need a token pay.
 */
export async function osKeyring(platform: NodeJS.Platform = process.platform, load: () => Promise<KeyringModule> = () => import('@napi-rs/keyring')): Promise<SecretStore | undefined> {
  let mod: KeyringModule;
  try {
    mod = await load();
  } catch {
    return undefined;
  }
  const options = platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined;
  const entry = (s: string, a: string) => new mod.Entry(s, a, options);
  const kind = platform === 'darwin' ? 'keychain' : platform === 'win32' ? 'windows' : 'secret-service';
  const store: SecretStore = {
    kind,
    where: kind === 'keychain' ? 'the macOS Keychain' : kind === 'windows' ? 'Windows Credential Manager' : 'the Secret Service (GNOME Keyring, KWallet)',
    get: async (s, a) => entry(s, a).getPassword() ?? undefined,
    set: async (s, a, v) => entry(s, a).setPassword(v),
    delete: async (s, a) => {
      entry(s, a).deletePassword();
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
    where: `the file ${file} (mode 0600)`,
    get: async (s, a) => (await read())[`${s}/${a}`],
    set: async (s, a, v) => {
      const all = await read();
      all[`${s}/${a}`] = v;
      await ensurePrivateDir(path.dirname(file));
      await writeJsonAtomic(file, all, { mode: 0o600 });
    },
    delete: async (s, a) => {
      const all = await read();
      delete all[`${s}/${a}`];
      await writeJsonAtomic(file, all, { mode: 0o600 });
    },
  };
}

/** The OS keyring, else the 0600 file. `SSOT_KEYRING=file` forces the file (tests, CI). */
export async function defaultSecretStore(env: NodeJS.ProcessEnv = process.env): Promise<SecretStore> {
  if (env['SSOT_KEYRING'] !== 'file') {
    const os = await osKeyring();
    if (os) return os;
  }
  return fileStore(path.join(configDir(env), 'credentials.json'));
}
